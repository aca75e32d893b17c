"""Storage of the change feed and of webhook deliveries (INTEROP.md §3).

The feed is append-only: one row per change, numbered under the ``interop_feed_head``
lock in the transaction that made the change, so a cursor (the row's ``position``) never
sees a later row appear before an earlier one. A webhook delivery is an outbox row
written in that same transaction; the delivery job sends it after commit.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.db import db, one_of
from core.models import UTCDateTime

#: ``cancelled``: still owed when its endpoint was deleted, so never to be attempted.
DELIVERY_STATUSES = ("pending", "delivered", "failed", "cancelled")


class FeedHead(db.Model):
    """A single row (id 1): the next feed position. Locking it orders the feed."""

    __tablename__ = "interop_feed_head"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    next_position: Mapped[int] = mapped_column(sa.BigInteger, default=1)


class FeedEvent(db.Model):
    """One change as the feed serves it: a CloudEvents 1.0 event without its envelope
    constants (``specversion``, ``source`` are added when served)."""

    __tablename__ = "interop_feed_events"
    __table_args__ = (sa.CheckConstraint("position >= 1", name="position_positive"),)

    position: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    event_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    type: Mapped[str] = mapped_column(sa.String(64), index=True)
    subject: Mapped[str] = mapped_column(sa.String(128))
    time: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_org_id: Mapped[int | None] = mapped_column(sa.Integer)
    actor_name: Mapped[str | None] = mapped_column(sa.String(200))
    ledger_seq: Mapped[int | None] = mapped_column(sa.BigInteger)
    data: Mapped[str] = mapped_column(sa.Text)  # JSON object


class WebhookEndpoint(db.Model):
    """Where an organisation wants feed events POSTed, signed with its secret
    (Standard Webhooks). ``types`` is a JSON list of event types, empty for all. A deleted
    endpoint keeps its row (``deleted_at``) so that its delivery history stays readable;
    nothing is enqueued for it or sent to it any more."""

    __tablename__ = "interop_webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    url: Mapped[str] = mapped_column(sa.String(2000))
    types: Mapped[str] = mapped_column(sa.Text)
    secret: Mapped[str] = mapped_column(sa.String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # A delivery worker holds the endpoint until then, so one sends per endpoint (in order).
    leased_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class WebhookDelivery(db.Model):
    """One feed event owed to one endpoint: pending until a 2xx answer, retried with
    exponential backoff, failed after the last attempt, cancelled when the endpoint is
    deleted before it was made."""

    __tablename__ = "interop_webhook_deliveries"
    __table_args__ = (
        one_of("status", DELIVERY_STATUSES, name="status_known"),
        sa.Index("ix_interop_webhook_deliveries_queue", "endpoint_id", "status", "position"),
    )

    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"),
                                    primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(sa.ForeignKey("interop_webhook_endpoints.id"))
    position: Mapped[int] = mapped_column(sa.ForeignKey("interop_feed_events.position"))
    status: Mapped[str] = mapped_column(sa.String(16), default="pending")
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WebhookAttempt(db.Model):
    """One HTTP attempt of a delivery: when, the answer's status or the error."""

    __tablename__ = "interop_webhook_attempts"

    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"),
                                    primary_key=True)
    delivery_id: Mapped[int] = mapped_column(sa.ForeignKey("interop_webhook_deliveries.id"),
                                             index=True)
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status_code: Mapped[int | None] = mapped_column(sa.Integer)
    error: Mapped[str | None] = mapped_column(sa.String(500))
    duration_ms: Mapped[int] = mapped_column(sa.Integer)
