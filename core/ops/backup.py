"""The mechanics of ``flask backup`` (the command and its proof are ``tlog/backup.py``'s):
a consistent copy of the database, the signing keys, and the files' checksums.

* PostgreSQL: ``pg_dump --format=custom`` (one snapshot, so the ledger, the stored tree and
  the checkpoints agree with each other) and ``pg_restore --single-transaction``. The
  client must be at least as new as the server (``postgresql-client-15``); the password
  travels in ``PGPASSWORD``, never on a command line.
* SQLite: the online backup API, which copies a consistent snapshot while the service
  keeps writing.

A restore goes only into an empty database: restoring over live data would mix two
histories of a registry whose whole value is its one history.
"""

import hashlib
import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

DUMP_FILES = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
KEYS_FOLDER = "keys"


class BackupError(RuntimeError):
    """The backup or restore cannot go on; the message says why and what to do."""


def libpq_environment(engine: Engine) -> dict:
    """The connection as libpq environment variables (the password stays off ``ps``)."""
    url = engine.url
    values = {"PGHOST": url.host, "PGPORT": url.port, "PGUSER": url.username,
              "PGPASSWORD": url.password, "PGDATABASE": url.database}
    return {**os.environ, **{k: str(v) for k, v in values.items() if v is not None}}


def _run(command: list[str], engine: Engine) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed: install postgresql-client "
                          "(the same major version as the server, or newer)")
    done = subprocess.run(command, env=libpq_environment(engine), capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")


def sqlite_file(engine: Engine) -> Path:
    database = make_url(str(engine.url)).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up or restored")
    return Path(database)


def dump_database(engine: Engine, folder: Path) -> str:
    """Copy the database into ``folder``; return the file's name."""
    name = DUMP_FILES[engine.dialect.name]
    if engine.dialect.name == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
              f"--file={folder / name}"], engine)
    else:
        _sqlite_copy(sqlite_file(engine), folder / name)
    return name


def _sqlite_copy(source_path: Path, target_path: Path) -> None:
    with closing(sqlite3.connect(source_path)) as source, \
            closing(sqlite3.connect(target_path)) as target:
        source.backup(target)


def is_empty(engine: Engine) -> bool:
    """No table at all (a fresh ``createdb`` or a SQLite file not yet created)."""
    if engine.dialect.name == "sqlite" and not sqlite_file(engine).exists():
        return True
    return not sa.inspect(engine).get_table_names()


def restore_database(engine: Engine, dump: Path) -> None:
    """Load ``dump`` into the empty database of ``engine``."""
    if not is_empty(engine):
        raise BackupError("the target database is not empty: restore only into a new "
                          "database (createdb, or a SQLite file that does not exist yet)")
    engine.dispose()
    if engine.dialect.name == "postgresql":
        _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
              "--single-transaction", f"--dbname={engine.url.database}", str(dump)], engine)
    else:
        target_path = sqlite_file(engine)
        target_path.parent.mkdir(parents=True, exist_ok=True)
        _sqlite_copy(dump, target_path)


def copy_keys(source: Path, target: Path) -> list[str]:
    """Copy the key files of ``source`` into ``target`` (0600, folders 0700); return their
    relative names. A file already in ``target`` must be identical, or nothing is copied."""
    files = sorted(p.relative_to(source) for p in source.rglob("*") if p.is_file()) \
        if source.exists() else []
    clashes = [str(name) for name in files if (target / name).exists()
               and (target / name).read_bytes() != (source / name).read_bytes()]
    if clashes:
        raise BackupError(f"{target} already holds other keys ({', '.join(clashes)}): "
                          "restore into an empty SIGNING_KEY_DIR")
    for name in files:
        (target / name).parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not (target / name).exists():
            shutil.copyfile(source / name, target / name)
            os.chmod(target / name, 0o600)
    return [str(name) for name in files]


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def checksums(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder`` but the manifest, by relative name."""
    return {str(p.relative_to(folder)): sha256_file(p) for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != "manifest.json"}
