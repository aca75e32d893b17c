"""Browser fixtures: one Debian Chromium for the whole e2e package, a fresh context per
test, and the checks every page must pass (axe-core with no serious or critical finding;
no horizontal scroll at phone width). ``live_server`` is in tests/conftest.py."""

import pytest

from factories import PASSWORD

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def browser():
    """One browser for the session. Playwright's sync API keeps an event loop running in
    this thread while it lives, and the rest of the suite signs PDFs with asyncio in this
    thread, so browser tests are collected last (tests/conftest.py)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def new_page(browser, *, locale="zh-CN", viewport=DESKTOP):
    context = browser.new_context(locale=locale, viewport=viewport, accept_downloads=True)
    context.set_default_timeout(15_000)
    return context.new_page()


@pytest.fixture
def page(browser):
    page = new_page(browser)
    yield page
    page.context.close()


@pytest.fixture
def phone_page(browser):
    page = new_page(browser, viewport=PHONE)
    yield page
    page.context.close()


def sign_in(page, live_server, email, target="/workspace"):
    """Sign in through the form and land on ``target``."""
    page.goto(f"{live_server}/login?next={target}")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server}{target}")


def serious_accessibility_findings(page) -> list[str]:
    """axe-core's serious and critical violations on the current page, as readable lines."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [f"{v['id']} ({v['impact']}): {v['help']} — "
            + "; ".join(n["target"][0] for n in v["nodes"][:3])
            for v in results.response["violations"]
            if v.get("impact") in ("serious", "critical")]


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than the viewport (0 when it fits)."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth")


def assert_page_is_usable(page):
    """No serious accessibility finding, and nothing wider than the screen."""
    assert serious_accessibility_findings(page) == []
    assert horizontal_overflow(page) <= 0
