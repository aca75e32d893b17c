"""Ed25519 key files under SIGNING_KEY_DIR, made once and never overwritten.

The transparency log's checkpoint key (``tlog/log_key.py``, ``log-key.pem``) and the
witness key that cosigns peers' checkpoints (``interop/witness_key.py``,
``witness-key.pem``) are both such files: PKCS#8 PEM, mode 0600, in a 0700 directory.
Losing one means a new identity, so a file is created only when absent (O_EXCL: when two
workers race, the first file written wins) and reloaded only when its stamp changes.
"""

import os
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


class KeyFileError(RuntimeError):
    """The file named as a key holds something other than an Ed25519 private key."""


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


@lru_cache(maxsize=16)
def _load(path: str, _stamp: tuple, error: type) -> Ed25519PrivateKey:
    # `_stamp` (mtime, size) is part of the cache key, so a replaced file is reloaded.
    key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise error(f"{path} is not an Ed25519 private key")
    return key


def load_or_create_ed25519(key_dir, file_name: str,
                           error: type = KeyFileError) -> Ed25519PrivateKey:
    """The Ed25519 private key in ``key_dir / file_name``, generated on first use.

    Cached per path and file stamp. Raises ``error`` (a subclass of ``KeyFileError`` by
    default) when the file holds another kind of key; OSError when it cannot be read.
    """
    key_dir = Path(key_dir)
    path = key_dir / file_name
    if not path.exists():
        key_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        _create(path)
    stat = path.stat()
    return _load(str(path), (stat.st_mtime_ns, stat.st_size), error)
