"""``flask backup create DIR`` and ``flask backup restore DIR``: backups that prove
themselves.

A backup holds the database (``core.ops.backup``), the signing keys and a manifest: when
it was taken, the schema revision, the ledger's size and the last checkpoint the log had
published. A restore goes into an empty database and is proven twice over before it is
called good: ``flask audit`` passes on the restored data (the ledger replays to the
blocks, the stored tree hashes from the ledger), and an RFC 9162 consistency proof shows
the restored tree extends the checkpoint signed before the backup, so the restored log
is the one the public saw, not a rewritten one. A checkpoint saved by a monitor can be
given instead of the manifest's (``--checkpoint FILE``): then the proof does not even
rest on the backup's own word.
"""

import base64
import json
import sys
from datetime import datetime, timezone
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from core.db import db
from core.ops import backup as mechanics
from market import audit, ledger
from tlog import checkpoints, merkle, signed_note, tree
from tlog.log_key import load_log_key

FORMAT = "tanhui-backup/1"
MANIFEST = "manifest.json"

backup_cli = AppGroup("backup", help="Back up the registry and restore it, proven.")


def _revisions() -> list[str]:
    return sorted(db.session.execute(sa.text("SELECT version_num FROM alembic_version"))
                  .scalars())


def _checkpoint_view() -> dict | None:
    last = checkpoints.last_checkpoint()
    if last is None:
        return None
    return {"tree_size": last.tree_size, "root_hash": base64.b64encode(last.root_hash).decode(),
            "created_at": last.created_at.isoformat(), "note": last.note}


def create_backup(folder: Path) -> dict:
    """Write a backup into ``folder`` (absent or empty); return its manifest."""
    if folder.exists() and any(folder.iterdir()):
        raise mechanics.BackupError(f"{folder} is not empty: back up into a new folder")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    # Read before the dump: the ledger only grows, so the dump holds at least this much
    # and the checkpoint is one the restored tree must extend.
    config = current_app.config
    manifest = {
        "format": FORMAT, "created_at": datetime.now(timezone.utc).isoformat(),
        "engine": db.engine.dialect.name, "alembic_revisions": _revisions(),
        "ledger_size": ledger.size(), "checkpoint": _checkpoint_view(),
        "log_origin": checkpoints.log_origin(),
        "settings": {"BASE_URL": config["BASE_URL"],
                     "TRANSPARENCY_LOG_ORIGIN": config.get("TRANSPARENCY_LOG_ORIGIN"),
                     "CASE_ID_NUMBER_KEY": "from the environment: keep it with this backup"
                     if config.get("CASE_ID_NUMBER_KEY") else "in keys/ (case-id.key)"},
    }
    db.session.rollback()  # end the read transaction before the dump takes its snapshot
    manifest["database_file"] = mechanics.dump_database(db.engine, folder)
    manifest["keys"] = mechanics.copy_keys(Path(config["SIGNING_KEY_DIR"]),
                                           folder / mechanics.KEYS_FOLDER)
    manifest["files"] = mechanics.checksums(folder)
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    return manifest


def read_manifest(folder: Path) -> dict:
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise mechanics.BackupError(f"{folder / MANIFEST} cannot be read: {error}") from None
    if manifest.get("format") != FORMAT:
        raise mechanics.BackupError(f"{folder} is not a {FORMAT} backup")
    found = mechanics.checksums(folder)
    damaged = sorted(name for name, digest in manifest["files"].items()
                     if found.get(name) != digest)
    if damaged:
        raise mechanics.BackupError(f"files differ from the manifest: {', '.join(damaged)}")
    return manifest


def restore_backup(folder: Path) -> dict:
    """Restore ``folder`` into this app's empty database and key folder."""
    manifest = read_manifest(folder)
    if manifest["engine"] != db.engine.dialect.name:
        raise mechanics.BackupError(f"a {manifest['engine']} backup cannot be restored into "
                                    f"{db.engine.dialect.name}")
    db.session.remove()
    if not mechanics.is_empty(db.engine):
        raise mechanics.BackupError("the target database is not empty: restore only into a "
                                    "new database")
    mechanics.copy_keys(folder / mechanics.KEYS_FOLDER,
                        Path(current_app.config["SIGNING_KEY_DIR"]))
    mechanics.restore_database(db.engine, folder / manifest["database_file"])
    return manifest


