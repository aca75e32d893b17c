"""Statuses move only through the models' transitions, each from the states it names
(WrongState, 409, otherwise), and the database refuses a status the code does not know."""

from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from cases.models import CompensationCase
from core import clock
from core.db import db, transaction
from core.errors import WrongState
from events.models import NeutralityClaim
from factories import case_body, make_authority, make_event, make_listing, make_lot, make_org
from market import orders
from market.models import IssuanceRequest, Listing, Order

NOW = datetime(2026, 5, 1, 8, tzinfo=timezone.utc)


def order_in(status: str, expires_at: datetime = NOW + timedelta(hours=1)) -> Order:
    return Order(id=1, number="JLO-2026-00000001", status=status, expires_at=expires_at)


@pytest.mark.parametrize("status", ["fulfilled", "cancelled", "expired"])
def test_a_closed_order_cannot_be_fulfilled_cancelled_or_expired(status):
    order = order_in(status, expires_at=NOW - timedelta(hours=1))
    for transition in (order.mark_fulfilled, order.mark_cancelled, order.mark_expired,
                       order.close_window):
        with pytest.raises(WrongState):
            transition(NOW)
    assert order.status == status


def test_a_pending_order_cannot_expire_before_its_deadline():
    order = order_in("pending_payment")
    with pytest.raises(WrongState, match="cannot expire yet"):
        order.mark_expired(NOW)
    order.mark_expired(order.expires_at)
    assert (order.status, order.closed_at) == ("expired", order.expires_at)


def test_a_checkout_ended_early_closes_the_window_so_the_order_may_expire():
    order = order_in("pending_payment")
    order.close_window(NOW)
    order.mark_expired(NOW)
    assert order.status == "expired" and order.expires_at == NOW


def test_a_closed_listing_cannot_close_again():
    listing = Listing(id=1, status="closed", remaining_kg=0)
    with pytest.raises(WrongState):
        listing.mark_closed(NOW)


@pytest.mark.parametrize("status", ["verified", "rejected", "issued"])
def test_only_a_submitted_request_is_verified_or_rejected(status):
    request = IssuanceRequest(id=1, status=status)
    with pytest.raises(WrongState):
        request.mark_verified(2, 1_000, "R-1", NOW)
    with pytest.raises(WrongState):
        request.mark_rejected(2, "R-1", NOW)
    assert request.status == status


@pytest.mark.parametrize("status", ["submitted", "rejected", "issued"])
def test_only_a_verified_request_is_issued(status):
    with pytest.raises(WrongState):
        IssuanceRequest(id=1, status=status).mark_issued()


def test_case_transitions_refuse_wrong_states():
    with pytest.raises(WrongState):
        CompensationCase(id=1, status="fulfilled").mark_fulfilled("JLC-1", NOW)
    for status in ("fulfilled", "overdue"):
        with pytest.raises(WrongState):
            CompensationCase(id=1, status=status).mark_overdue()
    late = CompensationCase(id=1, status="overdue")
    late.mark_fulfilled("JLC-1", NOW)  # covered late is still covered
    assert late.status == "fulfilled"


@pytest.mark.parametrize("transition, refused_from", [
    (lambda c: c.mark_committed("JLN-1", NOW), ("committed", "awaiting_offset", "neutral",
                                                "overdue")),
    (lambda c: c.mark_awaiting_offset(), ("awaiting_offset", "neutral", "overdue")),
    (lambda c: c.mark_neutral("JLN-1", NOW), ("neutral",)),
    (lambda c: c.mark_overdue(NOW), ("neutral", "overdue")),
])
def test_claim_transitions_refuse_wrong_states(transition, refused_from):
    for status in refused_from:
        with pytest.raises(WrongState):
            transition(NeutralityClaim(id=1, status=status))


@pytest.fixture
def market(app):
    seller, buyer = make_org("seller"), make_org("buyer")
    listing = make_listing(seller, make_lot(seller, 5_000), 2_000, 8_000)
    return {"seller": seller, "buyer": buyer, "listing": listing}


