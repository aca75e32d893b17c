"""Factor sets, neutrality claims, events and their footprints.

A **neutrality claim** is the one record every carbon-neutral subject shares: an event,
an organisation's operations for a period, or a pilot's emissions for a period. It holds
the host, the period, the offset deadline, the status and the certificates. An **event**
adds what only events have (kind, venue, attendees) to its claim. Retirements name an
event by ``event_id`` and an organisation or pilot claim by ``claim_id``.
"""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import db, one_of
from core.models import HasStatus, UTCDateTime

EVENT_KINDS = ("forum", "exhibition", "conference", "performance", "sports", "other")
SUBJECTS = ("event", "organization", "pilot")
CLAIM_STATUSES = ("planned", "committed", "awaiting_offset", "neutral", "overdue")
STAGES = ("estimate", "actual")
#: the retirement purpose that covers each kind of subject
PURPOSE_OF = {"event": "event_neutrality", "organization": "organization_operations",
              "pilot": "pilot_neutrality"}


class FactorSet(db.Model):
    """One published version of the emission factors (DOMAIN.md §4). Immutable: a changed
    factor is a new version, and every footprint names the version it was computed with."""

    __tablename__ = "factor_sets"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(sa.String(32), unique=True)
    published: Mapped[date] = mapped_column(sa.Date)
    document: Mapped[dict] = mapped_column(sa.JSON)
    document_hash: Mapped[str] = mapped_column(sa.String(71))
    loaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organizations.id"))
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class NeutralityClaim(HasStatus, db.Model):
    """A public declaration that a subject's emissions for a period will be (and then are)
    offset by retired reductions, with its deadline, status and certificates."""

    status_labels = "claim_status"

    __tablename__ = "neutrality_claims"
    __table_args__ = (
        one_of("subject", SUBJECTS, name="subject_known"),
        one_of("status", CLAIM_STATUSES, name="status_known"),
        sa.CheckConstraint("period_end >= period_start", name="period_ordered"),
        sa.CheckConstraint("deadline >= period_end", name="deadline_after_period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(sa.String(16))
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    period_start: Mapped[date] = mapped_column(sa.Date)
    period_end: Mapped[date] = mapped_column(sa.Date)
    deadline: Mapped[date] = mapped_column(sa.Date)
    status: Mapped[str] = mapped_column(sa.String(20), index=True)
    commitment_certificate_number: Mapped[str | None] = mapped_column(sa.String(32), unique=True)
    committed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    certificate_number: Mapped[str | None] = mapped_column(sa.String(32), unique=True)
    neutral_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    overdue_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    organization = relationship("Organization")
    event = relationship("Event", uselist=False, back_populates="claim")
    footprints = relationship("Footprint", order_by="Footprint.id", viewonly=True)

    @property
    def is_neutral(self) -> bool:
        return self.status == "neutral"

    @property
    def purpose(self) -> str:
        return PURPOSE_OF[self.subject]

    def status_on(self, today: date) -> str:
        """The status as of ``today``: the stored one, moved on by the calendar where the
        daily job has not yet recorded it (an ended event awaits its offset; a deadline
        passed uncovered makes the claim overdue)."""
        if self.status in ("neutral", "overdue"):
            return self.status
        if today > self.deadline:
            return "overdue"
        if self.status in ("planned", "committed") and today > self.period_end:
            return "awaiting_offset"
        return self.status

    @property
    def is_before_offset(self) -> bool:
        """Planned or committed: the subject's period has not yet been closed."""
        return self.status in ("planned", "committed")

    def mark_committed(self, certificate_number: str, moment: datetime) -> None:
        """The pre-event commitment is published (once, before the event)."""
        self._move("committed", ("planned",))
        self.commitment_certificate_number, self.committed_at = certificate_number, moment

    def mark_awaiting_offset(self) -> None:
        """The period ended (or the actual footprint is in): retirements are due."""
        self._move("awaiting_offset", ("planned", "committed"))

    def mark_neutral(self, certificate_number: str, moment: datetime) -> None:
        """Covered: the achievement certificate is issued (late cover included)."""
        self._move("neutral", ("planned", "committed", "awaiting_offset", "overdue"))
        self.certificate_number, self.neutral_at = certificate_number, moment

    def mark_overdue(self, moment: datetime) -> None:
        """The offset deadline passed uncovered."""
        self._move("overdue", ("planned", "committed", "awaiting_offset"))
        self.overdue_at = moment


class Event(db.Model):
    """A large event (forum, exhibition, conference, performance, sports) going carbon
    neutral under the MEE guideline; its name, host and dates live on its claim."""

    __tablename__ = "events"
    __table_args__ = (
        one_of("kind", EVENT_KINDS, name="kind_known"),
        sa.CheckConstraint("expected_attendees > 0", name="attendees_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(sa.ForeignKey("neutrality_claims.id"), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    venue: Mapped[str] = mapped_column(sa.String(200))
    city: Mapped[str] = mapped_column(sa.String(100))
    expected_attendees: Mapped[int] = mapped_column(sa.Integer)

    claim = relationship("NeutralityClaim", back_populates="event")

    @property
    def name(self) -> str:
        return self.claim.name

    @property
    def start_date(self) -> date:
        return self.claim.period_start

    @property
    def end_date(self) -> date:
        return self.claim.period_end


class Footprint(db.Model):
    """One quantification of a claim's emissions: an ex-ante estimate or the actual
    footprint, either calculated (lines, factor-set version, inputs hash) or, for an
    organisation or pilot, declared as a total. Never changed once recorded."""

    __tablename__ = "footprints"
    __table_args__ = (
        one_of("stage", STAGES, name="stage_known"),
        sa.CheckConstraint("basis IN ('calculated', 'declared')", name="basis_known"),
        sa.CheckConstraint("total_kg > 0", name="total_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(sa.ForeignKey("neutrality_claims.id"), index=True)
    stage: Mapped[str] = mapped_column(sa.String(16))
    basis: Mapped[str] = mapped_column(sa.String(16))
    factor_set_id: Mapped[int | None] = mapped_column(sa.ForeignKey("factor_sets.id"))
    factor_set_version: Mapped[str | None] = mapped_column(sa.String(32))
    inputs: Mapped[dict | None] = mapped_column(sa.JSON)
    inputs_hash: Mapped[str | None] = mapped_column(sa.String(71))
    lines: Mapped[list] = mapped_column(sa.JSON)
    total_kg: Mapped[int] = mapped_column(sa.BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    factor_set = relationship("FactorSet")
