"""Webhook endpoints and their outbox (INTEROP.md §3, Standard Webhooks).

An organisation registers a URL and the event types it wants; the answer carries the
endpoint's secret once (``whsec_`` + base64 of 32 random bytes, the Standard Webhooks
form). Every feed event a subscribed endpoint wants becomes a ``WebhookDelivery`` row in
the transaction that made the change (``enqueue``); interop.delivery sends them after
commit. ``delete_endpoint`` stops an endpoint at once: what it was still owed is
cancelled, what it was sent stays on record.

URLs: http or https only, with a host and no credentials. Hosts that are loopback,
private, link-local or otherwise not public are refused when the delivery is sent (and
when registered, if given as an address) unless ``WEBHOOK_ALLOW_PRIVATE_HOSTS`` is set
(tests and the two-registry federation on 127.0.0.1).
"""

import base64
import ipaddress
import json
import re
import secrets
import socket
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from core import clock
from core.db import db, is_postgresql
from core.errors import Invalid, NotFound
from interop.feed import EVENT_TYPES
from interop.feed_models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

SECRET_PREFIX = "whsec_"
MAX_ENDPOINTS_PER_ORGANIZATION = 20


def _url_problem(url: str) -> str | None:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises on a bad port)
    except ValueError:
        return _("Must be an http or https URL.")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return _("Must be an http or https URL.")
    if parts.username or parts.password:
        return _("Must not carry a user name or password.")
    host = parts.hostname
    address = _literal_address(host)
    if address is not None:
        if not is_allowed_address(address):
            return _("Must be a public address.")
    elif not HOST_NAME.fullmatch(host):
        return _("Must be an http or https URL.")
    elif (host == "localhost" or host.endswith(".localhost")) \
            and not current_app.config.get("WEBHOOK_ALLOW_PRIVATE_HOSTS"):
        return _("Must be a public address.")
    return None


#: A host name as URLs carry it (letters, digits, hyphens, dots, underscores; IDNs
#: already in any script are left to the resolver) — no spaces or other separators.
HOST_NAME = re.compile(r"[^\s/\\@?#%]+")


def _literal_address(host: str):
    """The address a host written as an IP literal denotes, in any form the resolver
    accepts (``127.1``, ``2130706433``, ``0x7f000001`` are all 127.0.0.1); None for a name."""
    try:
        return ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        pass
    try:
        return ipaddress.ip_address(socket.inet_aton(host))
    except OSError:
        return None


def is_allowed_address(address) -> bool:
    """Public addresses always; others only when WEBHOOK_ALLOW_PRIVATE_HOSTS is set."""
    if current_app.config.get("WEBHOOK_ALLOW_PRIVATE_HOSTS"):
        return True
    return address.is_global and not address.is_multicast


def check_destination(url: str) -> None:
    """Before each send: every address the host resolves to must be allowed (SSRF).

    Raises ValueError naming the refused address or the resolution failure.
    """
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except OSError as error:
        raise ValueError(f"cannot resolve {parts.hostname}: {error}") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not is_allowed_address(address):
            raise ValueError(f"refused destination address {address}")


def create_endpoint(organization, *, url: str, types: list[str]) -> tuple[WebhookEndpoint, str]:
    """Register ``url`` for ``types`` (empty: every type); return the endpoint and its
    secret, which is shown this once. Invalid (422) for a bad URL or unknown type."""
    problem = _url_problem(url)
    if problem:
        raise Invalid(_("The webhook URL is not acceptable."), {"url": [problem]})
    unknown = sorted(set(types) - set(EVENT_TYPES))
    if unknown:
        raise Invalid(_("Unknown event type."),
                      {"types": [_("Unknown: %(types)s.", types=", ".join(unknown))]})
    count = db.session.execute(sa.select(sa.func.count()).select_from(WebhookEndpoint).where(
        WebhookEndpoint.organization_id == organization.id,
        WebhookEndpoint.deleted_at.is_(None))).scalar_one()
    if count >= MAX_ENDPOINTS_PER_ORGANIZATION:
        raise Invalid(_("Too many webhook endpoints for one organisation."),
                      {"url": [_("At most %(count)s.", count=MAX_ENDPOINTS_PER_ORGANIZATION)]})
    secret = SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode("ascii")
    endpoint = WebhookEndpoint(organization_id=organization.id, url=url,
                               types=json.dumps(sorted(set(types))), secret=secret,
                               created_at=clock.now())
    db.session.add(endpoint)
    db.session.flush()
    return endpoint, secret


