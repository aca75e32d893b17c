"""Fixtures: a migrated database per test (SQLite copy or truncated PostgreSQL), the app,
its client and CLI runner. ``TEST_DATABASE_URL`` selects PostgreSQL."""

import os
import shutil
import threading
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from core.app import create_app
from core.db import db
from core import clock

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL") or None
pytest_plugins = ["stripe_fixtures"]


def pytest_sessionstart(session):
    """Compile any message catalog whose .mo is missing or older than its .po, so a bare
    ``pytest`` on a fresh clone shows pages in Chinese as ``make setup`` would."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    from core.i18n import translation_directories

    for directory in translation_directories():
        for po in Path(directory).glob("*/LC_MESSAGES/messages.po"):
            mo = po.with_suffix(".mo")
            if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
                continue
            with po.open("rb") as source:
                catalog = read_po(source, locale=po.parent.parent.name)
            with mo.open("wb") as target:
                write_mo(target, catalog)


def _migrate(url: str, keys_dir) -> None:
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                      "SIGNING_KEY_DIR": str(keys_dir)})
    with app.app_context():
        from flask_migrate import upgrade

        if POSTGRES_URL:
            with db.engine.begin() as conn:
                conn.exec_driver_sql("DROP SCHEMA public CASCADE")
                conn.exec_driver_sql("CREATE SCHEMA public")
        upgrade(revision="heads")
        db.engine.dispose()


@pytest.fixture(scope="session")
def keys_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("keys")


@pytest.fixture(scope="session")
def migrated(tmp_path_factory, keys_dir):
    """Run the migrations once: a template SQLite file, or the PostgreSQL schema."""
    if POSTGRES_URL:
        _migrate(POSTGRES_URL, keys_dir)
        return POSTGRES_URL
    template = tmp_path_factory.mktemp("db") / "template.db"
    _migrate(f"sqlite:///{template}", keys_dir)
    return template


_postgres_engine = None
_written_tables_probe = None


def _empty_postgres() -> None:
    """Empty what the previous test wrote: the tables holding a row (found by one probe
    of every table) truncated together, the sequences it advanced restarted. Truncating
    all ~55 tables each time made a new file for every table and index: 1–2 s a test on
    a busy machine."""
    global _postgres_engine, _written_tables_probe
    if _postgres_engine is None:
        _postgres_engine = sa.create_engine(POSTGRES_URL, poolclass=sa.pool.NullPool)
    with _postgres_engine.begin() as conn:
        if _written_tables_probe is None:
            tables = conn.execute(sa.text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                "AND tablename NOT IN ('alembic_version', 'ledger_head') "
                "ORDER BY tablename")).scalars().all()
            _written_tables_probe = " UNION ALL ".join(
                f"SELECT '{t}' WHERE EXISTS (SELECT FROM {t})" for t in tables)
        written = conn.exec_driver_sql(_written_tables_probe).scalars().all()
        if written:
            conn.exec_driver_sql(f"TRUNCATE {', '.join(written)} CASCADE")
        advanced = conn.execute(sa.text(
            "SELECT format('%I.%I', schemaname, sequencename) FROM pg_sequences "
            "WHERE schemaname = 'public' AND last_value IS NOT NULL")).scalars().all()
        for sequence in advanced:
            conn.exec_driver_sql(f"ALTER SEQUENCE {sequence} RESTART")
        conn.exec_driver_sql("UPDATE ledger_head SET next_seq = 0 WHERE next_seq <> 0")


def _fresh_database(migrated) -> str:
    if POSTGRES_URL:
        _empty_postgres()
        return POSTGRES_URL
    # One path for the session, so the app that serves it can be reused (below); the old
    # file and its WAL are unlinked first, so a connection left open elsewhere keeps its own.
    path = migrated.parent / "registry.db"
    for leftover in (path, path.with_name("registry.db-wal"), path.with_name("registry.db-shm")):
        leftover.unlink(missing_ok=True)
    shutil.copyfile(migrated, path)
    return f"sqlite:///{path}"


@pytest.fixture
def app_config():
    """Extra settings for the app under test; a test module may override this fixture."""
    return {}


# Building the app (≈ 900 URL rules compiled, the OpenAPI document resolved) takes a
# third of a second; most tests need the same one. It is built once per distinct
# configuration and handed to the next test with its configuration restored and the
# rate-limit counts cleared. A test that changes the app itself (adds a route) asks for
# ``fresh_app``.
_built_apps: dict[str, tuple] = {}  # newest last; a few kept (a fake Stripe per test is new)
KEPT_APPS = 4


def _app_for(config: dict, *, reuse: bool):
    from core.people.sessions import limiter

    key = repr(sorted(config.items()))
    if reuse and key in _built_apps:
        app, settings = _built_apps.pop(key)
        _built_apps[key] = (app, settings)
        app.config.clear()
        app.config.update(settings)
    else:
        app = create_app(config)
        if reuse:
            _built_apps[key] = (app, dict(app.config))
            while len(_built_apps) > KEPT_APPS:
                del _built_apps[next(iter(_built_apps))]
    limiter.enabled = app.config["RATELIMIT_ENABLED"]
    limiter.reset()
    return app


def _test_config(migrated, keys_dir, app_config) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": _fresh_database(migrated),
        "BASE_URL": "https://registry.test",
        "SIGNING_KEY_DIR": str(keys_dir),
        "STRIPE_SECRET_KEY": None,
        "STRIPE_WEBHOOK_SECRET": None,
        # Page posts in tests carry no token; tests/core/test_sign_in.py turns CSRF on.
        "WTF_CSRF_ENABLED": False,
        # Every verification post counts against its limit, and some tests post many;
        # tests/core/test_operations.py sets tiny limits of its own.
        "VERIFY_RATE_LIMIT": "10000 per minute",
        # Flask-Limiter keeps the last app's setting when an app does not say (one
        # limiter for every app): each app says.
        "RATELIMIT_ENABLED": True,
        # argon2-cffi's profile for tests: a sign-in costs microseconds, not 0.2 s of CPU.
        "PASSWORD_HASH_PROFILE": "CHEAPEST",
        **app_config,
    }


def _serve(app):
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
    clock.set_now(None)


@pytest.fixture
def app(migrated, keys_dir, app_config):
    yield from _serve(_app_for(_test_config(migrated, keys_dir, app_config), reuse=True))


@pytest.fixture
def fresh_app(migrated, keys_dir, app_config):
    """An app of its own, for a test that adds to the app (a route); not reused."""
    yield from _serve(_app_for(_test_config(migrated, keys_dir, app_config), reuse=False))


@pytest.fixture
def opened_urls(monkeypatch) -> list[str]:
    """Every file:// or http(s):// URL urllib is asked to open during the test."""
    opened = []

    def record(self, req):
        opened.append(req.full_url)
        raise AssertionError(f"PDF rendering opened {req.full_url}")

    monkeypatch.setattr(urllib.request.FileHandler, "file_open", record)
    monkeypatch.setattr(urllib.request.HTTPHandler, "http_open", record)
    monkeypatch.setattr(urllib.request.HTTPSHandler, "https_open", record)
    return opened


@pytest.fixture
def live_server(app):
    """The app (the ``app`` fixture's config and database) served on a free local port,
    for the browser and for clients that speak HTTP (the public monitor)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def pytest_collection_modifyitems(config, items):
    # Browser tests last: while the shared browser lives, this thread runs Playwright's
    # event loop, and in-process PDF signing (asyncio.run) must not meet it.
    items.sort(key=lambda item: "browser" in item.keywords)
    if POSTGRES_URL:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (TEST_DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)
