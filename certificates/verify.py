"""Offline certificate verifier:
``python -m certificates.verify FILE [--did did.json] [--signing-certs certs.pem]``.

FILE is a certificate PDF or its credential JSON. The credential's eddsa-jcs-2022 proof
is checked against the issuer's DID document (``--did``: a saved copy of
``/.well-known/did.json`` or a URL; by default fetched from the issuer's did:web address).
A PDF is the registry's only when its PAdES signature covers the whole file and was made
with one of the registry's published PDF signing certificates (``--signing-certs``: a
saved copy of ``/.well-known/pdf-signing-certificates.pem`` or a URL; by default the
address the DID document names). The revocation status is read from the status list the
credential names (``--status-list`` overrides the address); when it cannot be reached,
the answer says "status not checked (offline)".

Exit status:
  0  verified (signatures and revocation status checked)
  1  not verified (a signature fails, the signer is not the registry, revoked, …)
  2  unreadable input (the file, the DID document or the signing certificates)
  3  verified, but the revocation status was not checked (status list unreachable)
"""

import argparse
import logging
import sys
import urllib.request
import warnings
from pathlib import Path
from urllib.parse import unquote

from certificates.keys import pdf_signing_certificates_endpoint
from certificates.pdf_files import (NotACertificatePdf, check_pdf_signature,
                                    embedded_credential, load_certificates, read_pdf)
from certificates.status_lists import decode_list, is_set
from certificates.verification import check_signature, keys_from_did_document
from core import strict_json

VERIFIED, NOT_VERIFIED, UNREADABLE, STATUS_NOT_CHECKED = 0, 1, 2, 3
MAX_FETCH_BYTES = 16 * 1024 * 1024
QUIET_LOGGERS = ("pyhanko", "pyhanko_certvalidator", "fontTools")


class Unreadable(Exception):
    """Input the verifier cannot read (exit 2)."""


class Offline(Exception):
    """A network address could not be reached."""


def did_web_url(did: str) -> str:
    """did:web:host%3Aport:path → https://host:port/path/did.json (or /.well-known/)."""
    parts = did.split(":")[2:]
    host, path = unquote(parts[0]), "/".join(parts[1:])
    scheme = "http" if host.startswith(("127.0.0.1", "localhost")) else "https"
    return f"{scheme}://{host}/{path}/did.json" if path else f"{scheme}://{host}/.well-known/did.json"


def fetch(url: str) -> bytes:
    """GET ``url`` (at most 16 MiB); ``Offline`` when it cannot be reached."""
    if not url.startswith(("https://", "http://")):
        raise Offline(f"not a web address: {url}")
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
            data = response.read(MAX_FETCH_BYTES + 1)
    except (OSError, ValueError) as error:
        raise Offline(f"{url}: {getattr(error, 'reason', error)}") from error
    if len(data) > MAX_FETCH_BYTES:
        raise Offline(f"{url}: larger than {MAX_FETCH_BYTES // (1024 * 1024)} MiB")
    return data


def read_source(source: str, what: str) -> bytes:
    """A file path or a URL; anything wrong is ``Unreadable``."""
    try:
        if source.startswith(("http://", "https://")):
            return fetch(source)
        return Path(source).read_bytes()
    except (OSError, Offline) as error:
        raise Unreadable(f"cannot load {what}: {error}") from error


def read_json(data: bytes, what: str):
    try:
        return strict_json.loads(data)
    except strict_json.JSONRefused as error:
        raise Unreadable(f"{what} is not valid JSON: {error.message}") from error


