"""Labels of the codes people pages show: roles and token states (never raw keys)."""

from flask_babel import lazy_gettext as _l

ROLE_LABELS = {
    "registry_admin": _l("Registry administrator"),
    "verifier": _l("Verifier"),
    "seller": _l("Seller (scenario operator)"),
    "buyer": _l("Buyer"),
    "case_authority": _l("Case authority"),
}

TOKEN_STATE_LABELS = {
    "active": _l("Active"),
    "expired": _l("Expired"),
    "revoked": _l("Revoked"),
}


def role_labels(roles) -> list[str]:
    return [str(ROLE_LABELS.get(role, role)) for role in roles or []]


def token_state_label(state: str) -> str:
    return str(TOKEN_STATE_LABELS.get(state, state))
