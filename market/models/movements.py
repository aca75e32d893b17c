"""Transfers between holders and irreversible retirements."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import db
from core.models import UTCDateTime, utcnow

PURPOSES = ("organization_operations", "event_neutrality", "ecological_compensation",
            "pilot_neutrality", "voluntary", "donation")


class Transfer(db.Model):
    """A holder giving available units of one lot to another organisation."""

    __tablename__ = "transfers"
    __table_args__ = (sa.CheckConstraint("quantity_kg > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(32), unique=True)
    from_org_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    to_org_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    lot_id: Mapped[int] = mapped_column(sa.ForeignKey("lots.id"))
    quantity_kg: Mapped[int] = mapped_column(sa.BigInteger)
    note: Mapped[str | None] = mapped_column(sa.String(500))
    ledger_seq: Mapped[int] = mapped_column(sa.BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    lot = relationship("Lot")


class Retirement(db.Model):
    """Units cancelled for good for a purpose and a beneficiary (注销)."""

    __tablename__ = "retirements"
    __table_args__ = (sa.CheckConstraint("quantity_kg > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(32), unique=True)
    certificate_number: Mapped[str] = mapped_column(sa.String(32), unique=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    purpose: Mapped[str] = mapped_column(sa.String(32), index=True)
    beneficiary_name: Mapped[str] = mapped_column(sa.String(200), index=True)
    quantity_kg: Mapped[int] = mapped_column(sa.BigInteger)
    period_start: Mapped[date | None] = mapped_column(sa.Date)
    period_end: Mapped[date | None] = mapped_column(sa.Date)
    event_id: Mapped[int | None] = mapped_column(sa.Integer, index=True)
    claim_id: Mapped[int | None] = mapped_column(sa.Integer, index=True)
    case_id: Mapped[int | None] = mapped_column(sa.Integer, index=True)
    order_id: Mapped[int | None] = mapped_column(sa.Integer, index=True)
    note: Mapped[str | None] = mapped_column(sa.String(500))
    ledger_seq: Mapped[int] = mapped_column(sa.BigInteger)
    retired_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organization = relationship("Organization")
    blocks = relationship("SerialBlock", order_by="(SerialBlock.lot_id, SerialBlock.serial_start)",
                          viewonly=True)
