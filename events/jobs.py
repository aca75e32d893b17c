"""Scheduled job of events: the daily deadline check."""

from core.db import transaction
from core.jobs import register_job
from events import claims, notifications


def flag_due_claims() -> dict[str, int]:
    """Daily: ended events await their offset; claims past their deadline uncovered are
    flagged overdue. One transaction, one use case; idempotent."""
    with transaction():
        return claims.flag_due_claims()


def remind_due_claims() -> int:
    """Daily: e-mail hosts whose offset deadline is within 30 days, once per claim."""
    with transaction():
        return notifications.remind_due_claims()


def init_app(app) -> None:
    register_job(app, flag_due_claims, id="events.flag_due_claims", hours=24)
    register_job(app, remind_due_claims, id="events.remind_due_claims", hours=24)
