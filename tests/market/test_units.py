"""``carve`` and ``settle`` called directly: lowest serials first, the last block split,
the remainder kept in the original row, the partition and the lot totals intact."""

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from factories import give, make_lot, make_org
from core.db import db, transaction
from market import units
from market.errors import InsufficientUnits
from market.models import Lot, SerialBlock


def blocks_of(lot_id):
    return db.session.execute(sa.select(SerialBlock).where(SerialBlock.lot_id == lot_id)
                              .order_by(SerialBlock.serial_start)).scalars().all()


def assert_partition(lot_id):
    """The lot's blocks cover 1 … issued_kg exactly, and its totals add up."""
    lot = db.session.get(Lot, lot_id)
    db.session.refresh(lot)
    expected_start = 1
    per_state = {"available": 0, "listed": 0, "reserved": 0, "retired": 0}
    for block in blocks_of(lot_id):
        assert block.serial_start == expected_start
        expected_start = block.serial_end + 1
        per_state[block.state] += block.quantity_kg
    assert expected_start - 1 == lot.issued_kg
    assert (lot.available_kg, lot.listed_kg, lot.reserved_kg, lot.retired_kg) == (
        per_state["available"], per_state["listed"], per_state["reserved"], per_state["retired"])


@pytest.fixture
def holding(app):
    """A buyer holding two blocks of one lot, serials 1–100 and 101–300."""
    seller, buyer, other = make_org("seller"), make_org("buyer"), make_org("buyer")
    lot_id = make_lot(seller, 1_000)
    give(seller, buyer, lot_id, 100)
    give(seller, buyer, lot_id, 200)
    return seller, buyer, other, lot_id


def test_carve_takes_the_lowest_serials_and_splits_the_last_block(holding):
    _, buyer, _, lot_id = holding
    with transaction():
        whole, first_block_id = blocks_of(lot_id)[0], blocks_of(lot_id)[1].id
        taken = units.carve(150, owner_id=buyer.id, state="available", lot_id=lot_id)
        assert [(b.serial_start, b.serial_end) for b in taken] == [(1, 100), (101, 150)]
        assert taken[0].id == whole.id and taken[1].id is None  # the piece is not stored yet
        # The original row keeps the remainder at once.
        remainder = db.session.execute(sa.select(SerialBlock.serial_start, SerialBlock.serial_end)
                                       .where(SerialBlock.id == first_block_id)).one()
        assert tuple(remainder) == (151, 300)
        assert units.total_kg(taken) == 150


def test_settle_writes_the_new_owner_and_inserts_the_split_off_piece(holding):
    _, buyer, other, lot_id = holding
    with transaction():
        taken = units.carve(150, owner_id=buyer.id, state="available", lot_id=lot_id)
        units.settle(taken, state="available", owner_id=other.id)
        assert taken[1].id is not None and taken[1].owner_id == other.id
    owners = [(b.serial_start, b.serial_end, b.owner_id) for b in blocks_of(lot_id)]
    assert owners[:3] == [(1, 100, other.id), (101, 150, other.id), (151, 300, buyer.id)]
    assert_partition(lot_id)


def test_shift_totals_moves_quantity_between_states_and_keeps_the_supply(holding):
    seller, _, _, lot_id = holding
    with transaction():
        taken = units.carve(250, owner_id=seller.id, state="available", lot_id=lot_id)
        units.shift_totals(taken, "available", "reserved")
        units.settle(taken, state="reserved", owner_id=seller.id, order_id=77)
    lot = db.session.get(Lot, lot_id)
    assert (lot.available_kg, lot.reserved_kg) == (750, 250)  # every owner's units count
    reserved = [b for b in blocks_of(lot_id) if b.state == "reserved"]
    assert [(b.serial_start, b.serial_end, b.order_id) for b in reserved] == [(301, 550, 77)]
    assert_partition(lot_id)


def test_carve_takes_every_matching_block_when_no_quantity_is_given(holding):
    _, buyer, _, lot_id = holding
    with transaction():
        taken = units.carve(None, owner_id=buyer.id, state="available")
        assert [(b.serial_start, b.serial_end) for b in taken] == [(1, 100), (101, 300)]


def test_carve_with_nothing_left_says_no_units_rather_than_at_most_zero(holding):
    _, buyer, _, _ = holding
    with pytest.raises(InsufficientUnits) as refused, transaction(), force_locale("en"):
        units.carve(1, owner_id=buyer.id, state="listed")
    assert refused.value.errors == {"quantity_kg": ["No units available."]}
    with pytest.raises(InsufficientUnits) as refused, transaction():
        units.carve(1, owner_id=buyer.id, state="listed")
    assert refused.value.errors == {"quantity_kg": ["没有可用的减排量。"]}


def test_carve_refuses_more_than_there_is_and_changes_nothing(holding):
    _, buyer, _, lot_id = holding
    before = [(b.serial_start, b.serial_end, b.owner_id) for b in blocks_of(lot_id)]
    # Outside a request messages are in the default language, Chinese; ask for English.
    with pytest.raises(InsufficientUnits) as refused, transaction(), force_locale("en"):
        units.carve(301, what="your units", owner_id=buyer.id, state="available")
    # Worded in tonnes, as the forms are typed, and formatted like |qty.
    assert "Only 0.300\u00a0t of your units" in refused.value.message
    assert "0.301\u00a0t were asked for" in refused.value.message
    assert refused.value.errors == {"quantity_kg": ["At most 0.300\u00a0t."]}
    db.session.expire_all()
    assert [(b.serial_start, b.serial_end, b.owner_id) for b in blocks_of(lot_id)] == before


def test_carve_orders_blocks_by_vintage_before_lot(app):
    seller = make_org("seller")
    newer = make_lot(seller, 10, vintage=2026)
    older = make_lot(seller, 10, code="TR-BIKE", vintage=2025)
    with transaction():
        taken = units.carve(15, owner_id=seller.id, state="available")
        assert [(b.lot_id, b.quantity_kg) for b in taken] == [(older, 10), (newer, 5)]
        assert units.lot_codes(taken)[older] == db.session.get(Lot, older).code
        assert units.lot_facts(taken)[newer]["vintage"] == 2026
