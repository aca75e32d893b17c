"""Wiring of part B of 互联互通: change feed, webhooks, mutual witnessing, peers view."""


def init_app(app, api) -> None:
    from core.jobs import register_job
    from interop import delivery, feed, feed_models, feed_routes, witness_models  # noqa: F401
    from interop import cli_feed, feed_labels, inbound_models, inbound_routes  # noqa: F401
    from interop import peer_pages, webhook_pages, witness, witness_routes
    from tlog import checkpoints

    feed.connect()
    api.register_blueprint(feed_routes.blp)
    api.register_blueprint(witness_routes.blp)
    api.register_blueprint(inbound_routes.blp)
    app.register_blueprint(peer_pages.bp)
    webhook_pages.init_app(app)
    checkpoints.register_cosignatures(witness.cosignature_lines)
    register_job(app, delivery.deliver_job, id="interop.deliver_webhooks", minutes=1)
    register_job(app, witness.witness_job, id="interop.witness_peers", minutes=5)
    cli_feed.init_app(app)
