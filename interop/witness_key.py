"""The registry's witness key: an Ed25519 key of its own, ``witness-key.pem`` in
SIGNING_KEY_DIR, made when absent and never overwritten (``core.keys``, like the log key).

It cosigns peers' checkpoints (INTEROP.md §6) and nothing else, so losing or rotating it
touches neither certificates nor the registry's own log.
"""

import base64
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import current_app

from core.keys import load_or_create_ed25519

KEY_FILE = "witness-key.pem"


def load_witness_key(key_dir=None) -> Ed25519PrivateKey:
    """The witness's private key from ``key_dir`` (default SIGNING_KEY_DIR), generated on
    first use and cached per path and file stamp (``core.keys``)."""
    return load_or_create_ed25519(Path(key_dir or current_app.config["SIGNING_KEY_DIR"]),
                                  KEY_FILE)


def witness_name(base_url: str | None = None) -> str:
    """The witness's name in cosignature lines: ``<host of BASE_URL>/witness``."""
    parts = urlsplit(base_url or current_app.config["BASE_URL"])
    host = parts.hostname + (f":{parts.port}" if parts.port else "")
    return f"{host}/witness"


def public_key_base64(key_dir=None) -> str:
    """The raw 32-byte Ed25519 public key, standard base64."""
    raw = load_witness_key(key_dir).public_key().public_bytes_raw()
    return base64.b64encode(raw).decode("ascii")
