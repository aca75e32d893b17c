"""Signed interop documents: W3C VC 2.0 credentials secured with eddsa-jcs-2022 by the
registry's current credential key (the issuer DID's key), and their verification against
a DID's keys — a pinned peer's, or the keys of a DID document saved for offline use."""

import hashlib

import rfc8785
from flask import current_app

from certificates import keys
from certificates.credentials import context_url, iso
from certificates.dataintegrity import public_key_from_multibase, sign, verify
from core import clock

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"


def digest(value) -> str:
    """SHA-256 (hex) of the JCS (RFC 8785) form of a JSON value."""
    return hashlib.sha256(rfc8785.dumps(value)).hexdigest()


def sign_credential(credential_type: str, subject: dict, *, credential_id: str | None = None) -> dict:
    """``subject`` as a VC 2.0 of type ``credential_type``, issued and signed now by this
    registry (issuer = its did:web, proof with its current key)."""
    key = keys.current_key()
    did = keys.issuer_did()
    now = iso(clock.now())
    document = {
        "@context": [VC_CONTEXT, context_url()],
        "type": ["VerifiableCredential", credential_type],
        "issuer": {"id": did, "name": current_app.config["REGISTRY_NAME_ZH"]},
        "validFrom": now,
        "credentialSubject": subject,
    }
    if credential_id:
        document = {"@context": document["@context"], "id": credential_id,
                    **{k: v for k, v in document.items() if k != "@context"}}
    return sign(document, key.private_key, key.verification_method(did), now)


def did_keys_of(document: dict) -> list[str]:
    """The multibase Ed25519 keys a DID document lists for its own DID."""
    did = document.get("id") if isinstance(document, dict) else None
    found = []
    for method in (document.get("verificationMethod") or []) if did else []:
        if isinstance(method, dict) and method.get("controller") == did \
                and isinstance(method.get("publicKeyMultibase"), str):
            found.append(method["publicKeyMultibase"])
    return found


def verify_credential(document, did: str, multibases: list[str], credential_type: str) -> list[str]:
    """Problems with a credential said to come from ``did`` (empty: verified): its type,
    its issuer, a proof by one of ``multibases`` that verifies."""
    if not isinstance(document, dict):
        return ["not a JSON object"]
    problems = []
    types = document.get("type")
    if not isinstance(types, list) or credential_type not in types:
        problems.append(f"not a {credential_type}")
    issuer = document.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if issuer_id != did:
        problems.append(f"issuer is not {did}")
    proof = document.get("proof")
    method = proof.get("verificationMethod") if isinstance(proof, dict) else None
    if not isinstance(method, str) or not method.startswith(did + "#") \
            or method.split("#", 1)[1] not in multibases:
        problems.append("signed by a key the DID does not list")
        return problems
    try:
        public_key = public_key_from_multibase(method.split("#", 1)[1])
    except (ValueError, TypeError):
        return problems + ["the key cannot be read"]
    return problems + verify(document, public_key)
