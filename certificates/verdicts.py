"""What the verification pages say: one verdict, what the signed credential claims, and
each check in words (``/verify`` and ``/verify/{number}``; the JSON API keeps its shape).

* ``verdict_of(result)`` → ``genuine`` | ``revoked`` | ``not_genuine``; a document that
  cannot be read at all is ``unreadable`` (the page decides, it has no result then).
* ``check_lines(result)`` → ``[{name, outcome, ok, text}]`` in the reader's language.
* ``credential_claims(credential)`` → what the credential's subject says, read from the
  JSON itself (beneficiary, retiring organisation, kg, date, purpose, serials, subjects).
"""

from datetime import datetime

from flask_babel import gettext as _

from certificates import pdf_files, service
from certificates.verification import subject_retirements
from core import strict_json


def verdict_of(result: dict) -> str:
    if result["verified"]:
        return "genuine"
    if result["checks"].get("signature") == "passed" and result["checks"].get("status") == "revoked":
        return "revoked"
    return "not_genuine"


def _check_text(name: str, outcome: str) -> str:
    texts = {
        ("signature", "passed"): _("The credential's signature matches a key this registry published."),
        ("signature", "failed"): _("The signature does not match: the content was changed, or it was not signed by this registry."),
        ("status", "valid"): _("This registry holds the certificate and has not revoked it."),
        ("status", "revoked"): _("This registry has revoked the certificate."),
        ("status", "unknown"): _("This registry holds no certificate with exactly this content."),
        ("ledger", "passed"): _("Every serial range is recorded as retired in the public ledger."),
        ("ledger", "failed"): _("The serial ranges do not match the public ledger."),
        ("ledger", "skipped"): _("Not checked, because the signature did not match."),
        ("ledger", "not_applicable"): _("This certificate names no serial ranges of its own."),
        ("pdf_signature", "passed"): _("The PDF is signed with one of this registry's PDF signing certificates and has not been changed since."),
        ("pdf_signature", "failed"): _("The PDF's signature is not valid or not this registry's: the file was changed or did not come from this registry."),
    }
    return texts.get((name, outcome), "")


GOOD = {"passed", "valid", "not_applicable"}


def check_lines(result: dict) -> list[dict]:
    order = ("signature", "pdf_signature", "status", "ledger")
    return [{"name": name, "outcome": result["checks"][name],
             "ok": result["checks"][name] in GOOD,
             "text": _check_text(name, result["checks"][name])}
            for name in order if name in result["checks"]]


def _moment(text):
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")) if isinstance(text, str) else None
    except ValueError:
        return None


def credential_claims(credential) -> dict | None:
    """The subject's claims, for the reader to compare with the paper; None when the
    document is not a credential with a subject."""
    subject = credential.get("credentialSubject") if isinstance(credential, dict) else None
    if not isinstance(subject, dict):
        return None
    retirements = subject_retirements(credential)
    holder = subject.get("holder")
    quantity = subject.get("quantityKg", subject.get("retiredKg"))
    if not isinstance(quantity, int):
        quantity = sum(r.get("quantityKg", 0) for r in retirements
                       if isinstance(r.get("quantityKg"), int)) or None
    serials = [s.get("range") for r in retirements for s in r.get("serials", [])
               if isinstance(s, dict) and isinstance(s.get("range"), str)]
    subjects = [(label_text, subject.get(name) or subject[key]) for key, name, label_text in (
        ("eventId", None, _("Event No.")), ("claimId", None, _("Claim No.")),
        ("caseId", "caseNumber", _("Case No."))) if subject.get(key) is not None]
    return {"number": subject.get("certificateNumber"),
            "beneficiary": subject.get("beneficiary"),
            "organisation": holder.get("name") if isinstance(holder, dict) else None,
            "quantity_kg": quantity,
            "retired_at": _moment(subject.get("retiredAt")) or _moment(credential.get("validFrom")),
            "purpose": subject.get("purpose"),
            "retirement_numbers": [r.get("retirementNumber") for r in retirements
                                   if r.get("retirementNumber")],
            "serials": serials, "subjects": subjects}


def credential_in(data: bytes):
    """The credential inside an upload (PDF attachment or JSON), or None if unreadable.
    Called only after ``service.verify_upload`` has read the same bytes."""
    try:
        if data.lstrip()[:5] == b"%PDF-":
            return pdf_files.embedded_credential(pdf_files.read_pdf(data))
        return service.unwrap(strict_json.loads(data))
    except Exception:  # noqa: BLE001  (already reported by the verification itself)
        return None
