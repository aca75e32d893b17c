"""Wiring of part B of 互联互通: change feed, webhooks, mutual witnessing, peers view."""


def init_app(app, api) -> None:
    from core.jobs import register_job
    from interop import delivery, feed, feed_models, feed_routes, witness_models  # noqa: F401
    from interop import cli_feed

    feed.connect()
    api.register_blueprint(feed_routes.blp)
    register_job(app, delivery.deliver_job, id="interop.deliver_webhooks", minutes=1)
    cli_feed.init_app(app)
