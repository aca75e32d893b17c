"""Issue 16, fault 5: signed webhooks of the wrong shape are 400 and recorded, a Checkout
event fulfils only the Stripe order whose session it is, and refunds and disputes are
recorded on the order (the units stay retired; the admin may revoke the certificate)."""

import secrets
import time

import pytest
import sqlalchemy as sa

from core.db import db
from factories import make_listing, make_lot, make_org
from market.models import StripeEvent
from stripe_fixtures import deliver


@pytest.fixture
def app_config(stripe_config):
    return stripe_config


@pytest.fixture
def market(app):
    seller, buyer, admin = make_org("seller"), make_org("buyer"), make_org("registry_admin")
    listing = make_listing(seller, make_lot(seller, 5_000), 5_000, 12_000)
    return {"buyer": buyer, "admin": admin, "listing": listing}


def place(client, market, method, **extra):
    response = client.post("/api/v1/orders", headers=market["buyer"].headers, json={
        "items": [{"listing_id": market["listing"], "quantity_kg": 1_250}],
        "payment_method": method, **extra})
    assert response.status_code == 201, response.json
    return response.json


def event(type_, obj):
    return {"id": "evt_test_" + secrets.token_hex(8), "object": "event", "type": type_,
            "created": int(time.time()), "data": {"object": obj}, "livemode": False}


def recorded(event_id):
    return db.session.execute(sa.select(StripeEvent.outcome).where(
        StripeEvent.id == event_id)).scalar()


@pytest.mark.parametrize("obj", [
    "cs_test_a_string", ["cs_test_in", "a list"],
    {"id": "cs_test_nostatus", "object": "checkout.session", "payment_status": "paid",
     "client_reference_id": "JLO-2026-000001", "amount_total": 15_000},
])
def test_a_signed_event_of_the_wrong_shape_is_400_and_recorded(client, fake, market, obj):
    order = place(client, market, "stripe")
    sent = event("checkout.session.completed", obj)
    response = deliver(client, fake, None, None, event=sent)
    assert response.status_code == 400, response.json
    assert response.json["code"] == "invalid_webhook"
    assert set(response.json) == {"code", "status", "message", "errors"}
    assert recorded(sent["id"]) == "invalid_payload"
    seen = client.get(f"/api/v1/orders/{order['id']}", headers=market["buyer"].headers).json
    assert seen["status"] == "pending_payment"


@pytest.mark.parametrize("type_", ["charge.refunded", "charge.dispute.created"])
def test_reversal_events_of_the_wrong_shape_are_400(client, fake, market, type_):
    sent = event(type_, {"id": "ch_x", "amount_refunded": "100", "amount": None})
    assert deliver(client, fake, None, None, event=sent).status_code == 400
    assert recorded(sent["id"]) == "invalid_payload"


def test_a_session_naming_a_bank_transfer_order_fulfils_nothing(client, fake, market):
    bank = place(client, market, "bank_transfer")
    forged = {"id": "cs_test_forged", "object": "checkout.session", "status": "complete",
              "payment_status": "paid", "client_reference_id": bank["number"],
              "metadata": {"order_number": bank["number"]}, "amount_total": bank["total_fen"],
              "currency": "cny"}
    sent = event("checkout.session.completed", forged)
    response = deliver(client, fake, None, None, event=sent)
    assert response.status_code == 200 and response.json["outcome"] == "unknown_order"
    seen = client.get(f"/api/v1/orders/{bank['id']}", headers=market["buyer"].headers).json
    assert seen["status"] == "pending_payment"


def test_a_session_must_be_the_orders_own(client, fake, market):
    first, second = place(client, market, "stripe"), place(client, market, "stripe")
    session = next(s for s in fake.sessions.values() if s["url"] == first["checkout_url"])
    fake.complete(session["id"])
    sent = fake.event_for(session["id"], "checkout.session.completed")
    sent["data"]["object"]["client_reference_id"] = second["number"]  # names another order
    assert deliver(client, fake, None, None, event=sent).json["outcome"] == "unknown_order"
    for placed in (first, second):
        seen = client.get(f"/api/v1/orders/{placed['id']}", headers=market["buyer"].headers)
        assert seen.json["status"] == "pending_payment"


def test_a_refund_after_buy_and_retire_is_recorded_and_the_units_stay_retired(
        client, fake, market, runner):
    order = place(client, market, "stripe",
                  retirement={"purpose": "voluntary", "beneficiary_name": "长春马拉松"})
    session = next(s for s in fake.sessions.values() if s["url"] == order["checkout_url"])
    paid = fake.complete(session["id"])
    assert deliver(client, fake, session["id"], "checkout.session.completed").json[
        "outcome"] == "fulfilled"
    charge = {"id": "ch_test_1", "object": "charge", "amount": 15_000,
              "amount_refunded": 15_000, "payment_intent": paid["payment_intent"],
              "refunded": True, "created": 1_790_000_000,
              "refunds": {"object": "list", "data": [
                  {"id": "re_test_1", "amount": 15_000, "created": 1_790_000_100,
                   "reason": "requested_by_customer"}]}}
    sent = event("charge.refunded", charge)
    response = deliver(client, fake, None, None, event=sent)
    assert response.status_code == 200 and response.json["outcome"] == "refund_recorded"
    assert deliver(client, fake, None, None, event=sent).json["outcome"] == "duplicate"
    dispute = {"id": "dp_test_1", "object": "dispute", "amount": 15_000, "charge": "ch_test_1",
               "payment_intent": paid["payment_intent"], "reason": "fraudulent",
               "created": 1_790_000_200}
    assert deliver(client, fake, None, None, event=event("charge.dispute.created", dispute)
                   ).json["outcome"] == "dispute_recorded"

    seen = client.get(f"/api/v1/orders/{order['id']}", headers=market["admin"].headers).json
    assert seen["status"] == "fulfilled" and seen["retirement_id"]
    assert [(r["kind"], r["amount_fen"], r["stripe_id"]) for r in seen["reversals"]] == [
        ("refund", 15_000, "re_test_1"), ("dispute", 15_000, "dp_test_1")]
    assert seen["reversals"][0]["occurred_at"].startswith("2026-09-21")
    retirement = client.get(f"/api/v1/retirements/{seen['retirement_id']}").json
    assert retirement["quantity_kg"] == 1_250  # irreversible
    assert client.get("/api/v1/holdings", headers=market["buyer"].headers).json[
        "retired_kg"] == 1_250
    revoked = client.post(f"/api/v1/certificates/{retirement['certificate_number']}/revocation",
                          headers=market["admin"].headers, json={"reason": "Payment refunded"})
    assert revoked.status_code == 200, revoked.json
    assert runner.invoke(args=["audit"]).exit_code == 0


def test_a_refund_for_an_unknown_payment_is_recorded_as_such(client, fake, market):
    sent = event("charge.refunded", {"id": "ch_elsewhere", "amount_refunded": 100,
                                     "payment_intent": "pi_unknown"})
    assert deliver(client, fake, None, None, event=sent).json["outcome"] == "unknown_order"
