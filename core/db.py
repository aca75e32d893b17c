"""The database handle and the one way to write: ``transaction()``.

Every use case runs inside exactly one ``transaction()`` opened by its edge (route, job,
CLI command, webhook). It commits once, rolls back on error, and refuses to nest, so a
use case can never commit half of its work by accident.

On SQLite, write transactions begin with ``BEGIN IMMEDIATE`` so concurrent writers queue
on the busy timeout instead of failing when they upgrade a read lock; the database runs
in WAL mode so readers never wait for writers.
"""

from contextlib import contextmanager

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=sa.MetaData(naming_convention=NAMING_CONVENTION))

_WRITE = "registry_write"


def _refused_text_answered() -> bool:
    """Whether this request is a page form post holding text the text rule refuses
    (``core.request_guard``). Before a page form has put the offence beside its field
    that is ``Invalid`` (422); after, it is True: the view is redrawing the form with its
    errors, and what it reads for that may run but nothing is committed."""
    from flask import g, has_request_context

    if not (has_request_context() and g.get("text_rule_violations")):  # page_forms.VIOLATIONS
        return False
    if g.get("text_rule_handled"):  # core.page_forms.HANDLED
        return True
    from flask_babel import gettext as _

    from core.errors import Invalid

    raise Invalid(_("The request holds characters that are not allowed."),
                  g.text_rule_violations)


class NestedTransaction(RuntimeError):
    """A use case tried to open a transaction inside another one."""


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, connection_record):
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        # Let SQLAlchemy's begin event emit BEGIN itself (pysqlite's own handling is broken).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        # SQLite's own lower() (behind ILIKE) folds ASCII only: Ｗｉｄｅ, É and Ω would not
        # match their lower case as they do on PostgreSQL.
        dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)


def _unicode_lower(value):
    return value.lower() if isinstance(value, str) else value


@event.listens_for(Engine, "begin")
def _begin_sqlite(conn):
    # An AUTOCOMMIT connection (a migration's autocommit_block) must get no BEGIN at all:
    # some statements, such as PRAGMA foreign_keys, do nothing inside a transaction.
    if (conn.dialect.name == "sqlite"
            and conn.get_execution_options().get("isolation_level") != "AUTOCOMMIT"):
        write = conn.get_execution_options().get(_WRITE)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def read_one(statement, parameters=None):
    """One row of a read-only Core query, on a pooled connection outside the ORM session:
    no entity loading and, on PostgreSQL, no BEGIN/ROLLBACK (hot public reads)."""
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        return connection.execute(statement, parameters).one_or_none()


def attach_loaded(model, values: dict):
    """The session's object for a row read with a Core statement, as if the ORM had loaded
    it: new to the session (``make_transient_to_detached``) or, when the session knows it
    already, brought up to date (the query autoflushed first, so nothing pending is lost).
    For hot paths, where the ORM's own row loading costs more than the query."""
    mapper = sa.inspect(model)
    identity = tuple(values[column.key] for column in mapper.primary_key)
    known = db.session.identity_map.get(db.session.identity_key(model, identity))
    if known is None:
        known = model(**values)
        make_transient_to_detached(known)
        db.session.add(known)
    else:
        for name, value in values.items():
            set_committed_value(known, name, value)
    return known


def one_of(column: str, values: tuple[str, ...], name: str) -> sa.CheckConstraint:
    """``CHECK (column IN (...))`` from the tuple the model defines once (the schemas'
    ``OneOf`` reads the same tuple); named through the metadata's naming convention."""
    return sa.CheckConstraint(f"{column} IN ({', '.join(repr(v) for v in values)})", name=name)


def sum_int(expression) -> sa.Cast:
    """``SUM(expression)`` as a BIGINT, 0 over no rows: kg and fen totals come back as
    ``int`` on both engines (PostgreSQL sums a bigint column as numeric, a ``Decimal`` in
    Python, which JSON would write as a string). Every sum in the registry goes through
    here (tests/core/test_sums.py)."""
    return sa.cast(sa.func.coalesce(sa.func.sum(expression), 0), sa.BigInteger)


def is_postgresql() -> bool:
    return db.engine.dialect.name == "postgresql"


@contextmanager
def transaction():
    """Run a use case atomically: commit once on success, roll back on any error.

    A page form post holding text the text rule refuses (``core.request_guard``) stores
    nothing: ``Invalid`` (422) before its page form has shown the offence, and once it
    has, the transaction that redraws the page (a factor set read, say) is rolled back,
    never committed."""
    read_only = _refused_text_answered()
    session = db.session
    if session.info.get("in_transaction"):
        raise NestedTransaction("transaction() does not nest")
    session.info["in_transaction"] = True
    try:
        if session.get_bind().dialect.name == "sqlite":
            # A read before the edge opened the transaction left a deferred SQLite
            # transaction open; start anew so this one takes the write lock at BEGIN.
            # (PostgreSQL simply carries on: row locks do the work there.)
            session.rollback()
            session.connection(execution_options={_WRITE: True})
        yield session
        if read_only:
            session.rollback()
        else:
            session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.info["in_transaction"] = False
