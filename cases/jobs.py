"""Scheduled jobs of compensation cases. Each is idempotent."""

from cases.cases import flag_overdue_cases
from core.db import transaction
from core.jobs import register_job


def flag_overdue_cases_job() -> list[int]:
    """Daily job: one transaction, one use case."""
    with transaction():
        return flag_overdue_cases()


def init_app(app) -> None:
    # The id keeps its name from before cases left market: `flask jobs` shows it and the
    # suite asserts it.
    register_job(app, flag_overdue_cases_job, id="market.flag_overdue_cases", hours=24)
