"""以碳代偿 compensation cases: a court, procuratorate or eco-environment bureau orders an
obligor to buy and retire reductions for ecological damage.

The authority opens the case with the ordered quantity exactly as judged. Retirements
with purpose ``ecological_compensation`` and the case's ``case_id`` count towards it —
made by the obligor's organisation, the authority, or whoever pays through the case's
payment link (``cases.payment``). When they cover the order the case is fulfilled and
``cases.cover`` issues the compensation certificate in the same transaction. Every change
is written to the case's audit trail.
"""

import secrets

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from cases import notifications
from cases.models import AUTHORITY_KINDS, CaseDocument, CaseEvent, CompensationCase
from cases.privacy import encrypt_id_number, hash_token, identity_in, mask_name, seal, unseal
from core import clock
from core.db import db
from core.errors import Conflict, Forbidden, Invalid, NotFound, WrongState
from core.models import Organization
from market.models import Retirement
from market.retirements import attach_serials

DEFAULT_BENEFICIARY_WORDING = "{authority_name}（{case_number}）生态环境损害赔偿"
#: The registry's horizon: judgment and due dates lie in these years (a year-1 judgment or
#: a year-9999 due date is a typing slip, and dates are computed with).
FIRST_YEAR, LAST_YEAR = 2000, 2100


def payment_link(token: str) -> str:
    """The public URL of a case's payment page for ``token``."""
    return f"{current_app.config['BASE_URL']}/cases/pay/{token}"


def record_event(case: CompensationCase, action: str, *, actor: str = "organization",
                 organization_id: int | None = None, **details) -> CaseEvent:
    """Append one entry to the case's audit trail (who, what, when)."""
    event = CaseEvent(case_id=case.id, action=action, actor=actor,
                      actor_organization_id=organization_id, details=details,
                      created_at=clock.now())
    db.session.add(event)
    return event


def open_case(authority: Organization, *, case_number: str, authority_name: str, judgment_date,
              obligor: dict, damage: dict, required_kg: int, due_date, documents=(),
              beneficiary_wording: str | None = None) -> tuple[CompensationCase, str]:
    """Register a judgment's compensation order; returns the case and its payment link,
    shown this once (only its hash is kept)."""
    if authority.kind not in AUTHORITY_KINDS:
        raise Forbidden(_("Only courts, procuratorates and eco-environment bureaus open cases."))
    for field, day in (("judgment_date", judgment_date), ("due_date", due_date)):
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise Invalid(_("The dates must lie between %(first)s and %(last)s.",
                            first=FIRST_YEAR, last=LAST_YEAR),
                          {field: [_("Must be a date between %(first)s and %(last)s.",
                                     first=FIRST_YEAR, last=LAST_YEAR)]})
    if judgment_date > clock.today_in_china():
        raise Invalid(_("The judgment date is in the future."),
                      {"judgment_date": [_("Must not be after today.")]})
    if due_date < judgment_date:
        raise Invalid(_("The due date is before the judgment date."),
                      {"due_date": [_("Must not be before the judgment date.")]})
    obligor_org = _obligor_organization(authority, obligor.get("organization_id"))
    wording = beneficiary_wording or DEFAULT_BENEFICIARY_WORDING.format(
        authority_name=authority_name, case_number=case_number)
    _refuse_identity_in(wording, obligor)
    if db.session.execute(sa.select(CompensationCase.id).where(
            CompensationCase.authority_id == authority.id,
            CompensationCase.case_number == case_number)).first():
        raise Conflict(_("Case %(number)s is already registered by this authority.",
                         number=case_number), {"case_number": [_("Already registered.")]})
    token = secrets.token_urlsafe(32)
    case = CompensationCase(
        case_number=case_number, authority_id=authority.id, authority_name=authority_name,
        judgment_date=judgment_date, due_date=due_date, obligor_name=obligor["name"],
        obligor_masked_name=public_obligor_name(obligor["name"], obligor_org),
        obligor_organization_id=obligor_org.id if obligor_org else None,
        obligor_id_number_encrypted=encrypt_id_number(obligor.get("id_number")),
        obligor_email=obligor.get("email"),
        damage_description=damage["description"], measured_loss_kg=damage["measured_loss_kg"],
        measuring_agency=damage["measuring_agency"], report_number=damage["report_number"],
        multiplier=damage["multiplier"], required_kg=required_kg, retired_kg=0,
        beneficiary_wording=wording, payment_token_hash=hash_token(token),
        payment_link_encrypted=seal(payment_link(token)), status="open",
        opened_at=clock.now())
    try:
        with db.session.begin_nested():  # a concurrent twin: the constraint has the last word
            db.session.add(case)
    except IntegrityError as error:
        raise Conflict(_("Case %(number)s is already registered by this authority.",
                         number=case_number), {"case_number": [_("Already registered.")]}) from error
    case.payer_organization_id = (obligor_org or _holder_of_record(case)).id
    record_event(case, "opened", organization_id=authority.id, case_number=case_number,
                 required_kg=required_kg, due_date=due_date.isoformat())
    record_event(case, "payment_link_issued", organization_id=authority.id)
    for document in documents:
        _add_document(case, authority, **document)
    db.session.flush()
    link = payment_link(token)
    notifications.case_opened(case, link)
    return case, link


