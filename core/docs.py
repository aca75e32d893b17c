"""Serve the Swagger UI assets from the installed bundle, so API docs work offline."""

from flask import Blueprint, send_from_directory
from swagger_ui_bundle import swagger_ui_path

bp = Blueprint("docs_assets", __name__)


@bp.get("/api/v1/docs-assets/<path:filename>")
def swagger_asset(filename):
    return send_from_directory(swagger_ui_path, filename, max_age=86400)


def init_app(app) -> None:
    app.register_blueprint(bp)
