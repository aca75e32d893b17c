"""The registry and the marketplace: lots, serial blocks, ledger, orders, retirements."""


def init_app(app, api) -> None:
    from market import cli, jobs, models, payments  # noqa: F401 (models: tables)
    from market.pages import public
    from market.pages import holdings as holding_pages
    from market import labels  # noqa: F401 (registered label tables)
    from market.routes import movements, registry, trading

    api.register_blueprint(registry.blp)
    api.register_blueprint(movements.blp)
    api.register_blueprint(trading.blp)
    app.register_blueprint(public.bp)
    holding_pages.init_app(app)
    payments.init_app(app)
    jobs.init_app(app)
    cli.init_app(app)
