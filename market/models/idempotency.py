"""Stored first answers to requests that carried an ``Idempotency-Key``."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.db import db
from core.models import UTCDateTime, utcnow


class IdempotencyRecord(db.Model):
    """The response given to one organisation's first request under one key."""

    __tablename__ = "idempotency_records"
    __table_args__ = (sa.UniqueConstraint("organization_id", "scope", "key",
                                          name="uq_idempotency_records_org_scope_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"))
    scope: Mapped[str] = mapped_column(sa.String(32))
    key: Mapped[str] = mapped_column(sa.String(255))
    request_hash: Mapped[str] = mapped_column(sa.String(64))
    status_code: Mapped[int | None] = mapped_column(sa.Integer)
    response: Mapped[dict | None] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
