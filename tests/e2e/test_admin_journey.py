"""The registry administrator's journey in Chinese: the dashboard shows three bank
transfers waiting; a bank statement CSV (GB18030, as banks export it) confirms two orders
and reports one unmatched line; the admin looks the third order up by its 附言 and
releases it with a reason on /admin/orders."""

import pytest
import sqlalchemy as sa

from core.db import db
from e2e.conftest import PHONE, assert_page_is_usable, new_page, sign_in
from factories import make_bank_order, make_listing, make_lot, make_org, make_user
from market.models import Order

pytestmark = pytest.mark.browser


def status_of(number: str) -> str:
    db.session.rollback()  # a fresh snapshot: the live server committed in its own thread
    return db.session.execute(sa.select(Order.status).where(Order.number == number)).scalar_one()


def usable_at_both_widths(page):
    assert_page_is_usable(page)
    page.set_viewport_size(PHONE)
    assert_page_is_usable(page)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_admin_imports_a_statement_looks_up_an_order_and_releases_another(
        app, client, live_server, browser, tmp_path):
    seller = make_org("seller", name="长春市轨道交通集团")
    listing = make_listing(seller, make_lot(seller, 50_000), 40_000, 12_000)  # ¥120.00/t
    first = make_bank_order(make_org("buyer", kind="agency", name="长春市机关事务管理局"),
                            listing, 2_500)  # ¥300.00
    second = make_bank_order(make_org("buyer", name="吉林银行"), listing, 1_000)  # ¥120.00
    third = make_bank_order(make_org("buyer", name="吉林省林业调查规划院"), listing, 500)
    admin = make_org("registry_admin", kind="registry", name="吉林省生态环境厅")
    statement = tmp_path / "流水.csv"
    statement.write_bytes((
        "交易日期,金额,附言,付款人\r\n"
        f"2026-12-01,300.00,{first.bank_reference},长春市机关事务管理局\r\n"
        f"2026-12-01,120.00,{second.bank_reference},吉林银行\r\n"
        "2026-12-01,88.00,JL202699999999,某未知单位\r\n").encode("gb18030"))

    page = new_page(browser, locale="zh-CN")
    try:
        sign_in(page, live_server, make_user(admin), "/admin")
        assert "3 项待办" in page.inner_text("#panel-bank_transfers")
        usable_at_both_widths(page)

        page.click("#panel-bank_transfers h2 a")
        page.wait_for_selector("#statement-form")
        page.set_input_files("#statement-form input[name=file]", str(statement))
        page.click("#import-statement")
        page.wait_for_selector("#import-result")
        assert "3 行中有 2 行确认了订单。" in page.inner_text("#import-summary")
        assert page.locator("#import-lines tr.line-confirmed").count() == 2
        unmatched = page.inner_text("#import-lines tr.line-unknown_reference")
        assert "JL202699999999" in unmatched and "附言无对应订单" in unmatched
        usable_at_both_widths(page)
        assert status_of(first.number) == "fulfilled"
        assert status_of(second.number) == "fulfilled"

        page.fill("#q", f"  {third.bank_reference.lower()} ")
        page.click("#lookup button")
        page.wait_for_selector("#found-order")
        assert third.number in page.inner_text("#found-order")
        assert "待支付" in page.inner_text("#found-status")
        usable_at_both_widths(page)

        page.goto(f"{live_server}/admin/orders?status=pending_payment")
        row = f"#order-{third.number}"
        assert first.number not in page.inner_text("#orders")
        page.click(f"{row} details.release summary")
        page.click(f"{row} .release-button")  # without a reason: refused beside the field
        page.wait_for_selector(f"#r{third.id}-reason-errors")
        usable_at_both_widths(page)
        page.fill(f"#r{third.id}-reason", "买方书面确认不再付款")
        page.click(f"{row} .release-button")
        page.wait_for_selector("#no-orders")
        assert f"订单 {third.number} 已释放" in page.inner_text(".flashes")
        assert status_of(third.number) == "cancelled"
    finally:
        page.context.close()
