"""Stripe Checkout orders through the real stripe library and the fake Stripe API;
webhooks signed with the test secret."""

from datetime import timedelta

import pytest

from factories import make_listing, make_lot, make_org
from core import clock
from market import jobs
from stripe_fixtures import deliver


@pytest.fixture
def app_config(stripe_config):
    return stripe_config


@pytest.fixture
def placed(client, app):
    seller, buyer = make_org("seller"), make_org("buyer")
    listing = make_listing(seller, make_lot(seller, 5_000), 5_000, 12_000)
    response = client.post("/api/v1/orders", headers=buyer.headers, json={
        "items": [{"listing_id": listing, "quantity_kg": 1_250}], "payment_method": "stripe",
        "retirement": {"purpose": "voluntary", "beneficiary_name": "长春马拉松"}})
    assert response.status_code == 201, response.json
    return buyer, listing, response.json


def session_of(fake, order):
    return next(s for s in fake.sessions.values() if s["url"] == order["checkout_url"])


def test_stripe_order_opens_a_cny_checkout_session(placed, fake):
    _, _, order = placed
    session = session_of(fake, order)
    assert order["checkout_url"] == session["url"]
    assert session["currency"] == "cny" and session["amount_total"] == order["total_fen"] == 15_000
    assert set(session["payment_method_types"]) == {"card", "alipay", "wechat_pay"}
    assert order["bank_reference"] is None


def test_paid_webhook_fulfils_once_even_when_replayed(client, placed, fake, runner):
    buyer, _, order = placed
    session = session_of(fake, order)
    fake.complete(session["id"], paid=True)
    event = fake.event_for(session["id"], "checkout.session.completed")
    first = deliver(client, fake, session["id"], None, event=event)
    assert first.status_code == 200 and first.json["outcome"] == "fulfilled"
    replay = deliver(client, fake, session["id"], None, event=event)
    assert replay.status_code == 200 and replay.json["outcome"] == "duplicate"
    fulfilled = client.get(f"/api/v1/orders/{order['id']}", headers=buyer.headers).json
    assert fulfilled["status"] == "fulfilled" and fulfilled["retirement_id"]
    retired = client.get("/api/v1/holdings", headers=buyer.headers).json["retired_kg"]
    assert retired == 1_250
    assert runner.invoke(args=["audit"]).exit_code == 0


def test_bad_signature_is_400_and_changes_nothing(client, placed, fake):
    buyer, _, order = placed
    session = session_of(fake, order)
    fake.complete(session["id"], paid=True)
    response = deliver(client, fake, session["id"], "checkout.session.completed",
                       secret="whsec_wrong")
    assert response.status_code == 400 and response.json["code"] == "invalid_webhook"
    unsigned = client.post("/api/v1/payments/stripe/webhook", data=b"{}",
                           content_type="application/json")
    assert unsigned.status_code == 400
    assert client.get(f"/api/v1/orders/{order['id']}",
                      headers=buyer.headers).json["status"] == "pending_payment"


def test_async_payment_waits_then_succeeds_or_fails(client, placed, fake):
    buyer, listing, order = placed
    session = session_of(fake, order)
    fake.complete(session["id"], paid=False)
    waiting = deliver(client, fake, session["id"], "checkout.session.completed")
    assert waiting.json["outcome"] == "awaiting_async_payment"
    fake.settle(session["id"], succeeded=False)
    failed = deliver(client, fake, session["id"], "checkout.session.async_payment_failed")
    assert failed.json["outcome"] == "released"
    assert client.get(f"/api/v1/listings/{listing}").json["remaining_kg"] == 5_000
    assert client.get(f"/api/v1/orders/{order['id']}",
                      headers=buyer.headers).json["status"] == "expired"


def test_expired_session_releases_and_late_payment_is_kept_for_refund(client, placed, fake):
    buyer, listing, order = placed
    session = session_of(fake, order)
    released = deliver(client, fake, session["id"], "checkout.session.expired")
    assert released.json["outcome"] == "released"
    fake.sessions[session["id"]].update(status="complete", payment_status="paid")
    late = deliver(client, fake, session["id"], "checkout.session.completed")
    assert late.json["outcome"] == "unmatched_payment"
    assert client.get(f"/api/v1/orders/{order['id']}",
                      headers=buyer.headers).json["status"] == "expired"


def test_reconcile_job_fulfils_a_paid_session_whose_webhook_was_lost(app, client, placed, fake):
    buyer, _, order = placed
    fake.complete(session_of(fake, order)["id"], paid=True)
    clock.set_now(clock.now() + timedelta(hours=2))
    assert jobs.expire_reservations() == {"fulfilled": 1}
    assert jobs.expire_reservations() == {}  # idempotent
    assert client.get(f"/api/v1/orders/{order['id']}",
                      headers=buyer.headers).json["status"] == "fulfilled"


def test_reconcile_job_expires_an_unpaid_session_and_releases(app, client, placed, fake):
    buyer, listing, order = placed
    session_id = session_of(fake, order)["id"]
    clock.set_now(clock.now() + timedelta(hours=2))
    assert jobs.expire_reservations() == {"expired": 1}
    assert fake.sessions[session_id]["status"] == "expired"
    assert client.get(f"/api/v1/listings/{listing}").json["remaining_kg"] == 5_000


def test_cancelling_a_stripe_order_expires_its_session(client, placed, fake):
    buyer, listing, order = placed
    session_id = session_of(fake, order)["id"]
    response = client.post(f"/api/v1/orders/{order['id']}/cancel", headers=buyer.headers)
    assert response.status_code == 200 and response.json["status"] == "cancelled"
    assert fake.sessions[session_id]["status"] == "expired"
    assert client.get(f"/api/v1/listings/{listing}").json["remaining_kg"] == 5_000
