"""Evidence files of issuance requests, kept in the database so a backup (the database and
the keys) holds them whole."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.db import db, one_of
from core.models import UTCDateTime, utcnow

EVIDENCE_KINDS = ("pdf", "xlsx", "csv")


class EvidenceFile(db.Model):
    """One uploaded file (PDF, XLSX or CSV) of an issuance request, with its SHA-256."""

    __tablename__ = "evidence_files"
    __table_args__ = (
        sa.CheckConstraint("size > 0", name="size_positive"),
        one_of("kind", EVIDENCE_KINDS, name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("issuance_requests.id"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(8))
    size: Mapped[int] = mapped_column(sa.Integer)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Loaded only when the file itself is asked for, never with a list of files.
    content: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
