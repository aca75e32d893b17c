"""Each message arrives through a real SMTP server at the right people, with the right
subject and body in the recipient's language: orders (with the payment notice PDF),
issuance decisions, compensation cases and deadlines."""

from datetime import date, timedelta

import pytest

from cases.jobs import remind_due_cases_job
from core import clock
from core.db import transaction
from core.formatting import format_datetime
from core.mail.sending import send_pending
from core.models import Organization
from core.people.users import find_user_by_email, set_locale
from events.jobs import remind_due_claims
from factories import (case_body, give, make_authority, make_event, make_listing, make_lot,
                       make_org, make_user, on_china_date)
from market import issuance
from tests.mail.conftest import html_of, text_of
from tests.mail.mail_helpers import submit_request


def speaks(email: str, locale: str) -> str:
    with transaction():
        set_locale(find_user_by_email(email), locale)
    return email


@pytest.fixture
def market(app):
    seller, buyer, admin = make_org("seller"), make_org("buyer"), make_org("registry_admin")
    listing = make_listing(seller, make_lot(seller, 50_000), 20_000, 9_000)
    zh = make_user(buyer, "caiwu@jl-agency.example.cn")
    en = speaks(make_user(buyer, "finance@jl-agency.example.cn"), "en")
    return {"seller": seller, "buyer": buyer, "admin": admin, "listing": listing,
            "zh": zh, "en": en}


def place(client, market, **extra):
    response = client.post("/api/v1/orders", headers=market["buyer"].headers, json={
        "items": [{"listing_id": market["listing"], "quantity_kg": 1_500}],
        "payment_method": "bank_transfer", **extra})
    assert response.status_code == 201, response.json
    return response.json


def test_a_bank_transfer_order_tells_each_user_in_their_language_with_the_notice_pdf(
        client, smtp, market):
    order = place(client, market)
    assert send_pending() == {"sent": 2, "failed": 0}
    expires = clock.now().fromisoformat(order["expires_at"])

    [zh] = smtp.to(market["zh"])
    assert zh["Subject"] == f"订单 {order['number']} 待付款"
    body = text_of(zh)
    assert order["bank_reference"] in body and "金额：¥135.00" in body and "1.500 吨" in body
    assert format_datetime(expires, "zh") in body  # Beijing time, in Chinese
    assert "请准确填写转账附言" in body and "https://registry.test/orders/" in body
    assert order["bank_reference"] in html_of(zh)
    [pdf] = list(zh.iter_attachments())
    assert pdf.get_content_type() == "application/pdf"
    assert pdf.get_filename() == f"payment-notice-{order['number']}.pdf"
    assert pdf.get_content().startswith(b"%PDF-")

    [en] = smtp.to(market["en"])
    assert en["Subject"] == f"Order {order['number']} awaits your payment"
    body = text_of(en)
    assert "Quote the transfer reference exactly" in body and "Amount: ¥135.00" in body
    assert f"Transfer reference (附言): {order['bank_reference']}" in body
    assert format_datetime(expires, "en") in body and body.count("CST") >= 1
    assert [a.get_content_type() for a in en.iter_attachments()] == ["application/pdf"]


def test_a_buy_and_retire_order_fulfilled_links_its_certificate(client, smtp, market):
    order = place(client, market, retirement={"purpose": "voluntary",
                                              "beneficiary_name": "长春市民"})
    confirmed = client.post(f"/api/v1/orders/{order['id']}/bank-transfer-confirmation",
                            headers=market["admin"].headers,
                            json={"reference": order["bank_reference"],
                                  "amount_fen": order["total_fen"]})
    assert confirmed.status_code == 200, confirmed.json
    send_pending()
    fulfilled = [m for m in smtp.to(market["zh"]) if "已付款并完成" in m["Subject"]]
    assert [m["Subject"] for m in fulfilled] == [f"订单 {order['number']} 已付款并完成"]
    body = text_of(fulfilled[0])
    assert "已为您注销 1.500 吨" in body
    assert "https://registry.test/verify/" in body
    [en] = [m for m in smtp.to(market["en"]) if "fulfilled" in m["Subject"]]
    assert "are retired for you" in text_of(en) and "/verify/" in text_of(en)


def test_an_issuance_decision_reaches_the_sellers_users_with_the_reasons(client, smtp, app):
    seller, verifier = make_org("seller"), make_org("verifier", kind="verifier")
    zh = make_user(seller, "ops@metro.example.cn")
    en = speaks(make_user(seller, "ops-en@metro.example.cn"), "en")
    outsider = make_user(make_org("seller"), "other@bike.example.cn")
    approved, rejected = submit_request(seller), submit_request(seller)
    with transaction() as session:
        org = session.get(Organization, verifier.id)
        issuance.verify_issuance_request(org, approved, decision="approved",
                                         verified_kg=11_500, report_ref="JLV-2026-07")
        issuance.verify_issuance_request(org, rejected, decision="rejected", verified_kg=None,
                                         report_ref="监测期数据缺失 / missing monitoring data")
    send_pending()
    subjects = sorted(m["Subject"] for m in smtp.to(zh))
    assert subjects == sorted([f"签发申请 {approved} 已通过核证", f"签发申请 {rejected} 未通过核证"])
    [ok] = [m for m in smtp.to(zh) if "已通过" in m["Subject"]]
    assert "11.500 吨" in text_of(ok) and "12.000 吨" in text_of(ok) and "JLV-2026-07" in text_of(ok)
    [no] = [m for m in smtp.to(en) if "rejected" in m["Subject"]]
    assert no["Subject"] == f"Issuance request {rejected} rejected"
    assert "missing monitoring data" in text_of(no) and "Reasons and report reference" in text_of(no)
    assert smtp.to(outsider) == []


