"""The double-claim gate (INTEROP.md §5), registered as market's ``claim_check``
issuance check.

Before a lot whose request declares a claim scope is issued: the pinned peers are asked
(``prepare``, outside the transaction), then the own register is checked under a lock on
the operator and every conflict found refuses the issuance with 409 ``double_claim`` —
unless the registry admin gives an override reason, which is recorded. The record
(``{checked_at, outcome, scope, conflicts, registries, override_reason}``) stays with
the lot. A request without a claim scope is not gated (its lot has no ``claim_check``).
"""

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from certificates import keys
from certificates.credentials import iso
from core import clock
from core.db import db, is_postgresql
from core.errors import Conflict
from interop import claim_checks, scopes
from interop.models import ClaimCheck
from interop.peers import list_peers
from market.lots import get_lot_by_code


GATE_LOCK_KEY = 7_420_015  # arbitrary, stable: pg_advisory_xact_lock of the double-claim gate


class DoubleClaim(Conflict):
    code = "double_claim"


def _own_conflicts(request, scope: dict) -> list[dict]:
    return scopes.find_conflicts(scope, scopes.record_hashes_of(request),
                                 registry=keys.issuer_did(), seller_id=request.seller_id)


def _outcome(conflicts, registries, override_reason) -> str:
    if conflicts:
        return "overridden" if override_reason else "conflict"
    if any(r["status"] != "answered" for r in registries):
        return "incomplete"
    return "clear"


def _record(request, scope, registries, *, checked_at, override_reason=None) -> dict:
    conflicts = _own_conflicts(request, scope) + [
        c for r in registries for c in r["conflicts"]]
    if not conflicts:
        override_reason = None  # nothing was overridden
    return {"checked_at": checked_at, "outcome": _outcome(conflicts, registries, override_reason),
            "scope": scope, "record_hash_count": len(scopes.record_hashes_of(request)),
            "conflicts": conflicts, "registries": registries,
            "override_reason": override_reason}


class DoubleClaimGate:
    """The object market's issuance hook calls (see ``market.issuance_checks``)."""

    def prepare(self, request):
        scope = scopes.scope_of(request)
        if scope is None or request.status != "verified":
            return None
        return {"checked_at": iso(clock.now()),
                "registries": claim_checks.ask_peers(list_peers(), scope,
                                                     scopes.record_hashes_of(request))}

    def decide(self, request, prepared, *, override_reason=None, admin=None):
        scope = scopes.scope_of(request)
        if scope is None:
            return None
        # One gated issuance at a time: the register read below stays true until this
        # transaction has entered the new scope, also across operators (same records root
        # or record hashes). Issuing is a rare admin act; SQLite holds the write lock anyway.
        if is_postgresql():
            db.session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"),
                               {"key": GATE_LOCK_KEY})
        if prepared is None:  # issued without asking (CLI, tests): say so in the record
            registries = [claim_checks.peer_entry(p, "unreachable", error="not asked")
                          for p in list_peers()]
            prepared = {"checked_at": iso(clock.now()), "registries": registries}
        record = _record(request, scope, prepared["registries"],
                         checked_at=prepared["checked_at"], override_reason=override_reason)
        if record["outcome"] == "conflict":
            message = _("These reductions may already be claimed: %(count)s conflicting "
                        "issuance(s) found.", count=len(record["conflicts"]))
            raise DoubleClaim(message, {"claim_scope": [message],
                                        "conflicts": record["conflicts"]},
                              extra={"claim_check": record})
        record["overridden_by_id"] = admin.id if (record["override_reason"] and admin) else None
        return record

    def issued(self, lot, record) -> None:
        if record is None:
            return
        request = lot.issuance_request
        scopes.register_scope(lot, request.seller_id, record["scope"],
                              scopes.record_hashes_of(request))
        db.session.add(ClaimCheck(
            lot_id=lot.id, checked_at=clock.now(), outcome=record["outcome"],
            result={k: v for k, v in record.items()
                    if k not in ("override_reason", "overridden_by_id")},
            override_reason=record["override_reason"],
            overridden_by_id=record["overridden_by_id"]))
        db.session.flush()

    def preview(self, request):
        """What the gate would say now (asks the peers; writes nothing)."""
        prepared = self.prepare(request)
        if prepared is None:
            return None
        return _record(request, scopes.scope_of(request), prepared["registries"],
                       checked_at=prepared["checked_at"])

    def result(self, lot):
        return claim_check_of(lot.id)


def claim_check_of(lot_id: int) -> dict | None:
    """The gate's record for a lot, as shown with it (API, CDOP export, pages), or None."""
    check = db.session.execute(
        sa.select(ClaimCheck).where(ClaimCheck.lot_id == lot_id)).scalar_one_or_none()
    if check is None:
        return None
    return {**check.result, "outcome": check.outcome, "override_reason": check.override_reason,
            "url": f"{current_app.config['BASE_URL']}/api/v1/lots/{lot_id}"}


def claim_check_of_code(lot_code: str) -> dict | None:
    """The record by lot code (any case); NotFound for an unknown lot."""
    return claim_check_of(get_lot_by_code(lot_code).id)
