"""Methodology filing and the issuance flow: request → verification → lot."""

import sqlalchemy as sa
from flask_babel import gettext as _

from core.db import db
from core.errors import Conflict, Forbidden, Invalid, NotFound
from core import clock
from core.labels import label
from market import issuance_checks, ledger, notifications, numbering
from market.errors import AlreadyIssued, MethodologyNotFiled
from market.models import IssuanceRequest, Lot, Methodology, SerialBlock


def file_methodology(*, code, title_zh, title_en, scenario, version, status) -> Methodology:
    """Add a methodology to the registry; codes are unique."""
    if db.session.execute(sa.select(Methodology.id).where(Methodology.code == code)).first():
        raise Conflict(_("Methodology %(code)s already exists.", code=code),
                       {"code": [_("Already exists.")]})
    methodology = Methodology(code=code, title_zh=title_zh, title_en=title_en,
                              scenario=scenario, version=version, status=status)
    db.session.add(methodology)
    db.session.flush()
    return methodology


def list_methodologies() -> list[Methodology]:
    """Every methodology of the registry, by code."""
    return list(db.session.execute(sa.select(Methodology).order_by(Methodology.code)).scalars())


def get_methodology(code: str) -> Methodology:
    methodology = db.session.execute(
        sa.select(Methodology).where(Methodology.code == code)).scalar_one_or_none()
    if methodology is None:
        raise NotFound(_("No methodology %(code)s.", code=code))
    return methodology


def submit_issuance_request(seller, *, methodology_code, vintage, period_start, period_end,
                            quantity_kg, evidence, claim_scope=None) -> IssuanceRequest:
    """A seller claims ``quantity_kg`` of reductions under a filed methodology, optionally
    declaring its claim scope (``{regions, records_root?, record_hashes?}``, INTEROP.md §5)
    for the double-claim gate."""
    methodology = db.session.execute(
        sa.select(Methodology).where(Methodology.code == methodology_code)).scalar_one_or_none()
    if methodology is None:
        raise Invalid(_("Unknown methodology."), {"methodology_code": [_("Unknown methodology.")]})
    if not methodology.is_filed:
        raise MethodologyNotFiled(
            _("Methodology %(code)s is %(status)s.", code=methodology_code,
              status=label("methodology_status", methodology.status)),
            {"methodology_code": [_("The methodology is not filed.")]})
    if period_end < period_start:
        raise Invalid(_("The monitoring period ends before it starts."),
                      {"period_end": [_("The end must not be before the start.")]})
    if not period_start.year <= vintage <= period_end.year:
        raise Invalid(_("The vintage must be a year of the monitoring period."),
                      {"vintage": [_("Must fall within the monitoring period.")]})
    request = IssuanceRequest(seller_id=seller.id, methodology=methodology, vintage=vintage,
                              period_start=period_start, period_end=period_end,
                              quantity_kg=quantity_kg, evidence=evidence, claim_scope=claim_scope)
    db.session.add(request)
    db.session.flush()
    return request


def get_request(organization, request_id: int) -> IssuanceRequest:
    """An issuance request as its seller, a verifier or the registry admin sees it; 404
    for anyone else, as for a request that does not exist."""
    request = db.session.get(IssuanceRequest, request_id)
    if request is None or not (organization.has_role("verifier", "registry_admin")
                               or request.seller_id == organization.id):
        raise NotFound(_("No such issuance request."))
    return request


def _locked_request(request_id: int) -> IssuanceRequest:
    request = db.session.execute(
        sa.select(IssuanceRequest).where(IssuanceRequest.id == request_id).with_for_update()
    ).scalar_one_or_none()
    if request is None:
        raise NotFound(_("No such issuance request."))
    return request


