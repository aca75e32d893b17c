"""``ledger.append``/``record`` called directly: gapless seqs under the head, one entry per
range, each stored with its RFC 8785 canonical JSON."""

import json

import pytest

from factories import give, make_lot, make_org
from core.db import db, transaction
from market import ledger, units
from market.models import LedgerEntry


@pytest.fixture
def lot(app):
    seller, buyer = make_org("seller"), make_org("buyer")
    lot_id = make_lot(seller, 1_000)
    give(seller, buyer, lot_id, 100)  # the seller now holds 101–1000
    give(buyer, seller, lot_id, 40)  # … and 1–40 again: two blocks
    return seller, buyer, lot_id


def test_append_writes_one_entry_per_range_with_consecutive_seqs(lot):
    seller, buyer, lot_id = lot
    start = ledger.size()
    with transaction():
        blocks = units.carve(50, owner_id=seller.id, state="available", lot_id=lot_id)
        head = ledger.lock_head(len(blocks))
        entries = ledger.append(head, "transfer", blocks, lot_codes=units.lot_codes(blocks),
                                to_org_id=buyer.id, ref="JLT-TEST-1")
        units.settle(blocks, state="available", owner_id=buyer.id)
    assert [e.seq for e in entries] == [start, start + 1]
    assert [(e.serial_start, e.serial_end, e.quantity_kg) for e in entries] == [
        (1, 40, 40), (101, 110, 10)]
    assert {(e.from_org_id, e.to_org_id, e.ref) for e in entries} == {
        (seller.id, buyer.id, "JLT-TEST-1")}
    assert ledger.size() == start + 2


def test_stored_canonical_json_is_rfc8785_of_the_public_item(lot):
    for entry in db.session.query(LedgerEntry).order_by(LedgerEntry.seq):
        item = ledger.public_item(entry)
        assert entry.canonical == json.dumps(item, sort_keys=True, separators=(",", ":"),
                                             ensure_ascii=False)
        assert json.loads(entry.canonical) == item


def test_seqs_stay_gapless_across_transactions_and_rollbacks(lot):
    seller, buyer, lot_id = lot
    with pytest.raises(RuntimeError), transaction():
        ledger.lock_head(3)
        raise RuntimeError("the use case failed after taking seqs")
    with transaction():
        blocks = units.carve(5, owner_id=seller.id, state="available", lot_id=lot_id)
        # Reserve none up front: the head moves on as entries are recorded.
        head = ledger.lock_head()
        described = ledger.describe("transfer", blocks, lot_codes=units.lot_codes(blocks),
                                    to_org_id=buyer.id, ref="JLT-TEST-2")
        ledger.record(head, described)
        units.settle(blocks, state="available", owner_id=buyer.id)
    seqs = [item["seq"] for item in ledger.read(None, 1_000)]
    assert seqs == list(range(len(seqs))) and len(seqs) == ledger.size()
    assert ledger.read(seqs[-2], 10) == [json.loads(db.session.get(LedgerEntry, seqs[-1])
                                                    .canonical)]


def test_issue_entries_have_no_sender(lot):
    issue = ledger.read(None, 1)[0]
    assert issue["type"] == "issue" and issue["from_org_id"] is None
    assert (issue["serial_start"], issue["serial_end"]) == (1, 1_000)
