"""Labels of interop's codes: the double-claim check's outcome, a peer's answer, the
reasons two claim scopes overlap. See ``core.labels``."""

from flask_babel import lazy_gettext as _l

from core.labels import register

CLAIM_CHECK_OUTCOMES = register("claim_check_outcome", {
    "clear": _l("No conflict found"),
    "incomplete": _l("No conflict found; not every registry answered"),
    "conflict": _l("Conflict found"),
    "overridden": _l("Conflict overridden by the registry administrator"),
})

PEER_ANSWERS = register("peer_answer", {
    "answered": _l("Answered, signature verified"),
    "unreachable": _l("Unreachable"),
    "invalid_answer": _l("Answer not trusted (signature or content)"),
})

OVERLAP_REASONS = register("overlap_reason", {
    "operator_scenario_region_period": _l("Same operator and scenario, overlapping region and period"),
    "records_root": _l("Same behaviour-records root"),
    "record_hashes": _l("Shared behaviour records"),
})
