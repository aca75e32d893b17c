"""The transparency log's storage: the RFC 9162 Merkle tree over the ledger.

Leaf i is SHA-256(0x00 ‖ canonical JSON of ledger entry i), exactly the item
``GET /api/v1/ledger`` serves (DOMAIN.md §6). The tree lives in ``tlog_nodes`` as
complete subtrees (see tlog.merkle), so roots and proofs read O(log n) rows.

Entries reach the tree *after* they commit: a retirement only appends its ledger row
and never hashes, and ``sync_tree`` (a job every minute, and on demand from the
checkpoint and proof endpoints, each in its own transaction) hashes what is new.
Syncs lock the ``tlog_state`` row, so they run one at a time and never block the
ledger's writers.
"""

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from core.db import db, is_postgresql
from market import ledger
from market.models import LedgerEntry
from tlog import merkle
from tlog.models import TreeNode, TreeState

SYNC_BATCH = 10_000  # leaves hashed and stored per round trip
_KEYS_PER_SELECT = 500  # (level, index) pairs in one tuple IN
_COPY_NODES = 'COPY tlog_nodes (level, "index", hash) FROM STDIN (FORMAT BINARY)'


class DbNodeStore:
    """merkle.NodeStore over ``tlog_nodes``, in the session's current transaction."""

    def get_many(self, keys) -> dict[merkle.Key, bytes]:
        """The stored hashes among `keys`, one SELECT per few hundred keys."""
        keys = list(dict.fromkeys(keys))
        found = {}
        for start in range(0, len(keys), _KEYS_PER_SELECT):
            chunk = keys[start:start + _KEYS_PER_SELECT]
            rows = db.session.execute(
                sa.select(TreeNode.level, TreeNode.index, TreeNode.hash)
                .where(sa.tuple_(TreeNode.level, TreeNode.index).in_(chunk)))
            found.update({(level, index): bytes(digest) for level, index, digest in rows})
        return found

    def put_many(self, items: dict[merkle.Key, bytes]) -> None:
        """Insert new nodes in one statement: a binary COPY on PostgreSQL (an executemany
        of 20 000 nodes costs ~10x more), an executemany (one C loop) on SQLite."""
        if not items:
            return
        if is_postgresql():
            with db.session.connection().connection.cursor() as cursor:
                with cursor.copy(_COPY_NODES) as copy:
                    copy.set_types(["int2", "int8", "bytea"])
                    for (level, index), digest in items.items():
                        copy.write_row((level, index, digest))
        else:
            db.session.execute(sa.insert(TreeNode.__table__), [
                {"level": level, "index": index, "hash": digest}
                for (level, index), digest in items.items()])


def _lock_state() -> TreeState:
    select = (sa.select(TreeState).where(TreeState.id == 1).with_for_update()
              .execution_options(populate_existing=True))
    state = db.session.execute(select).scalar_one_or_none()
    if state is None:
        # The migration inserts the row; a database emptied by hand (tests truncate
        # tables) gets it back here, without racing a concurrent sync.
        insert = (postgresql.insert if is_postgresql() else sqlite.insert)(TreeState)
        db.session.execute(insert.values(id=1, size=0).on_conflict_do_nothing())
        state = db.session.execute(select).scalar_one()
    return state


def sync_tree(batch: int = SYNC_BATCH) -> int:
    """Hash every committed ledger entry the tree lacks into it; return the tree size.

    Runs inside the caller's transaction; concurrent syncs queue on ``tlog_state``.
    """
    state = _lock_state()
    store, size = DbNodeStore(), state.size
    while True:
        rows = db.session.execute(
            sa.select(LedgerEntry.seq, LedgerEntry.canonical)
            .where(LedgerEntry.seq >= size).order_by(LedgerEntry.seq).limit(batch)).all()
        leaves = []
        for seq, canonical in rows:
            if seq != size + len(leaves):
                break  # never hash past a gap: leaf index must equal seq
            leaves.append(merkle.leaf_hash(canonical.encode("utf-8")))
        size = merkle.append_leaves(store, size, leaves)
        if len(leaves) < batch:
            break
    if size != state.size:
        state.size = size
        db.session.flush()
    return size


def tree_size() -> int:
    """Leaves the stored tree holds now (read-only)."""
    size = db.session.execute(sa.select(TreeState.size).where(TreeState.id == 1)).scalar()
    return size or 0


def is_behind(size: int) -> bool:
    """Whether the ledger already has `size` entries that the tree has not hashed yet."""
    return tree_size() < size <= ledger.size()
