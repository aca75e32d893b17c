"""The log's part of ``flask audit``: the stored tree matches the ledger and the latest
checkpoint verifies against it. ``tlog`` registers ``check_log`` with market's audit, so
``flask audit`` covers the log while market never imports it.
"""

import sqlalchemy as sa

from core.db import db
from market import ledger
from market.models import LedgerEntry
from tlog import checkpoints, merkle, signed_note, tree
from tlog.log_key import KEY_FILE, load_log_key
from tlog.models import TreeNode, TreeState

_AUDIT_PAGE = 10_000  # parent nodes compared per page
_MAX_PROBLEMS = 10  # mismatches named one by one before summing up the rest


def check_log() -> list[str]:
    """Merkle tree matches the ledger and the latest checkpoint verifies against it.

    Read-only: recomputes every stored leaf from the ledger's canonical JSON and every
    stored parent from its children, then verifies the latest checkpoint's signature
    and compares its root with the stored tree's.
    """
    size = tree.tree_size()
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
    last = checkpoints.last_checkpoint()
    if last is None:
        return []
    label = f"transparency log: checkpoint {last.tree_size}"
    if not (checkpoints.key_dir() / KEY_FILE).exists():
        return [f"{label}: the log key {KEY_FILE} is missing"]
    origin = checkpoints.log_origin()
    try:
        note_origin, size, root = signed_note.open_checkpoint(
            last.note, origin, load_log_key(checkpoints.key_dir()).public_key())
    except ValueError as error:
        return [f"{label}: {error}"]
    if note_origin != origin:
        return [f"{label}: origin {note_origin!r} is not this log's {origin!r}"]
    if (size, root) != (last.tree_size, last.root_hash):
        return [f"{label}: the signed note differs from the stored size or root"]
    if size > tree.tree_size():
        return [f"{label}: the tree holds only {tree.tree_size()} leaves"]
    try:
        stored_root = merkle.root(tree.DbNodeStore(), size)
    except LookupError as error:
        return [f"{label}: cannot compute the stored tree's root: {error}"]
    if stored_root != root:
        return [f"{label}: the Merkle root of the stored tree differs from the signed root"]
    return []
