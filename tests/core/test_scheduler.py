from core.app import create_app


def test_scheduler_runs_in_process_only_when_enabled(app):
    assert "registry_scheduler" not in app.extensions
    enabled = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": app.config[
        "SQLALCHEMY_DATABASE_URI"], "SCHEDULER_ENABLED": True})
    scheduler = enabled.extensions["registry_scheduler"]
    try:
        ids = {job.id for job in scheduler.get_jobs()}
        assert {"market.expire_reservations", "certificates.render_pending"} <= ids
    finally:
        scheduler.shutdown(wait=False)
