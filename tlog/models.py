"""The transparency log's storage: complete Merkle subtrees, the tree size, checkpoints."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.db import db
from core.models import UTCDateTime


class TreeNode(db.Model):
    """The RFC 9162 hash of one complete subtree: leaves [index·2^level, (index+1)·2^level).

    Level 0 holds the leaf hashes of the ledger entries (index = seq). A stored node
    never changes, so roots and proofs read O(log n) rows.
    """

    __tablename__ = "tlog_nodes"

    level: Mapped[int] = mapped_column(sa.SmallInteger, primary_key=True, autoincrement=False)
    index: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(sa.LargeBinary)


class TreeState(db.Model):
    """A single row (id 1): how many ledger entries the tree holds, and the log's
    origin. Locking it serialises the appends to the tree."""

    __tablename__ = "tlog_state"
    __table_args__ = (sa.CheckConstraint("size >= 0", name="size_non_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    size: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    # The log's origin (and key name), fixed when its first checkpoint is signed: the
    # log's identity, not something to derive again from whatever BASE_URL is set.
    origin: Mapped[str | None] = mapped_column(sa.String(255))


class Checkpoint(db.Model):
    """A signed statement of the tree: a C2SP checkpoint note for ``tree_size`` leaves
    with Merkle root ``root_hash``, signed by the log key. One per tree size."""

    __tablename__ = "tlog_checkpoints"
    __table_args__ = (sa.CheckConstraint("tree_size >= 0", name="tree_size_non_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tree_size: Mapped[int] = mapped_column(sa.BigInteger, unique=True)
    root_hash: Mapped[bytes] = mapped_column(sa.LargeBinary)
    note: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
