"""Methodologies and issuance requests: how reductions become lots."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import db, one_of
from core.models import HasStatus, UTCDateTime, utcnow

SCENARIOS = ("clothing", "food", "housing", "transport", "shopping", "tourism")
METHODOLOGY_STATUSES = ("draft", "filed", "suspended", "retired")
REQUEST_STATUSES = ("submitted", "verified", "rejected", "issued")


class Methodology(db.Model):
    """A filed quantification method for one low-carbon scenario (e.g. metro rides)."""

    __tablename__ = "methodologies"
    __table_args__ = (one_of("status", METHODOLOGY_STATUSES, name="status_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    title_zh: Mapped[str] = mapped_column(sa.String(200))
    title_en: Mapped[str] = mapped_column(sa.String(200))
    scenario: Mapped[str] = mapped_column(sa.String(16))
    version: Mapped[str] = mapped_column(sa.String(16))
    status: Mapped[str] = mapped_column(sa.String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def is_filed(self) -> bool:
        return self.status == "filed"


class IssuanceRequest(HasStatus, db.Model):
    """A seller's claim of reductions, checked by a verifier before the admin issues a lot."""

    status_labels = "issuance_request_status"

    __tablename__ = "issuance_requests"
    __table_args__ = (
        sa.CheckConstraint("quantity_kg > 0", name="quantity_positive"),
        sa.CheckConstraint("verified_kg IS NULL OR (verified_kg > 0 AND verified_kg <= quantity_kg)",
                           name="verified_within_claim"),
        one_of("status", REQUEST_STATUSES, name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    seller_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    methodology_id: Mapped[int] = mapped_column(sa.ForeignKey("methodologies.id"))
    vintage: Mapped[int] = mapped_column(sa.Integer)
    period_start: Mapped[date] = mapped_column(sa.Date)
    period_end: Mapped[date] = mapped_column(sa.Date)
    quantity_kg: Mapped[int] = mapped_column(sa.BigInteger)
    evidence: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    #: INTEROP.md §5: ``{regions: [GB/T 2260 codes], records_root?, record_hashes?}`` as the
    #: seller declared it; the double-claim gate reads it before the lot is issued.
    claim_scope: Mapped[dict | None] = mapped_column(sa.JSON)
    status: Mapped[str] = mapped_column(sa.String(16), default="submitted")
    verifier_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organizations.id"))
    verified_kg: Mapped[int | None] = mapped_column(sa.BigInteger)
    report_ref: Mapped[str | None] = mapped_column(sa.String(200))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    methodology = relationship("Methodology")
    seller = relationship("Organization", foreign_keys=[seller_id])
    lot = relationship("Lot", back_populates="issuance_request", uselist=False)

    def mark_verified(self, verifier_id: int, verified_kg: int, report_ref: str,
                      moment: datetime) -> None:
        """A verifier approved ``verified_kg`` of the claimed reductions."""
        self._move("verified", ("submitted",))
        self.verified_kg = verified_kg
        self._decided(verifier_id, report_ref, moment)

    def mark_rejected(self, verifier_id: int, report_ref: str, moment: datetime) -> None:
        """A verifier refused the claim; it can never be issued."""
        self._move("rejected", ("submitted",))
        self._decided(verifier_id, report_ref, moment)

    def mark_issued(self) -> None:
        """Its lot is issued (once)."""
        self._move("issued", ("verified",))

    def _decided(self, verifier_id: int, report_ref: str, moment: datetime) -> None:
        self.verifier_id, self.report_ref, self.decided_at = verifier_id, report_ref, moment
