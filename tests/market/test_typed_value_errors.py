"""A value a person typed but the page could not read is refused with why, not with
"This field is required." (``core.form_fields.Required``: WTForms' ``DataRequired``
cleared the parser's message whenever the typed text gave no data). Nothing is stored."""

import pytest
import sqlalchemy as sa

from core.db import db
from factories import PASSWORD, make_lot, make_methodology, make_org, make_user
from market.models import IssuanceRequest, Listing

FORM = {"methodology_code": "TR-METRO", "vintage": "2026", "period_start": "2026-01-01",
        "period_end": "2026-06-30", "quantity": "12.5", "summary": ""}


@pytest.fixture
def seller(client):
    make_methodology()
    seller = make_org("seller")
    response = client.post("/login", data={"email": make_user(seller), "password": PASSWORD})
    assert response.status_code == 303
    return seller


def _errors(page: str, field: str) -> str:
    return page.split(f'id="{field}-errors"', 1)[1].split("</ul>", 1)[0]


@pytest.mark.parametrize("field, typed, en, zh", [
    ("quantity", "-1", "Enter a quantity in tonnes, for example 1.234.",
     "请以吨为单位填写数量，例如 1.234。"),
    ("quantity", "1e3", "Enter a quantity in tonnes, for example 1.234.",
     "请以吨为单位填写数量，例如 1.234。"),
    ("quantity", "1.0001", "At most three decimals", "最多三位小数"),
    ("period_start", "2026-02-30", "Not a valid date value.", "不是有效的日期值"),
    ("vintage", "二〇二六", "Not a valid integer value.", "不是有效的整数"),
])
def test_unreadable_text_on_the_issuance_form_says_why(client, seller, field, typed, en, zh):
    for lang, message in (("en", en), ("zh", zh)):
        response = client.post(f"/issuance-requests?lang={lang}", data={**FORM, field: typed})
        assert response.status_code == 422
        errors = _errors(response.text, field)
        assert message in errors
        assert "required" not in errors and "必填" not in errors
    assert db.session.scalar(sa.select(sa.func.count(IssuanceRequest.id))) == 0


def test_an_empty_field_is_still_required(client, seller):
    response = client.post("/issuance-requests?lang=en", data={**FORM, "quantity": "  "})
    assert response.status_code == 422
    assert "This field is required." in _errors(response.text, "quantity")


def test_an_unreadable_price_on_the_listing_form_says_why(client, seller):
    lot = make_lot(seller, 5_000)
    response = client.post("/lots/listings?lang=en",
                           data={"lot_id": str(lot), "quantity": "1", "price": "¥-5"})
    assert response.status_code == 422
    assert "required" not in _errors(response.text, "price")
    assert db.session.scalar(sa.select(sa.func.count(Listing.id))) == 0


def test_approving_more_than_claimed_is_told_in_tonnes(client):
    make_methodology()
    seller, verifier = make_org("seller"), make_org("verifier")
    response = client.post("/api/v1/issuance-requests", headers=seller.headers, json={
        "methodology_code": "TR-METRO", "vintage": 2026, "period_start": "2026-01-01",
        "period_end": "2026-06-30", "quantity_kg": 1_500, "evidence": {}})
    assert response.status_code == 201
    request_id = response.json["id"]
    assert client.post("/login", data={"email": make_user(verifier), "password": PASSWORD}
                       ).status_code == 303
    for lang, message in (("en", "At most the claimed 1.500"), ("zh", "不超过申报量 1.500")):
        refused = client.post(f"/verification/{request_id}/approve?lang={lang}", data={
            f"a{request_id}-verified": "999,999", f"a{request_id}-report_ref": "R-1"})
        assert refused.status_code == 422
        errors = _errors(refused.text, f"a{request_id}-verified")
        assert message in errors and "1500" not in errors
    db.session.expire_all()
    assert db.session.get(IssuanceRequest, request_id).status == "submitted"
