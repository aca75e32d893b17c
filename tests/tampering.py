"""Changing rows directly, as someone with database access might, around the guards
(the triggers that keep the ledger, retired blocks and the transparency log unchanged)."""

import sqlalchemy as sa

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
