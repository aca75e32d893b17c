"""The Stripe gateway, driven through the real ``stripe`` library against the fake server."""

import json
import socket
import time
from datetime import datetime, timedelta, timezone

import pytest
import requests

from market.payments.stripe import (
    CheckoutSession,
    InvalidWebhook,
    PaymentGatewayError,
    StripeGateway,
    session_expiry,
)
from tests.fakestripe import sign_webhook
from stripe_fixtures import SECRET_KEY, WEBHOOK_SECRET


@pytest.fixture
def gateway(fake):
    gateway = StripeGateway(
        SECRET_KEY, WEBHOOK_SECRET, api_base=fake.url, timeout=5, max_network_retries=0
    )
    yield gateway
    gateway.close()


def in_an_hour():
    return datetime.now(timezone.utc) + timedelta(hours=1)


def create(gateway, *, key, number="TH-2025-000001", **overrides):
    args = {
        "order_number": number,
        "items": [
            {"name": "Lot JL-2024-001", "amount_fen": 6_000, "quantity_kg": 1_000},
            {"name": "Lot JL-2024-007", "amount_fen": 2_501, "quantity_kg": 500},
        ],
        "success_url": "https://registry.test/orders/1?paid={CHECKOUT_SESSION_ID}",
        "cancel_url": "https://registry.test/orders/1",
        "expires_at": in_an_hour(),
        "customer_email": "buyer@example.cn",
        "idempotency_key": key,
    }
    return gateway.create_checkout_session(**{**args, **overrides})


def test_created_session_is_paid_once_the_buyer_completes_it(gateway, fake):
    session = create(gateway, key="order-1-checkout")

    assert session.status == "open" and session.payment_status == "unpaid"
    assert session.amount_total == 8_501
    assert session.client_reference_id == "TH-2025-000001"
    assert session.url == f"{fake.url}/pay/{session.id}"
    sent = fake.requests[-1]["params"]
    assert sent["currency"] == "cny" and sent["mode"] == "payment"
    assert sent["payment_method_types"] == ["card", "alipay", "wechat_pay"]
    assert sent["payment_method_options"] == {"wechat_pay": {"client": "web"}}
    assert sent["metadata"] == {"order_number": "TH-2025-000001"}
    assert [(i["quantity"], i["price_data"]["unit_amount"]) for i in sent["line_items"]] == [
        ("1", "6000"), ("1", "2501")
    ]
    assert "1,000 kg" in sent["line_items"][0]["price_data"]["product_data"]["name"]
    assert fake.requests[-1]["headers"]["Idempotency-Key"] == "order-1-checkout"

    assert gateway.retrieve_checkout_session(session.id) == session
    fake.complete(session.id)
    paid = gateway.retrieve_checkout_session(session.id)

    assert (paid.status, paid.payment_status, paid.url) == ("complete", "paid", None)
    assert paid.is_paid and paid.amount_total == 8_501


def test_expire_closes_an_open_session_and_refuses_a_closed_one(gateway, fake):
    session = create(gateway, key="order-2-checkout")

    expired = gateway.expire_checkout_session(session.id)

    assert (expired.status, expired.url) == ("expired", None)
    assert fake.sessions[session.id]["status"] == "expired"
    with pytest.raises(PaymentGatewayError, match="can be expired") as refused:
        gateway.expire_checkout_session(session.id)
    assert refused.value.http_status == 400 and not refused.value.retryable


def test_create_with_the_same_idempotency_key_returns_the_first_session(gateway, fake):
    # One deadline for every call: a clock tick between two calls would change the body.
    deadline = in_an_hour()
    first = create(gateway, key="order-3-checkout", expires_at=deadline)
    count = len(fake.sessions)

    again = create(gateway, key="order-3-checkout", expires_at=deadline)

    assert again == first and len(fake.sessions) == count
    with pytest.raises(PaymentGatewayError) as refused:
        create(gateway, key="order-3-checkout", number="TH-2025-000999", expires_at=deadline)
    assert refused.value.error_type == "idempotency_error"


def test_a_bad_parameter_surfaces_stripes_message(gateway):
    with pytest.raises(PaymentGatewayError, match="Not a valid URL") as refused:
        create(gateway, key="order-4-checkout", success_url="registry.test/ok")

    assert (refused.value.http_status, refused.value.param) == (400, "success_url")
    assert not refused.value.retryable


def test_unknown_session_and_bad_key_are_gateway_errors(gateway, fake):
    with pytest.raises(PaymentGatewayError) as missing:
        gateway.retrieve_checkout_session("cs_test_nope")
    assert (missing.value.http_status, missing.value.code) == (404, "resource_missing")

    stranger = StripeGateway("sk_live_wrong", None, api_base=fake.url, max_network_retries=0)
    with pytest.raises(PaymentGatewayError, match="Invalid API Key") as refused:
        stranger.retrieve_checkout_session("cs_test_nope")
    stranger.close()
    assert refused.value.http_status == 401


