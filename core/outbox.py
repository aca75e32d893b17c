"""The transactional outbox: rows written inside a use case's transaction, delivered
after commit by a job, each once, retried with backoff.

A use case adds a row to an outbox table in its own transaction, so a rolled-back use
case leaves nothing to deliver. A job then takes the rows in three short steps:

1. ``claim`` (one transaction): due rows (``status = 'pending'`` and ``next_attempt_at``
   passed) are locked — ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so a second sender
   skips them instead of waiting; SQLite's single writer serialises the claims — and
   leased: ``attempts`` + 1 and ``next_attempt_at`` moved ``lease`` ahead. Until the lease
   runs out no other sender sees the row as due, so two schedulers never deliver it twice;
   a sender that dies mid-way only delays the row until its lease ends.
2. delivery, outside any transaction (the network holds no lock).
3. ``record_success`` or ``record_failure`` (one transaction each): ``delivered`` with the
   time, or back to ``pending`` with the error and the next attempt after an exponential
   backoff — ``failed`` for good after ``max_attempts``.

Nothing here knows what a row carries: ``core.mail`` keeps e-mail in it. The change
feed's webhooks (``interop.delivery``) share ``backoff`` and ``after_failure`` but not
``claim``: they must arrive in order per endpoint, so they lease the endpoint, not the row
(docs/architecture.md, "Two outboxes").
"""

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core import clock
from core.db import db, is_postgresql
from core.models import UTCDateTime

DELIVERY_STATUSES = ("pending", "delivered", "failed")
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)
ERROR_LENGTH = 1000


class DeliveryState:
    """Columns of a row waiting for delivery: its status, how often it was tried, when it
    is next due (also the claim's lease), the last error and when it was delivered."""

    status: Mapped[str] = mapped_column(sa.String(16), default="pending")
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def backoff(attempts: int, *, first: timedelta = FIRST_RETRY, factor: int = 2,
            longest: timedelta = LONGEST_RETRY) -> timedelta:
    """Wait before attempt ``attempts + 1``: ``first`` × ``factor``^(attempts − 1), at most
    ``longest`` — by default 1, 2, 4, 8 … minutes, at most 6 hours (the mail outbox); the
    webhook outbox passes its own schedule (``interop.delivery``)."""
    return min(first * factor ** min(max(attempts - 1, 0), 16), longest)  # 16: no overflow


def after_failure(attempts: int, *, max_attempts: int, now: datetime,
                  schedule: dict | None = None) -> dict:
    """The columns a failed attempt sets, ``attempts`` counting it: ``{"status":
    "failed"}`` after ``max_attempts``, else ``{"next_attempt_at": now + backoff}``
    (``schedule``: ``backoff``'s keyword arguments)."""
    if attempts >= max_attempts:
        return {"status": "failed"}
    return {"next_attempt_at": now + backoff(attempts, **(schedule or {}))}


def claim(model, *, limit: int, lease: timedelta) -> list:
    """Lock and lease up to ``limit`` due rows of ``model``, oldest due first; the caller's
    transaction commits the lease. Returns the claimed rows (attempts already counted)."""
    now = clock.now()
    statement = (sa.select(model)
                 .where(model.status == "pending", model.next_attempt_at <= now)
                 .order_by(model.next_attempt_at, model.id).limit(limit))
    if is_postgresql():
        statement = statement.with_for_update(skip_locked=True)
    rows = db.session.execute(statement.execution_options(populate_existing=True)).scalars().all()
    for row in rows:
        row.attempts += 1
        row.next_attempt_at = now + lease
    db.session.flush()
    return rows


def _locked(model, row_id: int):
    return db.session.execute(sa.select(model).where(model.id == row_id).with_for_update()
                              .execution_options(populate_existing=True)).scalar_one()


def record_success(model, row_id: int) -> None:
    """The row was delivered: it is never claimed again."""
    row = _locked(model, row_id)
    row.status, row.delivered_at, row.last_error = "delivered", clock.now(), None
    db.session.flush()


def record_failure(model, row_id: int, error: str, *, max_attempts: int) -> None:
    """Delivery failed: try again after the backoff, or give up after ``max_attempts``
    (status ``failed``, kept with its last error for the operator)."""
    row = _locked(model, row_id)
    row.last_error = error[:ERROR_LENGTH]
    for column, value in after_failure(row.attempts, max_attempts=max_attempts,
                                       now=clock.now()).items():
        setattr(row, column, value)
    db.session.flush()


def retry_now(model, row_id: int) -> None:
    """An operator sends a failed (or waiting) row again at the next run."""
    row = _locked(model, row_id)
    if row.status != "delivered":
        row.status, row.next_attempt_at = "pending", clock.now()
    db.session.flush()


def counts(model) -> dict[str, int]:
    """How many rows are in each status (for ``flask mail status`` and metrics)."""
    found = dict(db.session.execute(
        sa.select(model.status, sa.func.count()).group_by(model.status)).all())
    return {status: found.get(status, 0) for status in DELIVERY_STATUSES}
