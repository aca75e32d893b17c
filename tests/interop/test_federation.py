"""§7: two registries, 吉林 and 辽宁, on 127.0.0.1 with their own databases, keys and
ports, running the federation scenario over real HTTP — on SQLite, and on PostgreSQL
(the test database and ``<testdb>_peer``) when TEST_DATABASE_URL is set."""

import os
from contextlib import ExitStack

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from interop import federation

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL") or None


def _postgres_pair() -> dict:
    """Fresh databases ``<testdb>_jl`` and ``<testdb>_peer``, dropped and created anew."""
    base = make_url(POSTGRES_URL)
    urls = {"jl": base.set(database=f"{base.database}_jl"),
            "ln": base.set(database=f"{base.database}_peer")}
    engine = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        for url in urls.values():
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')
            conn.exec_driver_sql(f'CREATE DATABASE "{url.database}"')
    engine.dispose()
    return {key: url.render_as_string(hide_password=False) for key, url in urls.items()}


def test_two_registries_recognise_each_other(tmp_path, capsys):
    urls = _postgres_pair() if POSTGRES_URL else {
        key: f"sqlite:///{tmp_path / f'{key}.db'}" for key in federation.REGISTRIES}
    with ExitStack() as stack:
        jl, ln = (stack.enter_context(federation.started(
            key, urls[key], tmp_path / f"keys-{key}", federation.free_port()))
            for key in ("jl", "ln"))
        outcome = federation.run_scenario(jl, ln, tmp_path)
    steps = [step for step, _ in outcome.steps]
    assert steps == ["pinned", "subscribed", "double claim", "retired", "webhook",
                     "offline verification", "witnessed", "witnessed", "split view"]
