"""Labels of the codes people pages show: token states (roles are core's, core/labels.py)."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from core.labels import label, register

TOKEN_STATE_LABELS = register("token_state", {
    "active": _l("Active"),
    "expired": _l("Expired"),
    # A token is 吊销 (its button says so); a certificate is 撤销: same English, two words.
    "revoked": lazy_pgettext("token", "Revoked"),
})


def role_labels(roles) -> list[str]:
    return [label("role", role) for role in roles or []]


def token_state_label(state: str) -> str:
    return label("token_state", state)
