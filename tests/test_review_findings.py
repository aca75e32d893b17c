"""Defects found by trying the site as a newcomer (review branch): what people read must be
in their language, with Beijing dates and grouped numbers, never a raw field name."""

import sqlalchemy as sa

from core.db import db
from factories import PASSWORD, give, make_listing, make_lot, make_org, make_user
from market.models import Order, Retirement


def sign_in(client, org):
    email = make_user(org)
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 303


def holder(client):
    seller, buyer = make_org("seller"), make_org("buyer", name="长春市机关事务管理局")
    lot = make_lot(seller, 20_000)
    give(seller, buyer, lot, 5_000)
    sign_in(client, buyer)
    return seller, buyer, lot


def retire(client, **fields):
    body = {"purpose": "voluntary", "beneficiary_name": "长春市民", "quantity": "1",
            "lot_id": "", "period_start": "", "period_end": "", "note": "", **fields}
    return client.post("/holdings/retirements", data=body)


def test_a_period_ending_before_it_starts_names_no_raw_field(client):
    holder(client)
    response = retire(client, purpose="organization_operations",
                      period_start="2026-12-31", period_end="2026-01-01")
    assert response.status_code == 422
    assert "period_start" not in response.text.split('id="period_end-errors"')[1][:200]
    assert "结束日期不得早于开始日期" in response.text
    english = client.post("/holdings/retirements?lang=en", data={
        "purpose": "organization_operations", "beneficiary_name": "x", "quantity": "1",
        "period_start": "2026-12-31", "period_end": "2026-01-01"})
    assert "The end must not be before the start." in english.text


def test_invisible_characters_in_a_name_typed_in_a_page_are_refused_in_chinese(client):
    holder(client)
    response = retire(client, beneficiary_name="长春\u200b市民")
    assert response.status_code == 422
    errors = response.text.split('id="beneficiary_name-errors"')[1][:300]
    assert "含有不可见字符" in errors and "The request holds" not in response.text
    assert "长春\u200b市民" in response.text  # what was typed comes back to be corrected
    assert db.session.scalar(sa.select(sa.func.count(Retirement.id))) == 0
    # a note is not a name: the zero-width joiner of an emoji sequence stays allowed there too
    assert retire(client, beneficiary_name="家庭 👨\u200d👩\u200d👧").status_code == 303


def test_not_enough_left_on_a_listing_groups_the_kilograms(client):
    seller = make_org("seller")
    listing = make_listing(seller, make_lot(seller, 200_000), 190_000, 6_800)
    sign_in(client, make_org("buyer", name="长春市机关事务管理局"))
    response = client.post("/market", data={
        f"quantity_{listing}": "195", "payment_method": "bank_transfer",
        "idempotency_key": "k-1", "beneficiary_name": "x"})
    assert response.status_code == 409
    # (under MAX_ORDER_KG, so it is the listing that falls short, not the order cap)
    assert "190,000 千克" in response.text and "195,000 千克" in response.text
    assert db.session.scalar(sa.select(sa.func.count(Order.id))) == 0


def test_certificate_period_is_a_beijing_date_in_each_language(client):
    holder(client)
    response = retire(client, purpose="organization_operations",
                      period_start="2026-01-01", period_end="2026-12-31")
    assert response.status_code == 303
    number = db.session.scalar(sa.select(Retirement.certificate_number))
    chinese = client.get(f"/verify/{number}?lang=zh").text
    assert "2026年1月1日 — 2026年12月31日" in chinese and "2026-01-01" not in chinese
    assert "PDF signing certificates" not in chinese
    english = client.get(f"/verify/{number}?lang=en").text
    assert "1 Jan 2026 – 31 Dec 2026" in english and "PDF 签名证书" not in english
