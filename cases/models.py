"""以碳代偿 compensation cases: a court's or bureau's order that an obligor buy and retire
reductions, the case file's documents, and the audit trail of every change."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import db, one_of
from core.models import HasStatus, UTCDateTime

CASE_STATUSES = ("open", "fulfilled", "overdue")
AUTHORITY_KINDS = ("court", "procuratorate", "eco_bureau")
#: The case file of DOMAIN.md §5 (龙岩 "六书"); the registry keeps references, not files.
#: Their labels are ``case_document_kind`` in ``cases.labels``.
DOCUMENT_KINDS = ("commitment_letter", "court_notice", "bureau_commission",
                  "loss_assessment_opinion", "restoration_design", "payment_notice")
CASE_ACTIONS = ("opened", "document_added", "payment_link_issued", "payment_order_placed",
                "retirement_counted", "fulfilled", "overdue")


class CompensationCase(HasStatus, db.Model):
    """One judgment or settlement ordering ecological-damage compensation in reductions.

    The measured loss, its agency and report, the multiplier and the ordered quantity are
    stored exactly as the authority wrote them and never recomputed. The obligor's ID
    number is kept only as a Fernet token; the payment link only as its SHA-256.
    """

    status_labels = "case_status"

    __tablename__ = "compensation_cases"
    __table_args__ = (
        sa.UniqueConstraint("authority_id", "case_number",
                            name="uq_compensation_cases_authority_case_number"),
        sa.CheckConstraint("required_kg > 0", name="required_positive"),
        sa.CheckConstraint("measured_loss_kg > 0", name="measured_loss_positive"),
        sa.CheckConstraint("retired_kg >= 0", name="retired_non_negative"),
        sa.CheckConstraint("due_date >= judgment_date", name="due_after_judgment"),
        one_of("status", CASE_STATUSES, name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_number: Mapped[str] = mapped_column(sa.String(100))
    authority_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    authority_name: Mapped[str] = mapped_column(sa.String(200))
    judgment_date: Mapped[date] = mapped_column(sa.Date)
    due_date: Mapped[date] = mapped_column(sa.Date)
    obligor_name: Mapped[str] = mapped_column(sa.String(200))
    # The name the public sees: a person's masked name (李某), an organisation's
    # registered name in full (DOMAIN.md §5).
    obligor_masked_name: Mapped[str] = mapped_column(sa.String(200))
    obligor_organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id"), index=True)
    obligor_id_number_encrypted: Mapped[str | None] = mapped_column(sa.Text)
    # Where the obligor is told of the case and its payment link (optional; never public).
    obligor_email: Mapped[str | None] = mapped_column(sa.String(254))
    # Holder of record of what is bought through the payment link: the obligor's own
    # organisation, or for a person an "individual" organisation with a masked name.
    payer_organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id"), index=True)
    damage_description: Mapped[str] = mapped_column(sa.Text)
    measured_loss_kg: Mapped[int] = mapped_column(sa.BigInteger)
    measuring_agency: Mapped[str] = mapped_column(sa.String(200))
    report_number: Mapped[str] = mapped_column(sa.String(100))
    multiplier: Mapped[str] = mapped_column(sa.String(16))
    required_kg: Mapped[int] = mapped_column(sa.BigInteger)
    retired_kg: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    beneficiary_wording: Mapped[str] = mapped_column(sa.String(200))
    payment_token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # The working link, Fernet-encrypted like the ID number: only the authority and the
    # registry admin read it back (to copy it, or print it on the payment notice).
    payment_link_encrypted: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(16), default="open", index=True)
    certificate_number: Mapped[str | None] = mapped_column(sa.String(32), unique=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    fulfilled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    documents = relationship("CaseDocument", order_by="CaseDocument.id", viewonly=True)

    @property
    def outstanding_kg(self) -> int:
        return max(self.required_kg - self.retired_kg, 0)

    @property
    def is_fulfilled(self) -> bool:
        return self.status == "fulfilled"

    def count_retirement(self, quantity_kg: int) -> bool:
        """Add retired units; True when this retirement is the one that covers the case."""
        was_covered = self.retired_kg >= self.required_kg
        self.retired_kg += quantity_kg
        return not was_covered and self.retired_kg >= self.required_kg

    def mark_fulfilled(self, certificate_number: str, moment: datetime) -> None:
        """Covered (on time or late): the case gets its certificate number."""
        self._move("fulfilled", ("open", "overdue"))
        self.certificate_number, self.fulfilled_at = certificate_number, moment

    def mark_overdue(self) -> None:
        """The due date passed while the case was still open."""
        self._move("overdue", ("open",))


class CaseDocument(db.Model):
    """A reference to one document of the case file (kind, title, reference number),
    optionally with the document itself as a PDF (its bytes, size and SHA-256 kept in the
    database, like evidence files, so a backup holds them whole)."""

    __tablename__ = "compensation_case_documents"
    __table_args__ = (sa.CheckConstraint("size IS NULL OR size > 0", name="size_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("compensation_cases.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    title: Mapped[str] = mapped_column(sa.String(200))
    reference: Mapped[str] = mapped_column(sa.String(200))
    added_by_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)
    filename: Mapped[str | None] = mapped_column(sa.String(200))
    size: Mapped[int | None] = mapped_column(sa.Integer)
    sha256: Mapped[str | None] = mapped_column(sa.String(64))
    content: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)

    @property
    def has_file(self) -> bool:
        return self.sha256 is not None


class CaseEvent(db.Model):
    """One entry of a case's audit trail: what changed, who did it and when.

    ``actor`` is ``organization`` (an authenticated organisation), ``payment_link`` (the
    bearer of the case's payment link, recorded with the payer organisation) or ``system``
    (a scheduled job). ``details`` never holds the obligor's identity.
    """

    __tablename__ = "compensation_case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("compensation_cases.id"), index=True)
    action: Mapped[str] = mapped_column(sa.String(32))
    actor: Mapped[str] = mapped_column(sa.String(16))
    actor_organization_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organizations.id"))
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
