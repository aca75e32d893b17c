"""The certificates' part of ``/readyz``: every credential key and the PDF signing key
load, or, before the first certificate, may still be created."""

from pathlib import Path

import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from flask import current_app

from certificates import keys, pades
from certificates.models import Certificate
from core.db import db


def check_signing_keys() -> str | None:
    key_dir = Path(current_app.config["SIGNING_KEY_DIR"])
    credential_keys = keys.all_keys()  # raises when a file is not a private key
    pdf_key = key_dir / pades.KEY_FILE
    if pdf_key.exists():
        serialization.load_pem_private_key(pdf_key.read_bytes(), password=None)
    if credential_keys and pdf_key.exists():
        return None
    issued = db.session.execute(sa.select(sa.func.count()).select_from(Certificate)).scalar()
    if issued:
        return f"signing keys are missing from SIGNING_KEY_DIR but {issued} certificates were issued"
    return None
