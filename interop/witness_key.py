"""The registry's witness key: an Ed25519 key of its own, ``witness-key.pem`` in
SIGNING_KEY_DIR, made when absent and never overwritten (like the log key).

It cosigns peers' checkpoints (INTEROP.md §6) and nothing else, so losing or rotating it
touches neither certificates nor the registry's own log.
"""

import base64
import os
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import current_app

KEY_FILE = "witness-key.pem"


def _create(path: Path) -> None:
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption())
    try:
        # O_EXCL: a key another worker wrote meanwhile wins; ours is dropped unused.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)


@lru_cache(maxsize=8)
def _load(path: str, _stamp: tuple) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise RuntimeError(f"{path} is not an Ed25519 private key")
    return key


def load_witness_key(key_dir=None) -> Ed25519PrivateKey:
    """The witness's private key from ``key_dir`` (default SIGNING_KEY_DIR), generated on
    first use and cached per path and file stamp."""
    key_dir = Path(key_dir or current_app.config["SIGNING_KEY_DIR"])
    path = key_dir / KEY_FILE
    if not path.exists():
        key_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        _create(path)
    stat = path.stat()
    return _load(str(path), (stat.st_mtime_ns, stat.st_size))


def witness_name(base_url: str | None = None) -> str:
    """The witness's name in cosignature lines: ``<host of BASE_URL>/witness``."""
    parts = urlsplit(base_url or current_app.config["BASE_URL"])
    host = parts.hostname + (f":{parts.port}" if parts.port else "")
    return f"{host}/witness"


def public_key_base64(key_dir=None) -> str:
    """The raw 32-byte Ed25519 public key, standard base64."""
    raw = load_witness_key(key_dir).public_key().public_bytes_raw()
    return base64.b64encode(raw).decode("ascii")
