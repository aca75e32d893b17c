"""Covering a compensation case: who may retire for it, counting its retirements,
fulfilment with its certificate, and the audit check.

``market.retirements`` knows nothing about cases; this module plugs in through the
subject registry (``case_id`` on a retirement instruction) and the ``retirement_created``
signal, whose receivers run inside the retirement's transaction. Cases sit above
certificates, so fulfilment issues the compensation certificate itself, in that same
transaction. Locks follow the registry's order: a case row is locked after the ledger
head and the counters.
"""

import sqlalchemy as sa
from flask_babel import gettext as _

from cases import notifications
from cases.cases import find_case, lock_case, record_event
from cases.certificate import issue_compensation_certificate
from cases.models import CompensationCase
from cases.privacy import refuse_identity_in_retirement
from core import clock
from core.formatting import format_kg
from core.db import db, sum_int
from core.errors import Forbidden, Invalid, WrongState
from market import numbering
from market.models import Retirement


def check_case_retirement(organization, instruction: dict) -> None:
    """Subject validator for ``case_id``: the purpose is ecological compensation, the
    case is still to be covered, the retiring organisation is the obligor's, the
    authority, or the case's payer of record (the payment link), and the public text
    does not identify a person obligor. Market calls it before anything is stored, for a
    direct retirement and when an order with a retirement instruction is placed (the
    payment link's order included)."""
    if instruction["purpose"] != "ecological_compensation":
        raise Invalid(_("case_id belongs to retirements for ecological_compensation."),
                      {"purpose": [_("Must be ecological_compensation with a case_id.")]})
    case = find_case(instruction["case_id"])
    if case is None:
        raise Invalid(_("Unknown compensation case."), {"case_id": [_("No such case.")]})
    if organization.id not in (case.obligor_organization_id, case.authority_id,
                               case.payer_organization_id):
        raise Forbidden(_("Only the obligor, the authority or a payer through the case's "
                          "payment link may retire for this case."))
    if case.is_fulfilled:
        raise WrongState(_("Case %(number)s is already fulfilled.", number=case.case_number))
    refuse_identity_in_retirement(case, instruction)
    quantity = instruction.get("quantity_kg")
    if quantity is not None and quantity > case.outstanding_kg:
        raise Invalid(_("The case needs %(outstanding)s kg more; %(asked)s kg were asked.",
                        outstanding=format_kg(case.outstanding_kg), asked=format_kg(quantity)),
                      {"quantity_kg": [_("Must be at most %(kg)s.", kg=case.outstanding_kg)]})


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
    """Covered: the case is fulfilled, gets its certificate number and its signed
    compensation certificate."""
    case.mark_fulfilled(numbering.next_number("JLC", "certificate"), clock.now())
    record_event(case, "fulfilled", actor="system", retired_kg=case.retired_kg,
                 certificate_number=case.certificate_number)
    db.session.flush()
    issue_compensation_certificate(case)
    notifications.case_fulfilled(case)


def case_number_of(case_id: int) -> str | None:
    """The 案号 a retirement certificate names the case by."""
    case = find_case(case_id)
    return case.case_number if case is not None else None


def check_case_totals() -> list[str]:
    """compensation cases. Each case's retired total equals its retirements."""
    rows = db.session.execute(
        sa.select(CompensationCase.case_number, CompensationCase.retired_kg,
                  sum_int(Retirement.quantity_kg))
        .outerjoin(Retirement, Retirement.case_id == CompensationCase.id)
        .group_by(CompensationCase.id, CompensationCase.case_number,
                  CompensationCase.retired_kg)).all()
    return [f"compensation case {number}: {recorded} kg recorded, {actual} kg retired"
            for number, recorded, actual in rows if recorded != actual]
