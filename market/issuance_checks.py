"""Checks an upper package runs around issuance: interop's double-claim gate (INTEROP.md §5)
registers here, as events and cases register retirement subject validators in
``market.subjects``. ``market`` never imports the packages that register.

A check is registered under a name with an object offering:

* ``prepare(request) -> data`` — before the issuing transaction (it may be slow: the gate
  asks other registries over the network); plain data, kept for ``decide``.
* ``decide(request, data, *, override_reason, admin) -> decision`` — inside ``issue_lot``'s
  transaction, before the lot exists; raises a DomainError to refuse the issuance. ``data``
  is None when the caller did not prepare (CLI, tests, demo): the check does what it can
  without the slow part.
* ``issued(lot, decision)`` — after the lot is flushed, in the same transaction (store it).
* ``preview(request) -> dict | None`` — what a person sees before issuing (read-only).
* ``result(lot) -> dict | None`` — the check's record, shown with the lot.
"""

_checks: dict[str, object] = {}


def register(name: str, check) -> None:
    """Add (or replace) the check ``name``; upper packages call this in their init_app."""
    _checks[name] = check


def prepare(request) -> dict:
    """``{name: data}`` of every check, run outside any transaction."""
    return {name: check.prepare(request) for name, check in _checks.items()}


def decide(request, prepared: dict | None, *, override_reason=None, admin=None) -> dict:
    """``{name: decision}``; a check that refuses raises its DomainError."""
    prepared = prepared or {}
    return {name: check.decide(request, prepared.get(name), override_reason=override_reason,
                               admin=admin)
            for name, check in _checks.items()}


def issued(lot, decisions: dict) -> None:
    for name, check in _checks.items():
        check.issued(lot, decisions.get(name))


def previews(request) -> dict:
    """``{name: preview}`` for the issuance request page."""
    return {name: check.preview(request) for name, check in _checks.items()}


def result(name: str, lot):
    """The record check ``name`` kept for ``lot``, or None (no such check registered)."""
    check = _checks.get(name)
    return check.result(lot) if check is not None else None
