"""An organisation declares carbon neutrality for 2026 in Debian's Chromium, in Chinese and
in English: it opens a claim larger than a retirement it made earlier, attaches that
retirement (partial cover), offsets the rest by bank transfer, and once the registry
admin confirms the payment the claim reads carbon neutral with its certificate."""

from datetime import date

import pytest

from e2e.conftest import DESKTOP, PHONE, assert_page_is_usable, new_page
from factories import PASSWORD, give, make_listing, make_lot, make_org, make_user, on_china_date

pytestmark = pytest.mark.browser

TEXTS = {
    "zh-CN": {"awaiting": "待抵消", "neutral": "已实现碳中和", "partial": "2.000 吨 / 5.000 吨 已注销（40 %）"},
    "en-US": {"awaiting": "Awaiting offset", "neutral": "Carbon neutral",
              "partial": "2.000 t of 5.000 t retired (40 %)."},
}


def seed(client):
    """A buyer with an organization_operations retirement for the first half of 2026, and
    an open listing to buy the rest from."""
    on_china_date(date(2026, 12, 1))
    seller = make_org("seller", name="长春公交集团")
    organization = make_org("buyer", kind="agency", name="吉林省机关事务管理局")
    lot = make_lot(seller, 50_000)
    give(seller, organization, lot, 2_000)
    make_listing(seller, lot, 20_000, 60_00)
    earlier = client.post("/api/v1/retirements", headers=organization.headers, json={
        "purpose": "organization_operations", "beneficiary_name": "吉林省机关事务管理局",
        "quantity_kg": 2_000, "period_start": "2026-01-01", "period_end": "2026-06-30"})
    assert earlier.status_code == 201, earlier.json
    return organization, earlier.json


def visible_text(page, selector="main") -> str:
    return page.inner_text(selector).replace("\u00a0", " ")


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_an_organisation_declares_neutrality_for_2026_and_offsets_it(
        app, client, live_server, browser, phone_page, locale):
    texts = TEXTS[locale]
    organization, earlier = seed(client)
    email = make_user(organization)
    admin = make_org("registry_admin", kind="registry")
    page = new_page(browser, locale=locale)
    try:
        page.goto(f"{live_server}/workspace")  # signed out: to the sign-in page and back
        page.fill("#email", email)
        page.fill("#password", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_selector(".workspace-entries a[href='/claims']")
        assert_page_is_usable(page)
        page.click(".workspace-entries a[href='/claims']")
        page.wait_for_selector("a[href='/claims/new']")
        assert_page_is_usable(page)

        page.click("a[href='/claims/new']")
        page.wait_for_selector("#activity")
        assert_page_is_usable(page)
        page.select_option("#subject", "organization")
        page.fill("#name", "2026 年机关办公运营碳中和")
        page.fill("#period_start", "2026-01-01")
        page.fill("#period_end", "2026-12-31")
        page.check("#basis-0")
        page.fill("#footprint_t", "5")
        page.click("main form button[type=submit]")

        page.wait_for_selector("#coverage")
        claim_url = page.url
        assert texts["awaiting"] in page.inner_text("#status")
        assert_page_is_usable(page)
        assert page.locator("#retirement_id option").count() == 1
        assert earlier["number"] in page.inner_text("#retirement_id")
        page.set_viewport_size(PHONE)  # the owner's forms at phone width
        assert_page_is_usable(page)
        page.set_viewport_size(DESKTOP)
        page.click("#attach")
        page.wait_for_selector(".flashes")
        assert texts["partial"] in visible_text(page, "#coverage-figures")
        assert page.get_attribute("#coverage", "value") == "2000"
        assert earlier["number"] in page.inner_text("#retirements")
        assert_page_is_usable(page)

        page.check("input[name=payment_method][value=bank_transfer]")
        page.click("#offset-now")
        page.wait_for_url("**/orders/JLO-*")
        number = page.url.rsplit("/", 1)[1]

        order = client.get(f"/api/v1/orders?number={number}", headers=admin.headers).json["items"][0]
        assert [item["quantity_kg"] for item in order["items"]] == [3_000]
        confirmed = client.post(f"/api/v1/orders/{order['id']}/bank-transfer-confirmation",
                                headers=admin.headers, json={
                                    "reference": order["bank_reference"],
                                    "amount_fen": order["total_fen"]})
        assert confirmed.status_code == 200, confirmed.json

        page.goto(claim_url)
        assert texts["neutral"] in page.inner_text("#status")
        certificate = page.get_attribute("#neutral-notice a", "href")
        assert certificate.startswith("/verify/JLC-")
        assert page.get_attribute("#coverage", "value") == "5000"
        assert page.locator("#offset-now").count() == 0
        assert_page_is_usable(page)
    finally:
        page.context.close()

    phone_page.goto(claim_url + ("?lang=en" if locale == "en-US" else ""))
    assert texts["neutral"] in phone_page.inner_text("#status")
    assert certificate.removeprefix("/verify/") in phone_page.inner_text("#certificate")
    assert phone_page.locator("#coverage").count() == 0  # the public sees no owner panel
    assert_page_is_usable(phone_page)
