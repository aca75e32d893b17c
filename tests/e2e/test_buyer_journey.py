"""An official buys and retires in the browser: bank transfer with its payment notice (in
Chinese and in English), online payment through the fake Stripe's pay page, and the
buyer's pages at phone width."""

import subprocess
from pathlib import Path

import pytest
import requests

from e2e.conftest import PHONE, assert_page_is_usable, new_page, sign_in
from factories import make_listing, make_lot, make_org, make_user
from stripe_fixtures import WEBHOOK_SECRET

pytestmark = pytest.mark.browser

TEXT = {"zh-CN": {"pending": "待支付", "fulfilled": "已完成", "words": "人民币壹仟伍佰元整"},
        "en-US": {"pending": "Awaiting payment", "fulfilled": "Fulfilled",
                  "words": "人民币壹仟伍佰元整"}}


@pytest.fixture
def app_config(stripe_config):
    return stripe_config


@pytest.fixture
def seeded(app):
    """Two sellers' listings at ¥120/t, an agency buyer with a user, the registry admin."""
    sellers = make_org("seller", name="长春公交集团"), make_org("seller", name="吉林市地铁")
    listings = [make_listing(seller, make_lot(seller, 30_000), 20_000, 12_000)
                for seller in sellers]
    buyer = make_org("buyer", kind="agency", name="长春市机关事务管理局")
    return {"listings": listings, "buyer": buyer, "email": make_user(buyer),
            "admin": make_org("registry_admin", kind="registry")}


def pdf_text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True,
                          check=True).stdout.decode()


def order_of(live_server, actor, number):
    found = requests.get(f"{live_server}/api/v1/orders", params={"number": number},
                         headers=actor.headers, timeout=10).json()
    return found["items"][0]


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_official_buys_retires_and_pays_by_bank_transfer(browser, live_server, seeded, locale):
    text, (first, second) = TEXT[locale], seeded["listings"]
    page = new_page(browser, locale=locale)
    sign_in(page, live_server, seeded["email"], "/market")
    assert_page_is_usable(page)

    page.fill(f"#quantity_{first}", "10")
    page.fill(f"#quantity_{second}", "2.5")
    page.check("input[name=payment_method][value=bank_transfer]")
    page.select_option("#purpose", "organization_operations")
    page.fill("#beneficiary_name", "长春市机关事务管理局")
    page.fill("#period_start", "2026-01-01")
    page.fill("#period_end", "2026-12-31")
    page.click("#place-order")
    page.wait_for_selector("#payment-notice")
    assert page.inner_text("#order-status") == text["pending"]
    number = page.url.rsplit("/", 1)[1]
    reference = page.inner_text("#bank-reference")
    assert page.inner_text("#amount-in-words") == text["words"]  # 12.5 t × ¥120
    assert_page_is_usable(page)

    with page.expect_download() as download:
        page.click("#notice-pdf")
    notice = pdf_text(Path(download.value.path()).read_bytes())
    assert text["words"] in notice and reference in notice

    order = order_of(live_server, seeded["buyer"], number)
    assert [i["quantity_kg"] for i in order["items"]] == [10_000, 2_500]
    confirmed = requests.post(
        f"{live_server}/api/v1/orders/{order['id']}/bank-transfer-confirmation",
        headers=seeded["admin"].headers, timeout=30,
        json={"reference": reference, "amount_fen": order["total_fen"]})
    assert confirmed.status_code == 200, confirmed.text

    page.reload()
    assert page.inner_text("#order-status") == text["fulfilled"]
    assert_page_is_usable(page)
    href = page.get_attribute("#certificate-pdf", "href")
    # Through the live server's thread: pyHanko signs with asyncio, and Playwright's sync
    # API keeps an event loop running in this one.
    certificate = requests.get(live_server + href, timeout=60)
    assert certificate.status_code == 200 and certificate.content.startswith(b"%PDF")
    assert "12.500" in pdf_text(certificate.content)
    page.context.close()


def test_official_pays_online_through_stripe(app, browser, live_server, seeded, fake):
    app.config["BASE_URL"] = live_server  # Stripe sends the payer back here
    fake.webhook_url = f"{live_server}/api/v1/payments/stripe/webhook"
    fake.webhook_secret = WEBHOOK_SECRET
    page = new_page(browser)
    sign_in(page, live_server, seeded["email"], "/market")
    page.fill(f"#quantity_{seeded['listings'][0]}", "1.25")
    page.check("input[name=payment_method][value=stripe]")
    page.select_option("#purpose", "voluntary")
    page.click("#place-order")
    page.wait_for_selector("#pay")
    assert page.inner_text("#order-status") == "待支付"
    assert_page_is_usable(page)
    page.click("#pay")
    page.wait_for_selector("#status")  # the fake's pay page
    assert "150.00" in page.inner_text("body")  # 1.25 t × ¥120
    page.click("button[value=pay]")
    page.wait_for_selector("#order-status")
    assert page.inner_text("#order-status") == "已完成"
    assert page.locator("#certificate-pdf").count() == 1
    assert_page_is_usable(page)
    page.context.close()


def test_buyer_pages_fit_a_phone(browser, live_server, seeded):
    page = new_page(browser, viewport=PHONE)
    sign_in(page, live_server, seeded["email"], "/market")
    assert_page_is_usable(page)
    page.fill(f"#quantity_{seeded['listings'][1]}", "3")
    page.click("#place-order")
    page.wait_for_selector("#payment-notice")
    assert_page_is_usable(page)
    page.goto(f"{live_server}/orders")
    page.wait_for_selector("#orders")
    assert_page_is_usable(page)
    page.context.close()
