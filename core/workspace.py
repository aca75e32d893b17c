"""The workspace menu: domains register what a signed-in user can do there.

A domain calls ``register_entry`` in its ``init_app``; ``/workspace`` shows the entries
the user's organisation's roles allow, each with an optional "what waits for me" count::

    workspace.register_entry(app, "market_pages.orders", _l("My orders"),
                             roles=("buyer",), order=20, counter=count_pending_orders)

``counter(organization) -> int`` runs when the workspace is shown. Core imports no
domain: entries are named by endpoint, so this module knows none of them.
"""

from dataclasses import dataclass
from typing import Callable

from flask import Flask, url_for

from core.models import Organization


@dataclass(frozen=True)
class Entry:
    endpoint: str
    label: object  # a lazy gettext string, translated when shown
    roles: tuple[str, ...] = ()  # empty: every signed-in user
    order: int = 100
    counter: Callable[[Organization], int] | None = None
    description: object = None


@dataclass(frozen=True)
class Shown:
    """An entry as the workspace page shows it to one organisation."""

    url: str
    label: str
    description: str | None
    waiting: int | None


def _entries(app: Flask) -> dict[str, Entry]:
    return app.extensions.setdefault("workspace", {})


def register_entry(app: Flask, endpoint: str, label, *, roles: tuple[str, ...] = (),
                   order: int = 100, counter: Callable[[Organization], int] | None = None,
                   description=None) -> None:
    """Add (or replace) the workspace entry leading to ``endpoint`` for ``roles``."""
    _entries(app)[endpoint] = Entry(endpoint, label, tuple(roles), order, counter, description)


def entries_for(app: Flask, organization: Organization) -> list[Shown]:
    """The entries ``organization``'s roles allow, in order, with their counts."""
    allowed = [entry for entry in _entries(app).values()
               if not entry.roles or organization.has_role(*entry.roles)]
    return [
        Shown(url_for(entry.endpoint), str(entry.label),
              str(entry.description) if entry.description else None,
              entry.counter(organization) if entry.counter else None)
        for entry in sorted(allowed, key=lambda entry: (entry.order, entry.endpoint))
    ]
