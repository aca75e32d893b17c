"""The registry administrator's dashboard (``/admin``): what waits for the operator.

Core imports no domain, so each domain registers its own **panels** in its ``init_app``::

    dashboard.register_panel(app, "bank_transfers", _l("Bank transfers awaiting confirmation"),
                             count=count_awaiting_bank_transfer, items=awaiting_bank_transfers,
                             endpoint="admin_bank.bank_transfers", order=10)

``count() -> int`` is what waits; ``items(limit) -> list[(text, url)]`` a short list of the
oldest of them; ``endpoint`` the page where they are worked; ``action`` (optional) an
endpoint the panel's button posts to (the audit). All run when the dashboard is shown.
"""

from dataclasses import dataclass
from typing import Callable

from flask import Blueprint, Flask, current_app, render_template, url_for

from core.page_forms import page_role_required

bp = Blueprint("admin_dashboard", __name__, template_folder="templates")
SHORT_LIST = 5


@dataclass(frozen=True)
class Panel:
    key: str
    title: object  # a lazy gettext string
    count: Callable[[], int] | None = None
    items: Callable[[int], list[tuple[str, str]]] | None = None
    endpoint: str | None = None
    action: str | None = None
    action_label: object = None
    description: object = None
    order: int = 100


@dataclass(frozen=True)
class ShownPanel:
    """A panel as the dashboard shows it now."""

    key: str
    title: str
    waiting: int | None
    items: list[tuple[str, str]]
    url: str | None
    action_url: str | None
    action_label: str | None
    description: str | None


def _panels(app: Flask) -> dict[str, Panel]:
    return app.extensions.setdefault("admin_dashboard", {})


def register_panel(app: Flask, key: str, title, *, count=None, items=None, endpoint=None,
                   action=None, action_label=None, description=None, order: int = 100) -> None:
    """Add (or replace) the dashboard panel ``key``."""
    _panels(app)[key] = Panel(key, title, count, items, endpoint, action, action_label,
                              description, order)


def shown_panels(app: Flask) -> list[ShownPanel]:
    """Every registered panel in order, with its count and short list read now."""
    return [
        ShownPanel(panel.key, str(panel.title),
                   panel.count() if panel.count else None,
                   panel.items(SHORT_LIST) if panel.items else [],
                   url_for(panel.endpoint) if panel.endpoint else None,
                   url_for(panel.action) if panel.action else None,
                   str(panel.action_label) if panel.action_label else None,
                   str(panel.description) if panel.description else None)
        for panel in sorted(_panels(app).values(), key=lambda p: (p.order, p.key))
    ]


@bp.get("/admin")
@page_role_required("registry_admin")
def dashboard():
    return render_template("admin/dashboard.html", panels=shown_panels(current_app))


def init_app(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from core import workspace

    app.register_blueprint(bp)
    workspace.register_entry(
        app, "admin_dashboard.dashboard", _l("Registry dashboard"), roles=("registry_admin",),
        order=5, description=_l("What waits for the registry operator: bank transfers, "
                                "issuance, overdue events and cases, the audit."))
