"""Receiving a peer's change feed by webhook (INTEROP.md §3, §7).

``subscribe`` registers this registry's inbound URL at a pinned peer (with an API token
the peer's administrator issued to this registry) and keeps the secret it answers.
``receive`` verifies a delivery with that secret (Standard Webhooks: ``webhook-id``,
``webhook-timestamp`` within 5 minutes, ``webhook-signature`` v1 HMAC-SHA256), checks the
CloudEvent comes from the subscribed peer's DID, and stores it once per event id.
``request_unsubscription`` asks the peer to delete its endpoint (with a token again), before
``unsubscribe`` forgets the subscription here.
"""

import json
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from core import clock
from core.db import db
from core.errors import Invalid, NotFound, Unauthorized
from interop import peers
from interop.inbound_models import PeerReport, PeerSubscription
from interop.models import Peer
from interop.transport import PeerUnreachable, current_transport

RETIRED = "cn.tanhuijilin.units.retired"


def inbound_url(key: str) -> str:
    return f"{current_app.config['BASE_URL']}/api/v1/interop/inbound/{key}"


def request_subscription(peer: Peer, token: str, types=(RETIRED,)) -> tuple[str, dict]:
    """Ask ``peer`` (network, outside any transaction) for a webhook endpoint delivering
    ``types`` here; return (inbound key, the peer's answer with ``id`` and ``secret``).
    Invalid (422 on ``token``) when the peer refuses or cannot be reached."""
    key = secrets.token_urlsafe(32)
    body = {"url": inbound_url(key), "types": list(types)}
    try:
        response = current_transport().request(
            "POST", f"{peer.api_base}/webhook-endpoints", body,
            headers={"Authorization": f"Bearer {token}"})
        answer = json.loads(response.body) if response.status == 201 else None
    except (PeerUnreachable, ValueError):
        answer = None
    if not isinstance(answer, dict) or not isinstance(answer.get("secret"), str) \
            or not isinstance(answer.get("id"), int):
        message = _("The peer did not accept the subscription.")
        raise Invalid(message, {"token": [message]})
    return key, answer


def subscription_of(subscription_id: int) -> PeerSubscription:
    """A subscription by id. NotFound (404) for an unknown id."""
    subscription = db.session.get(PeerSubscription, subscription_id)
    if subscription is None:
        raise NotFound(_("No such subscription."))
    return subscription


def request_unsubscription(peer: Peer, remote_endpoint_id: int, token: str) -> None:
    """Ask ``peer`` (network, outside any transaction) to delete the webhook endpoint it
    gave this registry (``DELETE …/webhook-endpoints/{id}`` with an API token of the
    organisation that holds it there): the peer then stops at once instead of retrying
    into our 404. Invalid (422 on ``token``) unless the peer answers 204 — a refused
    token, an endpoint it does not know (another organisation's token, or already
    deleted there) or no answer at all: the caller then keeps the subscription."""
    try:
        response = current_transport().request(
            "DELETE", f"{peer.api_base}/webhook-endpoints/{remote_endpoint_id}",
            headers={"Authorization": f"Bearer {token}"})
        deleted = response.status == 204
    except PeerUnreachable:
        deleted = False
    if not deleted:
        message = _("The peer did not delete its endpoint; the subscription is kept.")
        raise Invalid(message, {"token": [message]})


def store_subscription(peer: Peer, key: str, answer: dict, types=(RETIRED,)) -> PeerSubscription:
    """Keep the subscription the peer granted (its secret verifies what it sends)."""
    subscription = PeerSubscription(peer_did=peer.did, inbound_key=key,
                                    remote_endpoint_id=answer["id"], types=json.dumps(list(types)),
                                    secret=answer["secret"], created_at=clock.now())
    db.session.add(subscription)
    db.session.flush()
    return subscription


def receive(key: str, body: bytes, headers: dict) -> PeerReport:
    """Verify and store one delivery. NotFound (404) for an unknown subscription;
    Unauthorized (401) when the signature, timestamp or source does not hold."""
    subscription = db.session.execute(sa.select(PeerSubscription).where(
        PeerSubscription.inbound_key == key)).scalar()
    if subscription is None:
        raise NotFound(_("No such subscription."))
    headers = {name.lower(): value for name, value in headers.items()}
    try:
        event = Webhook(subscription.secret).verify(body, headers)
    except (WebhookVerificationError, ValueError, UnicodeDecodeError):
        raise Unauthorized(_("The webhook signature does not verify.")) from None
    if not isinstance(event, dict) or event.get("source") != subscription.peer_did \
            or event.get("id") != headers.get("webhook-id"):
        raise Unauthorized(_("The webhook signature does not verify."))
    stored = db.session.execute(sa.select(PeerReport).where(
        PeerReport.peer_did == subscription.peer_did,
        PeerReport.event_id == event["id"])).scalar()
    if stored is not None:
        return stored
    data = event.get("data") if isinstance(event.get("data"), dict) else {}
    quantity = data.get("quantity_kg")
    report = PeerReport(
        peer_did=subscription.peer_did, event_id=str(event["id"])[:64],
        type=str(event.get("type"))[:64], subject=str(event.get("subject"))[:128],
        time=datetime.fromisoformat(str(event.get("time")).replace("Z", "+00:00")),
        ledger_seq=event.get("ledgerseq") if isinstance(event.get("ledgerseq"), int) else None,
        quantity_kg=quantity if isinstance(quantity, int) else None,
        data=json.dumps(data, ensure_ascii=False), received_at=clock.now())
    db.session.add(report)
    db.session.flush()
    return report


def reports_of(peer_did: str, limit: int = 50) -> list[PeerReport]:
    """The newest reports of a peer, newest first."""
    return list(db.session.execute(
        sa.select(PeerReport).where(PeerReport.peer_did == peer_did)
        .order_by(PeerReport.time.desc(), PeerReport.id.desc()).limit(limit)).scalars())


def subscriptions_of(peer_did: str) -> list[PeerSubscription]:
    """This registry's subscriptions at a peer, oldest first."""
    return list(db.session.execute(
        sa.select(PeerSubscription).where(PeerSubscription.peer_did == peer_did)
        .order_by(PeerSubscription.id)).scalars())


def subscribed_types(subscription: PeerSubscription) -> list[str]:
    """The feed event types (``cn.tanhuijilin.…``) a subscription receives."""
    return json.loads(subscription.types)


def unsubscribe(subscription_id: int) -> PeerSubscription:
    """Forget a subscription: its inbound URL answers 404 from now on. Unless the peer
    deleted its endpoint first (``request_unsubscription``), the peer's deliveries to it
    fail and the peer gives up after its retries. Reports already received are kept.
    NotFound (404) for an unknown id."""
    subscription = subscription_of(subscription_id)
    db.session.delete(subscription)
    db.session.flush()
    return subscription


def peer_by_did(did: str) -> Peer:
    return peers.get_peer_by_did(did)
