"""Verifying a certificate: its signature, its revocation status, and the ledger.

``check_credential`` is pure (signature only, given the issuer's keys) so the offline
verifier uses it too; ``verify_online`` adds the registry's own status and ledger. The
errors are in the reader's language (English outside a request: the offline verifier);
those of the signature check itself (``dataintegrity``) are the spec's technical English.
"""

import json

import sqlalchemy as sa
from flask_babel import gettext as _

from certificates import keys
from certificates.credentials import used_public_keys
from certificates.dataintegrity import public_key_from_multibase, verify
from certificates.models import Certificate
from core.db import db
from core.formatting import china_date, format_date
from core.i18n import current_locale
from market.models import LedgerEntry


def keys_from_did_document(document: dict) -> dict[str, str]:
    """verificationMethod id → publicKeyMultibase, from a did:web document."""
    methods = document.get("verificationMethod", []) if isinstance(document, dict) else []
    return {m["id"]: m["publicKeyMultibase"] for m in methods
            if isinstance(m, dict) and m.get("type") == "Multikey" and "publicKeyMultibase" in m}


def check_signature(credential, method_keys: dict[str, str]) -> list[str]:
    """Errors of the credential's proof against the issuer's keys (empty: valid)."""
    if not isinstance(credential, dict):
        return [_("The credential is not a JSON object.")]
    proof = credential.get("proof")
    method = proof.get("verificationMethod") if isinstance(proof, dict) else None
    if not isinstance(method, str) or method not in method_keys:
        return [_("The proof's verification method is not a key of the issuer.")]
    issuer = credential.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if not method.startswith(f"{issuer_id}#"):
        return [_("The proof was not made with a key of the credential's issuer.")]
    try:
        public_key = public_key_from_multibase(method_keys[method])
    except ValueError as error:
        return [_("The issuer key is malformed: %(error)s", error=error)]
    return verify(credential, public_key)


def subject_retirements(credential: dict) -> list[dict]:
    """The retirement claims a credential makes: its own, or those it aggregates."""
    subject = credential.get("credentialSubject") or {}
    if "retirementNumber" in subject:
        return [subject]
    return [r for r in subject.get("retirements", []) if isinstance(r, dict)]


def check_ledger(credential: dict) -> tuple[str, list[str]]:
    """Every serial range the credential claims is a ``retire`` entry of its retirement."""
    claims = subject_retirements(credential)
    if not claims:
        return "not_applicable", []
    errors = []
    for claim in claims:
        rows = db.session.execute(sa.select(LedgerEntry).where(
            LedgerEntry.ref == claim.get("retirementNumber"), LedgerEntry.type == "retire")).scalars()
        recorded = {(e.lot_code, e.serial_start, e.serial_end) for e in rows}
        claimed = {(s.get("lotCode"), s.get("serialStart"), s.get("serialEnd"))
                   for s in claim.get("serials", [])}
        if not claimed or claimed != recorded:
            errors.append(_("The serials of %(number)s do not match the ledger.",
                            number=claim.get("retirementNumber")))
    return ("failed" if errors else "passed"), errors


def verify_online(credential) -> dict:
    """The answer of ``POST /api/v1/certificates/verification`` for a credential."""
    method_keys = keys_from_did_document(keys.did_document(used_public_keys()))
    errors = check_signature(credential, method_keys)
    checks = {"signature": "failed" if errors else "passed", "status": "unknown",
              "ledger": "skipped"}
    if errors:
        return {"verified": False, "checks": checks, "errors": errors}
    number = (credential.get("credentialSubject") or {}).get("certificateNumber")
    certificate = db.session.execute(
        sa.select(Certificate).where(Certificate.number == number)).scalar_one_or_none()
    if certificate is None or json.loads(certificate.credential) != credential:
        checks["status"] = "unknown"
        errors.append(_("The registry holds no such certificate."))
    elif certificate.is_revoked:
        checks["status"] = "revoked"
        errors.append(_("Revoked on %(date)s: %(reason)s",
                        date=format_date(china_date(certificate.revoked_at), current_locale()),
                        reason=certificate.revocation_reason))
    else:
        checks["status"] = "valid"
    checks["ledger"], ledger_errors = check_ledger(credential)
    errors += ledger_errors
    verified = (checks["signature"] == "passed" and checks["status"] == "valid"
                and checks["ledger"] in ("passed", "not_applicable"))
    return {"verified": verified, "checks": checks, "errors": errors}
