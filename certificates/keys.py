"""The registry's credential signing keys (Ed25519) and its did:web DID document.

Keys live as PEM files in ``SIGNING_KEY_DIR/credential-keys/``; the newest signs, and
every key ever used stays listed in the DID document so old certificates keep verifying.
``flask --app wsgi keys rotate`` adds a new one.
"""

import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import current_app

from certificates.dataintegrity import public_key_multibase

KEY_FOLDER = "credential-keys"


@dataclass(frozen=True)
class SigningKey:
    private_key: Ed25519PrivateKey
    multibase: str
    created: str

    def verification_method(self, did: str) -> str:
        return f"{did}#{self.multibase}"


def issuer_did(base_url: str | None = None) -> str:
    """did:web of BASE_URL: host, with the port percent-encoded and any path as ':'."""
    parts = urlsplit(base_url or current_app.config["BASE_URL"])
    host = parts.hostname + (f"%3A{parts.port}" if parts.port else "")
    path = [p for p in parts.path.split("/") if p]
    return ":".join(["did:web", host, *path])


def _folder() -> Path:
    folder = Path(current_app.config["SIGNING_KEY_DIR"]) / KEY_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    return folder


_cache: dict[Path, SigningKey] = {}


def _load(path: Path) -> SigningKey:
    if path not in _cache:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        _cache[path] = SigningKey(key, public_key_multibase(key.public_key()), path.stem[:15])
    return _cache[path]


def all_keys() -> list[SigningKey]:
    """Every credential key on disk, oldest first."""
    return [_load(path) for path in sorted(_folder().glob("*.pem"))]


def add_key() -> SigningKey:
    """Generate a new key; from now on it signs new certificates."""
    key = Ed25519PrivateKey.generate()
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
    path = _folder() / f"{stamp}.pem"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key.private_bytes(serialization.Encoding.PEM,
                                       serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    return _load(path)


def current_key() -> SigningKey:
    """The newest key, generated on first use."""
    keys = all_keys()
    return keys[-1] if keys else add_key()


def did_document(extra_multibases: list[str] = ()) -> dict:
    """The issuer's DID document listing every signing key ever used as a Multikey."""
    did = issuer_did()
    seen, methods = set(), []
    for multibase in [k.multibase for k in all_keys()] + list(extra_multibases):
        if multibase in seen:
            continue
        seen.add(multibase)
        methods.append({"id": f"{did}#{multibase}", "type": "Multikey", "controller": did,
                        "publicKeyMultibase": multibase})
    ids = [m["id"] for m in methods]
    return {"@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": did, "verificationMethod": methods, "assertionMethod": ids,
            "authentication": ids,
            # The trust anchor of certificate PDFs: a PDF is the registry's only when signed
            # with one of these certificates (API.md "Certificates").
            "service": [{"id": f"{did}#{PDF_SIGNING_SERVICE}", "type": "PdfSigningCertificates",
                         "serviceEndpoint": pdf_signing_certificates_url()}]}


PDF_SIGNING_SERVICE = "pdf-signing-certificates"
PDF_SIGNING_CERTIFICATES_PATH = "/.well-known/pdf-signing-certificates.pem"


def pdf_signing_certificates_url(base_url: str | None = None) -> str:
    """Where every PDF signing certificate ever used is published (a PEM bundle)."""
    return (base_url or current_app.config["BASE_URL"]) + PDF_SIGNING_CERTIFICATES_PATH


def pdf_signing_certificates_endpoint(document: dict) -> str | None:
    """The PEM bundle's URL named in a DID document, if any."""
    services = document.get("service") if isinstance(document, dict) else None
    for service in services if isinstance(services, list) else []:
        if isinstance(service, dict) and service.get("type") == "PdfSigningCertificates" \
                and isinstance(service.get("serviceEndpoint"), str):
            return service["serviceEndpoint"]
    return None
