"""Gapless yearly numbers such as JLR-2026-000001, handed out under a row lock.

A counter shared by several use cases (retirements, certificates, transfers, lots) is taken
after the ledger head is locked (see ``ledger.lock_head``), which keeps one lock order for
every use case: blocks, lots, ledger head, counters. The order counter, which only placing an
order takes, comes right after the listing's blocks instead, so that the lot and the head
stay locked for the last statements only; nobody else takes it, so no order can invert.
"""

import functools

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from core.db import db
from core import clock
from market.models import Counter


def next_value(name: str) -> int:
    """Increment the named counter and return its new value (1 for a new counter), in
    one statement that also takes the counter's row lock."""
    statement = _upsert(db.session.get_bind().dialect.name)
    return db.session.execute(statement, {"name": name}).scalar_one()


@functools.cache
def _upsert(dialect_name: str):
    """The counter upsert for one dialect, built once."""
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    counters = Counter.__table__
    insert = dialect.insert(counters).values(name=sa.bindparam("name"), value=1)
    return (insert.on_conflict_do_update(index_elements=["name"],
                                         set_={"value": counters.c.value + 1})
            .returning(counters.c.value))


def next_number(prefix: str, sequence: str) -> str:
    """``{prefix}-{year}-{n:06d}`` with the year of today in China."""
    year = clock.today_in_china().year
    return f"{prefix}-{year}-{next_value(f'{sequence}:{year}'):06d}"
