"""The certificates' part of ``/readyz``: every credential key and the PDF signing key
load; a missing key is fine only while nothing was signed with it yet (it is created on
first use)."""

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
    if not credential_keys and _count(Certificate.id):
        return "no credential key in SIGNING_KEY_DIR but certificates were issued"
    if not pdf_key.exists() and _count(Certificate.pdf_sha256):
        return f"{pades.KEY_FILE} is missing from SIGNING_KEY_DIR but signed PDFs exist"
    return None


def _count(column) -> int:
    return db.session.execute(sa.select(sa.func.count(column))).scalar()
