"""Sending the webhook outbox after commit: in order per endpoint, at least once.

``deliver_pending`` claims endpoints that have due deliveries (a lease on the endpoint
row, taken with FOR UPDATE SKIP LOCKED on PostgreSQL so parallel workers take different
endpoints), sends each endpoint's deliveries oldest first (by feed position) and stops
at the first failure, so a later event never overtakes an earlier one. Results are
stored in one transaction per endpoint batch; a worker that dies before storing them
leaves the deliveries pending and they are sent again (at least once: receivers
deduplicate by ``webhook-id``).

Failures back off exponentially: 5 s, 20 s, 80 s … (×4, at most 10 h); after
``MAX_ATTEMPTS`` a delivery is marked failed and the endpoint moves on to the next
(``core.outbox.backoff`` / ``after_failure``, shared with the mail outbox; the claim is
this module's own, per endpoint: docs/architecture.md, "Two outboxes").
Headers follow the Standard Webhooks spec: ``webhook-id`` (the CloudEvent id),
``webhook-timestamp`` (Unix seconds, wall clock) and ``webhook-signature``
(``v1,`` + base64 HMAC-SHA256 of ``id.timestamp.body`` with the endpoint's secret).
"""

import json
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import requests
import sqlalchemy as sa
from flask import current_app
from standardwebhooks.webhooks import Webhook

from core import clock, outbox
from core.db import db, is_postgresql, transaction
from interop import feed
from interop.feed_models import FeedEvent, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from interop.guarded_http import guarded_session
from interop.webhooks import check_destination

MAX_ATTEMPTS = 8
FIRST_BACKOFF = timedelta(seconds=5)
MAX_BACKOFF = timedelta(hours=10)
LEASE = timedelta(minutes=2)
TIMEOUT = (3.05, 10)  # connect, read (seconds)
BATCH = 100


SCHEDULE = {"first": FIRST_BACKOFF, "factor": 4, "longest": MAX_BACKOFF}


def backoff(attempts: int) -> timedelta:
    """Wait after the ``attempts``-th failed attempt: 5 s × 4^(attempts-1), ≤ 10 h."""
    return outbox.backoff(attempts, **SCHEDULE)


def _claim(limit: int) -> list[int]:
    """Lease up to ``limit`` endpoints with a due delivery; return their ids."""
    now = clock.now()
    due = sa.exists().where(WebhookDelivery.endpoint_id == WebhookEndpoint.id,
                            WebhookDelivery.status == "pending",
                            WebhookDelivery.next_attempt_at <= now)
    # Not a deleted endpoint, even with a pending delivery: a change committed while the
    # endpoint was being deleted may have enqueued one (webhooks.delete_endpoint).
    stmt = (sa.select(WebhookEndpoint).where(due, WebhookEndpoint.deleted_at.is_(None), sa.or_(
        WebhookEndpoint.leased_until.is_(None), WebhookEndpoint.leased_until < now))
        .order_by(WebhookEndpoint.id).limit(limit))
    if is_postgresql():
        stmt = stmt.with_for_update(skip_locked=True)
    with transaction():
        endpoints = list(db.session.execute(stmt).scalars())
        for endpoint in endpoints:
            endpoint.leased_until = now + LEASE
        return [endpoint.id for endpoint in endpoints]


def _due(endpoint_id: int, limit: int) -> list[tuple[WebhookDelivery, FeedEvent]]:
    """The endpoint's pending deliveries, oldest first, up to the first not yet due."""
    rows = db.session.execute(
        sa.select(WebhookDelivery, FeedEvent)
        .join(FeedEvent, FeedEvent.position == WebhookDelivery.position)
        .where(WebhookDelivery.endpoint_id == endpoint_id, WebhookDelivery.status == "pending")
        .order_by(WebhookDelivery.position).limit(limit)).all()
    now = clock.now()
    due = []
    for delivery, event in rows:
        if delivery.next_attempt_at > now:
            break  # in order: nothing after a delivery that waits
        due.append((delivery, event))
    return due


