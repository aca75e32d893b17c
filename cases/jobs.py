"""Scheduled jobs of compensation cases. Each is idempotent."""

from cases import notifications
from cases.cases import flag_overdue_cases
from core.db import transaction
from core.jobs import register_job


def flag_overdue_cases_job() -> list[int]:
    """Daily job: one transaction, one use case."""
    with transaction():
        return flag_overdue_cases()


def remind_due_cases_job() -> int:
    """Daily job: e-mail about cases due within 30 days, once per case."""
    with transaction():
        return notifications.remind_due_cases()


def init_app(app) -> None:
    # The id keeps its name from before cases left market: `flask jobs` shows it and the
    # suite asserts it.
    register_job(app, flag_overdue_cases_job, id="market.flag_overdue_cases", hours=24)
    register_job(app, remind_due_cases_job, id="cases.remind_due_cases", hours=24)
