"""The transparency log's Ed25519 key: `log-key.pem` in SIGNING_KEY_DIR, made when absent.

It signs checkpoints only; certificates have their own keys. Losing it means the log
must start a new identity, so it is created once (mode 0600) and never overwritten.
"""

import os
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

KEY_FILE = "log-key.pem"


class LogKeyError(RuntimeError):
    """The file named as the log key holds something other than an Ed25519 private key."""


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
    # `_stamp` (mtime, size) is part of the cache key, so a replaced file is reloaded.
    key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise LogKeyError(f"{path} is not an Ed25519 private key")
    return key


def load_log_key(key_dir) -> Ed25519PrivateKey:
    """The log's private key from `key_dir`, generated on first use and cached per path."""
    key_dir = Path(key_dir)
    path = key_dir / KEY_FILE
    if not path.exists():
        key_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        _create(path)
    stat = path.stat()
    return _load(str(path), (stat.st_mtime_ns, stat.st_size))
