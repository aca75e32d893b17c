"""Gapless, human-readable number sequences (JLR-2026-000001 …)."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.db import db


class Counter(db.Model):
    """The last number handed out for one named sequence, e.g. ``retirement:2026``."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    value: Mapped[int] = mapped_column(sa.BigInteger, default=0)
