"""C2SP tlog-cosignature (cosignature/v1, Ed25519): a witness's statement that a
checkpoint is the largest consistent tree head it has seen of that log.

The signed message is ``cosignature/v1\\ntime <T>\\n`` followed by the checkpoint's note
body; the signature line is ``— <witness name> base64(key id ‖ u64 T big-endian ‖
Ed25519 signature)`` with key id SHA-256(name ‖ 0x0A ‖ 0x04 ‖ public key)[:4].
Monitors and registries alike verify them here (tlog needs nothing above it).
"""

import base64
import binascii
import hashlib
import struct

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from tlog import signed_note

_COSIGNATURE_V1 = b"\x04"
_PREFIX = "\u2014 "
MAX_TIMESTAMP = 2**63 - 1


def key_id(name: str, public_key: Ed25519PublicKey) -> bytes:
    """The 4-byte cosignature/v1 key id of witness ``name``."""
    signed_note._check_key_name(name)
    raw = public_key.public_bytes_raw()
    return hashlib.sha256(name.encode("utf-8") + b"\n" + _COSIGNATURE_V1 + raw).digest()[:4]


def message(body: str, timestamp: int) -> bytes:
    """What a cosignature signs: header line, time line, then the checkpoint body."""
    if not 0 <= timestamp <= MAX_TIMESTAMP:
        raise ValueError("cosignature timestamp out of range")
    return f"cosignature/v1\ntime {timestamp}\n{body}".encode("utf-8")


def note_body(note: str) -> str:
    """The text of a signed note (up to and including the line before the blank line)."""
    split = note.rfind("\n\n")
    if split < 0:
        raise ValueError("malformed note: no blank line before the signatures")
    return note[:split + 1]


def signature_lines(note: str) -> list[str]:
    """The signature lines of a signed note."""
    split = note.rfind("\n\n")
    if split < 0 or not note.endswith("\n"):
        raise ValueError("malformed note: no blank line before the signatures")
    return [line for line in note[split + 2:-1].split("\n") if line]


def cosign(body: str, name: str, private_key: Ed25519PrivateKey, timestamp: int) -> str:
    """The cosignature line (without newline) of witness ``name`` over checkpoint ``body``."""
    signature = private_key.sign(message(body, timestamp))
    blob = key_id(name, private_key.public_key()) + struct.pack(">Q", timestamp) + signature
    return f"{_PREFIX}{name} {base64.b64encode(blob).decode('ascii')}"


def parse_line(line: str) -> tuple[str, bytes, int, bytes]:
    """(name, key id, timestamp, signature) of a cosignature line; ValueError if it is not one."""
    if not line.startswith(_PREFIX):
        raise ValueError("a signature line starts with an em dash and a space")
    parts = line[len(_PREFIX):].split(" ")
    if len(parts) != 2 or not parts[0]:
        raise ValueError("a signature line is '— <name> <base64>'")
    try:
        blob = base64.b64decode(parts[1], validate=True)
    except binascii.Error:
        raise ValueError("the signature is not base64") from None
    if len(blob) != 4 + 8 + 64:
        raise ValueError("not an Ed25519 cosignature/v1 (key id, timestamp, signature)")
    timestamp = struct.unpack(">Q", blob[4:12])[0]
    if timestamp > MAX_TIMESTAMP:
        raise ValueError("cosignature timestamp out of range")
    return parts[0], blob[:4], timestamp, blob[12:]


def verify_line(body: str, line: str, name: str, public_key: Ed25519PublicKey) -> int:
    """Verify ``line`` as witness (``name``, ``public_key``)'s cosignature of ``body``;
    return its timestamp. ValueError when it is not that witness's or does not verify."""
    signer, kid, timestamp, signature = parse_line(line)
    if signer != name or kid != key_id(name, public_key):
        raise ValueError(f"not a cosignature by witness {name!r}")
    try:
        public_key.verify(signature, message(body, timestamp))
    except InvalidSignature:
        raise ValueError(f"the cosignature by witness {name!r} does not verify") from None
    return timestamp


def count_valid(note: str, witnesses: dict[str, Ed25519PublicKey]) -> list[str]:
    """Names of the known ``witnesses`` with a valid cosignature on ``note`` (others and
    unknown lines are ignored, as signed-note verifiers do)."""
    body = note_body(note)
    valid = []
    for line in signature_lines(note):
        try:
            signer = parse_line(line)[0]
        except ValueError:
            continue
        key = witnesses.get(signer)
        if key is None or signer in valid:
            continue
        try:
            verify_line(body, line, signer, key)
        except ValueError:
            continue
        valid.append(signer)
    return valid
