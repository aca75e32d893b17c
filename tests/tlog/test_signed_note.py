"""C2SP signed notes and checkpoints: known answers, round trips, tampering."""

import base64
import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from tlog import signed_note
from tlog.signed_note import checkpoint_body, key_id, open_checkpoint, open_note, sign_note

# Known answers from golang.org/x/mod/sumdb/note (note_test.go / example_test.go),
# the reference implementation of c2sp.org/signed-note. Verifier keys are
# "<name>+<hex key id>+base64(0x01 || public key)"; the signer key carries the seed.
PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
PETER_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
PETER_SIGNATURE = (
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM="
)
PETER_NOTE = PETER_TEXT + "\n— PeterNeumann " + PETER_SIGNATURE + "\n"

LOG_NAME = "registry.example/log"
LOG_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
ROOT = hashlib.sha256(b"root").digest()


def _verifier_key(vkey: str) -> tuple[str, bytes, Ed25519PublicKey]:
    name, key_hash, material = vkey.split("+", 2)  # the base64 may itself contain '+'
    decoded = base64.b64decode(material)
    assert decoded[:1] == b"\x01"
    return name, bytes.fromhex(key_hash), Ed25519PublicKey.from_public_bytes(decoded[1:])


def _peter_private_key() -> Ed25519PrivateKey:
    decoded = base64.b64decode(PETER_SKEY.split("+", 4)[4])
    assert decoded[:1] == b"\x01"
    return Ed25519PrivateKey.from_private_bytes(decoded[1:])


# --- known answers --------------------------------------------------------------------


@pytest.mark.parametrize("vkey", [PETER_VKEY, ENOCH_VKEY])
def test_key_id_matches_the_reference_implementation(vkey):
    name, expected_id, public_key = _verifier_key(vkey)
    assert key_id(name, public_key) == expected_id


def test_key_id_follows_the_spec_formula():
    raw = LOG_KEY.public_key().public_bytes_raw()
    expected = hashlib.sha256(LOG_NAME.encode() + b"\x0a" + b"\x01" + raw).digest()[:4]
    assert key_id(LOG_NAME, LOG_KEY.public_key()) == expected


def test_sign_note_reproduces_the_reference_note_byte_for_byte():
    # Ed25519 is deterministic, so the same key and text give the same note.
    assert sign_note(PETER_TEXT, "PeterNeumann", _peter_private_key()) == PETER_NOTE


def test_open_note_accepts_the_reference_note():
    name, _, public_key = _verifier_key(PETER_VKEY)
    assert open_note(PETER_NOTE, name, public_key) == PETER_TEXT


def test_open_note_rejects_the_reference_note_for_another_key():
    name, _, public_key = _verifier_key(ENOCH_VKEY)
    with pytest.raises(ValueError, match="not signed by key 'EnochRoot'"):
        open_note(PETER_NOTE, name, public_key)


# --- checkpoints ----------------------------------------------------------------------


def _checkpoint(size: int = 42, root: bytes = ROOT) -> str:
    return sign_note(checkpoint_body(LOG_NAME, size, root), LOG_NAME, LOG_KEY)


def test_checkpoint_has_the_c2sp_layout():
    body = checkpoint_body(LOG_NAME, 42, ROOT)
    assert body == f"{LOG_NAME}\n42\n{base64.b64encode(ROOT).decode()}\n"
    lines = _checkpoint().split("\n")
    assert lines[:4] == [LOG_NAME, "42", base64.b64encode(ROOT).decode(), ""]
    assert lines[4].startswith("\u2014 " + LOG_NAME + " ")
    assert lines[5:] == [""]  # the note ends in a newline
    blob = base64.b64decode(lines[4].split(" ")[2])
    assert blob[:4] == key_id(LOG_NAME, LOG_KEY.public_key())
    assert len(blob) == 4 + 64


def test_checkpoint_round_trip():
    assert open_checkpoint(_checkpoint(), LOG_NAME, LOG_KEY.public_key()) == (LOG_NAME, 42, ROOT)


