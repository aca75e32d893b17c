"""An event host makes its forum carbon neutral in Debian's Chromium, in Chinese and in
English, through every step of the stepper: register the event, estimate its footprint,
publish the commitment, (the event is held) enter the actual footprint, offset it now by
bank transfer, and — once the registry admin confirms the transfer through the use case —
read it carbon neutral and open its achievement certificate. Every page on the way passes
axe-core and fits 1280 and 390 px."""

from datetime import date

import pytest

from core.db import transaction
from core.models import Organization
from e2e.conftest import DESKTOP, PHONE, assert_page_is_usable, new_page
from factories import PASSWORD, make_listing, make_lot, make_org, make_user, on_china_date
from market.models import Order
from market.payments.bank import confirm_bank_transfer

pytestmark = pytest.mark.browser

TEXTS = {
    "zh-CN": {"planned": "筹备中", "committed": "已承诺", "awaiting": "待抵消",
              "neutral": "已实现碳中和", "estimate": "4.671 吨", "actual": "8.077 吨"},
    "en-US": {"planned": "Planned", "committed": "Committed", "awaiting": "Awaiting offset",
              "neutral": "Carbon neutral", "estimate": "4.671 t", "actual": "8.077 t"},
}


def usable_at_both_widths(page):
    """axe-core and no horizontal scroll at 1280 px, then at 390 px."""
    assert_page_is_usable(page)
    page.set_viewport_size(PHONE)
    assert_page_is_usable(page)
    page.set_viewport_size(DESKTOP)


def current_step(page) -> str:
    return page.get_attribute("#steps [aria-current=step]", "id").removeprefix("step-")


def confirm_transfer(order_number: str) -> None:
    """The registry admin confirms the bank transfer through the use case."""
    admin = make_org("registry_admin", kind="registry")
    with transaction() as session:
        order = session.query(Order).filter_by(number=order_number).one()
        confirm_bank_transfer(session.get(Organization, admin.id), order.id,
                              reference=order.bank_reference, amount_fen=order.total_fen)


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_an_event_host_makes_its_forum_carbon_neutral(app, client, live_server, browser,
                                                      locale):
    texts = TEXTS[locale]
    on_china_date(date(2026, 5, 1))
    seller = make_org("seller", name="长春地铁集团")
    make_listing(seller, make_lot(seller, 50_000), 50_000, 60_00)
    host = make_org("buyer", kind="event_host", name="吉林省会展中心")
    email = make_user(host)
    page = new_page(browser, locale=locale)
    try:
        page.goto(f"{live_server}/workspace")  # signed out: to the sign-in page and back
        page.fill("#email", email)
        page.fill("#password", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_selector(".workspace-entries a[href='/events']")
        page.click(".workspace-entries a[href='/events']")
        page.wait_for_selector("#register-event")
        usable_at_both_widths(page)

        page.click("#register-event")
        page.wait_for_selector("#event-form")
        usable_at_both_widths(page)
        page.fill("#name", "第二届长白山生态论坛")
        page.select_option("#kind", "forum")
        page.fill("#venue", "长白山国际会议中心")
        page.fill("#city", "白山")
        page.fill("#start_date", "2026-06-10")
        page.fill("#end_date", "2026-06-09")  # before the start: refused beside the field
        page.fill("#expected_attendees", "600")
        page.click("#event-form button[type=submit]")
        page.wait_for_selector("#end_date-errors")
        usable_at_both_widths(page)
        page.fill("#end_date", "2026-06-12")
        page.click("#event-form button[type=submit]")

        page.wait_for_selector("#steps")
        event_url = page.url
        assert texts["planned"] in page.inner_text("#status")
        assert current_step(page) == "estimate"
        usable_at_both_widths(page)
        page.fill("#estimate-electricity_kwh", "10000")
        page.click("#save-estimate")

        page.wait_for_selector("#commitment-preview")
        assert current_step(page) == "commitment"
        assert texts["estimate"] in page.inner_text("#commitment-preview").replace("\u00a0", " ")
        usable_at_both_widths(page)
        page.click("#publish-commitment")
        page.wait_for_selector("#step-held[aria-current=step]")
        assert texts["committed"] in page.inner_text("#status")
        assert page.inner_text("#commitment a").startswith("JLC-")

        on_china_date(date(2026, 6, 13))  # the forum has been held
        page.goto(event_url)
        assert current_step(page) == "actual"
        assert texts["awaiting"] in page.inner_text("#status")
        usable_at_both_widths(page)
        page.fill("#actual-electricity_kwh", "12000")
        page.fill("#actual-meals", "800")
        page.click("#save-actual")

        page.wait_for_selector("#offset-now")
        assert current_step(page) == "offset"
        figures = page.inner_text("#coverage-figures").replace("\u00a0", " ")
        assert texts["actual"] in figures
        assert page.get_attribute("#coverage", "max") == "8077"
        usable_at_both_widths(page)
        page.check("input[name=payment_method][value=bank_transfer]")
        page.click("#offset-now")
        page.wait_for_url("**/orders/JLO-*")
        assert_page_is_usable(page)
        confirm_transfer(page.url.rsplit("/", 1)[1])

        page.goto(event_url)
        assert texts["neutral"] in page.inner_text("#status")
        assert page.locator("#steps [aria-current=step]").count() == 0
        assert page.get_attribute("#coverage", "value") == "8077"
        usable_at_both_widths(page)
        link = page.locator("#neutral-notice a").first
        number = link.get_attribute("href").removeprefix("/verify/")
        assert number.startswith("JLC-")
        link.click()
        page.wait_for_url(f"**/verify/{number}")
        assert number in page.inner_text("main")
    finally:
        page.context.close()
