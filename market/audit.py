"""``flask audit``: prove from the database that no unit was lost, duplicated or forged.

Checks the supply invariant, the partition of every lot, the ledger's numbering and
canonical forms, and that replaying the ledger yields exactly the current blocks, so a
row changed behind the service's back is named. Other parts add checks with ``register``.
"""

import json
from collections import defaultdict

import sqlalchemy as sa

from core.db import db, sum_int
from market import ledger
from market.models import LedgerEntry, LedgerHead, Lot, Retirement, SerialBlock
from market.replay import IllegalHistory, Replay, normalise

_extra_checks = []
_titles = {}


def register(check, title=None) -> None:
    """Add ``check() -> list[str]`` (problems found) to the audit; ``title`` (a lazy
    translation) is how the audit page names it to the operator in their language."""
    if check not in _extra_checks:
        _extra_checks.append(check)
    if title is not None:
        _titles[check] = title


def extra_check_names() -> list[str]:
    """The added checks as the command line names them (their docstrings' first sentence)."""
    return [check.__doc__.strip().split(".")[0] if check.__doc__ else check.__name__
            for check in _extra_checks]


def extra_check_titles() -> list[str]:
    """The added checks in the reader's language, for the audit page."""
    return [str(_titles[check]) if check in _titles else name
            for check, name in zip(_extra_checks, extra_check_names())]


def check_lots() -> list[str]:
    problems = []
    blocks = defaultdict(list)
    for block in db.session.execute(sa.select(SerialBlock)).scalars():
        blocks[block.lot_id].append(block)
    for lot in db.session.execute(sa.select(Lot).order_by(Lot.id)).scalars():
        totals = {s: 0 for s in ("available", "listed", "reserved", "retired")}
        expected_start = 1
        for block in sorted(blocks.pop(lot.id, []), key=lambda b: b.serial_start):
            if block.serial_start != expected_start:
                kind = "gap" if block.serial_start > expected_start else "overlap"
                problems.append(f"lot {lot.code}: {kind} at serial {expected_start}"
                                f" (block #{block.id} starts at {block.serial_start})")
            expected_start = block.serial_end + 1
            totals[block.state] = totals.get(block.state, 0) + block.quantity_kg
            if block.state == "retired" and block.retirement_id is None:
                problems.append(f"lot {lot.code}: retired block #{block.id} has no retirement")
        if expected_start != lot.issued_kg + 1:
            problems.append(f"lot {lot.code}: blocks end at {expected_start - 1}, "
                            f"issued {lot.issued_kg}")
        recorded = {s: getattr(lot, f"{s}_kg") for s in totals}
        if sum(recorded.values()) != lot.issued_kg:
            problems.append(f"lot {lot.code}: supply invariant broken: issued {lot.issued_kg} "
                            f"!= {recorded}")
        if recorded != totals:
            problems.append(f"lot {lot.code}: totals {recorded} differ from blocks {totals}")
    for lot_id in blocks:
        problems.append(f"blocks of unknown lot #{lot_id}")
    return problems


def check_retirements() -> list[str]:
    rows = db.session.execute(
        sa.select(Retirement.number, Retirement.quantity_kg,
                  sum_int(SerialBlock.serial_end - SerialBlock.serial_start + 1))
        .outerjoin(SerialBlock, SerialBlock.retirement_id == Retirement.id)
        .group_by(Retirement.id, Retirement.number, Retirement.quantity_kg)
    ).all()
    return [f"retirement {number}: {qty} kg recorded, {held} kg of retired blocks"
            for number, qty, held in rows if qty != held]


def check_ledger() -> list[str]:
    problems = []
    replay = Replay()
    stmt = sa.select(LedgerEntry).order_by(LedgerEntry.seq).execution_options(yield_per=5000)
    result = db.session.execute(stmt).scalars()
    try:
        for entry in result:
            item = ledger.public_item(entry)
            if json.loads(entry.canonical) != item or \
                    ledger.canonical_bytes(item).decode() != entry.canonical:
                problems.append(f"ledger entry {entry.seq}: columns differ from its canonical JSON")
            try:
                replay.apply(json.loads(entry.canonical))
            except IllegalHistory as error:
                problems.append(f"ledger: {error}")
                return problems
    finally:
        result.close()
    head = db.session.get(LedgerHead, 1)
    if head is None or head.next_seq != replay.next_seq:
        problems.append(f"ledger head says {head and head.next_seq}, ledger has {replay.next_seq}")
    current = defaultdict(list)
    rows = db.session.execute(sa.select(SerialBlock, Lot.code).join(Lot, Lot.id == SerialBlock.lot_id))
    for block, code in rows:
        current[code].append((block.serial_start, block.serial_end, block.owner_id, block.state))
    replayed = replay.state()
    for code in sorted(set(current) | set(replayed)):
        if normalise(current.get(code, [])) != replayed.get(code, []):
            problems.append(f"lot {code}: current blocks differ from the ledger replay")
    return problems


def run_audit() -> list[str]:
    """Every problem found, as readable lines; empty when all invariants hold."""
    problems = check_lots() + check_retirements() + check_ledger()
    for check in _extra_checks:
        problems += check()
    return problems