def prove_restore(manifest: dict, checkpoint_note: str | None = None) -> tuple[list[str], list[str]]:
    """Audit the restored registry and prove its log extends the published checkpoint.

    Returns (problems, facts): the restore is good when ``problems`` is empty.
    """
    problems = list(audit.run_audit())
    facts = ["audit: " + ("passed" if not problems else f"{len(problems)} problems")]
    if _revisions() != manifest["alembic_revisions"]:
        problems.append(f"schema revision {_revisions()} differs from the manifest's "
                        f"{manifest['alembic_revisions']}")
    if ledger.size() < manifest["ledger_size"]:
        problems.append(f"the restored ledger holds {ledger.size()} entries, fewer than the "
                        f"{manifest['ledger_size']} recorded when the backup began")
    note = checkpoint_note or (manifest["checkpoint"] or {}).get("note")
    if note is None:
        facts.append("consistency: no checkpoint had been published; nothing to prove")
        return problems, facts
    origin = manifest["log_origin"]
    if origin != checkpoints.log_origin():
        problems.append(f"this service's log origin {checkpoints.log_origin()!r} is not the "
                        f"backup's {origin!r}: set BASE_URL or TRANSPARENCY_LOG_ORIGIN as before")
    try:
        _origin, first, first_root = signed_note.open_checkpoint(
            note, origin, load_log_key(checkpoints.key_dir()).public_key())
    except ValueError as error:
        problems.append(f"the checkpoint does not verify with the restored log key: {error}")
        return problems, facts
    second = tree.tree_size()
    if first > second:
        problems.append(f"the checkpoint covers {first} entries, the restored tree {second}")
        return problems, facts
    store = tree.DbNodeStore()
    proof = merkle.consistency_proof(store, first, second)
    if merkle.verify_consistency(first, second, first_root, merkle.root(store, second), proof):
        facts.append(f"consistency: the restored tree of {second} entries extends the "
                     f"checkpoint of {first} ({len(proof)} proof hashes verified)")
    else:
        problems.append(f"consistency proof from the checkpoint of {first} entries to the "
                        f"restored tree of {second} does not verify")
    return problems, facts


@backup_cli.command("create")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def create_command(folder: Path) -> None:
    """Back up the database, the signing keys and a manifest into FOLDER (new or empty)."""
    try:
        manifest = create_backup(folder)
    except mechanics.BackupError as error:
        raise click.ClickException(str(error)) from None
    checkpoint = manifest["checkpoint"]
    click.echo(f"backup written to {folder}: {manifest['engine']}, ledger "
               f"{manifest['ledger_size']} entries, last checkpoint "
               f"{checkpoint['tree_size'] if checkpoint else 'none'}, "
               f"{len(manifest['keys'])} key files")


@backup_cli.command("restore")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--checkpoint", "checkpoint_file", type=click.File("r", encoding="utf-8"),
              help="A checkpoint published before the backup (e.g. saved by the monitor), "
                   "to prove against instead of the manifest's.")
def restore_command(folder: Path, checkpoint_file) -> None:
    """Restore FOLDER into an empty database, then prove it (audit + consistency proof)."""
    try:
        manifest = restore_backup(folder)
    except mechanics.BackupError as error:
        raise click.ClickException(str(error)) from None
    problems, facts = prove_restore(manifest, checkpoint_file.read() if checkpoint_file else None)
    for line in facts:
        click.echo(line)
    for problem in problems:
        click.echo(f"FAIL {problem}", err=True)
    if problems:
        sys.exit(1)
    click.echo(f"restore proven: {folder} taken at {manifest['created_at']}")


def init_app(app) -> None:
    app.cli.add_command(backup_cli)
