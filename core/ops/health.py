"""``/healthz`` (the process answers) and ``/readyz`` (it can serve: the database answers,
its schema is at the migrations' head, the signing keys load).

Domains add readiness checks with ``register_check``; each returns ``None`` when fine or
a short reason. ``/readyz`` answers 503 naming every check that failed, so a load
balancer takes the worker out and the operator reads why.
"""

from functools import lru_cache

import sqlalchemy as sa
from alembic.config import Config
from alembic.script import ScriptDirectory
from flask import Blueprint, current_app, jsonify

from core import config as config_module
from core.db import db

bp = Blueprint("health", __name__)


def register_check(app, name: str, check) -> None:
    """Add ``check() -> str | None`` (None: ready) to ``/readyz`` as ``name``."""
    app.extensions.setdefault("registry_readiness", {})[name] = check


@lru_cache(maxsize=4)
def migration_heads(directory: str) -> frozenset[str]:
    """The head revision(s) of the migration scripts shipped with this code."""
    alembic_config = Config()
    alembic_config.set_main_option("script_location", directory)
    return frozenset(ScriptDirectory.from_config(alembic_config).get_heads())


def applied_revisions(connection) -> frozenset[str]:
    return frozenset(connection.execute(sa.text("SELECT version_num FROM alembic_version"))
                     .scalars())


def check_database() -> str | None:
    try:
        with db.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
            applied = applied_revisions(connection)
    except sa.exc.SQLAlchemyError as error:
        return f"database unreachable or not migrated ({type(error).__name__})"
    heads = migration_heads(str(config_module.PROJECT_ROOT / "migrations"))
    if applied != heads:
        return (f"schema at {', '.join(sorted(applied)) or 'nothing'}, "
                f"code expects {', '.join(sorted(heads))}: run `flask db upgrade`")
    return None


@bp.get("/healthz")
def healthz():
    return jsonify(status="ok")


def _run(check) -> str:
    try:
        return check() or "ok"
    except Exception as error:  # a readiness probe reports, it does not crash
        return f"failed ({type(error).__name__})"


@bp.get("/readyz")
def readyz():
    results = {"database": _run(check_database)}
    if results["database"] == "ok":  # the other checks read the database too
        for name, check in current_app.extensions.get("registry_readiness", {}).items():
            results[name] = _run(check)
    ready = all(result == "ok" for result in results.values())
    return jsonify(status="ok" if ready else "unavailable", checks=results), 200 if ready else 503


def init_app(app) -> None:
    app.register_blueprint(bp)
