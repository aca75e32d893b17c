"""The seller's journey in Chinese: a request with a PDF evidence file, the verifier
approves it on /verification, the registry admin issues the lot on /admin/issuance, and the
seller lists part of the lot on /lots."""

import pytest
import sqlalchemy as sa

from core.db import db
from e2e.conftest import assert_page_is_usable, new_page
from factories import MINIMAL_PDF, PASSWORD, make_methodology, make_org, make_user
from market.models import Lot

pytestmark = pytest.mark.browser

PDF = MINIMAL_PDF


def sign_in(page, live_server, email, next_url):
    page.goto(f"{live_server}/login?next={next_url}")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server}{next_url}")


def test_seller_request_verified_issued_and_listed(app, client, live_server, browser, tmp_path):
    make_methodology()
    seller = make_org("seller", name="长春市轨道交通集团")
    verifier = make_org("verifier", kind="verifier", name="吉林省低碳核证中心")
    admin = make_org("registry_admin", kind="registry", name="吉林省碳普惠登记中心")
    evidence = tmp_path / "监测报告.pdf"
    evidence.write_bytes(PDF)

    page = new_page(browser, locale="zh-CN")
    try:
        sign_in(page, live_server, make_user(seller), "/issuance-requests")
        assert_page_is_usable(page)
        page.select_option("select[name=methodology_code]", "TR-METRO")
        page.fill("input[name=vintage]", "2026")
        page.fill("input[name=period_start]", "2026-01-01")
        page.fill("input[name=period_end]", "2026-06-30")
        page.fill("input[name=quantity]", "12.5")
        page.fill("textarea[name=summary]", "地铁闸机刷卡数据")
        page.click("#submit-request")
        page.wait_for_selector("#upload")
        page.set_input_files("input[name=file]", str(evidence))
        page.click("#upload-submit")
        page.wait_for_selector(".evidence-files")
        assert "监测报告.pdf" in page.inner_text(".evidence-files")
        assert_page_is_usable(page)
        request_id = int(page.url.rstrip("/").split("/")[-1])
    finally:
        page.context.close()

    page = new_page(browser, locale="zh-CN")
    try:
        sign_in(page, live_server, make_user(verifier), "/verification")
        item = f"#request-{request_id}"
        assert "监测报告.pdf" in page.inner_text(item)
        assert_page_is_usable(page)
        page.fill(f"{item} input[name=a{request_id}-verified]", "12")
        page.fill(f"{item} input[name=a{request_id}-report_ref]", "JLV-2026-001")
        page.click(f"{item} form.approve button")
        page.wait_for_selector("#queue-empty")
        assert "已核证" in page.inner_text("#decided")
    finally:
        page.context.close()

    page = new_page(browser, locale="zh-CN")
    try:
        sign_in(page, live_server, make_user(admin), "/admin/issuance")
        row = f"#request-{request_id}"
        assert "12.000" in page.inner_text(row) and "JLV-2026-001" in page.inner_text(row)
        assert_page_is_usable(page)
        page.click(f"{row} .issue-button")
        page.wait_for_selector("#no-requests")
        assert "已签发" in page.inner_text(".flashes")
    finally:
        page.context.close()
    db.session.rollback()  # a fresh snapshot: the live server committed in its own thread
    lot = db.session.execute(sa.select(Lot).where(Lot.issuance_request_id == request_id)).scalar_one()
    assert lot.issued_kg == 12_000

    page = new_page(browser, locale="zh-CN")
    try:
        sign_in(page, live_server, make_user(seller), "/lots")
        assert lot.code in page.inner_text("#lots")
        page.select_option("select[name=lot_id]", str(lot.id))
        page.fill("input[name=quantity]", "5")
        page.fill("input[name=price]", "60")
        page.click("#list-submit")
        page.wait_for_selector("#listings")
        listings = page.inner_text("#listings").replace("\u00a0", " ")
        assert "5.000 吨" in listings and "¥60.00" in listings
        assert_page_is_usable(page)
    finally:
        page.context.close()
