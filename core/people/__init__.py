"""People: users of organisations, their sign-in sessions and the organisations' API
tokens. Pages ``/login``, ``/logout``, ``/workspace``, ``/account``, ``/invitations/…``;
API under ``/api/v1/organizations/{id}/users|tokens`` and ``/api/v1/tokens/{id}``."""


def init_app(app, api) -> None:
    # Imported here: core.cli uses core.people.tokens, and core.people.cli uses core.cli.
    from flask_babel import lazy_gettext as _l

    from core import workspace
    from core.people import cli, language, models, pages, routes, sessions  # noqa: F401 (models: tables)
    from core.people import admin_pages

    sessions.init_app(app)
    routes.init_app(app, api)
    app.register_blueprint(pages.bp)
    language.init_app(app)
    admin_pages.init_app(app)
    cli.init_app(app)
    workspace.register_entry(app, "people_pages.account", _l("Account and API tokens"),
                             order=900,
                             description=_l("Change your password; issue and revoke your "
                                            "organisation's API tokens."))
