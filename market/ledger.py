"""Appending to the ledger and reading it back exactly as the public sees it.

Each entry's canonical form (RFC 8785) is computed once, stored, and is both what
``GET /api/v1/ledger`` returns and the leaf data of the transparency log.
"""

import json

import rfc8785
import sqlalchemy as sa

from core.db import db
from market import clock
from market.models import LedgerEntry, LedgerHead, SerialBlock


def lock_head() -> LedgerHead:
    """Lock the ledger head: from here until commit this transaction appends alone."""
    return db.session.execute(
        sa.select(LedgerHead).where(LedgerHead.id == 1).with_for_update()
    ).scalar_one()


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


def append(head: LedgerHead, entry_type: str, blocks: list[SerialBlock], *,
           lot_codes: dict[int, str], to_org_id: int | None, ref: str) -> list[LedgerEntry]:
    """Append one entry per block (lowest serial first) and return them, numbered."""
    moment = clock.now()
    entries = []
    for block in blocks:
        entry = LedgerEntry(
            seq=head.next_seq, type=entry_type, lot_id=block.lot_id,
            lot_code=lot_codes[block.lot_id], serial_start=block.serial_start,
            serial_end=block.serial_end, quantity_kg=block.quantity_kg,
            from_org_id=None if entry_type == "issue" else block.owner_id,
            to_org_id=to_org_id, ref=ref, created_at=moment,
        )
        entry.canonical = canonical_bytes(public_item(entry)).decode()
        head.next_seq += 1
        entries.append(entry)
    db.session.add_all(entries)
    db.session.flush()
    return entries


def read(after: int | None, limit: int) -> list[dict]:
    """Entries with ``seq > after`` in order, as stored (canonical) items."""
    stmt = sa.select(LedgerEntry.canonical).order_by(LedgerEntry.seq).limit(limit)
    if after is not None:
        stmt = stmt.where(LedgerEntry.seq > after)
    return [json.loads(text) for text in db.session.execute(stmt).scalars()]


def size() -> int:
    return db.session.execute(sa.select(LedgerHead.next_seq).where(LedgerHead.id == 1)).scalar_one()
