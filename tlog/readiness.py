"""The log's part of ``/readyz``: its key loads, or, before the first checkpoint, may
still be created. A missing key after checkpoints were signed means the log lost its
identity (restore ``SIGNING_KEY_DIR`` from the backup): not ready."""

from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from core.db import db
from tlog.log_key import KEY_FILE, load_log_key
from tlog.models import Checkpoint


def check_log_key() -> str | None:
    key_dir = Path(current_app.config["SIGNING_KEY_DIR"])
    if (key_dir / KEY_FILE).exists():
        load_log_key(key_dir)  # raises when the file is not an Ed25519 key
        return None
    signed = db.session.execute(sa.select(sa.func.count()).select_from(Checkpoint)).scalar()
    if signed:
        return f"{KEY_FILE} is missing from SIGNING_KEY_DIR but {signed} checkpoints were signed"
    return None
