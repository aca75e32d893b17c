"""The transparency log over the ledger: RFC 9162 Merkle tree, C2SP checkpoints, proofs.

Leaf i is SHA-256(0x00 ‖ canonical JSON of ledger entry i), exactly the item
``GET /api/v1/ledger`` serves (DOMAIN.md §6). The tree lives in ``tlog_nodes`` as
complete subtrees (see tlog.merkle), so roots and proofs read O(log n) rows.

Entries reach the tree *after* they commit: a retirement only appends its ledger row
and never hashes, and ``sync_tree`` (a job every minute, and on demand from the
checkpoint and proof endpoints, each in its own transaction) hashes what is new.
Syncs lock the ``tlog_state`` row, so they run one at a time and never block the
ledger's writers. A checkpoint is signed whenever the tree has grown since the last.
"""

import base64
from pathlib import Path
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from core.db import db, is_postgresql, transaction
from core.errors import Invalid, NotFound
from core.jobs import register_job
from core import clock
from market import audit, ledger
from market.models import LedgerEntry
from tlog import merkle, signed_note
from tlog.log_key import KEY_FILE, load_log_key
from tlog.models import Checkpoint, TreeNode, TreeState

SYNC_BATCH = 10_000  # leaves hashed and stored per round trip
_KEYS_PER_SELECT = 500  # (level, index) pairs in one tuple IN
_AUDIT_PAGE = 10_000  # parent nodes compared per page
_MAX_PROBLEMS = 10  # mismatches named one by one before summing up the rest
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


# --- identity -----------------------------------------------------------------------


def log_origin() -> str:
    """The log's origin line and key name, e.g. ``registry.test/log`` for BASE_URL
    https://registry.test (a valid C2SP key name: no spaces, no '+')."""
    configured = current_app.config.get("TRANSPARENCY_LOG_ORIGIN")
    if configured:
        return configured
    host = urlsplit(current_app.config["BASE_URL"]).netloc.rpartition("@")[2].lower()
    return f"{host or 'localhost'}/log"


def _key_dir() -> Path:
    return Path(current_app.config["SIGNING_KEY_DIR"])


def public_key_info() -> dict:
    """What verifiers need: ``{name, origin, public_key}`` (raw Ed25519, standard base64)."""
    raw = load_log_key(_key_dir()).public_key().public_bytes_raw()
    name = log_origin()
    return {"name": name, "origin": name, "public_key": base64.b64encode(raw).decode("ascii")}


# --- growing the tree -----------------------------------------------------------------


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


# --- checkpoints ----------------------------------------------------------------------


def _last_checkpoint() -> Checkpoint | None:
    return db.session.execute(
        sa.select(Checkpoint).order_by(Checkpoint.tree_size.desc()).limit(1)).scalar()


def sign_checkpoint() -> Checkpoint:
    """Sync the tree and, if it grew since the last checkpoint, sign and store a new one.

    Returns the checkpoint of the current tree (new or the last one).
    """
    size = sync_tree()
    last = _last_checkpoint()
    if last is not None and last.tree_size == size:
        return last
    if last is not None and last.tree_size > size:
        raise RuntimeError(f"the tree has {size} leaves but checkpoint {last.tree_size} was "
                           "signed: tlog_state or tlog_nodes lost rows")
    root = merkle.root(DbNodeStore(), size)
    origin = log_origin()
    note = signed_note.sign_note(signed_note.checkpoint_body(origin, size, root), origin,
                                 load_log_key(_key_dir()))
    checkpoint = Checkpoint(tree_size=size, root_hash=root, note=note, created_at=clock.now())
    db.session.add(checkpoint)
    db.session.flush()
    return checkpoint


def fresh_checkpoint() -> Checkpoint | None:
    """The last checkpoint when it covers the whole committed ledger, else None (read-only)."""
    last = _last_checkpoint()
    return last if last is not None and last.tree_size == ledger.size() else None


def latest_checkpoint() -> Checkpoint:
    """The checkpoint of the current tree, signing one if none exists or the log grew."""
    return fresh_checkpoint() or sign_checkpoint()


def sign_checkpoint_job() -> None:
    """Every minute: hash new ledger entries and sign a checkpoint if the log grew."""
    with transaction():
        sign_checkpoint()


# --- proofs ---------------------------------------------------------------------------


def _require_tree(size: int, field: str) -> None:
    current = tree_size()
    if size > current:
        raise NotFound(f"The log holds {current} entries; there is no tree of size {size}.",
                       {field: [f"Must not exceed the current tree size {current}."]})


def inclusion(index: int, size: int) -> dict:
    """Leaf `index`'s hash and its RFC 9162 audit path in the tree of `size` leaves.

    Invalid (422) when index >= size; NotFound (404) when the log is smaller than `size`.
    """
    if index >= size:
        raise Invalid("The leaf index must be below the tree size.",
                      {"index": ["Must be less than tree_size."]})
    _require_tree(size, "tree_size")
    store = DbNodeStore()
    leaf = store.get_many([(0, index)])[(0, index)]
    return {"index": index, "tree_size": size, "leaf_hash": leaf,
            "hashes": merkle.inclusion_proof(store, index, size)}


