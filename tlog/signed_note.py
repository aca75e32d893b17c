"""C2SP signed notes and tlog checkpoints, signed with Ed25519.

A checkpoint is the note body "origin\\nsize\\nbase64(root)\\n", a blank line,
and one signature line per key: "— <key name> base64(key id || signature)".
Following c2sp.org/signed-note, signatures from other keys are ignored (that
is how witnesses cosign and keys rotate), and a note is accepted only when a
line from the expected key verifies.
"""

import base64
import binascii
import hashlib
import re

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

_ED25519 = b"\x01"  # signature type identifier byte of c2sp.org/signed-note
_SIGNATURE_PREFIX = "\u2014 "  # em dash, space
_MAX_SIGNATURES = 100  # the spec asks verifiers for a limit of at least 16
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f]")
_DECIMAL = re.compile(r"0|[1-9][0-9]*")


def key_id(name: str, public_key: Ed25519PublicKey) -> bytes:
    """The 4-byte key ID: SHA-256(name || 0x0A || 0x01 || 32-byte public key)[:4]."""
    _check_key_name(name)
    raw = public_key.public_bytes_raw()
    return hashlib.sha256(name.encode("utf-8") + b"\n" + _ED25519 + raw).digest()[:4]


def checkpoint_body(origin: str, size: int, root: bytes) -> str:
    """The tlog-checkpoint note text for a tree of `size` leaves with Merkle root `root`."""
    if not origin or "\n" in origin or _CONTROL.search(origin):
        raise ValueError("origin must be one non-empty line")
    if size < 0 or len(root) != 32:
        raise ValueError("a checkpoint needs a tree size >= 0 and a 32-byte root")
    return f"{origin}\n{size}\n{base64.b64encode(root).decode('ascii')}\n"


def sign_note(body: str, name: str, private_key: Ed25519PrivateKey) -> str:
    """Sign note text `body` (non-empty, ending in a newline) and return the signed note."""
    _check_key_name(name)
    _check_text(body)
    if not body.endswith("\n"):
        raise ValueError("note text must end with a newline")
    signature = private_key.sign(body.encode("utf-8"))
    blob = base64.b64encode(key_id(name, private_key.public_key()) + signature).decode("ascii")
    return f"{body}\n{_SIGNATURE_PREFIX}{name} {blob}\n"


def open_note(note: str, name: str, public_key: Ed25519PublicKey) -> str:
    """Return the text of `note` once its signature by (`name`, `public_key`) verifies.

    Raises ValueError, with the reason, when the note is malformed, carries no
    signature by that key, or a signature by that key does not verify.
    """
    _check_key_name(name)
    _check_text(note)
    # The text ends at the last blank line; what follows are signature lines.
    split = note.rfind("\n\n")
    if split < 0 or not note.endswith("\n"):
        raise ValueError("malformed note: no blank line before the signatures")
    text, signature_lines = note[: split + 1], note[split + 2 : -1].split("\n")
    if len(signature_lines) > _MAX_SIGNATURES:
        raise ValueError("malformed note: too many signatures")

    wanted_id = key_id(name, public_key)
    found = []
    for line in signature_lines:
        signer, blob = _parse_signature_line(line)
        if signer == name and blob[:4] == wanted_id:
            found.append(blob[4:])
    if not found:
        raise ValueError(f"note is not signed by key {name!r}")
    for signature in found:
        # Every line claiming to be from the known key must verify: one bad
        # signature from it rejects the whole note.
        try:
            public_key.verify(signature, text.encode("utf-8"))
        except InvalidSignature:
            raise ValueError(f"signature by key {name!r} does not verify") from None
    return text


def open_checkpoint(text: str, name: str, public_key: Ed25519PublicKey) -> tuple[str, int, bytes]:
    """Verify a signed checkpoint and return (origin, tree size, root hash).

    Raises ValueError, with the reason, as open_note does or when the body is
    not a tlog checkpoint. Comparing the origin with the expected log is the caller's job.
    """
    body = open_note(text, name, public_key)
    lines = body[:-1].split("\n")
    if len(lines) < 3 or not all(lines):
        raise ValueError("malformed checkpoint: needs origin, tree size and root hash lines")
    origin, size, encoded_root = lines[:3]
    if not _DECIMAL.fullmatch(size):
        raise ValueError("malformed checkpoint: tree size is not a decimal without leading zeros")
    try:
        root = base64.b64decode(encoded_root, validate=True)
    except binascii.Error:
        raise ValueError("malformed checkpoint: root hash is not base64") from None
    if len(root) != 32:
        raise ValueError("malformed checkpoint: root hash is not 32 bytes")
    # Extension lines (lines[3:]) are opaque, optional and NOT RECOMMENDED; ignored.
    return origin, int(size), root


def _parse_signature_line(line: str) -> tuple[str, bytes]:
    if not line.startswith(_SIGNATURE_PREFIX):
        raise ValueError("malformed note: signature line does not start with an em dash, space")
    parts = line[len(_SIGNATURE_PREFIX) :].split(" ")
    if len(parts) != 2 or not parts[0]:
        raise ValueError("malformed note: signature line is not '— <name> <base64>'")
    try:
        blob = base64.b64decode(parts[1], validate=True)
    except binascii.Error:
        raise ValueError("malformed note: signature is not base64") from None
    if len(blob) < 5:
        raise ValueError("malformed note: signature too short for a key id and a signature")
    return parts[0], blob


def _check_key_name(name: str) -> None:
    # Unicode spaces or '+' would make signature lines and verifier keys ambiguous.
    if not name or "+" in name or any(ch.isspace() for ch in name) or _CONTROL.search(name):
        raise ValueError(f"invalid key name {name!r}: must be non-empty, without spaces or '+'")


def _check_text(text: str) -> None:
    if not text or _CONTROL.search(text):
        raise ValueError("malformed note: empty, or contains control characters other than newline")
