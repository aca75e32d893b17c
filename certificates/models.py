"""Certificates (signed credentials with their PDF) and revocation status lists."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.db import db
from core.models import UTCDateTime, utcnow

CERTIFICATE_TYPES = ("retirement", "event_neutrality", "claim_neutrality", "commitment",
                     "compensation")


class Certificate(db.Model):
    """A signed W3C credential the registry issued, with its rendered, signed PDF.

    ``credential`` is the exact signed JSON text; it never changes. Revocation only
    flips the status list bit and records why.
    """

    __tablename__ = "certificates"
    __table_args__ = (sa.UniqueConstraint("status_list_id", "status_index",
                                          name="uq_certificates_status_slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(32), unique=True)
    type: Mapped[str] = mapped_column(sa.String(32))
    subject_id: Mapped[int] = mapped_column(sa.Integer)
    retirement_id: Mapped[int | None] = mapped_column(sa.ForeignKey("retirements.id"), unique=True)
    credential: Mapped[str] = mapped_column(sa.Text)
    verification_method: Mapped[str] = mapped_column(sa.String(255))
    public_key_multibase: Mapped[str] = mapped_column(sa.String(64))
    # The slot follows from the certificate number (see revocation.slot_for): no row of
    # status_lists is locked or even needed while a certificate is issued.
    status_list_id: Mapped[int] = mapped_column(sa.Integer)
    status_index: Mapped[int] = mapped_column(sa.Integer)
    view: Mapped[dict] = mapped_column(sa.JSON)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revocation_reason: Mapped[str | None] = mapped_column(sa.String(500))
    pdf: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    pdf_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    pdf_rendered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __mapper_args__ = {"eager_defaults": False}

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class StatusList(db.Model):
    """One Bitstring Status List (revocation) and its signed list credential, created
    when first read and re-signed whenever a certificate on it is revoked."""

    __tablename__ = "status_lists"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    purpose: Mapped[str] = mapped_column(sa.String(16), default="revocation")
    length: Mapped[int] = mapped_column(sa.Integer)
    credential: Mapped[str | None] = mapped_column(sa.Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
