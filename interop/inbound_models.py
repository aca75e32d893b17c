"""What peers report to this registry through their webhooks (INTEROP.md §3, §7)."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.db import db
from core.models import UTCDateTime


class PeerSubscription(db.Model):
    """This registry's webhook endpoint at a peer: the peer (by DID), the endpoint id the
    peer gave, and the secret that signs what the peer sends (Standard Webhooks)."""

    __tablename__ = "interop_peer_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    peer_did: Mapped[str] = mapped_column(sa.String(300), index=True)
    #: The last path segment of the inbound URL: random, so URLs cannot be enumerated.
    inbound_key: Mapped[str] = mapped_column(sa.String(43), unique=True)
    remote_endpoint_id: Mapped[int] = mapped_column(sa.Integer)
    types: Mapped[str] = mapped_column(sa.Text)
    secret: Mapped[str] = mapped_column(sa.String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PeerReport(db.Model):
    """One feed event a peer delivered, verified with the subscription's secret; kept once
    per CloudEvent id (webhooks arrive at least once)."""

    __tablename__ = "interop_peer_reports"
    __table_args__ = (sa.UniqueConstraint("peer_did", "event_id",
                                          name="uq_interop_peer_reports_peer_event"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    peer_did: Mapped[str] = mapped_column(sa.String(300), index=True)
    event_id: Mapped[str] = mapped_column(sa.String(64))
    type: Mapped[str] = mapped_column(sa.String(64))
    subject: Mapped[str] = mapped_column(sa.String(128))
    time: Mapped[datetime] = mapped_column(UTCDateTime)
    ledger_seq: Mapped[int | None] = mapped_column(sa.BigInteger)
    quantity_kg: Mapped[int | None] = mapped_column(sa.BigInteger)
    data: Mapped[str] = mapped_column(sa.Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
