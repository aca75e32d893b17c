"""Shared page assets (the base template and stylesheet) and display filters."""

from flask import Blueprint

bp = Blueprint("core_pages", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/core")


def format_tonnes(kg: int) -> str:
    """Integer kilograms shown as tonnes with three decimals: 12345 → "12.345"."""
    sign = "-" if kg < 0 else ""
    tonnes, grams = divmod(abs(kg), 1000)
    return f"{sign}{tonnes:,}.{grams:03d}"


def format_yuan(fen: int) -> str:
    """Integer fen shown as yuan: 123456 → "1,234.56"."""
    yuan, cents = divmod(fen, 100)
    return f"{yuan:,}.{cents:02d}"


def init_app(app) -> None:
    app.register_blueprint(bp)
    app.jinja_env.filters["tonnes"] = format_tonnes
    app.jinja_env.filters["yuan"] = format_yuan
