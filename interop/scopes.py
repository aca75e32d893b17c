"""Claim scopes and the own register of issued scopes (INTEROP.md §5).

A scope, as exchanged between registries (dates ISO, regions sorted GB/T 2260 codes):
``{operator_credit_code, scenario, methodology_code, regions, period_start, period_end,
records_root}``; disclosed record hashes travel beside it. Two scopes conflict when the
same operator claims the same scenario for overlapping regions and periods, or they
commit to the same records root, or they share a record hash.

Regions overlap hierarchically: 220000 (吉林省) contains 220100 (长春市) contains 220102
(南关区), so a province-wide claim overlaps every city and county claim inside it.
"""

from datetime import date

import sqlalchemy as sa

from core.db import db
from interop.models import ClaimScope, ScopeRecordHash

HASH_CHUNK = 500  # bound parameters per IN (…) query


def region_prefix(code: str) -> str:
    """The significant digits of a GB/T 2260 code: 220000 → 22, 220100 → 2201."""
    while code.endswith("00") and len(code) > 2:
        code = code[:-2]
    return code


def overlapping_regions(ours: list[str], theirs: list[str]) -> list[str]:
    """The codes of ``theirs`` that contain or lie within one of ``ours``."""
    mine = [region_prefix(c) for c in ours]
    return sorted(code for code in theirs
                  if any(p.startswith(m) or m.startswith(p) for m in mine
                         for p in (region_prefix(code),)))


def scope_of(request) -> dict | None:
    """The full scope of an issuance request: its declared ``claim_scope`` with the
    operator (the seller's credit code), scenario, methodology and period; None when the
    request declares no scope."""
    declared = request.claim_scope
    if not declared:
        return None
    methodology = request.methodology
    return {"operator_credit_code": request.seller.credit_code,
            "scenario": methodology.scenario, "methodology_code": methodology.code,
            "regions": sorted(declared["regions"]),
            "period_start": request.period_start.isoformat(),
            "period_end": request.period_end.isoformat(),
            "records_root": declared.get("records_root")}


def record_hashes_of(request) -> list[str]:
    return list((request.claim_scope or {}).get("record_hashes") or [])


def _candidates(scope: dict, record_hashes: list[str], seller_id: int | None):
    start, end = date.fromisoformat(scope["period_start"]), date.fromisoformat(scope["period_end"])
    same_operator = []
    if scope.get("operator_credit_code"):
        same_operator.append(ClaimScope.operator_credit_code == scope["operator_credit_code"])
    if seller_id is not None:
        same_operator.append(ClaimScope.seller_id == seller_id)
    found = {}
    if same_operator:
        stmt = sa.select(ClaimScope).where(
            sa.or_(*same_operator), ClaimScope.scenario == scope["scenario"],
            ClaimScope.period_start <= end, ClaimScope.period_end >= start)
        found.update((s.id, s) for s in db.session.execute(stmt).scalars())
    if scope.get("records_root"):
        stmt = sa.select(ClaimScope).where(ClaimScope.records_root == scope["records_root"])
        found.update((s.id, s) for s in db.session.execute(stmt).scalars())
    shared: dict[int, int] = {}
    for i in range(0, len(record_hashes), HASH_CHUNK):
        rows = db.session.execute(
            sa.select(ScopeRecordHash.scope_id, sa.func.count()).where(
                ScopeRecordHash.record_hash.in_(record_hashes[i:i + HASH_CHUNK]))
            .group_by(ScopeRecordHash.scope_id))
        for scope_id, count in rows:
            shared[scope_id] = shared.get(scope_id, 0) + count
    missing = [i for i in shared if i not in found]
    if missing:
        stmt = sa.select(ClaimScope).where(ClaimScope.id.in_(missing))
        found.update((s.id, s) for s in db.session.execute(stmt).scalars())
    return found, shared


def find_conflicts(scope: dict, record_hashes: list[str], *, registry: str,
                   seller_id: int | None = None) -> list[dict]:
    """Issued scopes in this registry that conflict with ``scope``:
    ``[{lot_code, registry, overlap: {reasons, regions?, period?, shared_record_hashes?}}]``
    ordered by lot code. ``seller_id`` (own checks only) also matches the operator when it
    has no credit code; ``registry`` is the DID named in each conflict."""
    found, shared = _candidates(scope, record_hashes, seller_id)
    start, end = scope["period_start"], scope["period_end"]
    conflicts = []
    for issued in found.values():
        overlap = {"reasons": []}
        same_operator = (scope.get("operator_credit_code")
                         and issued.operator_credit_code == scope["operator_credit_code"]) \
            or (seller_id is not None and issued.seller_id == seller_id)
        periods_meet = issued.period_start.isoformat() <= end \
            and issued.period_end.isoformat() >= start
        regions = overlapping_regions(scope["regions"], issued.regions)
        if same_operator and issued.scenario == scope["scenario"] and periods_meet and regions:
            overlap["reasons"].append("operator_scenario_region_period")
            overlap["regions"] = regions
            overlap["period"] = {"start": max(start, issued.period_start.isoformat()),
                                 "end": min(end, issued.period_end.isoformat())}
        if scope.get("records_root") and issued.records_root == scope["records_root"]:
            overlap["reasons"].append("records_root")
        if shared.get(issued.id):
            overlap["reasons"].append("record_hashes")
            overlap["shared_record_hashes"] = shared[issued.id]
        if overlap["reasons"]:
            conflicts.append({"lot_code": issued.lot_code, "registry": registry,
                              "overlap": overlap})
    return sorted(conflicts, key=lambda c: c["lot_code"])


def register_scope(lot, seller_id: int, scope: dict, record_hashes: list[str]) -> ClaimScope:
    """Enter an issued lot's scope (and its disclosed record hashes) in the register."""
    entry = ClaimScope(
        lot_id=lot.id, lot_code=lot.code, seller_id=seller_id,
        operator_credit_code=scope.get("operator_credit_code"),
        methodology_code=scope["methodology_code"], scenario=scope["scenario"],
        regions=scope["regions"], period_start=date.fromisoformat(scope["period_start"]),
        period_end=date.fromisoformat(scope["period_end"]),
        records_root=scope.get("records_root"))
    db.session.add(entry)
    db.session.flush()
    if record_hashes:
        db.session.execute(sa.insert(ScopeRecordHash), [
            {"scope_id": entry.id, "record_hash": h} for h in sorted(set(record_hashes))])
    return entry
