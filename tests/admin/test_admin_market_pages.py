"""The registry administrator's market pages: the dashboard, issuance, all orders with
filters and release, bank reconciliation by look-up, methodologies and the audit — in both
languages, with bad input beside the field and 403 for everyone else."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from core import clock
from core.db import db
from factories import (make_bank_order, make_listing, make_lot, make_methodology, make_org,
                       sign_in_as)
from market.models import IssuanceRequest, Lot, Methodology, Order

ADMIN_PAGES = ["/admin", "/admin/orders", "/admin/bank-transfers", "/admin/issuance",
               "/admin/methodologies", "/admin/audit", "/admin/certificates",
               "/admin/organizations", "/admin/factor-sets"]


@pytest.fixture
def admin(client):
    org = make_org("registry_admin", kind="registry", name="吉林省生态环境厅")
    sign_in_as(client, org)
    return org


@pytest.fixture
def orders_seeded():
    """A seller's listing and two pending bank-transfer orders of two buyers."""
    seller = make_org("seller", name="长春地铁集团")
    listing = make_listing(seller, make_lot(seller, 50_000), 40_000, 12_000)  # ¥120.00/t
    first_buyer = make_org("buyer", kind="agency", name="长春市机关事务管理局")
    second_buyer = make_org("buyer", name="吉林银行")
    first = make_bank_order(first_buyer, listing, 2_500)  # ¥300.00
    second = make_bank_order(second_buyer, listing, 1_000)  # ¥120.00
    return first, second, first_buyer, second_buyer


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages_refuse_other_roles_and_send_visitors_to_sign_in(client, path):
    assert client.get(path).status_code == 302
    sign_in_as(client, make_org("buyer", "seller", "verifier", "case_authority"))
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages_show_in_chinese_and_english(client, admin, path):
    chinese = client.get(path)
    assert chinese.status_code == 200, path
    english = client.get(path + "?lang=en")
    assert english.status_code == 200
    assert 'lang="zh-CN"' in chinese.text and 'lang="en"' in english.text


def test_dashboard_counts_what_waits(client, admin, orders_seeded):
    first, *_ = orders_seeded
    seller, verifier = make_org("seller"), make_org("verifier")
    make_methodology("TR-BUS")
    _verified_request(seller, verifier)
    page = client.get("/admin?lang=en").text
    assert "Bank transfers awaiting confirmation" in page
    assert "2 waiting" in page  # two bank-transfer orders
    assert first.bank_reference in page
    assert "1 waiting" in page  # one verified request
    assert "Overdue events and claims" in page and "Overdue compensation cases" in page
    assert "Run the audit now" in page
    workspace = client.get("/workspace?lang=en").text
    assert "Registry dashboard" in workspace and "Bank reconciliation" in workspace


def _verified_request(seller, verifier, kg=7_500) -> int:
    from core.db import transaction
    from core.models import Organization
    from market import issuance
    from datetime import date

    with transaction() as session:
        request = issuance.submit_issuance_request(
            session.get(Organization, seller.id), methodology_code="TR-BUS", vintage=2026,
            period_start=date(2026, 1, 1), period_end=date(2026, 3, 31), quantity_kg=kg,
            evidence={})
        issuance.verify_issuance_request(session.get(Organization, verifier.id), request.id,
                                         decision="approved", verified_kg=kg,
                                         report_ref="吉核〔2026〕7号")
        return request.id


def test_issuance_page_issues_a_verified_request_through_the_use_case(client, admin):
    make_methodology("TR-BUS")
    request_id = _verified_request(make_org("seller", name="长春公交集团"), make_org("verifier"))
    page = client.get("/admin/issuance").text
    assert "长春公交集团" in page and "7.500" in page and "吉核〔2026〕7号" in page
    response = client.post(f"/admin/issuance/{request_id}?lang=en")
    assert response.status_code == 303
    lot = db.session.execute(sa.select(Lot)).scalar_one()
    assert lot.issued_kg == 7_500 and lot.code.startswith("JL-2026-TR-BUS-")
    assert db.session.get(IssuanceRequest, request_id).status == "issued"
    after = client.get("/admin/issuance?lang=en").text
    assert f"Lot {lot.code} is issued: 7.500 t to its seller." in after
    assert "No verified request waits for issuance." in after
    again = client.post(f"/admin/issuance/{request_id}?lang=en", follow_redirects=True).text
    assert "already been issued" in again
    assert db.session.scalar(sa.select(sa.func.count(Lot.id))) == 1


