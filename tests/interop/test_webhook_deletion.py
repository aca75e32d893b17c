"""DELETE /api/v1/webhook-endpoints/{id}: the owner deletes an endpoint and it stops at
once — what it was still owed is cancelled, never attempted; what it was sent stays on
record; other organisations (and unknown ids) get 404 in the error shape."""

import pytest

from core import clock
from core.db import db, transaction
from core.models import Organization
from factories import give, make_lot, make_org, retire
from interop import delivery, webhooks
from interop.feed_models import FeedEvent, WebhookDelivery, WebhookEndpoint
from webhook_receivers import Receiver, register_endpoint

RETIRED = "cn.tanhuijilin.units.retired"


@pytest.fixture
def app_config():
    return {"WEBHOOK_ALLOW_PRIVATE_HOSTS": True}


def _statuses(client, org, endpoint_id):
    response = client.get(f"/api/v1/webhook-endpoints/{endpoint_id}/deliveries",
                          headers=org.headers)
    assert response.status_code == 200
    return [d["status"] for d in response.json["items"]]


def test_delete_own_endpoint_stops_it_at_once_and_keeps_its_history(client):
    seller, buyer = make_org("seller"), make_org("buyer")
    with Receiver() as receiver:
        endpoint_id = register_endpoint(client, buyer, receiver.url, [RETIRED])["id"]
        give(seller, buyer, make_lot(seller, 1000), 1000)
        retire(client, buyer, 100)
        assert delivery.deliver_until_idle() == 1
        retire(client, buyer, 200)  # owed, not yet sent
        response = client.delete(f"/api/v1/webhook-endpoints/{endpoint_id}",
                                 headers=buyer.headers)
        assert response.status_code == 204 and response.get_data() == b""
        retire(client, buyer, 300)  # after the delete: not even enqueued
        assert delivery.deliver_until_idle() == 0
    assert len(receiver.received) == 1
    # The history stays readable: the delivery made, the one cancelled (never attempted).
    items = client.get(f"/api/v1/webhook-endpoints/{endpoint_id}/deliveries",
                       headers=buyer.headers).json["items"]
    assert [(d["status"], len(d["attempts"])) for d in items] == [
        ("cancelled", 0), ("delivered", 1)]
    assert items[0]["next_attempt_at"] is None
    assert client.get("/api/v1/webhook-endpoints", headers=buyer.headers).json == []
    again = client.delete(f"/api/v1/webhook-endpoints/{endpoint_id}", headers=buyer.headers)
    assert again.status_code == 404


def test_another_organisations_endpoint_and_an_unknown_id_are_404(client):
    owner, other = make_org("buyer"), make_org("buyer")
    endpoint_id = register_endpoint(client, owner, "https://hooks.example/in")["id"]
    for target in (endpoint_id, endpoint_id + 1000):
        response = client.delete(f"/api/v1/webhook-endpoints/{target}",
                                 headers=other.headers)
        assert response.status_code == 404
        assert set(response.json) >= {"code", "status", "message", "errors"}
        assert response.json["status"] == 404
    english = client.delete(f"/api/v1/webhook-endpoints/{endpoint_id}",
                            headers={**other.headers, "Accept-Language": "en"})
    assert english.json["message"] == "No such webhook endpoint."
    assert [e["id"] for e in client.get("/api/v1/webhook-endpoints",
                                        headers=owner.headers).json] == [endpoint_id]


def test_without_a_token_is_401(client):
    endpoint_id = register_endpoint(client, make_org("buyer"), "https://hooks.example/in")["id"]
    response = client.delete(f"/api/v1/webhook-endpoints/{endpoint_id}")
    assert response.status_code == 401 and response.json["status"] == 401
    assert db.session.get(WebhookEndpoint, endpoint_id).deleted_at is None


def test_a_deleted_endpoint_no_longer_counts_towards_the_limit(client, monkeypatch):
    monkeypatch.setattr(webhooks, "MAX_ENDPOINTS_PER_ORGANIZATION", 1)
    org = make_org("buyer")
    first = register_endpoint(client, org, "https://hooks.example/one")["id"]
    refused = client.post("/api/v1/webhook-endpoints", headers=org.headers,
                          json={"url": "https://hooks.example/two", "types": []})
    assert refused.status_code == 422
    assert client.delete(f"/api/v1/webhook-endpoints/{first}",
                         headers=org.headers).status_code == 204
    register_endpoint(client, org, "https://hooks.example/two")


def test_a_delivery_enqueued_for_a_deleted_endpoint_is_never_sent(client):
    """A change committed while the endpoint was being deleted may still have enqueued a
    delivery for it (it read the endpoint before the delete committed): the worker never
    claims a deleted endpoint."""
    seller, buyer = make_org("seller"), make_org("buyer")
    with Receiver() as receiver:
        endpoint_id = register_endpoint(client, buyer, receiver.url)["id"]
        assert client.delete(f"/api/v1/webhook-endpoints/{endpoint_id}",
                             headers=buyer.headers).status_code == 204
        give(seller, buyer, make_lot(seller, 100), 100)
        assert db.session.execute(db.select(WebhookDelivery)).first() is None  # not enqueued
        with transaction():  # as if enqueued by a change that read it before the delete
            position = db.session.execute(db.select(FeedEvent.position)).scalars().first()
            db.session.add(WebhookDelivery(endpoint_id=endpoint_id, position=position,
                                           status="pending", attempts=0,
                                           next_attempt_at=clock.now()))
        assert delivery.deliver_until_idle() == 0
    assert receiver.received == []


def test_a_failure_stored_after_the_delete_does_not_reschedule(client, monkeypatch):
    """A worker that had leased the endpoint finishes the request it was making; the
    failure it stores does not bring the cancelled delivery back."""
    seller, buyer = make_org("seller"), make_org("buyer")
    with Receiver(statuses=[503]) as receiver:
        endpoint_id = register_endpoint(client, buyer, receiver.url)["id"]
        give(seller, buyer, make_lot(seller, 100), 100)
        send = delivery._send

        def send_then_deleted(*args, **kwargs):
            result = send(*args, **kwargs)
            with transaction():  # the owner deletes the endpoint while the request is out
                webhooks.delete_endpoint(db.session.get(Organization, buyer.id), endpoint_id)
            return result

        monkeypatch.setattr(delivery, "_send", send_then_deleted)
        assert delivery.deliver_until_idle() == 0
    items = client.get(f"/api/v1/webhook-endpoints/{endpoint_id}/deliveries",
                       headers=buyer.headers).json["items"]
    # The lot's issue was attempted (503), the transfer behind it never was.
    assert [(d["status"], [a["status_code"] for a in d["attempts"]]) for d in items] == [
        ("cancelled", []), ("cancelled", [503])]
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    assert endpoint.leased_until is None and endpoint.deleted_at is not None
