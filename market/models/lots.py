"""Lots and the serial blocks that hold their units.

A lot is one issuance with serials ``1 … issued_kg``. Its units live in serial blocks
that partition that range exactly; each block has one owner and one state. The lot keeps
running totals per state so the supply invariant is a CHECK the database enforces at
every commit; the audit command proves the totals equal the blocks.
"""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import db
from core.models import UTCDateTime, utcnow

STATES = ("available", "listed", "reserved", "retired")


class Lot(db.Model):
    """One issuance of verified reductions: ``issued_kg`` units with serials 1…issued_kg."""

    __tablename__ = "lots"
    __table_args__ = (
        sa.CheckConstraint("issued_kg > 0", name="issued_positive"),
        sa.CheckConstraint(
            "available_kg >= 0 AND listed_kg >= 0 AND reserved_kg >= 0 AND retired_kg >= 0",
            name="state_totals_non_negative",
        ),
        sa.CheckConstraint(
            "issued_kg = available_kg + listed_kg + reserved_kg + retired_kg",
            name="supply_invariant",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(64), unique=True)
    methodology_id: Mapped[int] = mapped_column(sa.ForeignKey("methodologies.id"))
    issuance_request_id: Mapped[int] = mapped_column(sa.ForeignKey("issuance_requests.id"),
                                                     unique=True)
    seller_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    scenario: Mapped[str] = mapped_column(sa.String(16))
    vintage: Mapped[int] = mapped_column(sa.Integer)
    period_start: Mapped[date] = mapped_column(sa.Date)
    period_end: Mapped[date] = mapped_column(sa.Date)
    issued_kg: Mapped[int] = mapped_column(sa.BigInteger)
    available_kg: Mapped[int] = mapped_column(sa.BigInteger)
    listed_kg: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    reserved_kg: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    retired_kg: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    methodology = relationship("Methodology")
    seller = relationship("Organization")
    issuance_request = relationship("IssuanceRequest", back_populates="lot")

    @property
    def methodology_code(self) -> str:
        return self.methodology.code


class SerialBlock(db.Model):
    """A contiguous serial range of one lot with one owner and one state.

    Retired blocks are frozen: a trigger refuses to change or delete them.
    """

    __tablename__ = "serial_blocks"
    __table_args__ = (
        sa.CheckConstraint("serial_start >= 1 AND serial_start <= serial_end", name="range_valid"),
        sa.CheckConstraint("state IN ('available', 'listed', 'reserved', 'retired')",
                           name="state_known"),
        sa.Index("ix_serial_blocks_owner_state", "owner_id", "state"),
        # Carving a listing looks for its *listed* blocks; its reserved pieces (one per
        # pending order) share the listing_id and must not be scanned past.
        sa.Index("ix_serial_blocks_listing_state", "listing_id", "state"),
        sa.Index("ix_serial_blocks_lot_start", "lot_id", "serial_start", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(sa.ForeignKey("lots.id"))
    serial_start: Mapped[int] = mapped_column(sa.BigInteger)
    serial_end: Mapped[int] = mapped_column(sa.BigInteger)
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"))
    state: Mapped[str] = mapped_column(sa.String(16))
    listing_id: Mapped[int | None] = mapped_column(sa.Integer)
    order_id: Mapped[int | None] = mapped_column(sa.Integer, index=True)
    retirement_id: Mapped[int | None] = mapped_column(sa.ForeignKey("retirements.id"), index=True)

    lot = relationship("Lot")

    @property
    def quantity_kg(self) -> int:
        return self.serial_end - self.serial_start + 1

    @property
    def is_retired(self) -> bool:
        return self.state == "retired"
