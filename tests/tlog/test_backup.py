"""`flask backup create` → `flask backup restore` into a fresh database, on the suite's
engine (SQLite file, or a scratch PostgreSQL database beside TEST_DATABASE_URL): the
restored registry passes the audit and its log extends the checkpoint published before
the backup."""

import json

import psycopg
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from conftest import POSTGRES_URL
from core.app import create_app
from core.db import db, transaction
from factories import give, make_lot, make_org
from tlog import checkpoints, tree


@pytest.fixture
def registry_with_history(app, client):
    """A lot, transfers and a retirement; a checkpoint; then more entries hashed into the
    tree after it, so the restored tree is larger than the checkpoint."""
    seller, buyer = make_org("seller"), make_org("buyer")
    lot_id = make_lot(seller, 10_000)
    give(seller, buyer, lot_id, 1_000)
    retired = client.post("/api/v1/retirements", headers=buyer.headers,
                          json={"purpose": "voluntary", "beneficiary_name": "长春市民",
                                "quantity_kg": 100})
    assert retired.status_code == 201, retired.json
    with transaction():
        checkpoint = checkpoints.sign_checkpoint()
    give(seller, buyer, lot_id, 500)
    give(seller, buyer, lot_id, 250)
    with transaction():
        tree.sync_tree()
    assert tree.tree_size() > checkpoint.tree_size > 0
    return checkpoint


def _scratch_postgres() -> str:
    """A new empty database next to TEST_DATABASE_URL's (dropped first if left over)."""
    url = make_url(POSTGRES_URL)
    name = f"{url.database}_restore"
    admin = url.set(drivername="postgresql", database="postgres") \
        .render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return url.set(database=name).render_as_string(hide_password=False)


def _drop_scratch(target_url: str) -> None:
    url = make_url(target_url)
    admin = url.set(drivername="postgresql", database="postgres") \
        .render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')


@pytest.fixture
def fresh_target(tmp_path):
    """An app on an empty database with an empty key folder, as on a new machine."""
    url = _scratch_postgres() if POSTGRES_URL else f"sqlite:///{tmp_path / 'restored.db'}"
    target = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                         "BASE_URL": "https://registry.test",
                         "SIGNING_KEY_DIR": str(tmp_path / "restored-keys")})
    yield target
    with target.app_context():
        db.session.remove()
        db.engine.dispose()
    if POSTGRES_URL:
        _drop_scratch(url)


def _restore(target, *args):
    """Run `flask backup restore` in the target's app context (the CLI runner would use
    the test app's, which the fixtures keep pushed)."""
    with target.app_context():
        return target.test_cli_runner().invoke(args=["backup", "restore", *args])


def test_backup_restores_into_a_fresh_database_and_proves_itself(
        app, runner, registry_with_history, fresh_target, tmp_path):
    folder = tmp_path / "backup"
    created = runner.invoke(args=["backup", "create", str(folder)])
    assert created.exit_code == 0, created.output
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["checkpoint"]["tree_size"] == registry_with_history.tree_size
    assert manifest["ledger_size"] > manifest["checkpoint"]["tree_size"]
    assert "log-key.pem" in manifest["keys"]

    restored = _restore(fresh_target, str(folder))
    assert restored.exit_code == 0, restored.output
    assert "audit: passed" in restored.output
    assert "consistency: the restored tree" in restored.output
    assert "restore proven" in restored.output
    with fresh_target.app_context():
        audited = fresh_target.test_cli_runner().invoke(args=["audit"])
        assert audited.exit_code == 0, audited.output
        ready = fresh_target.test_client().get("/readyz")
        assert ready.status_code == 200, ready.json

    # Restoring again would mix two histories: the target is no longer empty.
    again = _restore(fresh_target, str(folder))
    assert again.exit_code == 1
    assert "not empty" in again.output


def test_a_restore_whose_checkpoint_does_not_verify_fails(
        app, runner, registry_with_history, fresh_target, tmp_path):
    folder = tmp_path / "backup"
    assert runner.invoke(args=["backup", "create", str(folder)]).exit_code == 0
    forged = tmp_path / "forged-checkpoint"
    note = registry_with_history.note.split("\n")
    note[2] = "A" * 43 + "="  # another root hash under the same signature
    forged.write_text("\n".join(note))

    restored = _restore(fresh_target, str(folder), "--checkpoint", str(forged))
    assert restored.exit_code == 1
    assert "does not verify" in restored.output


def test_a_damaged_backup_is_refused_before_anything_is_restored(
        app, runner, registry_with_history, fresh_target, tmp_path):
    folder = tmp_path / "backup"
    assert runner.invoke(args=["backup", "create", str(folder)]).exit_code == 0
    dump = next(p for p in folder.iterdir() if p.name.startswith("database."))
    data = dump.read_bytes()  # flip the last 16 bytes: zeroing them may change nothing
    dump.write_bytes(data[:-16] + bytes(b ^ 0xFF for b in data[-16:]))

    restored = _restore(fresh_target, str(folder))
    assert restored.exit_code == 1
    assert "differ from the manifest" in restored.output
    with fresh_target.app_context():
        assert sa.inspect(db.engine).get_table_names() == []


def test_backup_refuses_a_folder_that_is_not_empty(runner, tmp_path):
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "something").write_text("x")
    result = runner.invoke(args=["backup", "create", str(tmp_path / "old")])
    assert result.exit_code == 1
    assert "not empty" in result.output