def load_document(path: Path) -> tuple[dict, object]:
    """The credential in FILE and, for a PDF, its reader."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise Unreadable(f"cannot read {path}: {error.strerror or error}") from error
    if data.lstrip()[:5] == b"%PDF-":
        try:
            reader = read_pdf(data)
            return embedded_credential(reader), reader
        except NotACertificatePdf as error:
            raise Unreadable(f"{path}: {error}") from error
    if data.lstrip()[:1] != b"{":
        raise Unreadable(f"{path} is neither a PDF nor a credential JSON")
    document = strict_json.loads(data)  # JSONRefused: the caller tells broken from forged
    if isinstance(document, dict) and "proof" not in document and "credential" in document:
        document = document["credential"]
    return document, None


def check_status(credential: dict, method_keys: dict, override: str | None) -> tuple[str, list]:
    """("valid" | "revoked" | "failed" | "not_checked", errors) from the status list."""
    entry = credential.get("credentialStatus")
    if not isinstance(entry, dict):
        return "failed", ["The credential names no status list."]
    url = entry.get("statusListCredential")
    try:
        index = int(entry.get("statusListIndex"))
    except (TypeError, ValueError):
        return "failed", ["The credential's status list index is not a number."]
    try:
        data = fetch(override) if override and override.startswith(("http:", "https:")) \
            else Path(override).read_bytes() if override else fetch(str(url))
    except (Offline, OSError):
        return "not_checked", []
    try:
        status_list = strict_json.loads(data)
    except strict_json.JSONRefused:
        return "failed", ["The status list is not valid JSON."]
    errors = check_signature(status_list, method_keys)
    if errors:
        return "failed", [f"Status list: {e}" for e in errors]
    if not isinstance(status_list, dict) or status_list.get("id") != url:
        return "failed", ["The status list is not the one the credential names."]
    try:
        revoked = is_set(decode_list(status_list["credentialSubject"]["encodedList"]), index)
    except (KeyError, TypeError, ValueError, IndexError):
        return "failed", ["The status list cannot be decoded."]
    return ("revoked", ["The certificate has been revoked."]) if revoked else ("valid", [])


def verify(args) -> int:
    try:
        credential, reader = load_document(args.file)
    except strict_json.JSONRefused as error:
        if error.code == "invalid_json":
            raise Unreadable(f"{args.file} is not valid JSON: {error.message}") from error
        print(f"✘ NOT verified: the credential is not strict JSON: {error.message}")
        return NOT_VERIFIED
    except Unreadable:
        raise
    if not isinstance(credential, dict):
        print("✘ NOT verified: the credential is not a JSON object.")
        return NOT_VERIFIED
    issuer = credential.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    did_document = read_json(read_source(args.did or did_web_url(str(issuer_id)),
                                         "the issuer's DID document"), "The DID document")
    method_keys = keys_from_did_document(did_document)
    subject = credential.get("credentialSubject")
    number = subject.get("certificateNumber") if isinstance(subject, dict) else None
    print(f"certificate {number} issued by {issuer_id}")
    errors = []
    if reader is not None:
        source = args.signing_certs or pdf_signing_certificates_endpoint(did_document)
        if not source:
            raise Unreadable("the DID document names no PDF signing certificates; "
                             "give --signing-certs")
        try:
            certificates = load_certificates(read_source(source, "the PDF signing certificates"))
        except NotACertificatePdf as error:
            raise Unreadable(f"cannot load the PDF signing certificates: {error}") from error
        try:
            pdf_errors = check_pdf_signature(reader, certificates)
        except NotACertificatePdf as error:  # a stream inflating past the limits
            raise Unreadable(str(error)) from error
        print(f"  PDF signature: {'failed' if pdf_errors else 'passed'}")
        errors += pdf_errors
    signature_errors = check_signature(credential, method_keys)
    print(f"  credential signature (eddsa-jcs-2022): {'failed' if signature_errors else 'passed'}")
    errors += signature_errors
    status, status_errors = check_status(credential, method_keys, args.status_list)
    print("  revocation status: " + ("not checked (offline)" if status == "not_checked"
                                     else status))
    errors += status_errors
    print("  ledger: check online at the verification URL")
    for error in errors:
        print(f"  ✘ {error}")
    if errors:
        print("✘ NOT verified")
        return NOT_VERIFIED
    if status == "not_checked":
        print("✔ verified — status not checked (offline)")
        return STATUS_NOT_CHECKED
    print("✔ verified")
    return VERIFIED


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m certificates.verify", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", type=Path, help="certificate PDF or credential JSON")
    parser.add_argument("--did", help="the issuer's DID document (file path or URL)")
    parser.add_argument("--signing-certs", help="the registry's PDF signing certificates, "
                        "PEM (file path or URL; default: the address in the DID document)")
    parser.add_argument("--status-list", help="the status list credential (file path or URL; "
                        "default: the address in the credential)")
    args = parser.parse_args(argv)
    # Libraries report every untrusted or odd file at length; the answer here is one line.
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return verify(args)
        except Unreadable as error:
            print(f"✘ {error}")
            return UNREADABLE
        except Exception as error:  # noqa: BLE001 — a damaged file must not print a traceback
            print(f"✘ cannot verify {args.file}: {type(error).__name__}: {error}")
            return UNREADABLE


if __name__ == "__main__":
    sys.exit(main())
