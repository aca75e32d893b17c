"""The one way units move: carve serial blocks, shift lot totals, settle the new state.

Every use case that changes unit state (list, delist, reserve, release, transfer, retire)
goes through here, so the partition of each lot and its totals can only change together.

Blocks are locked in one fixed order (vintage, lot, serial) and carved lowest serial first.
A partial block is split by *moving up the start of the existing row* and inserting the
taken piece as a new row: a concurrent transaction waiting on that row re-reads it and
still finds the remainder, so waiting buyers never miss units that are still there.
"""

import functools
from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value
from flask_babel import gettext as _

from core.db import attach_loaded, db
from core.i18n import N_, quantity_text
from market.errors import InsufficientUnits
from market.models import Lot, Methodology, SerialBlock

TOTAL_COLUMN = {"available": "available_kg", "listed": "listed_kg",
                "reserved": "reserved_kg", "retired": "retired_kg"}
BLOCKS = SerialBlock.__table__
BLOCK_COLUMNS = tuple(BLOCKS.columns.keys())
INSERT_BLOCKS = sa.insert(BLOCKS).returning(BLOCKS.c.id, sort_by_parameter_order=True)
MOVE_START = (sa.update(BLOCKS).where(BLOCKS.c.id == sa.bindparam("block_id"))
              .values(serial_start=sa.bindparam("start")))


# What a carve takes, named in its refusal (message ids for the catalog).
CARVED_WHAT = (N_("units"), N_("available units"), N_("available units of this lot"),
               N_("listed units"))


def limit_message(available_kg: int) -> str:
    """The field message for a quantity over what is there, worded in tonnes as the forms
    are typed: "At most 1,000.000 t." or, when nothing is left, "No units available."."""
    if available_kg <= 0:
        return _("No units available.")
    return _("At most %(quantity)s.", quantity=quantity_text(available_kg))


def carve(quantity_kg: int | None, *, what: str = "units", **match) -> list[SerialBlock]:
    """Lock the blocks whose columns equal ``match`` and return exactly ``quantity_kg`` of
    them, splitting the last one; ``None`` takes every matching block. A split-off piece is
    not in the database yet: ``settle`` inserts it with its new state."""
    rows = db.session.execute(_carve_statement(tuple(sorted(match))), match).all()
    # Lots never change code, vintage or methodology: remember them for this transaction.
    known = db.session.info.setdefault("lot_facts", {})
    for row in rows:
        known[row.lot_id] = {"code": row.lot_code, "vintage": row.vintage,
                             "methodology_code": row.methodology_code}
    rows = [(row.vintage, attach_loaded(SerialBlock, {name: getattr(row, name)
                                                      for name in BLOCK_COLUMNS}))
            for row in rows]
    # A row re-read after waiting on a lock may have moved; order again to stay exact.
    blocks = [r[1] for r in sorted(rows, key=lambda r: (r[0], r[1].lot_id, r[1].serial_start))]
    if quantity_kg is None:
        return blocks
    taken, need = [], quantity_kg
    for block in blocks:
        if need == 0:
            break
        if block.quantity_kg <= need:
            taken.append(block)
            need -= block.quantity_kg
            continue
        piece = SerialBlock(
            lot_id=block.lot_id, serial_start=block.serial_start,
            serial_end=block.serial_start + need - 1, owner_id=block.owner_id,
            state=block.state, listing_id=block.listing_id, order_id=block.order_id,
        )
        _move_start(block, block.serial_start + need)  # shrink now, insert the piece later:
        taken.append(piece)  # two rows never overlap, not even for one statement
        need = 0
    if need:
        available = quantity_kg - need
        raise InsufficientUnits(
            _("Only %(available)s of %(what)s are available; %(asked)s were asked for.",
              available=quantity_text(available), what=_(what),
              asked=quantity_text(quantity_kg)),
            {"quantity_kg": [limit_message(available)]},
        )
    return taken


@functools.cache
def _carve_statement(names: tuple[str, ...]):
    """``SELECT … FOR UPDATE`` of the blocks matching ``names`` (each ``= :name``) with
    their lots' facts, in the lock order (vintage, lot, serial); built once per shape."""
    lots, methodologies = Lot.__table__, Methodology.__table__
    return (sa.select(*BLOCKS.columns, lots.c.vintage, lots.c.code.label("lot_code"),
                      methodologies.c.code.label("methodology_code"))
            .join(lots, lots.c.id == BLOCKS.c.lot_id)
            .join(methodologies, methodologies.c.id == lots.c.methodology_id)
            .where(*(BLOCKS.c[name] == sa.bindparam(name) for name in names))
            .order_by(lots.c.vintage, BLOCKS.c.lot_id, BLOCKS.c.serial_start)
            .with_for_update(of=BLOCKS))


