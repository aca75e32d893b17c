"""The registry's notion of "now", replaceable in tests (reservations, deadlines)."""

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")

_override: datetime | None = None


def now() -> datetime:
    return _override or datetime.now(timezone.utc)


def today_in_china():
    return now().astimezone(CHINA).date()


def set_now(moment: datetime | None) -> None:
    """Freeze the clock at ``moment`` (None lets it run again). Tests only."""
    global _override
    # Kept in UTC: ledger entries store "now" and must match their canonical JSON.
    _override = moment.astimezone(timezone.utc) if moment is not None else None