def test_unreachable_stripe_fails_fast_as_retryable():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    gateway = StripeGateway(
        SECRET_KEY, None, api_base=f"http://127.0.0.1:{closed_port}",
        timeout=2, max_network_retries=0,
    )
    started = time.monotonic()

    with pytest.raises(PaymentGatewayError, match="could not reach Stripe") as failed:
        create(gateway, key="order-5-checkout")

    assert failed.value.retryable and time.monotonic() - started < 2
    gateway.close()


def test_expires_at_is_clamped_into_stripes_window(gateway, fake):
    now = datetime(2025, 6, 1, 8, 0, tzinfo=timezone.utc)
    at = int(now.timestamp())

    assert session_expiry(now + timedelta(hours=2), now) == at + 7_200
    assert session_expiry(now + timedelta(minutes=5), now) == at + 31 * 60
    assert session_expiry(now + timedelta(days=3), now) == at + 24 * 3_600 - 60
    assert session_expiry(datetime(2025, 6, 1, 10, 0), now) == at + 7_200  # naive is UTC

    soon = create(gateway, key="order-6-checkout",
                  expires_at=datetime.now(timezone.utc) + timedelta(minutes=5))
    assert fake.sessions[soon.id]["expires_at"] >= time.time() + 30 * 60


@pytest.mark.parametrize("amount", [0, -1, 12.5, True])
def test_items_need_positive_integer_fen(gateway, fake, amount):
    count = len(fake.requests)
    with pytest.raises(ValueError, match="amount_fen"):
        create(gateway, key="order-7-checkout",
               items=[{"name": "Lot", "amount_fen": amount, "quantity_kg": 1}])
    assert len(fake.requests) == count


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"currency": "usd"}, "Invalid currency"),
        ({"payment_method_options[wechat_pay][client]": ""}, "wechat_pay"),
        ({"expires_at": str(int(time.time()) + 600)}, "at least 30 minutes"),
        ({"line_items[0][price_data][unit_amount]": "12.5"}, "Invalid integer"),
        ({"surprise": "1"}, "Received unknown parameter"),
    ],
)
def test_fake_stripe_refuses_what_stripe_refuses(fake, change, message):
    form = {
        "mode": "payment", "currency": "cny", "success_url": "https://registry.test/ok",
        "payment_method_types[0]": "wechat_pay",
        "payment_method_options[wechat_pay][client]": "web",
        "line_items[0][quantity]": "1", "line_items[0][price_data][currency]": "cny",
        "line_items[0][price_data][unit_amount]": "100",
        "line_items[0][price_data][product_data][name]": "Lot",
    }
    reply = requests.post(f"{fake.url}/v1/checkout/sessions", data={**form, **change},
                          headers={"Authorization": f"Bearer {SECRET_KEY}"}, timeout=5)

    assert reply.status_code == 400
    assert message in reply.json()["error"]["message"]
    assert reply.json()["error"]["type"] == "invalid_request_error"


# -- webhooks ------------------------------------------------------------------------------


@pytest.fixture
def completed_event(gateway, fake):
    session = create(gateway, key=f"order-webhook-{time.monotonic_ns()}")
    fake.complete(session.id)
    return json.dumps(fake.event_for(session.id, "checkout.session.completed")).encode()


def test_parse_webhook_accepts_a_signed_event(gateway, completed_event):
    event = gateway.parse_webhook(completed_event, sign_webhook(completed_event, WEBHOOK_SECRET))

    assert event["id"].startswith("evt_") and event["type"] == "checkout.session.completed"
    session = CheckoutSession.from_stripe(event["data_object"])
    assert session.is_paid and session.client_reference_id == "TH-2025-000001"
    assert event["data_object"]["metadata"] == {"order_number": "TH-2025-000001"}


def forge(kind, body):
    """A webhook request Stripe did not send: ``(payload, Stripe-Signature header)``."""
    garbage = b"{not json"
    return {
        "wrong-secret": (body, sign_webhook(body, "whsec_someone_else")),
        "tampered": (body.replace(b'"paid"', b'"PAID"'), sign_webhook(body, WEBHOOK_SECRET)),
        "too-old": (body, sign_webhook(body, WEBHOOK_SECRET, int(time.time()) - 301)),
        "no-header": (body, None),
        "empty-header": (body, ""),
        "malformed-header": (body, "garbage"),
        "signed-garbage": (garbage, sign_webhook(garbage, WEBHOOK_SECRET)),
    }[kind]


@pytest.mark.parametrize(
    "kind",
    ["wrong-secret", "tampered", "too-old", "no-header", "empty-header", "malformed-header",
     "signed-garbage"],
)
def test_parse_webhook_rejects_what_stripe_did_not_send(gateway, completed_event, kind):
    payload, header = forge(kind, completed_event)

    with pytest.raises(InvalidWebhook):
        gateway.parse_webhook(payload, header)


def test_parse_webhook_without_a_secret_is_a_configuration_error(fake, completed_event):
    unconfigured = StripeGateway(SECRET_KEY, None, api_base=fake.url)
    header = sign_webhook(completed_event, WEBHOOK_SECRET)

    with pytest.raises(PaymentGatewayError, match="not configured"):
        unconfigured.parse_webhook(completed_event, header)
