"""Issue 16, fault 7: the log's origin is stored when its first checkpoint is signed, so
``flask audit`` run without the service's BASE_URL checks the same log."""

import sqlalchemy as sa

from core.db import db, transaction
from factories import make_lot, make_org
from tlog import checkpoints
from tlog.models import TreeState


def test_audit_without_the_services_base_url_reads_the_stored_origin(client, app, runner):
    seller = make_org("seller")
    make_lot(seller, 1_000)
    with transaction():
        first = checkpoints.sign_checkpoint()
    assert first.note.startswith("registry.test/log\n")
    stored = db.session.execute(sa.select(TreeState.origin)).scalar()
    assert stored == "registry.test/log"

    app.config["BASE_URL"] = "http://127.0.0.1:5000"  # a shell without the service's env
    result = runner.invoke(args=["audit"])
    assert result.exit_code == 0, result.output
    assert "not signed" not in result.output
    assert client.get("/api/v1/transparency/log-key").json["origin"] == "registry.test/log"

    make_lot(seller, 500)  # the log grows: the next checkpoint keeps the stored origin
    with transaction():
        assert checkpoints.sign_checkpoint().note.startswith("registry.test/log\n")
    assert runner.invoke(args=["audit"]).exit_code == 0