def place(client, market):
    response = client.post("/api/v1/orders", headers=market["buyer"].headers, json={
        "items": [{"listing_id": market["listing"], "quantity_kg": 500}],
        "payment_method": "bank_transfer"})
    assert response.status_code == 201, response.json
    return response.json


def test_cancelling_a_cancelled_order_is_409_wrong_state(client, market):
    order = place(client, market)
    url = f"/api/v1/orders/{order['id']}/cancel"
    assert client.post(url, headers=market["buyer"].headers).status_code == 200
    again = client.post(url, headers=market["buyer"].headers)
    assert again.status_code == 409 and again.json["code"] == "wrong_state"


def test_delisting_a_closed_listing_is_409_wrong_state(client, market):
    url = f"/api/v1/listings/{market['listing']}"
    assert client.delete(url, headers=market["seller"].headers).status_code == 200
    again = client.delete(url, headers=market["seller"].headers)
    assert again.status_code == 409 and again.json["code"] == "wrong_state"


def test_verifying_twice_and_issuing_a_rejected_request_are_409(client, app):
    seller, verifier = make_org("seller"), make_org("verifier", kind="verifier")
    admin = make_org("registry_admin")
    make_lot(seller, 1_000)  # files the methodology
    request = client.post("/api/v1/issuance-requests", headers=seller.headers, json={
        "methodology_code": "TR-METRO", "vintage": 2026, "period_start": "2026-01-01",
        "period_end": "2026-03-31", "quantity_kg": 1_000}).json
    url = f"/api/v1/issuance-requests/{request['id']}"
    rejected = client.post(f"{url}/verification", headers=verifier.headers,
                           json={"decision": "rejected", "report_ref": "R-9"})
    assert rejected.status_code == 200 and rejected.json["status"] == "rejected"
    again = client.post(f"{url}/verification", headers=verifier.headers,
                        json={"decision": "approved", "verified_kg": 500, "report_ref": "R-9"})
    assert again.status_code == 409 and again.json["code"] == "wrong_state"
    issued = client.post(f"{url}/issuance", headers=admin.headers)
    assert issued.status_code == 409 and issued.json["code"] == "wrong_state"


def test_expiring_an_order_inside_its_window_is_refused_and_releases_nothing(client, market):
    order = place(client, market)
    with pytest.raises(WrongState):
        with transaction():
            orders.expire_order(orders.lock_order(order["id"]))
    assert client.get(f"/api/v1/listings/{market['listing']}").json["remaining_kg"] == 1_500
    clock.set_now(clock.now() + timedelta(days=30))
    with transaction():
        assert orders.expire_order(orders.lock_order(order["id"])).status == "expired"
    assert client.get(f"/api/v1/listings/{market['listing']}").json["remaining_kg"] == 2_000


STATUS_TABLES = ("orders", "listings", "payments", "issuance_requests", "methodologies",
                 "compensation_cases", "neutrality_claims")


@pytest.fixture
def one_of_each(client, market):
    """A row in every table with a status column."""
    admin = make_org("registry_admin")
    order = place(client, market)
    paid = client.post(f"/api/v1/orders/{order['id']}/bank-transfer-confirmation",
                       headers=admin.headers,
                       json={"reference": order["bank_reference"], "amount_fen": order["total_fen"]})
    assert paid.status_code == 200, paid.json
    place(client, market)
    case = client.post("/api/v1/compensation-cases", headers=make_authority().headers,
                       json=case_body())
    assert case.status_code == 201, case.json
    make_event(make_org("buyer"), start_date=date(2026, 6, 10), end_date=date(2026, 6, 12))


@pytest.mark.parametrize("table", STATUS_TABLES)
def test_the_database_refuses_an_unknown_status(app, one_of_each, table):
    db.session.rollback()
    with db.engine.connect() as conn:
        assert conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar() > 0
    with pytest.raises(IntegrityError, match=f"ck_{table}_status_known"):
        with db.engine.begin() as conn:
            conn.execute(sa.text(f"UPDATE {table} SET status = 'bogus'"))
