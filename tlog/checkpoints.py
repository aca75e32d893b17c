"""The log's identity and its C2SP checkpoints (signed notes of the tree's size and root).

A checkpoint is signed whenever the tree has grown since the last, by a job every minute
and on demand from the checkpoint endpoint.
"""

import base64
from pathlib import Path
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app

from core import clock
from core.db import db, transaction
from market import ledger
from tlog import merkle, signed_note, tree
from tlog.log_key import load_log_key
from tlog.models import Checkpoint, TreeState


def log_origin() -> str:
    """The log's origin line and key name: the one stored when the first checkpoint was
    signed, so a process started without the service's BASE_URL (``flask audit`` on a
    server shell) still checks the log it runs on; before that, the configured one."""
    stored = db.session.execute(sa.select(TreeState.origin).where(TreeState.id == 1)).scalar()
    return stored or configured_origin()


def configured_origin() -> str:
    """The origin from the settings, e.g. ``registry.test/log`` for BASE_URL
    https://registry.test (a valid C2SP key name: no spaces, no '+')."""
    configured = current_app.config.get("TRANSPARENCY_LOG_ORIGIN")
    if configured:
        return configured
    host = urlsplit(current_app.config["BASE_URL"]).netloc.rpartition("@")[2].lower()
    return f"{host or 'localhost'}/log"


def key_dir() -> Path:
    """Where the log key lives (shared with the certificate keys)."""
    return Path(current_app.config["SIGNING_KEY_DIR"])


def public_key_info() -> dict:
    """What verifiers need: ``{name, origin, public_key}`` (raw Ed25519, standard base64)."""
    raw = load_log_key(key_dir()).public_key().public_bytes_raw()
    name = log_origin()
    return {"name": name, "origin": name, "public_key": base64.b64encode(raw).decode("ascii")}


def last_checkpoint() -> Checkpoint | None:
    """The largest checkpoint signed so far, or None before the first."""
    return db.session.execute(
        sa.select(Checkpoint).order_by(Checkpoint.tree_size.desc()).limit(1)).scalar()


def sign_checkpoint() -> Checkpoint:
    """Sync the tree and, if it grew since the last checkpoint, sign and store a new one.

    Returns the checkpoint of the current tree (new or the last one).
    """
    size = tree.sync_tree()
    last = last_checkpoint()
    if last is not None and last.tree_size == size:
        return last
    if last is not None and last.tree_size > size:
        raise RuntimeError(f"the tree has {size} leaves but checkpoint {last.tree_size} was "
                           "signed: tlog_state or tlog_nodes lost rows")
    root = merkle.root(tree.DbNodeStore(), size)
    state = db.session.get(TreeState, 1)  # locked by sync_tree
    if state.origin is None:  # the first checkpoint fixes the log's identity
        state.origin = configured_origin()
    origin = state.origin
    note = signed_note.sign_note(signed_note.checkpoint_body(origin, size, root), origin,
                                 load_log_key(key_dir()))
    checkpoint = Checkpoint(tree_size=size, root_hash=root, note=note, created_at=clock.now())
    db.session.add(checkpoint)
    db.session.flush()
    return checkpoint


def fresh_checkpoint() -> Checkpoint | None:
    """The last checkpoint when it covers the whole committed ledger, else None (read-only)."""
    last = last_checkpoint()
    return last if last is not None and last.tree_size == ledger.size() else None


def latest_checkpoint() -> Checkpoint:
    """The checkpoint of the current tree, signing one if none exists or the log grew."""
    return fresh_checkpoint() or sign_checkpoint()


_cosignature_sources = []


def register_cosignatures(source) -> None:
    """Let an upper layer (interop's witnessing) add the cosignature lines it collected:
    ``source(tree_size, root_hash)`` returns signature lines for that checkpoint."""
    if source not in _cosignature_sources:
        _cosignature_sources.append(source)


def served_note(checkpoint: Checkpoint) -> str:
    """The checkpoint note with every collected cosignature line appended (signed-note
    verifiers ignore lines from keys they do not know)."""
    lines = [line for source in _cosignature_sources
             for line in source(checkpoint.tree_size, checkpoint.root_hash)]
    return checkpoint.note + "".join(f"{line}\n" for line in lines)


def sign_checkpoint_job() -> None:
    """Every minute: hash new ledger entries and sign a checkpoint if the log grew."""
    with transaction():
        sign_checkpoint()
