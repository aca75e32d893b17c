"""The models and the migrations describe the same schema (alembic check)."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from core.db import db


def test_no_drift_between_models_and_migrations(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_flask_db_check_reports_no_new_operations(runner):
    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output
