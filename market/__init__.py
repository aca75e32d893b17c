"""The registry and the marketplace: lots, serial blocks, ledger, orders, retirements."""


def init_app(app, api) -> None:
    from market import cli, jobs, models, pages, payments, transparency  # noqa: F401 (models: tables)
    from market import compensation_cover, labels  # noqa: F401 (labels: registered tables)
    from market.routes import movements, registry, trading

    api.register_blueprint(registry.blp)
    api.register_blueprint(movements.blp)
    api.register_blueprint(trading.blp)
    app.register_blueprint(pages.bp)
    payments.init_app(app)
    jobs.init_app(app)
    transparency.init_app(app, api)  # log routes, checkpoint job, audit check
    cli.init_app(app)
    compensation_cover.init_app(app, api)  # 以碳代偿: routes, pages, case_id rule, overdue job
