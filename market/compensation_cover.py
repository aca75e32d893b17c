"""Covering a compensation case: who may retire for it, counting its retirements,
fulfilment, the overdue job and the audit check.

``market.retirements`` knows nothing about cases; this module plugs in through the
subject registry (``case_id`` on a retirement instruction) and the ``retirement_created``
signal, whose receivers run inside the retirement's transaction. Locks follow the
registry's order: a case row is locked after the ledger head and the counters.
"""

import sqlalchemy as sa

from core.db import db, transaction
from core.errors import Forbidden, Invalid
from core.jobs import register_job
from core import clock
from market import audit, numbering, signals, subjects
from market.compensation import find_case, lock_case, record_event
from core.errors import WrongState
from market.models import Retirement
from market.models.cases import CompensationCase


def check_case_retirement(organization, instruction: dict) -> None:
    """Subject validator for ``case_id``: the purpose is ecological compensation, the
    case is still to be covered, and the retiring organisation is the obligor's, the
    authority, or the case's payer of record (the payment link)."""
    if instruction["purpose"] != "ecological_compensation":
        raise Invalid("case_id belongs to retirements for ecological_compensation.",
                      {"purpose": ["Must be ecological_compensation with a case_id."]})
    case = find_case(instruction["case_id"])
    if case is None:
        raise Invalid("Unknown compensation case.", {"case_id": ["No such case."]})
    if organization.id not in (case.obligor_organization_id, case.authority_id,
                               case.payer_organization_id):
        raise Forbidden("Only the obligor, the authority or a payer through the case's "
                        "payment link may retire for this case.")
    if case.is_fulfilled:
        raise WrongState(f"Case {case.case_number} is already fulfilled.")
    quantity = instruction.get("quantity_kg")
    if quantity is not None and quantity > case.outstanding_kg:
        raise Invalid(f"The case needs {case.outstanding_kg} kg more; {quantity} kg were asked.",
                      {"quantity_kg": [f"At most {case.outstanding_kg}."]})


def count_retirement(sender, retirement: Retirement, **extra) -> None:
    """Receiver of ``retirement_created``: add a case's retirement to its retired total
    and fulfil the case when the order is covered. A payment that completes after the
    case was covered (a slow bank transfer) is still counted, never refused: the money
    has been received and the units are retired."""
    if retirement.case_id is None:
        return
    case = lock_case(retirement.case_id)
    if case is None:
        return
    covers = case.count_retirement(retirement.quantity_kg)
    record_event(case, "retirement_counted", organization_id=retirement.organization_id,
                 retirement_number=retirement.number, quantity_kg=retirement.quantity_kg,
                 retired_kg=case.retired_kg, order_id=retirement.order_id)
    if covers and not case.is_fulfilled:
        fulfil_case(case)
    db.session.flush()


def fulfil_case(case: CompensationCase) -> None:
    """Covered: the case is fulfilled and gets its certificate number; the certificate
    layer issues the compensation certificate on ``case_fulfilled``."""
    case.mark_fulfilled(numbering.next_number("JLC", "certificate"), clock.now())
    record_event(case, "fulfilled", actor="system", retired_kg=case.retired_kg,
                 certificate_number=case.certificate_number)
    db.session.flush()
    signals.case_fulfilled.send(case, case=case)


def flag_overdue_cases() -> list[int]:
    """Open cases whose due date has passed (China time) uncovered become overdue.
    Idempotent: a case is flagged once."""
    today = clock.today_in_china()
    cases = db.session.execute(
        sa.select(CompensationCase).where(CompensationCase.status == "open",
                                          CompensationCase.due_date < today)
        .order_by(CompensationCase.id).with_for_update()).scalars().all()
    for case in cases:
        case.status = "overdue"
        record_event(case, "overdue", actor="system", due_date=case.due_date.isoformat(),
                     outstanding_kg=case.outstanding_kg)
    db.session.flush()
    return [case.id for case in cases]


def flag_overdue_cases_job() -> list[int]:
    """Daily job: one transaction, one use case."""
    with transaction():
        return flag_overdue_cases()


def check_case_totals() -> list[str]:
    """compensation cases. Each case's retired total equals its retirements."""
    rows = db.session.execute(
        sa.select(CompensationCase.case_number, CompensationCase.retired_kg,
                  sa.func.coalesce(sa.func.sum(Retirement.quantity_kg), 0))
        .outerjoin(Retirement, Retirement.case_id == CompensationCase.id)
        .group_by(CompensationCase.id, CompensationCase.case_number,
                  CompensationCase.retired_kg)).all()
    return [f"compensation case {number}: {recorded} kg recorded, {actual} kg retired"
            for number, recorded, actual in rows if recorded != actual]


def init_app(app, api) -> None:
    """Wire compensation cases: API and pages, the ``case_id`` rule, the retirement
    receiver, the daily overdue job and the audit check."""
    from market import compensation_pages
    from market.routes import cases

    api.register_blueprint(cases.blp)
    app.register_blueprint(compensation_pages.bp)
    subjects.register("case_id", check_case_retirement)
    signals.retirement_created.connect(count_retirement)
    register_job(app, flag_overdue_cases_job, id="market.flag_overdue_cases", hours=24)
    audit.register(check_case_totals)
