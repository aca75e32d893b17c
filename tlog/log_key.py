"""The transparency log's Ed25519 key: `log-key.pem` in SIGNING_KEY_DIR, made when absent.

It signs checkpoints only; certificates have their own keys. Losing it means the log
must start a new identity, so it is created once (mode 0600) and never overwritten
(``core.keys`` keeps such files, for the witness key too).
"""

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from core.keys import KeyFileError, load_or_create_ed25519

KEY_FILE = "log-key.pem"


class LogKeyError(KeyFileError):
    """The file named as the log key holds something other than an Ed25519 private key."""


def load_log_key(key_dir) -> Ed25519PrivateKey:
    """The log's private key from `key_dir`, generated on first use and cached per path."""
    return load_or_create_ed25519(key_dir, KEY_FILE, LogKeyError)
