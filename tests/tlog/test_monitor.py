"""The public monitor against a live registry over HTTP: honest, forged and forked logs."""

import hashlib
import json

import pytest
import rfc8785
import sqlalchemy as sa

from tlog import monitor
from core.db import db, is_postgresql
from factories import give, make_lot, make_org, retire
from tampering import tamper
from tlog.log_key import load_log_key
from tlog.signed_note import checkpoint_body, sign_note


@pytest.fixture
def registry(client):
    seller, buyer = make_org("seller"), make_org("buyer")
    lot_id = make_lot(seller, 5_000)
    give(seller, buyer, lot_id, 2_000)
    retire(client, buyer, 700)
    retire(client, buyer, 300)
    return seller, buyer


def run(capsys, *argv) -> tuple[int, str]:
    status = monitor.main([str(arg) for arg in argv])
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def forge_entry(seq: int, **changes) -> None:
    """Rewrite a ledger entry's canonical JSON in place, around the append-only guards."""
    db.session.rollback()
    with db.engine.begin() as conn:
        canonical = conn.execute(sa.text("SELECT canonical FROM ledger_entries WHERE seq = :s"),
                                 {"s": seq}).scalar_one()
        item = {**json.loads(canonical), **changes}
        if is_postgresql():
            conn.exec_driver_sql("SET session_replication_role = replica")  # triggers off
        else:
            conn.exec_driver_sql("DROP TRIGGER IF EXISTS ledger_entries_no_update")
        conn.execute(sa.text("UPDATE ledger_entries SET canonical = :c WHERE seq = :s"),
                     {"c": rfc8785.dumps(item).decode(), "s": seq})
        if is_postgresql():
            conn.exec_driver_sql("SET session_replication_role = origin")


def test_monitor_passes_and_next_time_proves_consistency(client, registry, live_server, tmp_path,
                                                          capsys):
    state = tmp_path / "monitor.json"
    status, output = run(capsys, live_server, "--state", state)
    assert status == 0, output
    assert "checkpoint of 4 entries, signature valid" in output
    assert "history legal, no serial retired twice; 1000 kg retired" in output
    assert "no earlier checkpoint" in output and state.exists()

    retire(client, registry[1], 50)
    status, output = run(capsys, live_server, "--state", state)
    assert status == 0, output
    assert "checkpoint of 5 entries" in output
    assert "consistent with the checkpoint of 4 entries seen last time" in output
    assert '"registry.test/log\\n5\\n' in state.read_text()


def test_monitor_detects_a_ledger_rewritten_after_it_was_signed(registry, live_server, capsys):
    assert run(capsys, live_server)[0] == 0  # the checkpoint of the honest ledger is signed
    forge_entry(3, ref="JLR-2026-999999")  # still a legal history
    status, output = run(capsys, live_server)
    assert status == 1
    assert ("VIOLATION: the Merkle root of the first 4 ledger items differs from the signed "
            "checkpoint") in output


def test_monitor_detects_a_serial_retired_twice(registry, live_server, capsys):
    forge_entry(3, serial_start=1, serial_end=300)  # entry 2 retired serials 1-700
    status, output = run(capsys, live_server)
    assert status == 1
    assert "VIOLATION: illegal ledger history: entry 3" in output and "retired twice" in output


def test_monitor_detects_a_checkpoint_inconsistent_with_the_last_one(app, registry, live_server,
                                                                     tmp_path, capsys):
    # The log signs a second, incompatible history (a fork) and showed it to us earlier.
    fork = sign_note(checkpoint_body("registry.test/log", 3, hashlib.sha256(b"fork").digest()),
                     "registry.test/log", load_log_key(app.config["SIGNING_KEY_DIR"]))
    key = monitor.PublicApi(live_server).json("/api/v1/transparency/log-key")["public_key"]
    state = tmp_path / "monitor.json"
    state.write_text(json.dumps({"key_name": "registry.test/log", "public_key": key,
                                 "checkpoint": fork}))
    status, output = run(capsys, live_server, "--state", state)
    assert status == 1
    assert ("VIOLATION: checkpoint of 4 entries is not consistent with the earlier checkpoint "
            "of 3") in output
    assert json.loads(state.read_text())["checkpoint"] == fork  # not overwritten


def test_monitor_rejects_a_checkpoint_the_log_key_did_not_sign(registry, live_server, capsys):
    assert run(capsys, live_server)[0] == 0
    tamper("UPDATE tlog_checkpoints SET note = REPLACE(note, :a, :b)", a="\n4\n", b="\n3\n")
    status, output = run(capsys, live_server)
    assert status == 1
    assert "VIOLATION: checkpoint rejected: signature by key 'registry.test/log'" in output


def test_monitor_reports_an_unreachable_registry(capsys):
    status, output = run(capsys, "http://127.0.0.1:9")
    assert status == 2 and output.startswith("ERROR: cannot read http://127.0.0.1:9/")


def test_a_state_file_that_cannot_be_written_is_an_error_not_a_traceback(registry, live_server,
                                                                         tmp_path, capsys):
    state = str(tmp_path / "missing-dir" / "monitor.json")
    status, output = run(capsys, live_server, "--state", state)
    assert status == 2 and output.startswith(f"ERROR: state file {state} cannot be written")


@pytest.mark.parametrize("count", ["-1", "abc"])
def test_witnesses_must_be_a_whole_number_of_zero_or_more(count, capsys):
    with pytest.raises(SystemExit) as exit_:
        monitor.main(["--witnesses", count, "http://127.0.0.1:9"])
    assert exit_.value.code == 2
    assert "is not a whole number of 0 or more" in capsys.readouterr().err
