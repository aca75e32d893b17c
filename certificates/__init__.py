"""Signed credentials, certificate PDFs, verification and revocation."""


def init_app(app, api) -> None:
    from certificates import cli, models, pages, rendering, retirement_certificates, routes  # noqa: F401
    from certificates import labels  # noqa: F401 (registered label tables)
    from certificates import admin_pages, own_pages
    from certificates import readiness, registry_marks
    from core.jobs import register_job
    from core.ops.health import register_check

    retirement_certificates.connect()
    registry_marks.connect()
    app.url_map.converters["certificate_number"] = routes.CertificateNumberConverter
    api.register_converter(routes.CertificateNumberConverter, lambda _: {"type": "string"})
    api.register_blueprint(routes.blp)
    app.register_blueprint(pages.bp)
    own_pages.init_app(app)
    admin_pages.init_app(app)
    cli.init_app(app)
    register_check(app, "signing_keys", readiness.check_signing_keys)
    register_job(app, rendering.render_pending, id="certificates.render_pending", minutes=1)