def public_obligor_name(name: str, organization: Organization | None) -> str:
    """DOMAIN.md §5: a person is masked (李某) everywhere; an organisation is named in full,
    under its registered name, so the case page, the compensation certificate and the
    retirement certificates (which name the retiring organisation) all agree."""
    return organization.name if organization is not None else mask_name(name)


def _obligor_organization(authority, organization_id: int | None) -> Organization | None:
    if organization_id is None:
        return None
    org = db.session.get(Organization, organization_id)
    if org is None:
        raise Invalid(_("Unknown obligor organisation."),
                      {"obligor": {"organization_id": [_("No such organisation.")]}})
    if org.id == authority.id:
        raise Invalid(_("An authority cannot be the obligor of its own case."),
                      {"obligor": {"organization_id": [_("Is the authority itself.")]}})
    return org


def _refuse_identity_in(wording: str, obligor: dict) -> None:
    # The beneficiary wording is printed in the public registry of retirements.
    if identity_in(wording, obligor["name"], obligor.get("id_number")):
        raise Invalid(_("The beneficiary wording is public and must not identify the obligor."),
                      {"beneficiary_wording": [_("Must not contain the obligor's name or ID.")]})


def _holder_of_record(case: CompensationCase) -> Organization:
    """A person obligor has no account: what is bought through the link is held and
    retired by an organisation of kind ``individual`` made for this case. Organisation
    names are public, so it carries the masked name only; it has no roles and no token."""
    name = f"以碳代偿赔偿义务人{case.obligor_masked_name}（{case.case_number}）"
    if db.session.execute(sa.select(Organization.id).where(Organization.name == name)).first():
        name = f"{name} {secrets.token_hex(3)}"
    org = Organization(name=name, kind="individual", roles=[])
    db.session.add(org)
    db.session.flush()
    return org


def _add_document(case, organization, *, kind: str, title: str, reference: str) -> CaseDocument:
    document = CaseDocument(case_id=case.id, kind=kind, title=title, reference=reference,
                            added_by_id=organization.id, added_at=clock.now())
    db.session.add(document)
    record_event(case, "document_added", organization_id=organization.id, kind=kind,
                 reference=reference)
    return document


def find_case(case_id: int) -> CompensationCase | None:
    return db.session.get(CompensationCase, case_id)


def lock_case(case_id: int) -> CompensationCase | None:
    return db.session.execute(sa.select(CompensationCase).where(
        CompensationCase.id == case_id).with_for_update()).scalar_one_or_none()


def can_read(organization: Organization, case: CompensationCase) -> bool:
    return (organization.id in (case.authority_id, case.obligor_organization_id)
            or organization.has_role("registry_admin"))


def may_see_identity(organization: Organization, case: CompensationCase) -> bool:
    """The obligor's full identity goes to the authority and the registry admin only."""
    return organization.id == case.authority_id or organization.has_role("registry_admin")


def get_case(organization: Organization, case_id: int) -> CompensationCase:
    """A case for one of its parties; to anyone else it does not exist (404)."""
    case = find_case(case_id)
    if case is None or not can_read(organization, case):
        raise NotFound(_("No such compensation case."))
    return case


def get_public_case(case_id: int) -> CompensationCase:
    """Any case, for its public (masked) view."""
    case = find_case(case_id)
    if case is None:
        raise NotFound(_("No such compensation case."))
    return case


def _case_for_authority(organization: Organization, case_id: int) -> CompensationCase:
    case = get_case(organization, case_id)
    if not may_see_identity(organization, case):
        raise Forbidden(_("Only the authority and the registry admin may do this."))
    return case