def _send(http: requests.Session, url: str, signer: Webhook, event_id: str,
          body: str) -> tuple[int | None, str | None, int]:
    started = time.perf_counter()
    try:
        check_destination(url)
        stamp = datetime.now(timezone.utc)  # Standard Webhooks: the wall clock
        headers = {"webhook-id": event_id, "webhook-timestamp": str(int(stamp.timestamp())),
                   "webhook-signature": signer.sign(event_id, stamp, body),
                   "content-type": "application/cloudevents+json; charset=utf-8",
                   "user-agent": "tanhui-jilin-registry-webhooks/1"}
        response = http.post(url, data=body.encode("utf-8"), headers=headers,
                             timeout=TIMEOUT, allow_redirects=False)
        code, error = response.status_code, None
        if not 200 <= code < 300:
            error = f"HTTP {code}"
    except (requests.RequestException, ValueError) as failure:
        code, error = None, str(failure)[:500]
    return code, error, int((time.perf_counter() - started) * 1000)


def _deliver_endpoint(endpoint_id: int, batch: int, http: requests.Session) -> int:
    """Send one endpoint's due deliveries in order; store the results; return how many
    were delivered."""
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    signer = Webhook(endpoint.secret)
    source_did = feed.source()
    results, known = [], {}
    for delivery, event in _due(endpoint_id, batch):
        known[delivery.id] = delivery.attempts
        body = json.dumps(feed.envelope(event, source_did), ensure_ascii=False,
                          separators=(",", ":"))
        code, error, took = _send(http, endpoint.url, signer, event.event_id, body)
        results.append((delivery.id, code, error, took))
        if error:
            break
    db.session.rollback()  # end the read; the results go in a transaction of their own
    with transaction():
        now = clock.now()
        if results:  # one executemany, one UPDATE for the delivered: no row loaded
            db.session.execute(sa.insert(WebhookAttempt.__table__), [
                {"delivery_id": delivery_id, "attempted_at": now, "status_code": code,
                 "error": error, "duration_ms": took}
                for delivery_id, code, error, took in results])
        delivered = [delivery_id for delivery_id, _, error, _ in results if error is None]
        if delivered:
            db.session.execute(
                sa.update(WebhookDelivery).where(WebhookDelivery.id.in_(delivered))
                .values(status="delivered", delivered_at=now,
                        attempts=WebhookDelivery.attempts + 1))
        for delivery_id, _, error, _ in results:
            if error is None:
                continue
            attempts = known[delivery_id] + 1
            values = {"attempts": attempts, **outbox.after_failure(
                attempts, max_attempts=MAX_ATTEMPTS, now=now, schedule=SCHEDULE)}
            # Only while still pending: a delivery cancelled meanwhile (its endpoint was
            # deleted during the send) is not scheduled again.
            db.session.execute(sa.update(WebhookDelivery).where(
                WebhookDelivery.id == delivery_id, WebhookDelivery.status == "pending")
                .values(**values))
        db.session.execute(sa.update(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id)
                           .values(leased_until=None))
    return len(delivered)


def deliver_pending(*, endpoints: int = 50, batch: int = BATCH, workers: int = 1) -> int:
    """Claim endpoints with due deliveries and send them (``workers`` endpoints at a
    time, each worker in its own app context and session). Returns deliveries made."""
    claimed = _claim(endpoints)
    if not claimed:
        return 0
    if workers <= 1:
        with guarded_session() as http:
            return sum(_deliver_endpoint(endpoint_id, batch, http) for endpoint_id in claimed)
    app = current_app._get_current_object()

    def work(endpoint_id: int) -> int:
        with app.app_context(), guarded_session() as http:
            try:
                return _deliver_endpoint(endpoint_id, batch, http)
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return sum(pool.map(work, claimed))


def deliver_until_idle(*, max_rounds: int = 100, workers: int = 1) -> int:
    """Send until nothing is due (the CLI and tests); returns deliveries made."""
    total = 0
    for _round in range(max_rounds):
        sent = deliver_pending(workers=workers)
        total += sent
        if sent == 0:
            break
    return total


def deliver_job() -> None:
    """Scheduled: send what is due."""
    deliver_pending()
