"""Carbon-neutral events and organisation / pilot neutrality claims."""


def init_app(app, api) -> None:
    from events import cli, covering, factor_set_routes, jobs, models, pages, routes  # noqa: F401
    from events import labels  # noqa: F401 (registered label tables)
    from events import admin_pages, claim_pages, event_pages, public_events

    api.register_blueprint(routes.blp)
    api.register_blueprint(factor_set_routes.blp)
    app.register_blueprint(pages.bp)
    claim_pages.init_app(app)
    event_pages.init_app(app)
    app.register_blueprint(public_events.bp)
    admin_pages.init_app(app)
    covering.connect()
    jobs.init_app(app)
    cli.init_app(app)