def consistency(first: int, second: int) -> dict:
    """The RFC 9162 proof that the tree of `first` leaves is a prefix of the tree of `second`.

    Invalid (422) when first > second; NotFound (404) when the log is smaller than `second`.
    Empty when first is 0 or equals second.
    """
    if first > second:
        raise Invalid("The first tree size must not exceed the second.",
                      {"first": ["Must not be greater than second."]})
    _require_tree(second, "second")
    return {"first": first, "second": second,
            "hashes": merkle.consistency_proof(DbNodeStore(), first, second)}


# --- audit ----------------------------------------------------------------------------


def check_log() -> list[str]:
    """Merkle tree matches the ledger and the latest checkpoint verifies against it.

    Read-only: recomputes every stored leaf from the ledger's canonical JSON and every
    stored parent from its children, then verifies the latest checkpoint's signature
    and compares its root with the stored tree's.
    """
    size = tree_size()
    problems = []
    if size > ledger.size():
        problems.append(f"transparency log: the tree holds {size} leaves, "
                        f"the ledger {ledger.size()} entries")
    problems += _check_leaves(size)
    for level in range(1, size.bit_length()):
        problems += _check_level(level, size >> level)
    problems += _check_strays()
    return problems + _check_checkpoint()


def _summarise(what: str, bad: list[str]) -> list[str]:
    lines = [f"transparency log: {what} {item}" for item in bad[:_MAX_PROBLEMS]]
    if len(bad) > _MAX_PROBLEMS:
        lines.append(f"transparency log: … and {len(bad) - _MAX_PROBLEMS} more {what}")
    return lines


def _nodes(level: int, start: int, end: int) -> dict[int, bytes]:
    rows = db.session.execute(
        sa.select(TreeNode.index, TreeNode.hash)
        .where(TreeNode.level == level, TreeNode.index >= start, TreeNode.index < end))
    return {index: bytes(digest) for index, digest in rows}


def _check_leaves(size: int) -> list[str]:
    bad = []
    for start in range(0, size, _AUDIT_PAGE):
        end = min(size, start + _AUDIT_PAGE)
        stored = _nodes(0, start, end)
        entries = dict(db.session.execute(
            sa.select(LedgerEntry.seq, LedgerEntry.canonical)
            .where(LedgerEntry.seq >= start, LedgerEntry.seq < end)).all())
        for index in range(start, end):
            canonical = entries.get(index)
            if canonical is None or index not in stored:
                bad.append(f"{index} ({'no ledger entry' if canonical is None else 'missing'})")
            elif stored[index] != merkle.leaf_hash(canonical.encode("utf-8")):
                bad.append(f"{index} (differs from ledger entry {index})")
    return _summarise("leaf", bad)


def _check_level(level: int, count: int) -> list[str]:
    bad = []
    for start in range(0, count, _AUDIT_PAGE):
        end = min(count, start + _AUDIT_PAGE)
        parents, children = _nodes(level, start, end), _nodes(level - 1, 2 * start, 2 * end)
        for index in range(start, end):
            left, right = children.get(2 * index), children.get(2 * index + 1)
            if index not in parents or left is None or right is None:
                bad.append(f"({level}, {index}) (missing, or a child is)")
            elif parents[index] != merkle.node_hash(left, right):
                bad.append(f"({level}, {index}) (not the hash of its children)")
    return _summarise("node", bad)


def _check_strays() -> list[str]:
    # One statement, so a sync committing meanwhile cannot make its nodes look stray.
    size = sa.func.coalesce(
        sa.select(TreeState.size).where(TreeState.id == 1).scalar_subquery(), 0)
    strays = db.session.execute(
        sa.select(sa.func.count()).select_from(TreeNode)
        .where(TreeNode.index >= size.op(">>")(TreeNode.level))).scalar_one()
    return [f"transparency log: {strays} stored nodes lie beyond the tree"] if strays else []


def _check_checkpoint() -> list[str]:
    last = _last_checkpoint()
    if last is None:
        return []
    label = f"transparency log: checkpoint {last.tree_size}"
    if not (_key_dir() / KEY_FILE).exists():
        return [f"{label}: the log key {KEY_FILE} is missing"]
    origin = log_origin()
    try:
        note_origin, size, root = signed_note.open_checkpoint(
            last.note, origin, load_log_key(_key_dir()).public_key())
    except ValueError as error:
        return [f"{label}: {error}"]
    if note_origin != origin:
        return [f"{label}: origin {note_origin!r} is not this log's {origin!r}"]
    if (size, root) != (last.tree_size, last.root_hash):
        return [f"{label}: the signed note differs from the stored size or root"]
    if size > tree_size():
        return [f"{label}: the tree holds only {tree_size()} leaves"]
    try:
        stored_root = merkle.root(DbNodeStore(), size)
    except LookupError as error:
        return [f"{label}: cannot compute the stored tree's root: {error}"]
    if stored_root != root:
        return [f"{label}: the Merkle root of the stored tree differs from the signed root"]
    return []


def init_app(app, api) -> None:
    """Serve the log, sign checkpoints every minute, and add the log to ``flask audit``."""
    from tlog.routes import blp

    api.register_blueprint(blp)
    register_job(app, sign_checkpoint_job, id="tlog.sign_checkpoint", minutes=1)
    audit.register(check_log)
