"""Shared page assets: the base template and stylesheet (filters: ``core.i18n``)."""

from flask import Blueprint

from core import dashboard

bp = Blueprint("core_pages", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/core")


def init_app(app) -> None:
    app.register_blueprint(bp)
    dashboard.init_app(app)
