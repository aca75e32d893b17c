"""Signed credentials, certificate PDFs, verification and revocation."""


def init_app(app, api) -> None:
    from certificates import cli, models, pages, rendering, retirement_certificates, routes  # noqa: F401
    from certificates import labels  # noqa: F401 (registered label tables)
    from certificates import own_pages
    from core.jobs import register_job

    retirement_certificates.connect()
    api.register_blueprint(routes.blp)
    app.register_blueprint(pages.bp)
    own_pages.init_app(app)
    cli.init_app(app)
    register_job(app, rendering.render_pending, id="certificates.render_pending", minutes=1)
