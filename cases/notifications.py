"""E-mail of compensation cases, enqueued through ``core.mail`` in the use case's
transaction:

* the case is opened (or its payment link reissued) — to the obligor's address when the
  authority gave one, with the payment link (shown nowhere else but once to the
  authority), in the language of the person who opened it;
* the case is fulfilled — to the authority's users, with the compensation certificate;
* the due date is 30 days ahead — once per case, to the obligor (its organisation's users
  and its address) and the authority's users (the daily job ``cases.remind_due_cases``).

The obligor's name appears only in messages to the obligor and the authority, never in a
subject line that a shared mailbox would show to others: subjects carry the case number.
"""

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from core import clock, mail
from core.db import db
from cases.models import CompensationCase

REMIND_DAYS = 30


def _view(case: CompensationCase) -> dict:
    base = current_app.config["BASE_URL"]
    return {"id": case.id, "case_number": case.case_number,
            "authority_name": case.authority_name, "obligor_name": case.obligor_name,
            "judgment_date": case.judgment_date, "due_date": case.due_date,
            "required_kg": case.required_kg, "retired_kg": case.retired_kg,
            "outstanding_kg": case.outstanding_kg, "certificate_number": case.certificate_number,
            "url": f"{base}/cases/{case.id}",
            "certificate_url": (f"{base}/verify/{case.certificate_number}"
                                if case.certificate_number else None)}


def case_opened(case: CompensationCase, link: str, *, reissued: bool = False) -> None:
    """Send the obligor the case and its payment link, when the case has their address."""
    if not case.obligor_email:
        return
    mail.enqueue(case.obligor_email, locale=mail.caller_locale(), template="cases/mail/case_opened",
                 topic="case_payment_link" if reissued else "case_opened",
                 context={"case": _view(case), "payment_link": link, "reissued": reissued})


def case_fulfilled(case: CompensationCase) -> None:
    """Tell the authority's users that the case is covered, with its certificate."""
    mail.enqueue_for_users(case.authority_id, "cases/mail/case_fulfilled",
                           topic="case_fulfilled", context={"case": _view(case)},
                           once_key=f"case-fulfilled/{case.id}")


def remind_due_cases() -> int:
    """Daily: for each case still to be covered whose due date is at most 30 days ahead
    (China date), tell the obligor and the authority once. Returns how many messages were
    enqueued."""
    today = clock.today_in_china()
    cases = db.session.execute(
        sa.select(CompensationCase).where(
            CompensationCase.status == "open",
            CompensationCase.due_date >= today,
            CompensationCase.due_date <= today + timedelta(days=REMIND_DAYS))
        .order_by(CompensationCase.id)).scalars().all()
    sent = 0
    for case in cases:
        key = f"case-due-{REMIND_DAYS}/{case.id}"
        context = {"case": _view(case), "days_left": (case.due_date - today).days}
        for organization_id in {case.authority_id, case.obligor_organization_id} - {None}:
            sent += len(mail.enqueue_for_users(
                organization_id, "cases/mail/case_due", topic="case_due",
                context={**context, "is_authority": organization_id == case.authority_id},
                once_key=key))
        if case.obligor_email and mail.enqueue(
                case.obligor_email, locale="zh", template="cases/mail/case_due",
                topic="case_due", context={**context, "is_authority": False},
                once_key=f"{key}/{case.obligor_email}"):
            sent += 1
    db.session.flush()
    return sent
