"""The transparency log over the ledger: RFC 9162 tree, C2SP checkpoints, proofs, log key,
public monitor. Sits on market (tlog → market → core); certificates build on it."""


def init_app(app, api) -> None:
    """Serve the log, sign checkpoints every minute, and add the log to ``flask audit``."""
    from core.jobs import register_job
    from market import audit as market_audit
    from core.ops.health import register_check
    from tlog import audit, backup, checkpoints, models, readiness, routes  # noqa: F401

    api.register_blueprint(routes.blp)
    register_job(app, checkpoints.sign_checkpoint_job, id="tlog.sign_checkpoint", minutes=1)
    from flask_babel import lazy_gettext as _l
    market_audit.register(audit.check_log, _l("The Merkle tree matches the ledger and the "
                                             "latest checkpoint verifies against it"))
    register_check(app, "log_key", readiness.check_log_key)
    backup.init_app(app)
