"""W3C Data Integrity proofs with the eddsa-jcs-2022 cryptosuite.

Implements "Create Proof" and "Verify Proof" of W3C Data Integrity EdDSA
Cryptosuites v1.0, §3.3 (eddsa-jcs-2022), plus the `Multikey` encodings of
Ed25519 keys. The document and the proof configuration are canonicalised with
RFC 8785 (JCS), each hashed with SHA-256, and Ed25519 signs
`SHA-256(proofConfig) || SHA-256(document)`.

Pure functions on plain dicts: no database, no Flask. `verify` reports
problems as a list of strings and never raises on malformed input, because
its input comes from strangers (uploaded credentials, PDF attachments).
"""

import copy
import hashlib
import re
from typing import Any

import base58
import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-jcs-2022"

# Multicodec prefixes (unsigned varints): ed25519-pub 0xed, ed25519-priv 0x1300.
_PUBLIC_KEY_PREFIX = b"\xed\x01"
_SECRET_KEY_PREFIX = b"\x80\x26"
_SIGNATURE_LENGTH = 64

# xsd:dateTime lexical form, as VC Data Model 2.0 §4.6 spells it out; the
# cryptosuite's Proof Configuration step rejects any other `created`.
_XSD_DATETIME = re.compile(
    r"-?([1-9][0-9]{3,}|0[0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    r"T(([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?|(24:00:00(\.0+)?))"
    r"(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))?"
)


def public_key_multibase(public_key: Ed25519PublicKey) -> str:
    """Encode an Ed25519 public key as a Multikey `publicKeyMultibase` (`z6Mk…`)."""
    raw = public_key.public_bytes_raw()
    return "z" + base58.b58encode(_PUBLIC_KEY_PREFIX + raw).decode("ascii")


def public_key_from_multibase(value: str) -> Ed25519PublicKey:
    """Decode a Multikey `publicKeyMultibase`; ValueError unless it is an Ed25519 public key."""
    raw = _decode_multikey(value, _PUBLIC_KEY_PREFIX, "Ed25519 public key")
    return Ed25519PublicKey.from_public_bytes(raw)


def private_key_from_multibase(value: str) -> Ed25519PrivateKey:
    """Decode a Multikey `secretKeyMultibase` (prefix 0x8026) into an Ed25519 private key."""
    raw = _decode_multikey(value, _SECRET_KEY_PREFIX, "Ed25519 secret key")
    return Ed25519PrivateKey.from_private_bytes(raw)


def _decode_multikey(value: Any, prefix: bytes, what: str) -> bytes:
    if not isinstance(value, str) or not value.startswith("z"):
        raise ValueError(f"{what} must be multibase base58btc (start with 'z')")
    try:
        decoded = base58.b58decode(value[1:])
    except ValueError as exc:
        raise ValueError(f"{what} is not valid base58btc") from exc
    if len(decoded) != len(prefix) + 32 or not decoded.startswith(prefix):
        # The spec insists on this check so that a secret key pasted where a
        # public key belongs is refused rather than published.
        raise ValueError(f"{what} must be multicodec 0x{prefix.hex()} followed by 32 bytes")
    return decoded[len(prefix):]


def sign(
    document: dict,
    private_key: Ed25519PrivateKey,
    verification_method: str,
    created: str,
    proof_purpose: str = "assertionMethod",
) -> dict:
    """Return a copy of `document` secured with an eddsa-jcs-2022 `DataIntegrityProof`.

    `created` must be an xsd:dateTime string (e.g. "2025-03-01T08:00:00Z"). Numbers
    in the document should be integers: JCS serialises floats the ECMAScript way,
    and integers beyond 2**53 are refused with ValueError rather than rounded.
    """
    if "proof" in document:
        # Proof sets and chains (previousProof) are out of scope for the registry.
        raise ValueError("document already has a proof")
    if not isinstance(created, str) or not _XSD_DATETIME.fullmatch(created):
        raise ValueError(f"created is not an xsd:dateTime: {created!r}")
    unsecured = copy.deepcopy(document)
    proof = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    # Create Proof step 2: the proof carries the document's @context, which is
    # what lets a verifier detect contexts added to the document afterwards.
    if "@context" in unsecured:
        proof["@context"] = copy.deepcopy(unsecured["@context"])
    signature = private_key.sign(_hash_data(unsecured, proof))
    proof["proofValue"] = "z" + base58.b58encode(signature).decode("ascii")
    return {**unsecured, "proof": proof}


def verify(
    document: Any,
    public_key: Ed25519PublicKey,
    expected_proof_purpose: str = "assertionMethod",
) -> list[str]:
    """Check the document's eddsa-jcs-2022 proof against `public_key`.

    Returns the problems found; an empty list means the proof verified. Never
    raises on malformed documents. Resolving `verificationMethod` to the key is
    the caller's job (the registry looks it up in its own DID document).
    """
    if not isinstance(document, dict):
        return ["document is not a JSON object"]
    proof = document.get("proof")
    if proof is None:
        return ["document has no proof"]
    if isinstance(proof, list):
        return ["document has a proof set; exactly one proof is supported"]
    if not isinstance(proof, dict):
        return ["proof is not a JSON object"]

    errors = _check_proof_fields(proof, expected_proof_purpose)
    signature, signature_error = _decode_proof_value(proof.get("proofValue"))
    if signature_error:
        errors.append(signature_error)

    unsecured = {key: value for key, value in document.items() if key != "proof"}
    options = {key: value for key, value in proof.items() if key != "proofValue"}
    if "@context" in options:
        # Verify Proof step 4: the document may have gained contexts after
        # signing (proof chains), but must start with the signed ones, and only
        # those are hashed.
        if not _starts_with(document.get("@context"), options["@context"]):
            errors.append("document @context does not start with the proof's @context")
        else:
            unsecured["@context"] = options["@context"]
    if errors:
        return errors

    try:
        hash_data = _hash_data(unsecured, options)
    except (ValueError, TypeError, RecursionError) as exc:
        return [f"document cannot be canonicalised with JCS: {exc}"]
    try:
        public_key.verify(signature, hash_data)
    except InvalidSignature:
        return ["signature does not verify with the given key"]
    return []


def _check_proof_fields(proof: dict, expected_proof_purpose: str) -> list[str]:
    errors = []
    if proof.get("type") != PROOF_TYPE:
        errors.append(f"proof type is {proof.get('type')!r}, expected {PROOF_TYPE!r}")
    if proof.get("cryptosuite") != CRYPTOSUITE:
        errors.append(
            f"proof cryptosuite is {proof.get('cryptosuite')!r}, expected {CRYPTOSUITE!r}"
        )
    if not isinstance(proof.get("verificationMethod"), str):
        errors.append("proof verificationMethod is missing or not a string")
    if proof.get("proofPurpose") != expected_proof_purpose:
        errors.append(
            f"proof purpose is {proof.get('proofPurpose')!r}, expected {expected_proof_purpose!r}"
        )
    created = proof.get("created")
    if "created" in proof and not (isinstance(created, str) and _XSD_DATETIME.fullmatch(created)):
        errors.append("proof created is not an xsd:dateTime")
    return errors


def _decode_proof_value(proof_value: Any) -> tuple[bytes, str | None]:
    if not isinstance(proof_value, str):
        return b"", "proofValue is missing or not a string"
    if not proof_value.startswith("z"):
        return b"", "proofValue is not multibase base58btc (must start with 'z')"
    try:
        signature = base58.b58decode(proof_value[1:])
    except ValueError:
        return b"", "proofValue is not valid base58btc"
    if len(signature) != _SIGNATURE_LENGTH:
        return b"", f"proofValue decodes to {len(signature)} bytes, expected {_SIGNATURE_LENGTH}"
    return signature, None


def _starts_with(document_context: Any, proof_context: Any) -> bool:
    # A single context may be written as a bare value instead of a list.
    if document_context is None:
        return False
    doc = document_context if isinstance(document_context, list) else [document_context]
    signed = proof_context if isinstance(proof_context, list) else [proof_context]
    if len(doc) < len(signed):
        return False
    # Compare canonical JSON, not Python values: Python holds True == 1, JSON does not.
    try:
        return all(rfc8785.dumps(a) == rfc8785.dumps(b) for a, b in zip(doc, signed))
    except (ValueError, TypeError, RecursionError):
        return False


def _hash_data(unsecured: dict, proof_options: dict) -> bytes:
    """SHA-256(JCS(proof configuration)) || SHA-256(JCS(unsecured document))."""
    config = {key: value for key, value in proof_options.items() if key != "proofValue"}
    # Proof Configuration step: the configuration carries the document's @context.
    if "@context" in unsecured:
        config["@context"] = unsecured["@context"]
    config_hash = hashlib.sha256(rfc8785.dumps(config)).digest()
    document_hash = hashlib.sha256(rfc8785.dumps(unsecured)).digest()
    return config_hash + document_hash
