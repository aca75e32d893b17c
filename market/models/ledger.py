"""The append-only ledger: one entry per change of unit state, numbered from 0."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.db import db
from core.models import UTCDateTime

ENTRY_TYPES = ("issue", "list", "delist", "reserve", "release", "transfer", "retire")


class LedgerEntry(db.Model):
    """One state change of one serial range; ``canonical`` is its RFC 8785 JSON, the
    exact leaf data of the transparency log. Rows are never updated or deleted."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        sa.CheckConstraint("seq >= 0", name="seq_non_negative"),
        sa.CheckConstraint("serial_start >= 1 AND serial_start <= serial_end", name="range_valid"),
    )

    seq: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    type: Mapped[str] = mapped_column(sa.String(16))
    lot_id: Mapped[int] = mapped_column(sa.ForeignKey("lots.id"), index=True)
    lot_code: Mapped[str] = mapped_column(sa.String(64))
    serial_start: Mapped[int] = mapped_column(sa.BigInteger)
    serial_end: Mapped[int] = mapped_column(sa.BigInteger)
    quantity_kg: Mapped[int] = mapped_column(sa.BigInteger)
    from_org_id: Mapped[int | None] = mapped_column(sa.Integer)
    to_org_id: Mapped[int | None] = mapped_column(sa.Integer)
    ref: Mapped[str] = mapped_column(sa.String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    canonical: Mapped[str] = mapped_column(sa.Text)


class LedgerHead(db.Model):
    """A single row holding the next sequence number; locking it orders all appends."""

    __tablename__ = "ledger_head"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    next_seq: Mapped[int] = mapped_column(sa.BigInteger, default=0)
