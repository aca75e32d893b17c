"""Labels of certificate codes: types, statuses, verification checks and their results.
See ``core.labels``."""

from flask_babel import lazy_gettext as _l

from core.labels import register

CERTIFICATE_TYPES = register("certificate_type", {
    "retirement": _l("Retirement certificate"),
    "event_neutrality": _l("Carbon-neutral event certificate"),
    "claim_neutrality": _l("Carbon-neutrality certificate"),
    "commitment": _l("Declaration of commitment"),
    "compensation": _l("Ecological-damage compensation certificate"),
})

CERTIFICATE_STATUSES = register("certificate_status", {
    "valid": _l("Valid"),
    "revoked": _l("Revoked"),
})

VERIFICATION_CHECKS = register("verification_check", {
    "signature": _l("Signature"),
    "status": _l("Revocation status"),
    "ledger": _l("Public ledger"),
    "pdf_signature": _l("PDF signature"),
})

CHECK_RESULTS = register("check_result", {
    "passed": _l("Passed"),
    "failed": _l("Failed"),
    "valid": _l("Valid"),
    "revoked": _l("Revoked"),
    "skipped": _l("Not checked"),
    "unknown": _l("Unknown"),
    "not_found": _l("Not found"),
    "not_applicable": _l("Not applicable"),
})

VERDICTS = register("verdict", {
    "genuine": _l("Genuine"),
    "not_genuine": _l("Not genuine"),
    "revoked": _l("Revoked"),
    "unreadable": _l("Cannot read this document"),
})