def test_empty_tree_checkpoint_round_trips():
    empty_root = hashlib.sha256(b"").digest()
    assert open_checkpoint(_checkpoint(0, empty_root), LOG_NAME, LOG_KEY.public_key()) == (
        LOG_NAME,
        0,
        empty_root,
    )


def test_signatures_from_unknown_keys_are_ignored():
    witness = Ed25519PrivateKey.generate()
    witness_note = sign_note(checkpoint_body(LOG_NAME, 42, ROOT), "witness.example", witness)
    cosigned = _checkpoint() + witness_note.split("\n\n")[1]
    assert open_checkpoint(cosigned, LOG_NAME, LOG_KEY.public_key()) == (LOG_NAME, 42, ROOT)
    assert open_checkpoint(cosigned, "witness.example", witness.public_key())[1] == 42


def test_extension_lines_are_ignored():
    note = sign_note(checkpoint_body(LOG_NAME, 7, ROOT) + "extension\n", LOG_NAME, LOG_KEY)
    assert open_checkpoint(note, LOG_NAME, LOG_KEY.public_key()) == (LOG_NAME, 7, ROOT)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("\n42\n", "\n43\n"),
        (LOG_NAME + "\n", "registry.example/other\n"),
        (base64.b64encode(ROOT).decode(), base64.b64encode(hashlib.sha256(b"x").digest()).decode()),
    ],
)
def test_tampered_body_is_rejected(old, new):
    note = _checkpoint().replace(old, new, 1)
    with pytest.raises(ValueError, match="does not verify"):
        open_checkpoint(note, LOG_NAME, LOG_KEY.public_key())


def _tamper_signature(byte: int) -> str:
    body, line = _checkpoint().split("\n\n")
    prefix, blob = line.rstrip("\n").rsplit(" ", 1)
    raw = bytearray(base64.b64decode(blob))
    raw[byte] ^= 0x01
    return f"{body}\n\n{prefix} {base64.b64encode(bytes(raw)).decode()}\n"


@pytest.mark.parametrize("byte", [4, 30, 67])
def test_tampered_signature_is_rejected(byte):
    with pytest.raises(ValueError, match="does not verify"):
        open_checkpoint(_tamper_signature(byte), LOG_NAME, LOG_KEY.public_key())


def test_tampered_key_id_leaves_the_note_unsigned_by_that_key():
    with pytest.raises(ValueError, match="not signed by key"):
        open_checkpoint(_tamper_signature(0), LOG_NAME, LOG_KEY.public_key())


def test_another_key_with_the_same_name_is_not_the_log_key():
    impostor = Ed25519PrivateKey.generate()
    note = sign_note(checkpoint_body(LOG_NAME, 42, ROOT), LOG_NAME, impostor)
    with pytest.raises(ValueError, match="not signed by key"):
        open_checkpoint(note, LOG_NAME, LOG_KEY.public_key())


def test_a_second_bad_signature_from_the_log_key_rejects_the_note():
    good = _checkpoint()
    bad_line = _tamper_signature(30).split("\n\n")[1]
    with pytest.raises(ValueError, match="does not verify"):
        open_checkpoint(good + bad_line, LOG_NAME, LOG_KEY.public_key())


def _signed_body(body: str) -> str:
    return sign_note(body, LOG_NAME, LOG_KEY)


B64_ROOT = base64.b64encode(ROOT).decode()
# The URL-safe alphabet ('-', '_') is not the standard base64 the spec requires.
URLSAFE_ROOT = base64.urlsafe_b64encode(bytes([0xFB]) * 32).decode()


