"""The market's Prometheus counters: orders placed and fulfilled, retirements and the
kilograms they retired, counted when their transaction commits (a rolled-back order was
never placed). The counters themselves are declared in ``core.ops.metrics``.

Counted from the session's flushes, so no use case carries metrics code.
"""

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from core.ops import metrics
from market.models import Order, Retirement

_PENDING = "registry_metrics"


def _note_flush(session, _context) -> None:
    pending = session.info.setdefault(_PENDING, [])
    for obj in session.new:
        if isinstance(obj, Order):
            pending.append((metrics.ORDERS_PLACED, 1))
        elif isinstance(obj, Retirement):
            pending.append((metrics.RETIREMENTS, 1))
            pending.append((metrics.RETIRED_KG, obj.quantity_kg))
    for obj in session.dirty:
        if isinstance(obj, Order) and obj.status == "fulfilled":
            added = sa.inspect(obj).attrs.status.history.added
            if added and added[0] == "fulfilled":
                pending.append((metrics.ORDERS_FULFILLED, 1))


def _count(session) -> None:
    for counter, amount in session.info.pop(_PENDING, []):
        counter.inc(amount)


def _forget(session, *_args) -> None:
    session.info.pop(_PENDING, None)


def connect() -> None:
    """Listen once per process (every Session, Flask-SQLAlchemy's included)."""
    if not event.contains(Session, "after_flush", _note_flush):
        event.listen(Session, "after_flush", _note_flush)
        event.listen(Session, "after_commit", _count)
        event.listen(Session, "after_rollback", _forget)
