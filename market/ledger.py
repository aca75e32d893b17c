"""Appending to the ledger and reading it back exactly as the public sees it.

Each entry's canonical form (RFC 8785) is computed once, stored, and is both what
``GET /api/v1/ledger`` returns and the leaf data of the transparency log.
"""

import json

import rfc8785
import sqlalchemy as sa

from core.db import db
from core import clock
from market import signals
from market.models import LedgerEntry, LedgerHead, SerialBlock


ENTRY_COLUMNS = tuple(LedgerEntry.__table__.columns.keys())
INSERT_ENTRIES = sa.insert(LedgerEntry.__table__)


class Head:
    """Sequence numbers reserved under the ledger-head lock for this transaction."""

    def __init__(self, next_seq: int, reserved: int):
        self.next_seq, self.reserved = next_seq, reserved

    def take(self, count: int) -> int:
        """The first of ``count`` consecutive seqs, reserving more if needed (the lock is
        held, so the head moves on contiguously)."""
        if count > self.reserved:
            _advance(count - self.reserved)
            self.reserved = count
        first = self.next_seq
        self.next_seq += count
        self.reserved -= count
        return first


HEAD = LedgerHead.__table__
ADVANCE_HEAD = (sa.update(HEAD).where(HEAD.c.id == 1)
                .values(next_seq=HEAD.c.next_seq + sa.bindparam("count"))
                .returning(HEAD.c.next_seq))


def _advance(count: int) -> int:
    """Move the head on by ``count`` and return the new value, locking its row."""
    return db.session.execute(ADVANCE_HEAD, {"count": count}).scalar_one()


def lock_head(count: int = 0) -> Head:
    """Lock the ledger head and reserve ``count`` seqs in one statement: from here until
    commit this transaction appends alone. Every use case takes this lock after its
    blocks and lots and before its numbers, so the lock order never inverts."""
    end = _advance(count)
    return Head(end - count, count)


def public_item(entry: LedgerEntry) -> dict:
    """The ledger item of API.md, built from the entry's columns."""
    return {
        "seq": entry.seq,
        "type": entry.type,
        "lot_code": entry.lot_code,
        "serial_start": entry.serial_start,
        "serial_end": entry.serial_end,
        "quantity_kg": entry.quantity_kg,
        "from_org_id": entry.from_org_id,
        "to_org_id": entry.to_org_id,
        "ref": entry.ref,
        "created_at": entry.created_at.isoformat(timespec="microseconds"),
    }


def canonical_bytes(item: dict) -> bytes:
    return rfc8785.dumps(item)


def append(head: Head, entry_type: str, blocks: list[SerialBlock], *,
           lot_codes: dict[int, str], to_org_id: int | None, ref: str) -> list[LedgerEntry]:
    """Append one entry per block (lowest serial first) and return them, numbered."""
    return record(head, describe(entry_type, blocks, lot_codes=lot_codes, to_org_id=to_org_id,
                                 ref=ref))


def describe(entry_type: str, blocks: list[SerialBlock], *, lot_codes: dict[int, str],
             to_org_id: int | None, ref: str) -> list[LedgerEntry]:
    """The entries for moving ``blocks`` from their current owner, not yet numbered: a use
    case that settles the blocks first (and takes the ledger head last) describes the move
    while the blocks still show where the units come from."""
    return [LedgerEntry(type=entry_type, lot_id=block.lot_id, lot_code=lot_codes[block.lot_id],
                        serial_start=block.serial_start, serial_end=block.serial_end,
                        quantity_kg=block.quantity_kg,
                        from_org_id=None if entry_type == "issue" else block.owner_id,
                        to_org_id=to_org_id, ref=ref)
            for block in blocks]


def record(head: Head, entries: list[LedgerEntry]) -> list[LedgerEntry]:
    """Number described entries from the locked head, stamp and store them (one Core
    INSERT: the entries are written once and never change, the unit of work has nothing
    to track; they are returned for their seqs and times)."""
    moment = clock.now()
    first = head.take(len(entries))
    rows = []
    for offset, entry in enumerate(entries):
        entry.seq, entry.created_at = first + offset, moment
        entry.canonical = canonical_bytes(public_item(entry)).decode()
        rows.append({column: getattr(entry, column) for column in ENTRY_COLUMNS})
    db.session.execute(INSERT_ENTRIES, rows)
    signals.ledger_recorded.send(None, entries=entries)
    return entries


def read(after: int | None, limit: int) -> list[dict]:
    """Entries with ``seq > after`` in order, as stored (canonical) items."""
    stmt = sa.select(LedgerEntry.canonical).order_by(LedgerEntry.seq).limit(limit)
    if after is not None:
        stmt = stmt.where(LedgerEntry.seq > after)
    return [json.loads(text) for text in db.session.execute(stmt).scalars()]


def size() -> int:
    return db.session.execute(sa.select(LedgerHead.next_seq).where(LedgerHead.id == 1)).scalar_one()