def shift_totals(blocks: list[SerialBlock], from_state: str, to_state: str) -> None:
    """Move the blocks' quantities between the per-state totals of their lots."""
    if from_state == to_state:
        return
    per_lot = defaultdict(int)
    for block in blocks:
        per_lot[block.lot_id] += block.quantity_kg
    statement = _shift_statement(TOTAL_COLUMN[from_state], TOTAL_COLUMN[to_state])
    for lot_id in sorted(per_lot):
        db.session.execute(statement, {"lot": lot_id, "kg": per_lot[lot_id]})
        lot = db.session.identity_map.get(db.session.identity_key(Lot, lot_id))
        if lot is not None:
            db.session.expire(lot)


@functools.cache
def _shift_statement(source: str, target: str):
    """``UPDATE lots`` moving ``:kg`` from one total to another, built once per pair (on
    the table: Core, not the ORM's bulk UPDATE; loaded lots are expired by the caller)."""
    lots, kg = Lot.__table__, sa.bindparam("kg")
    return (sa.update(lots).where(lots.c.id == sa.bindparam("lot"))
            .values({source: lots.c[source] - kg, target: lots.c[target] + kg}))


def settle(blocks: list[SerialBlock], *, state: str, owner_id: int, **columns) -> None:
    """Give the carved blocks their new state, owner and references: one UPDATE for the
    whole blocks, one INSERT for the split-off pieces; the objects follow in memory."""
    values = {"state": state, "owner_id": owner_id, **columns}
    stored = [block for block in blocks if block.id is not None]
    pieces = [block for block in blocks if block.id is None]
    if stored:
        names = tuple(sorted(values))
        db.session.execute(_settle_statement(names),
                           {"ids": [b.id for b in stored],
                            **{f"new_{name}": values[name] for name in names}})
        for block in stored:
            for name, value in values.items():
                set_committed_value(block, name, value)
    if pieces:
        rows = [{"lot_id": piece.lot_id, "serial_start": piece.serial_start,
                 "serial_end": piece.serial_end, "listing_id": piece.listing_id,
                 "order_id": piece.order_id, "retirement_id": None, **values}
                for piece in pieces]
        ids = db.session.execute(INSERT_BLOCKS, rows).scalars().all()
        for piece, row, block_id in zip(pieces, rows, ids):
            for name, value in row.items():
                setattr(piece, name, value)
            piece.id = block_id


@functools.cache
def _settle_statement(names: tuple[str, ...]):
    """``UPDATE serial_blocks SET name = :new_name … WHERE id IN :ids``, once per shape."""
    return (sa.update(BLOCKS).where(BLOCKS.c.id.in_(sa.bindparam("ids", expanding=True)))
            .values({name: sa.bindparam(f"new_{name}") for name in names}))


def _move_start(block: SerialBlock, start: int) -> None:
    """Shrink a locked block from below (Core, in memory too)."""
    db.session.execute(MOVE_START, {"block_id": block.id, "start": start})
    set_committed_value(block, "serial_start", start)


def lot_facts(blocks: list[SerialBlock]) -> dict[int, dict]:
    """Code, vintage and methodology of the blocks' lots (at most one query)."""
    known = db.session.info.setdefault("lot_facts", {})
    missing = {b.lot_id for b in blocks} - set(known)
    if missing:
        rows = db.session.execute(
            sa.select(Lot.id, Lot.code, Lot.vintage, Methodology.code)
            .join(Methodology, Methodology.id == Lot.methodology_id)
            .where(Lot.id.in_(missing))).all()
        for lot_id, code, vintage, method in rows:
            known[lot_id] = {"code": code, "vintage": vintage, "methodology_code": method}
    return {b.lot_id: known[b.lot_id] for b in blocks}


def lot_codes(blocks: list[SerialBlock]) -> dict[int, str]:
    return {lot_id: fact["code"] for lot_id, fact in lot_facts(blocks).items()}


def total_kg(blocks: list[SerialBlock]) -> int:
    return sum(block.quantity_kg for block in blocks)
