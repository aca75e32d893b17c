"""The public registry in a browser: search by beneficiary, page on, at 1280 and 390 px."""

import os

import pytest

from e2e.conftest import DESKTOP, PHONE, assert_page_is_usable, new_page
from factories import give, make_lot, make_org

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("REGISTRY_SHOTS")  # a folder: also save screenshots (by hand)


@pytest.fixture
def seeded(app, client):
    seller, buyer = make_org("seller"), make_org("buyer", name="长春绿色出行协会")
    lot_id = make_lot(seller, 100_000)
    give(seller, buyer, lot_id, 60_000)
    numbers = []
    for i in range(53):
        body = {"purpose": "voluntary" if i % 3 else "donation", "quantity_kg": 1_000 + i,
                "beneficiary_name": "Jilin Marathon 2026" if i == 7 else f"长春市民{i}"}
        numbers.append(client.post("/api/v1/retirements", headers=buyer.headers,
                                   json=body).json["number"])
    admin = make_org("registry_admin")
    last = client.get("/api/v1/retirements?per_page=1").json["items"][0]
    client.post(f"/api/v1/certificates/{last['certificate_number']}/revocation",
                headers=admin.headers, json={"reason": "核证报告被撤回"})
    return numbers


@pytest.mark.parametrize("locale,phone", [("zh-CN", False), ("en-US", True)])
def test_registry_search_and_next_page(browser, live_server, seeded, locale, phone):
    page = new_page(browser, locale=locale,
                    viewport=PHONE if phone else DESKTOP)
    page.goto(f"{live_server}/registry")
    assert page.locator("#result-count").inner_text().count("53") == 1
    assert page.locator(".revoked-mark").count() == 1
    assert_page_is_usable(page)
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/registry-{locale}-{'390' if phone else '1280'}.png",
                        full_page=True)
    page.locator("a[rel=next]").click()
    page.wait_for_url("**after=**")  # the click navigates: read the next page, not this one
    assert seeded[0] in page.locator("#retirements").inner_text()
    page.goto(f"{live_server}/registry")
    page.locator("#beneficiary").fill("marathon")
    page.locator(".registry-search button[type=submit]").click()
    page.wait_for_url("**beneficiary=marathon**")
    rows = page.locator("#retirements tbody tr")
    assert rows.count() == 1 and seeded[7] in rows.inner_text()
    assert "format=csv" in page.locator(".downloads a").first.get_attribute("href")
    assert_page_is_usable(page)
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/registry-search-{locale}-{'390' if phone else '1280'}.png",
                        full_page=True)
    page.context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE])
def test_a_long_unbroken_name_wraps_and_serials_break_only_at_hyphens(browser, live_server, app,
                                                                     client, viewport):
    seller, buyer = make_org("seller"), make_org("buyer", name="长春" + "绿" * 90)
    lot_id = make_lot(seller, 100_000)
    give(seller, buyer, lot_id, 20_000)
    retired = client.post("/api/v1/retirements", headers=buyer.headers, json={
        "purpose": "voluntary", "quantity_kg": 12_345, "beneficiary_name": "A" * 200}).json
    lot_code = retired["serials"][0]["lot_code"]
    page = new_page(browser, viewport=viewport)
    for path in ("/registry", f"/lots/{lot_code}", f"/verify/{retired['certificate_number']}"):
        page.goto(f"{live_server}{path}")
        assert_page_is_usable(page)
        assert page.locator("td.breakable").first.bounding_box()["width"] < viewport["width"]
    page.goto(f"{live_server}/registry")
    # A serial range wraps only between its parts: no part (a number) is on two lines.
    serial = page.locator("td.serials a").first
    parts = serial.evaluate("""a => [...a.querySelector('.code-breaks').childNodes]
        .filter(n => n.nodeType === Node.TEXT_NODE).map(n => {
            const range = document.createRange();
            range.selectNodeContents(n);
            return [n.textContent, [...range.getClientRects()].map(r => [r.left, r.top, r.width])];
        })""")
    assert "".join(text for text, _ in parts) == retired["serials"][0]["range"]
    assert len(parts) == 7 and all(len(rects) == 1 for _, rects in parts), parts
    page.context.close()
