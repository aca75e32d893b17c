"""The fake Stripe server and the settings that point the registry at it (a plugin loaded
by ``conftest.py``). A module that pays online overrides ``app_config`` with
``stripe_config``; webhooks are signed with ``WEBHOOK_SECRET`` like Stripe's."""

import json

import pytest

from tests.fakestripe import FakeStripe, sign_webhook

SECRET_KEY = "sk_test_registry"
WEBHOOK_SECRET = "whsec_registry_test"


@pytest.fixture
def fake():
    """A fresh fake Stripe API server for the test, driven by the real ``stripe`` library."""
    with FakeStripe() as server:
        yield server


@pytest.fixture
def stripe_config(fake):
    """App settings for online payment through the fake server."""
    return {"STRIPE_SECRET_KEY": SECRET_KEY, "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "STRIPE_API_BASE": fake.url}


def deliver(client, fake, session_id, type_, *, secret=WEBHOOK_SECRET, event=None):
    """POST the fake server's event about a session to the registry's webhook, signed."""
    event = event or fake.event_for(session_id, type_)
    payload = json.dumps(event).encode()
    return client.post("/api/v1/payments/stripe/webhook", data=payload,
                       content_type="application/json",
                       headers={"Stripe-Signature": sign_webhook(payload, secret)})
