"""The application factory: a flat list of ``init_app`` calls, no queries."""

import importlib

from flask import Flask
from flask_migrate import Migrate
from werkzeug.routing import IntegerConverter

from core import config as config_module
from core import errors, i18n, request_guard, strict_json
from core.db import db
from core.schemas import MAX_ID

migrate = Migrate()
# Before any route module is imported: flask-smorest binds its parser when decorating.
strict_json.install_parser()


class IdConverter(IntegerConverter):
    """Path ids that fit a database integer; anything larger is simply not found."""

    def __init__(self, url_map):
        super().__init__(url_map, min=1, max=MAX_ID)


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=str(config_module.INSTANCE_DIR))
    app.config.update(config_module.DEFAULTS)
    app.config.update(config_module.from_environment())
    app.config.update(config or {})

    strict_json.init_app(app)  # request bodies: the one strict JSON reader
    app.json.ensure_ascii = False  # Chinese stays readable in API responses
    app.json.sort_keys = False
    app.url_map.converters["id"] = IdConverter
    i18n.init_app(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(config_module.PROJECT_ROOT / "migrations"))
    api = errors.RegistryApi(app, spec_kwargs={"servers": [{"url": app.config["BASE_URL"]}]})
    api.register_converter(IdConverter, lambda c: {"type": "integer", "minimum": 1})
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    errors.init_app(app, api)
    request_guard.init_app(app)  # the text rule for paths, query strings and forms

    from core import cli, docs, jobs, mail, ops, pages, people, routes

    ops.init_app(app, api)  # first: its after-request hooks see every final response

    routes.init_app(app, api)
    people.init_app(app, api)
    docs.init_app(app)
    pages.init_app(app)
    cli.init_app(app)
    jobs.init_app(app)
    mail.init_app(app)

    # Domains are named, not imported, so core never depends on them.
    for name in app.config["DOMAINS"]:
        importlib.import_module(name).init_app(app, api)
    if app.config["SCHEDULER_ENABLED"]:  # `make run`: jobs inside the development server
        jobs.start_background(app)
    return app
