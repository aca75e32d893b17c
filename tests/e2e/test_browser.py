"""A citizen's path through the site in Debian's Chromium (Playwright): home, marketplace,
public registry, and verifying a certificate by number and by uploading its PDF."""

import pytest
import requests

from factories import give, make_lot, make_org

pytestmark = pytest.mark.browser

def test_citizen_browses_and_verifies_a_certificate(app, client, runner, live_server, page,
                                                    tmp_path):
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    seller, buyer = make_org("seller"), make_org("buyer", name="第十届东北亚博览会组委会")
    give(seller, buyer, make_lot(seller, 10_000), 3_000)
    retirement = client.post("/api/v1/retirements", headers=buyer.headers, json={
        "purpose": "voluntary", "beneficiary_name": "第十届东北亚博览会", "quantity_kg": 2_500}).json
    number = retirement["certificate_number"]

    page.goto(live_server + "/")
    assert "碳惠吉林" in page.inner_text("h1")
    assert "吨" in page.inner_text(".stat >> nth=0")
    page.click("text=进入市场")
    page.wait_for_selector("#listings")
    assert page.locator("#listings tr").count() == 1 + 5  # header + demo listings
    assert "JL-2026-TR-METRO" in page.inner_text("#listings")

    page.click("text=公开注销登记")
    page.wait_for_selector("#retirements")
    assert "第十届东北亚博览会" in page.inner_text("#retirements")
    page.click(f"text={number}")
    page.wait_for_selector("#verdict")
    assert "真实有效" in page.inner_text("#verdict")
    assert "2.500 吨" in page.inner_text("main").replace("\u00a0", " ")

    pdf = tmp_path / f"{number}.pdf"
    # Through the live server's thread: pyHanko signs with asyncio, and Playwright's
    # sync API keeps an event loop running in this one.
    pdf.write_bytes(requests.get(f"{live_server}/certificates/{number}.pdf", timeout=30).content)
    page.goto(live_server + "/verify")
    page.set_input_files("input[type=file]", str(pdf))
    page.click("#verify-upload")
    page.wait_for_selector("#verdict")
    assert "真实有效" in page.inner_text("#verdict") and page.locator("#verify-result").count()
    page.screenshot(path=str(tmp_path / "verified.png"), full_page=True)
