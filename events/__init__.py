"""Carbon-neutral events and organisation / pilot neutrality claims."""


def init_app(app, api) -> None:
    from events import cli, covering, factor_set_routes, jobs, models, pages, routes  # noqa: F401
    from events import labels  # noqa: F401 (registered label tables)
    from events import admin_pages, claim_pages

    api.register_blueprint(routes.blp)
    api.register_blueprint(factor_set_routes.blp)
    app.register_blueprint(pages.bp)
    claim_pages.init_app(app)
    admin_pages.init_app(app)
    covering.connect()
    jobs.init_app(app)
    cli.init_app(app)