def test_orders_filter_by_status_reference_buyer_and_date(client, admin, orders_seeded):
    first, second, first_buyer, _ = orders_seeded
    page = client.get("/admin/orders").text
    assert first.number in page and second.number in page and "长春市机关事务管理局" in page
    by_reference = client.get("/admin/orders", query_string={
        "reference": " " + first.bank_reference.lower() + " "}).text
    assert first.number in by_reference and second.number not in by_reference
    by_buyer = client.get("/admin/orders", query_string={"organization_id": first_buyer.id}).text
    assert first.number in by_buyer and second.number not in by_buyer
    today = clock.today_in_china()
    assert second.number in client.get("/admin/orders", query_string={
        "placed_from": today.isoformat(), "placed_to": today.isoformat()}).text
    tomorrow = (today + timedelta(days=1)).isoformat()
    none = client.get("/admin/orders", query_string={"placed_from": tomorrow, "lang": "en"}).text
    assert "No orders match these filters." in none
    fulfilled = client.get("/admin/orders", query_string={"status": "fulfilled"}).text
    assert first.number not in fulfilled


def test_a_bad_date_filter_is_refused_beside_the_field(client, admin):
    response = client.get("/admin/orders?lang=en&placed_from=2026-13-45")
    assert response.status_code == 422
    assert "Not a valid date value." in response.text
    assert 'id="placed_from-errors"' in response.text
    chinese = client.get("/admin/orders?lang=zh&placed_from=2026-13-45")
    assert chinese.status_code == 422 and "不是有效的日期。" in chinese.text


def test_release_needs_a_reason_then_releases_the_pending_order(client, admin, orders_seeded):
    first, second, *_ = orders_seeded
    prefix = f"r{second.id}"
    refused = client.post(f"/admin/orders/{second.number}/release?lang=en",
                          data={f"{prefix}-reason": "  "})
    assert refused.status_code == 422
    assert "This field is required." in refused.text and f'id="{prefix}-reason-errors"' in refused.text
    chinese = client.post(f"/admin/orders/{second.number}/release", data={f"{prefix}-reason": ""})
    assert "此项为必填项" in chinese.text or chinese.status_code == 422
    released = client.post(f"/admin/orders/{second.number}/release?status=pending_payment",
                           data={f"{prefix}-reason": "买方书面声明不再付款"})
    assert released.status_code == 303
    assert "status=pending_payment" in released.headers["Location"]
    order = db.session.execute(sa.select(Order).where(Order.number == second.number)).scalar_one()
    assert order.status == "cancelled" and order.release_reason == "买方书面声明不再付款"
    listing_kg = db.session.execute(sa.text("SELECT remaining_kg FROM listings")).scalar_one()
    assert listing_kg == 40_000 - 2_500
    again = client.post(f"/admin/orders/{second.number}/release?lang=en",
                        data={f"{prefix}-reason": "again"})
    assert again.status_code == 409 and 'id="release-refused"' in again.text
    assert client.post("/admin/orders/JLO-2026-999999/release",
                       data={"reason": "x"}).status_code == 404


def test_look_up_by_reference_and_confirm_with_the_exact_amount(client, admin, orders_seeded):
    first, *_ = orders_seeded
    found = client.get("/admin/bank-transfers",
                       query_string={"q": f"  {first.bank_reference.lower()} "}).text
    assert first.number in found and 'id="confirm-form"' in found and "¥300.00" in found
    missing = client.get("/admin/bank-transfers?lang=en&q=JL000000000000")
    assert missing.status_code == 404 and "No order has the number or reference" in missing.text
    wrong = client.post(f"/admin/bank-transfers/{first.number}/confirmation?lang=en",
                        data={"amount": "299.99"})
    assert wrong.status_code == 409
    assert 'id="amount-errors"' in wrong.text and "Must equal ¥300.00." in wrong.text
    wrong_zh = client.post(f"/admin/bank-transfers/{first.number}/confirmation?lang=zh",
                           data={"amount": "299.99"})
    assert wrong_zh.status_code == 409 and 'id="amount-errors"' in wrong_zh.text
    assert "Must equal" not in wrong_zh.text
    garbled = client.post(f"/admin/bank-transfers/{first.number}/confirmation?lang=en",
                          data={"amount": "3OO"})
    assert garbled.status_code == 422 and "Enter an amount in yuan" in garbled.text
    confirmed = client.post(f"/admin/bank-transfers/{first.number}/confirmation",
                            data={"amount": "300.00"})
    assert confirmed.status_code == 303
    order = db.session.execute(sa.select(Order).where(Order.number == first.number)).scalar_one()
    assert order.status == "fulfilled"
    twice = client.post(f"/admin/bank-transfers/{first.number}/confirmation?lang=en",
                        data={"amount": "300.00"})
    assert twice.status_code == 409


