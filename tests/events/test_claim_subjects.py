"""Who a claim is about: "offset now" retires on behalf of the organisation itself for an
organisation claim (not the claim's title) and of the pilot for a pilot claim; the claim
page names the organisation as such, not as an event's host."""

from datetime import date

import pytest

from core.db import db
from factories import PASSWORD, make_listing, make_lot, make_org, make_user, on_china_date
from market.models import Order


@pytest.fixture
def org(app, client):
    on_china_date(date(2026, 7, 15))
    buyer = make_org("buyer", kind="agency", name="吉林省机关事务管理局")
    seller = make_org("seller")
    make_listing(seller, make_lot(seller, 50_000), 50_000, 60_00)
    response = client.post("/login", data={"email": make_user(buyer), "password": PASSWORD})
    assert response.status_code == 303
    return buyer


def open_claim(client, subject: str, name: str) -> int:
    response = client.post("/claims/new", data={
        "subject": subject, "name": name, "period_start": "2026-01-01",
        "period_end": "2026-06-30", "basis": "total", "footprint_t": "2"})
    assert response.status_code == 303
    return int(response.location.rsplit("/", 1)[1])


@pytest.mark.parametrize("subject, name, beneficiary, label_zh, label_en", [
    ("organization", "2026 年上半年办公运营", "吉林省机关事务管理局", "单位：", "Organisation:"),
    ("pilot", "长春新区零碳园区", "长春新区零碳园区", "试点运营单位：", "Pilot operator:"),
])
def test_offset_now_names_the_subject_and_the_page_labels_it(
        client, org, subject, name, beneficiary, label_zh, label_en):
    claim_id = open_claim(client, subject, name)
    page = client.get(f"/claims/{claim_id}").text
    assert label_zh in page and "主办方" not in page
    assert label_en in client.get(f"/claims/{claim_id}", headers={"Accept-Language": "en"}).text
    response = client.post(f"/claims/{claim_id}/offset", data={"payment_method": "bank_transfer"})
    assert response.status_code == 303
    order = db.session.query(Order).one()
    assert order.retirement["beneficiary_name"] == beneficiary
    assert order.retirement["claim_id"] == claim_id