def endpoints_of(organization) -> list[WebhookEndpoint]:
    """The organisation's endpoints that are not deleted, oldest first."""
    return list(db.session.execute(sa.select(WebhookEndpoint).where(
        WebhookEndpoint.organization_id == organization.id,
        WebhookEndpoint.deleted_at.is_(None)).order_by(WebhookEndpoint.id)).scalars())


def endpoint_of(organization, endpoint_id: int) -> WebhookEndpoint:
    """The organisation's endpoint ``endpoint_id``, deleted or not. NotFound (404) for an
    unknown id or another organisation's endpoint (their existence is not ours to tell)."""
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or endpoint.organization_id != organization.id:
        raise NotFound(_("No such webhook endpoint."))
    return endpoint


def delete_endpoint(organization, endpoint_id: int) -> WebhookEndpoint:
    """Delete the organisation's endpoint: nothing more is enqueued for it or sent to it,
    and the deliveries it was still owed are ``cancelled`` (kept, never attempted). The
    deliveries made and their attempts stay readable (``deliveries_of``), so the endpoint
    row stays too, marked ``deleted_at``: removing rows would also pull them from under a
    delivery worker that holds the endpoint's lease and is about to store its results.

    Such a worker may finish the request it is making; what it then stores is the truth
    (the attempt, and "delivered" on a 2xx), but a failure no longer reschedules a
    cancelled delivery. A change committed while this runs may still enqueue a delivery
    for the endpoint; the worker never claims a deleted endpoint, so it is not sent.
    NotFound (404) for an unknown id, another organisation's endpoint, or one already
    deleted."""
    stmt = sa.select(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id)
    if is_postgresql():  # a concurrent delete waits, then finds it deleted
        stmt = stmt.with_for_update()
    endpoint = db.session.execute(stmt).scalar()
    if endpoint is None or endpoint.organization_id != organization.id or endpoint.is_deleted:
        raise NotFound(_("No such webhook endpoint."))
    endpoint.deleted_at = clock.now()
    db.session.execute(sa.update(WebhookDelivery).where(
        WebhookDelivery.endpoint_id == endpoint.id, WebhookDelivery.status == "pending")
        .values(status="cancelled"))
    db.session.flush()
    return endpoint


def deliveries_of(organization, endpoint_id: int, limit: int = 100) -> list[dict]:
    """The newest deliveries of the organisation's endpoint (also a deleted one) with
    their attempts, newest first. NotFound (404) for another organisation's endpoint."""
    endpoint_of(organization, endpoint_id)
    deliveries = list(db.session.execute(
        sa.select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id)
        .order_by(WebhookDelivery.position.desc()).limit(limit)).scalars())
    attempts = {}
    if deliveries:
        for attempt in db.session.execute(
                sa.select(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(
                    [d.id for d in deliveries])).order_by(WebhookAttempt.id)).scalars():
            attempts.setdefault(attempt.delivery_id, []).append(attempt)
    from interop.feed_models import FeedEvent
    events = dict(db.session.execute(sa.select(FeedEvent.position, FeedEvent.event_id).where(
        FeedEvent.position.in_([d.position for d in deliveries]))).all()) if deliveries else {}
    return [{"id": d.id, "event_id": events.get(d.position), "position": d.position,
             "status": d.status, "attempts": [
                 {"attempted_at": a.attempted_at, "status_code": a.status_code,
                  "error": a.error, "duration_ms": a.duration_ms}
                 for a in attempts.get(d.id, [])],
             "next_attempt_at": d.next_attempt_at if d.status == "pending" else None,
             "delivered_at": d.delivered_at} for d in deliveries]


def enqueue(rows: list[dict]) -> None:
    """Outbox rows for the feed ``rows`` just stored, per endpoint wanting their type
    (called by interop.feed before commit, in the change's transaction)."""
    endpoints = db.session.execute(sa.select(WebhookEndpoint.id, WebhookEndpoint.types).where(
        WebhookEndpoint.deleted_at.is_(None))).all()
    if not endpoints:
        return
    now = clock.now()
    wanted = [(endpoint_id, set(json.loads(types))) for endpoint_id, types in endpoints]
    deliveries = [{"endpoint_id": endpoint_id, "position": row["position"], "status": "pending",
                   "attempts": 0, "next_attempt_at": now}
                  for row in rows for endpoint_id, types in wanted
                  if not types or row["type"] in types]
    if deliveries:
        db.session.execute(sa.insert(WebhookDelivery.__table__), deliveries)