def test_methodologies_file_and_move_through_their_statuses(client, admin):
    bad = client.post("/admin/methodologies?lang=en", data={
        "code": "tr metro", "title_zh": "", "title_en": "Metro", "scenario": "transport",
        "version": "1.0", "status": "filed"})
    assert bad.status_code == 422
    assert 'id="code-errors"' in bad.text and 'id="title_zh-errors"' in bad.text
    made = client.post("/admin/methodologies", data={
        "code": "TR-METRO", "title_zh": "城市轨道交通出行", "title_en": "Metro ridership",
        "scenario": "transport", "version": "1.0", "status": "draft"})
    assert made.status_code == 303
    duplicate = client.post("/admin/methodologies?lang=en", data={
        "code": "TR-METRO", "title_zh": "重复", "title_en": "Again", "scenario": "transport",
        "version": "1.0", "status": "draft"})
    assert duplicate.status_code == 409 and "Already exists." in duplicate.text

    def move(to, lang="en"):
        return client.post(f"/admin/methodologies/TR-METRO/status?lang={lang}",
                           data={"s-TR-METRO-status": to})

    assert move("filed").status_code == 303
    assert move("suspended").status_code == 303
    assert move("filed").status_code == 303
    refused = move("draft")
    assert refused.status_code == 422 and "Not a valid choice" in refused.text
    assert "不是有效的选项。" in move("draft", lang="zh").text
    assert move("retired").status_code == 303
    assert db.session.execute(sa.select(Methodology.status)).scalar_one() == "retired"
    page = client.get("/admin/methodologies?lang=zh").text
    assert 'id="methodology-TR-METRO"' in page and "已废止" in page
    assert client.post("/admin/methodologies/NOPE/status",
                       data={"s-NOPE-status": "filed"}).status_code == 404


def test_audit_runs_on_demand_and_reports_that_every_invariant_holds(client, admin,
                                                                      orders_seeded):
    page = client.get("/admin/audit?lang=en").text
    assert 'id="run-audit"' in page and "audit-result" not in page
    result = client.post("/admin/audit?lang=en")
    assert result.status_code == 200 and 'id="audit-passed"' in result.text


def test_audit_page_names_every_added_check_in_the_readers_language(client, admin):
    page = client.get("/admin/audit?lang=zh").text
    for title in ("公开统计数据等于注销与批次的重新汇总", "默克尔树与账本一致",
                  "每个已中和的活动与声明都由其注销覆盖", "每个以碳代偿案件的已注销总量"):
        assert title in page
    assert "fresh sum" not in page and "neutrality claims" not in page
    assert "Merkle tree matches the ledger" in client.get("/admin/audit?lang=en").text


def test_audit_names_a_broken_lot(client, admin, orders_seeded):
    db.session.execute(sa.text("UPDATE lots SET available_kg = available_kg + 1, "
                               "issued_kg = issued_kg + 1"))
    db.session.commit()
    result = client.post("/admin/audit?lang=en").text
    assert 'id="audit-failed"' in result and "lot JL-2026-TR-METRO" in result


def test_orders_are_paged_with_the_shared_pager_keeping_the_filters(client, admin,
                                                                    orders_seeded, monkeypatch):
    from market.pages import admin_orders

    monkeypatch.setattr(admin_orders, "PER_PAGE", 1)
    first, second, *_ = orders_seeded
    page = client.get("/admin/orders?lang=en&status=pending_payment").text
    assert "Page 1 of 2" in page and second.number in page and first.number not in page
    assert "status=pending_payment" in page.split('class="pager"')[1].split("</nav>")[0]
    older = client.get("/admin/orders?lang=en&status=pending_payment&page=2").text
    assert "Page 2 of 2" in older and first.number in older
