"""The public figures, a lot page and the verification verdict in a browser, at 1280 and
390 px, in both languages: usable (axe-core, no horizontal scroll), charts drawn without
script, and a PDF uploaded by a reader gets one plain verdict."""

import pytest

from e2e.conftest import DESKTOP, PHONE, assert_page_is_usable, new_page
from factories import give, make_lot, make_org

pytestmark = pytest.mark.browser

WORDS = {"zh-CN": ("真实有效", "签名凭证载明的内容", "本图数据"),
         "en-US": ("Genuine", "What the signed credential says", "Figures of this chart")}


@pytest.fixture
def seeded(app, client):
    seller, buyer = make_org("seller", name="长春地铁集团"), make_org("buyer", name="吉林银行")
    lot_id = make_lot(seller, 50_000)
    give(seller, buyer, lot_id, 20_000)
    made = []
    for i, purpose in enumerate(("voluntary", "donation", "voluntary")):
        made.append(client.post("/api/v1/retirements", headers=buyer.headers, json={
            "purpose": purpose, "beneficiary_name": f"长春市民{i}",
            "quantity_kg": 1_500 + i}).json)
    # The PDF is rendered later by the live server's own thread: signing runs asyncio,
    # which may not start in this thread while Playwright's event loop runs here.
    return {"lot": made[0]["serials"][0]["lot_code"], "number": made[0]["certificate_number"]}


@pytest.mark.parametrize("locale,viewport", [("zh-CN", PHONE), ("en-US", DESKTOP),
                                             ("en-US", PHONE)])
def test_home_lot_and_verdict_pages(browser, live_server, seeded, locale, viewport):
    genuine, claims, figures = WORDS[locale]
    page = new_page(browser, locale=locale, viewport=viewport)
    try:
        page.goto(live_server + "/")
        assert page.locator("#chart-retired-by-month svg[role=img]").count() == 1
        assert page.locator("#chart-by-scenario rect").count() >= 12
        page.locator("#chart-retired-by-month summary").click()  # the data table opens
        assert page.locator("#chart-retired-by-month table").is_visible()
        assert figures in page.inner_text("body")
        assert_page_is_usable(page)

        page.goto(f"{live_server}/registry")
        page.locator(f"#retirements a[href='/lots/{seeded['lot']}']").first.click()
        assert page.locator("#lot-code").inner_text() == seeded["lot"]
        assert page.locator("#lot-retirements tbody tr").count() == 3
        assert_page_is_usable(page)

        pdf = page.request.get(f"{live_server}/certificates/{seeded['number']}.pdf").body()
        page.goto(f"{live_server}/verify")
        page.set_input_files("input[name=file]", files=[{
            "name": "certificate.pdf", "mimeType": "application/pdf", "buffer": pdf}])
        page.locator("#verify-upload").click()
        assert genuine in page.locator("#verdict").inner_text()
        assert claims in page.inner_text("body") and seeded["number"] in page.inner_text("body")
        assert_page_is_usable(page)

        page.goto(f"{live_server}/verify?number={seeded['number'].lower()}")
        assert genuine in page.locator("#verdict").inner_text()
        assert_page_is_usable(page)
    finally:
        page.context.close()
