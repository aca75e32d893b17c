"""Use cases behind the certificate routes: describe, verify uploads, revoke."""

import json
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from certificates import pdf_files, revocation
from certificates.credentials import verification_url
from certificates.models import Certificate
from certificates.pades import published_certificates
from certificates.verification import verify_online
from core.db import read_one
from core import strict_json
from core.errors import Invalid, NotFound


DESCRIBED_COLUMNS = (Certificate.number, Certificate.type, Certificate.issued_at,
                     Certificate.revoked_at, Certificate.revocation_reason,
                     Certificate.pdf_sha256, Certificate.credential)
# Built once: a statement object SQLAlchemy has seen before skips building, cache-key
# matching and result-column adaptation on every request.
CERTIFICATE_BY_NUMBER = sa.select(*DESCRIBED_COLUMNS).where(
    Certificate.number == sa.bindparam("number"))


def describe_number_json(number: str) -> str:
    """The API view of a certificate by number as JSON text, read with one column-only
    query, the signed credential spliced in exactly as stored (the most requested public
    read: QR codes and verifiers land here)."""
    row = read_one(CERTIFICATE_BY_NUMBER, {"number": number})
    if row is None:
        raise NotFound(_("No certificate %(number)s.", number=number))
    view = describe(row, with_credential=False)
    for key in ("issued_at", "revoked_at"):
        view[key] = view[key].isoformat() if view[key] else None
    head = json.dumps(view, ensure_ascii=False, separators=(",", ":"))
    return head[:-1] + ',"credential":' + row.credential + "}"


def describe(certificate, with_credential: bool = True) -> dict:
    """The API view of a certificate: its signed credential plus its status."""
    base = current_app.config["BASE_URL"]
    return {"number": certificate.number, "type": certificate.type,
            "status": "revoked" if certificate.revoked_at is not None else "valid",
            "issued_at": certificate.issued_at, "revoked_at": certificate.revoked_at,
            "revocation_reason": certificate.revocation_reason,
            "pdf_url": f"{base}/certificates/{certificate.number}.pdf",
            "pdf_sha256": certificate.pdf_sha256,
            "verification_url": verification_url(certificate.number),
            **({"credential": json.loads(certificate.credential)} if with_credential else {})}


def registry_pdf_certificates() -> list:
    """The published PDF signing certificates (every one ever used)."""
    return published_certificates(Path(current_app.config["SIGNING_KEY_DIR"]))


def unwrap(document):
    """Accept a bare credential or this API's ``{credential: …}`` envelope."""
    if isinstance(document, dict) and isinstance(document.get("credential"), dict) \
            and "proof" not in document:
        return document["credential"]
    return document


def verify_upload(data: bytes) -> dict:
    """Verify an uploaded PDF (signature, embedded credential) or credential JSON."""
    if data.lstrip()[:5] == b"%PDF-":
        try:
            reader = pdf_files.read_pdf(data)
            credential = pdf_files.embedded_credential(reader)
            pdf_errors = pdf_files.check_pdf_signature(reader, registry_pdf_certificates())
        except pdf_files.NotACertificatePdf as error:
            raise Invalid(str(error), {"file": [str(error)]}) from error
        result = verify_credential(credential)
        result["checks"]["pdf_signature"] = "failed" if pdf_errors else "passed"
        result["errors"] = pdf_errors + result["errors"]
        result["verified"] = result["verified"] and not pdf_errors
        return result
    try:
        document = strict_json.loads(data)
    except strict_json.JSONRefused as error:
        if error.code != "invalid_json":  # JSON, but not strict: say which rule it breaks
            raise
        raise Invalid(_("The file is neither a PDF nor JSON."), {"file": [error.message]}) from error
    return verify_credential(document)


def verify_pasted(text: str) -> dict:
    """Verify credential JSON pasted as text (strict JSON, as an upload); text that is not
    JSON is an ``Invalid`` naming the pasted text, not a file."""
    try:
        document = strict_json.loads(text.encode())
    except strict_json.JSONRefused as error:
        if error.code != "invalid_json":  # JSON, but not strict: say which rule it breaks
            raise
        raise Invalid(_("The pasted text is not JSON."), {"credential": [error.message]}) from error
    return verify_credential(document)


def verify_credential(document) -> dict:
    credential = unwrap(document)
    result = verify_online(credential)
    subject = credential.get("credentialSubject") if isinstance(credential, dict) else None
    result["certificate_number"] = subject.get("certificateNumber") if isinstance(
        subject, dict) else None
    return result


def revoke(number: str, reason: str) -> Certificate:
    return revocation.revoke_certificate(number, reason)