def verify_issuance_request(verifier, request_id: int, *, decision, verified_kg, report_ref):
    """A verifier approves (with the verified quantity) or rejects a submitted request."""
    request = _locked_request(request_id)
    if request.seller_id == verifier.id:
        raise Forbidden(_("A verifier cannot verify its own request."))
    if decision == "approved":
        if verified_kg is None:
            raise Invalid(_("An approval needs verified_kg."), {"verified_kg": [_("Required.")]})
        if verified_kg > request.quantity_kg:
            raise Invalid(_("verified_kg exceeds the claimed quantity."),
                          {"verified_kg": [_("Must be at most %(kg)s.", kg=request.quantity_kg)]})
        request.mark_verified(verifier.id, verified_kg, report_ref, clock.now())
    else:
        request.mark_rejected(verifier.id, report_ref, clock.now())
    db.session.flush()
    notifications.issuance_decided(request)
    return request


def issue_lot(request_id: int, *, prepared: dict | None = None, override_reason: str | None = None,
              admin=None) -> Lot:
    """Issue the lot of a verified request: one available block owned by the seller.

    The registered issuance checks (``market.issuance_checks``; the double-claim gate) run
    first with what ``issuance_checks.prepare`` gathered before the transaction; one may
    refuse (e.g. 409 ``double_claim`` unless ``override_reason`` is given by ``admin``).
    """
    request = _locked_request(request_id)
    if request.status == "issued":
        raise AlreadyIssued(_("This request has already been issued."))
    decisions = issuance_checks.decide(request, prepared, override_reason=override_reason,
                                       admin=admin)
    request.mark_issued()
    methodology = request.methodology
    head = ledger.lock_head(1)
    seq = numbering.next_value(f"lot:{request.vintage}:{methodology.code}")
    lot = Lot(
        code=f"JL-{request.vintage}-{methodology.code}-{seq:05d}", methodology=methodology,
        issuance_request_id=request.id, seller_id=request.seller_id,
        scenario=methodology.scenario, vintage=request.vintage,
        period_start=request.period_start, period_end=request.period_end,
        issued_kg=request.verified_kg, available_kg=request.verified_kg, listed_kg=0,
        reserved_kg=0, retired_kg=0, issued_at=clock.now(),
    )
    db.session.add(lot)
    db.session.flush()
    block = SerialBlock(lot_id=lot.id, serial_start=1, serial_end=lot.issued_kg,
                        owner_id=request.seller_id, state="available")
    db.session.add(block)
    ledger.append(head, "issue", [block], lot_codes={lot.id: lot.code},
                  to_org_id=request.seller_id, ref=lot.code)
    db.session.flush()
    issuance_checks.issued(lot, decisions)
    return lot


def search_requests(organization, *, status=None, oldest_first=False):
    """The issuance requests ``organization`` may see: a seller its own, a verifier those
    waiting for verification and those it decided, the registry admin all; newest first
    (or oldest first, as a queue is worked)."""
    stmt = sa.select(IssuanceRequest)
    if not organization.has_role("registry_admin"):
        seen = []
        if organization.has_role("seller"):
            seen.append(IssuanceRequest.seller_id == organization.id)
        if organization.has_role("verifier"):
            seen += [IssuanceRequest.status == "submitted",
                     IssuanceRequest.verifier_id == organization.id]
        stmt = stmt.where(sa.or_(*seen) if seen else sa.false())
    if status:
        stmt = stmt.where(IssuanceRequest.status == status)
    if oldest_first:
        return stmt.order_by(IssuanceRequest.submitted_at, IssuanceRequest.id)
    return stmt.order_by(IssuanceRequest.submitted_at.desc(), IssuanceRequest.id.desc())


def count_waiting_for_verification(organization) -> int:
    """Requests a verifier could decide now (not its own)."""
    return db.session.execute(
        sa.select(sa.func.count()).select_from(IssuanceRequest).where(
            IssuanceRequest.status == "submitted",
            IssuanceRequest.seller_id != organization.id)).scalar_one()


def count_open_requests(organization) -> int:
    """A seller's requests still waiting for a decision."""
    return db.session.execute(
        sa.select(sa.func.count()).select_from(IssuanceRequest).where(
            IssuanceRequest.seller_id == organization.id,
            IssuanceRequest.status == "submitted")).scalar_one()
