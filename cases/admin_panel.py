"""The registry administrator's dashboard panel of overdue compensation cases (their due
date passed, China time, and retirements do not cover the ordered quantity yet)."""

import sqlalchemy as sa
from flask_babel import gettext as _, lazy_gettext as _l

from cases.models import CompensationCase
from core import clock, dashboard
from core.db import db


def _overdue():
    return (sa.select(CompensationCase)
            .where(sa.or_(CompensationCase.status == "overdue",
                          sa.and_(CompensationCase.status == "open",
                                  CompensationCase.due_date < clock.today_in_china())))
            .order_by(CompensationCase.due_date, CompensationCase.id))


def count_overdue() -> int:
    """Cases past their due date and not fulfilled."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(_overdue().subquery()))


def overdue(limit: int) -> list[tuple[str, str]]:
    """The ``limit`` longest overdue, as (案号 · due date, the case's page)."""
    found = db.session.execute(_overdue().limit(limit)).scalars()
    return [(_("%(number)s · due %(deadline)s", number=case.case_number,
               deadline=case.due_date.isoformat()), f"/cases/{case.id}") for case in found]


def init_app(app) -> None:
    dashboard.register_panel(app, "overdue_cases", _l("Overdue compensation cases"),
                             count=count_overdue, items=overdue, order=40)
