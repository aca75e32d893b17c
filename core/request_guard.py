"""The text rule (``core.text``) at the edge of every request, before any view runs.

Bodies are checked field by field by ``core.schemas.BaseSchema``; what arrives outside a
schema is checked here: path segments (a number holding NUL names nothing: 404), query
strings, form fields (multi-line allowed: text areas), upload file names and the
``Idempotency-Key`` header (422 with the error shape). PostgreSQL cannot even compare a
string holding NUL, so none may reach a query.
"""

from flask import request
from flask_babel import gettext as _
from werkzeug.exceptions import NotFound

from core import text
from core.errors import Invalid


def _check(items, kind: str) -> dict:
    errors = {}
    for key, value in items:
        found = text.problem(key) or (text.problem(value, kind) if isinstance(value, str) else None)
        if found:
            errors.setdefault(key if not text.problem(key) else "_schema", []).append(found)
    return errors


def guard():
    for value in (request.view_args or {}).values():
        if isinstance(value, str) and text.problem(value):
            raise NotFound()
    errors = _check(request.args.items(multi=True), text.SINGLE_LINE)
    if request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        errors.update(_check(request.form.items(multi=True), text.MULTI_LINE))
        errors.update(_check(((key, upload.filename or "") for key, upload
                              in request.files.items(multi=True)), text.SINGLE_LINE))
    key = request.headers.get("Idempotency-Key")
    if key is not None and text.problem(key):
        errors["Idempotency-Key"] = [text.problem(key)]
    if errors:
        raise Invalid(_("The request holds characters that are not allowed."), errors)


def init_app(app) -> None:
    app.before_request(guard)
