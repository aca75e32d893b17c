"""Shared page assets (the base template and stylesheet) and display filters."""

from flask import Blueprint

from core.formatting import format_kg, format_tonnes, format_yuan

bp = Blueprint("core_pages", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/core")


def init_app(app) -> None:
    app.register_blueprint(bp)
    app.jinja_env.filters["tonnes"] = format_tonnes
    app.jinja_env.filters["kg"] = format_kg
    app.jinja_env.filters["yuan"] = format_yuan
