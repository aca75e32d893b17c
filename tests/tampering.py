"""Changing rows directly, as someone with database access might, around the guards
(the triggers that keep the ledger, retired blocks and the transparency log unchanged)."""

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from core.db import db, is_postgresql


def tamper(sql: str, **params) -> None:
    db.session.rollback()  # end this session's snapshot so what runs next sees the change
    with db.engine.begin() as conn:
        if is_postgresql():
            conn.exec_driver_sql("SET session_replication_role = replica")  # triggers off
        else:  # each test has its own copy of the database: drop the triggers outright
            for (name,) in conn.exec_driver_sql(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger'").all():
                conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
        conn.execute(sa.text(sql), params)
        if is_postgresql():
            conn.exec_driver_sql("SET session_replication_role = origin")


def assert_refused(*statements: str, match: str | None = None) -> None:
    """Each statement, run directly with the guards in place, is refused by the database."""
    db.session.rollback()
    for sql in statements:
        with pytest.raises(DBAPIError, match=match):
            with db.engine.begin() as conn:
                conn.exec_driver_sql(sql)