def search_cases(organization: Organization, *, status: str | None = None,
                 overdue: bool | None = None, q: str | None = None):
    """The cases an organisation is party to (all of them for the registry admin), newest
    first. ``status`` as stored; ``overdue`` True: unfulfilled and past the due date (China
    time) whether or not the daily job has flagged it yet, False: the others; ``q`` a part
    of the case number (案号), any letter case."""
    stmt = sa.select(CompensationCase).order_by(CompensationCase.id.desc())
    if not organization.has_role("registry_admin"):
        stmt = stmt.where(sa.or_(CompensationCase.authority_id == organization.id,
                                 CompensationCase.obligor_organization_id == organization.id))
    if status:
        stmt = stmt.where(CompensationCase.status == status)
    if overdue is not None:
        late = is_overdue_clause()
        stmt = stmt.where(late if overdue else sa.not_(late))
    if q:
        stmt = stmt.where(sa.func.lower(CompensationCase.case_number).contains(
            q.strip().lower(), autoescape=True))
    return stmt


def is_overdue_clause():
    """SQL: the case is not fulfilled and its due date (a China date) has passed."""
    return sa.and_(CompensationCase.status != "fulfilled",
                   CompensationCase.due_date < clock.today_in_china())


def is_overdue(case: CompensationCase) -> bool:
    """The case is not fulfilled and its due date has passed (China time)."""
    return not case.is_fulfilled and case.due_date < clock.today_in_china()


def public_cases():
    """Every case for the public list, newest first (shown masked: ``PublicCaseOut``)."""
    return sa.select(CompensationCase).order_by(CompensationCase.id.desc())


def count_waiting_cases(organization: Organization) -> int:
    """The authority's cases still to be covered (open or overdue): its workspace count."""
    return db.session.execute(sa.select(sa.func.count(CompensationCase.id)).where(
        CompensationCase.authority_id == organization.id,
        CompensationCase.status != "fulfilled")).scalar_one()


def case_history(organization: Organization, case_id: int):
    """The audit trail, oldest first [authority, registry_admin]."""
    case = _case_for_authority(organization, case_id)
    return db.session.execute(sa.select(CaseEvent).where(CaseEvent.case_id == case.id)
                              .order_by(CaseEvent.id)).scalars().all()


def add_document(organization: Organization, case_id: int, *, kind: str, title: str,
                 reference: str) -> CaseDocument:
    """File a reference to a document of the case (the authority only)."""
    case = _case_for_authority(organization, case_id)
    if case.authority_id != organization.id:
        raise Forbidden(_("Only the authority adds documents to its case."))
    case = lock_case(case.id)
    document = _add_document(case, organization, kind=kind, title=title, reference=reference)
    db.session.flush()
    return document


def reissue_payment_link(organization: Organization, case_id: int) -> str:
    """A new payment link for the case; the previous one stops working."""
    case = _case_for_authority(organization, case_id)
    if case.authority_id != organization.id:
        raise Forbidden(_("Only the authority issues its case's payment link."))
    if case.is_fulfilled:
        raise WrongState(_("The case is fulfilled; there is nothing left to pay."))
    case = lock_case(case.id)
    token = secrets.token_urlsafe(32)
    case.payment_token_hash = hash_token(token)
    case.payment_link_encrypted = seal(payment_link(token))
    record_event(case, "payment_link_issued", organization_id=organization.id, reissued=True)
    db.session.flush()
    link = payment_link(token)
    notifications.case_opened(case, link, reissued=True)
    return link


def current_payment_link(organization: Organization, case: CompensationCase) -> str | None:
    """The case's working payment link for its authority and the registry admin (kept
    encrypted like ID numbers, so the authority can copy it and print the notice again);
    None for anyone else, or for a case opened before links were kept."""
    if not may_see_identity(organization, case) or case.is_fulfilled:
        return None
    return unseal(case.payment_link_encrypted)


def case_retirements(case: CompensationCase) -> list[Retirement]:
    """The retirements counted for the case, in the order they were made."""
    return attach_serials(db.session.execute(
        sa.select(Retirement).where(Retirement.case_id == case.id)
        .order_by(Retirement.id)).scalars().all())


def flag_overdue_cases() -> list[int]:
    """Open cases whose due date has passed (China time) uncovered become overdue.
    Idempotent: a case is flagged once."""
    today = clock.today_in_china()
    cases = db.session.execute(
        sa.select(CompensationCase).where(CompensationCase.status == "open",
                                          CompensationCase.due_date < today)
        .order_by(CompensationCase.id).with_for_update()).scalars().all()
    for case in cases:
        case.mark_overdue()
        record_event(case, "overdue", actor="system", due_date=case.due_date.isoformat(),
                     outstanding_kg=case.outstanding_kg)
    db.session.flush()
    return [case.id for case in cases]