@pytest.fixture
def court(app):
    court = make_authority(name="长春市中级人民法院")
    return court, make_user(court, "clerk@court.example.cn")


def test_a_case_tells_the_obligor_in_the_openers_language_with_the_payment_link(
        client, smtp, court):
    authority, _clerk = court
    created = client.post("/api/v1/compensation-cases", headers={
        **authority.headers, "Accept-Language": "en"}, json=case_body(obligor={
            "name": "谢某某", "email": " xie@example.cn "}))
    assert created.status_code == 201, created.json
    assert created.json["obligor"]["email"] == "xie@example.cn"
    public = client.get(f"/api/v1/public/compensation-cases/{created.json['id']}").json
    assert "xie@example.cn" not in str(public)
    other = client.post("/api/v1/compensation-cases", headers=authority.headers, json=case_body(
        case_number="(2026)吉01民初124号", obligor={"name": "李某", "email": "li@example.cn"}))
    assert other.status_code == 201
    send_pending()
    [en] = smtp.to("xie@example.cn")
    assert en["Subject"] == "Compensation case (2026)吉01民初123号: payment link"
    assert created.json["payment_link"] in text_of(en) and "5.000 t" in text_of(en)
    [zh] = smtp.to("li@example.cn")
    assert zh["Subject"] == "以碳代偿案件 (2026)吉01民初124号：付款链接"
    assert other.json["payment_link"] in text_of(zh) and "判定认购量" in text_of(zh)


def test_an_obligor_email_must_be_an_address(client, court):
    authority, _clerk = court
    response = client.post("/api/v1/compensation-cases", headers=authority.headers,
                           json=case_body(obligor={"name": "谢某某", "email": "not-an-address"}))
    assert response.status_code == 422
    assert "email" in response.json["errors"]["obligor"]


def test_a_fulfilled_case_tells_the_authoritys_users(client, smtp, court):
    authority, clerk = court
    seller, obligor = make_org("seller"), make_org("buyer", name="吉林松柏林业有限公司")
    give(seller, obligor, make_lot(seller, 10_000), 5_000)
    case = client.post("/api/v1/compensation-cases", headers=authority.headers, json=case_body(
        obligor={"name": "吉林松柏林业有限公司", "organization_id": obligor.id})).json
    retired = client.post("/api/v1/retirements", headers=obligor.headers, json={
        "purpose": "ecological_compensation", "quantity_kg": 5_000, "case_id": case["id"],
        "beneficiary_name": "长春市中级人民法院（(2026)吉01民初123号）"})
    assert retired.status_code == 201, retired.json
    send_pending()
    [message] = smtp.to(clerk)
    assert message["Subject"] == "以碳代偿案件 (2026)吉01民初123号 已履行完毕"
    certificate = client.get(f"/api/v1/public/compensation-cases/{case['id']}").json[
        "certificate_number"]
    assert certificate in text_of(message) and f"/verify/{certificate}" in text_of(message)


def test_deadlines_30_days_ahead_are_told_once(client, smtp, court, app):
    authority, clerk = court
    host = make_org("buyer", kind="event_host")
    host_user = speaks(make_user(host, "host@expo.example.cn"), "en")
    on_china_date(date(2026, 5, 1))
    make_event(host, name="2026 东北亚博览会", start_date=date(2026, 6, 10),
               end_date=date(2026, 6, 12))
    client.post("/api/v1/compensation-cases", headers=authority.headers, json=case_body(
        obligor={"name": "谢某某", "email": "xie@example.cn"},
        due_date=(clock.today_in_china() + timedelta(days=40)).isoformat()))
    send_pending()
    before = len(smtp.received)

    on_china_date(date(2026, 5, 21))  # the case is due in 20 days; the event in a year
    assert remind_due_cases_job() == 2 and remind_due_cases_job() == 0
    assert remind_due_claims() == 0
    on_china_date(date(2027, 5, 20))  # the event's offset deadline (2027-06-12) is 23 days on
    assert remind_due_claims() == 1 and remind_due_claims() == 0
    send_pending()
    [due] = smtp.to(clerk)
    assert due["Subject"] == "以碳代偿案件 (2026)吉01民初123号 将于 2026年6月10日 到期"
    assert "20 天内" in text_of(due)
    assert len(smtp.to("xie@example.cn")) == 2  # the payment link, then the reminder
    [event] = smtp.to(host_user)
    assert event["Subject"] == "Offset deadline of 2026 东北亚博览会: 12 Jun 2027"
    assert "within 23 days" in text_of(event) and "/events/" in text_of(event)
    assert len(smtp.received) == before + 3
