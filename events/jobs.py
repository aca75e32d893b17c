"""Scheduled job of events: the daily deadline check."""

from core.db import transaction
from core.jobs import register_job
from events import claims


def flag_due_claims() -> dict[str, int]:
    """Daily: ended events await their offset; claims past their deadline uncovered are
    flagged overdue. One transaction, one use case; idempotent."""
    with transaction():
        return claims.flag_due_claims()


def init_app(app) -> None:
    register_job(app, flag_due_claims, id="events.flag_due_claims", hours=24)