@pytest.mark.parametrize(
    ("note", "reason"),
    [
        ("", "malformed note"),
        (checkpoint_body(LOG_NAME, 42, ROOT), "no blank line"),
        (checkpoint_body(LOG_NAME, 42, ROOT) + "\n", "signature line"),
        (_checkpoint().rstrip("\n"), "no blank line"),
        (_checkpoint().replace("\u2014", "-"), "em dash"),
        (_checkpoint().replace("\u2014 ", "\u2014"), "em dash"),
        (_checkpoint().replace(f"{LOG_NAME} ", f"{LOG_NAME}  "), "signature line is not"),
        (_checkpoint()[:-3] + "!!\n", "not base64"),
        (checkpoint_body(LOG_NAME, 42, ROOT) + f"\n\u2014 {LOG_NAME} AAAA\n", "too short"),
        (_checkpoint().replace("\n42\n", "\n42\r\n"), "control characters"),
        (_checkpoint() + "\n", "signature line"),
        (_signed_body(f"{LOG_NAME}\n42\n"), "needs origin, tree size and root hash"),
        (_signed_body(f"{LOG_NAME}\n\n42\n{B64_ROOT}\n"), "needs origin, tree size and root hash"),
        (_signed_body(f"{LOG_NAME}\n042\n{B64_ROOT}\n"), "leading zeros"),
        (_signed_body(f"{LOG_NAME}\n-1\n{B64_ROOT}\n"), "decimal"),
        (_signed_body(f"{LOG_NAME}\n4 2\n{B64_ROOT}\n"), "decimal"),
        (_signed_body(f"{LOG_NAME}\n42\n{B64_ROOT[:-4]}\n"), "not 32 bytes"),
        (_signed_body(f"{LOG_NAME}\n42\nnot base64!\n"), "not base64"),
        (_signed_body(f"{LOG_NAME}\n42\n{URLSAFE_ROOT}\n"), "not base64"),
    ],
)
def test_malformed_notes_are_rejected_with_a_reason(note, reason):
    with pytest.raises(ValueError, match=reason):
        open_checkpoint(note, LOG_NAME, LOG_KEY.public_key())


def test_too_many_signature_lines_are_refused():
    extra = "".join(f"\u2014 w{i} {base64.b64encode(bytes(68)).decode()}\n" for i in range(200))
    with pytest.raises(ValueError, match="too many"):
        open_checkpoint(_checkpoint() + extra, LOG_NAME, LOG_KEY.public_key())


# --- key names and bodies ---------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["", "with space", "with+plus", "tab\tname", "nbsp\u00a0name", "ideographic\u3000space"]
)
def test_key_names_with_spaces_or_plus_are_refused(name):
    with pytest.raises(ValueError, match="invalid key name"):
        key_id(name, LOG_KEY.public_key())
    with pytest.raises(ValueError, match="invalid key name"):
        sign_note("text\n", name, LOG_KEY)
    with pytest.raises(ValueError, match="invalid key name"):
        open_note(_checkpoint(), name, LOG_KEY.public_key())


@pytest.mark.parametrize("body", ["", "no final newline", "carriage\r\n", "nul\x00\n"])
def test_sign_note_refuses_malformed_text(body):
    with pytest.raises(ValueError):
        sign_note(body, LOG_NAME, LOG_KEY)


@pytest.mark.parametrize(
    ("origin", "size", "root"),
    [("", 1, ROOT), ("two\nlines", 1, ROOT), (LOG_NAME, -1, ROOT), (LOG_NAME, 1, ROOT[:31])],
)
def test_checkpoint_body_refuses_bad_fields(origin, size, root):
    with pytest.raises(ValueError):
        checkpoint_body(origin, size, root)


def test_module_limits_signature_count_above_the_spec_minimum():
    assert signed_note._MAX_SIGNATURES >= 16


@pytest.mark.parametrize("signature", [b"\x01", bytes(63), bytes(65)])
def test_log_key_lines_with_signatures_of_the_wrong_length_do_not_verify(signature):
    blob = base64.b64encode(key_id(LOG_NAME, LOG_KEY.public_key()) + signature).decode()
    note = checkpoint_body(LOG_NAME, 42, ROOT) + f"\n\u2014 {LOG_NAME} {blob}\n"
    with pytest.raises(ValueError, match="does not verify"):
        open_checkpoint(note, LOG_NAME, LOG_KEY.public_key())
