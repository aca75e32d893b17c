"""The registry and the marketplace: lots, serial blocks, ledger, orders, retirements."""


def init_app(app, api) -> None:
    from market import cli, jobs, metrics, models, payments  # noqa: F401 (models: tables)
    from market.pages import public
    from market import labels  # noqa: F401 (registered label tables)
    from market.routes import movements, registry, trading

    api.register_blueprint(registry.blp)
    api.register_blueprint(movements.blp)
    api.register_blueprint(trading.blp)
    app.register_blueprint(public.bp)
    payments.init_app(app)
    jobs.init_app(app)
    cli.init_app(app)
    metrics.connect()
