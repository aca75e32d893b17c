"""flask audit passes on a healthy registry and names what was changed behind its back."""

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from core.db import db
from factories import give, make_lot, make_org
from tampering import assert_refused, tamper


@pytest.fixture
def registry(client):
    seller, buyer = make_org("seller"), make_org("buyer")
    lot_id = make_lot(seller, 5_000)
    give(seller, buyer, lot_id, 2_000)
    response = client.post("/api/v1/retirements", headers=buyer.headers, json={
        "purpose": "voluntary", "beneficiary_name": "x", "quantity_kg": 700})
    assert response.status_code == 201
    return seller, buyer, lot_id


def audit(runner):
    return runner.invoke(args=["audit"])


def test_audit_passes_on_a_healthy_registry(runner, registry):
    result = audit(runner)
    assert result.exit_code == 0, result.output
    assert "audit passed" in result.output


def test_audit_names_a_block_given_to_someone_else(runner, registry):
    seller, buyer, _ = registry
    tamper(f"UPDATE serial_blocks SET owner_id = {seller.id} "
           f"WHERE owner_id = {buyer.id} AND state = 'available'")
    result = audit(runner)
    assert result.exit_code == 1
    assert "differ from the ledger replay" in result.output


def test_audit_names_a_broken_supply_total(runner, registry):
    _, _, lot_id = registry
    tamper(f"UPDATE lots SET available_kg = available_kg - 1, retired_kg = retired_kg + 1 "
           f"WHERE id = {lot_id}")
    result = audit(runner)
    assert result.exit_code == 1 and "totals" in result.output


def test_audit_names_a_gap(runner, registry):
    tamper("UPDATE serial_blocks SET serial_end = serial_end - 1 WHERE serial_start = 1")
    result = audit(runner)
    assert result.exit_code == 1 and "gap" in result.output


def test_audit_names_an_edited_ledger_entry(runner, registry):
    tamper("UPDATE ledger_entries SET to_org_id = 999 WHERE seq = 0")
    result = audit(runner)
    assert result.exit_code == 1
    assert "ledger entry 0: columns differ from its canonical JSON" in result.output


def test_audit_names_a_deleted_ledger_entry(runner, registry):
    tamper("DELETE FROM ledger_entries WHERE seq = 1")
    result = audit(runner)
    assert result.exit_code == 1 and "expected seq 1" in result.output


def test_database_refuses_to_rewrite_ledger_or_retired_blocks(registry):
    assert_refused("UPDATE ledger_entries SET ref = 'x' WHERE seq = 0",
                   "DELETE FROM ledger_entries WHERE seq = 0",
                   "UPDATE serial_blocks SET owner_id = 1 WHERE state = 'retired'",
                   "DELETE FROM serial_blocks WHERE state = 'retired'")


@pytest.mark.postgres
def test_postgresql_refuses_overlapping_serials(registry):
    _, buyer, lot_id = registry
    with pytest.raises(DBAPIError, match="ex_serial_blocks_no_overlap"):
        with db.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO serial_blocks (lot_id, serial_start, serial_end, owner_id, state) "
                "VALUES (:lot, 10, 20, :owner, 'available')"), {"lot": lot_id, "owner": buyer.id})
