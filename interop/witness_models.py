"""Storage of mutual witnessing (INTEROP.md §6).

``WitnessedCheckpoint``: the peers' checkpoints this registry cosigned, one per (log
origin, tree size), so it can never cosign two roots for one size. ``SplitView``: a
peer checkpoint refused because it contradicts one cosigned before. ``Cosignature``:
cosignatures peers' witnesses returned for this registry's own checkpoints.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.db import db
from core.models import UTCDateTime


class WitnessedCheckpoint(db.Model):
    """A peer's checkpoint this registry verified (consistent with the last one it
    cosigned) and cosigned; ``cosignature`` is the signature line it returned."""

    __tablename__ = "interop_witnessed_checkpoints"
    __table_args__ = (sa.UniqueConstraint("origin", "tree_size",
                                          name="uq_interop_witnessed_checkpoints_origin_size"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    origin: Mapped[str] = mapped_column(sa.String(255))
    tree_size: Mapped[int] = mapped_column(sa.BigInteger)
    root_hash: Mapped[bytes] = mapped_column(sa.LargeBinary)
    note: Mapped[str] = mapped_column(sa.Text)
    cosignature: Mapped[str] = mapped_column(sa.Text)
    cosigned_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SplitView(db.Model):
    """A refused checkpoint: same log and size as one cosigned (or consistent history
    broken), different root. Kept as evidence and shown on the peers page."""

    __tablename__ = "interop_split_views"

    id: Mapped[int] = mapped_column(primary_key=True)
    origin: Mapped[str] = mapped_column(sa.String(255), index=True)
    tree_size: Mapped[int] = mapped_column(sa.BigInteger)
    root_hash: Mapped[bytes] = mapped_column(sa.LargeBinary)
    cosigned_root_hash: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    note: Mapped[str] = mapped_column(sa.Text)
    reason: Mapped[str] = mapped_column(sa.String(500))
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Cosignature(db.Model):
    """A peer witness's cosignature of one of this registry's checkpoints, verified
    against the witness key pinned for that peer before it was stored."""

    __tablename__ = "interop_cosignatures"
    __table_args__ = (sa.UniqueConstraint("witness_name", "tree_size",
                                          name="uq_interop_cosignatures_witness_size"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tree_size: Mapped[int] = mapped_column(sa.BigInteger, index=True)
    witness_name: Mapped[str] = mapped_column(sa.String(255))
    timestamp: Mapped[int] = mapped_column(sa.BigInteger)
    line: Mapped[str] = mapped_column(sa.Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
