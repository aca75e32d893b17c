"""What the certificate layer adds to rows of the public registry: whether the
retirement's certificate was revoked. Market lists retirements but may not import this
layer, so it calls the annotator registered here (``market.retirements.annotate``)."""

import sqlalchemy as sa

from certificates.models import Certificate
from core.db import db
from market import retirements


def mark_revoked(rows) -> None:
    """Set ``revoked`` on each retirement whose certificate is revoked (one query)."""
    if not rows:
        return
    revoked = set(db.session.scalars(sa.select(Certificate.retirement_id).where(
        Certificate.retirement_id.in_([r.id for r in rows]),
        Certificate.revoked_at.is_not(None))))
    for retirement in rows:
        retirement.revoked = retirement.id in revoked


def connect() -> None:
    retirements.register_annotator(mark_revoked)
