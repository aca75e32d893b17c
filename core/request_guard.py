"""The text rule (``core.text``) at the edge of every request, before any view runs.

Bodies are checked field by field by ``core.schemas.BaseSchema``; what arrives outside a
schema is checked here: path segments (a number holding NUL names nothing: 404), query
strings, form fields (multi-line allowed: text areas), upload file names and the
``Idempotency-Key`` header (422 with the error shape). PostgreSQL cannot even compare a
string holding NUL, so none may reach a query.

A page form post (not ``/api/``, form-encoded or multipart) whose only offences are in its
form fields is not refused here: the offences are recorded on ``g`` for the view's
``core.page_forms.PageForm`` to show beside the fields (422, what was typed kept). While
they are recorded ``core.db.transaction()`` refuses to run, and a response no PageForm
answered for them is replaced by today's whole-page 422 (``_answered``) — so nothing is
stored either way. A search page (``core.page_forms.query_form_page``: a GET whose form
reads its query string) gets its query string's offences the same way, beside the search
fields (422, like its other refused searches). Other query strings, paths, file
names and headers are refused as before.

Query bytes that are not UTF-8 are an offence too: Werkzeug would quietly read them as
U+FFFD and the search would look for that, answering "nothing found".
"""

from urllib.parse import unquote_to_bytes

from flask import current_app, g, request
from flask_babel import gettext as _
from werkzeug.exceptions import NotFound

from core import text
from core.errors import Invalid
from core.page_forms import HANDLED, VIOLATIONS


def _check(items, kind: str) -> dict:
    errors = {}
    for key, value in items:
        # A form's name fields (beneficiary_name, name …) follow the name rule, as in the API.
        rule = text.NAME if kind != text.SINGLE_LINE and text.is_name_field(key) else kind
        found = text.problem(key) or (text.problem(value, rule) if isinstance(value, str) else None)
        if found:
            errors.setdefault(key if not text.problem(key) else "_schema", []).append(found)
    return errors


def _undecodable(query: bytes) -> dict:
    """The query parameters whose percent-decoded bytes are not UTF-8."""
    errors = {}
    for pair in query.split(b"&"):
        key, _sep, value = pair.partition(b"=")
        try:
            for part in (key, value):
                unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError:
            name = unquote_to_bytes(key.replace(b"+", b" ")).decode("utf-8", "replace")
            errors.setdefault(name if not text.problem(name) else "_schema", []).append(
                _("Not a valid utf-8 string."))
    return errors


def guard():
    setattr(g, VIOLATIONS, None)  # g outlives a request where an app context was pushed
    setattr(g, HANDLED, False)
    for value in (request.view_args or {}).values():
        if isinstance(value, str) and text.problem(value):
            raise NotFound()
    errors = _check(request.args.items(multi=True), text.SINGLE_LINE)
    for key, messages in _undecodable(request.query_string).items():
        errors.setdefault(key, []).extend(messages)
    if errors and _search_page():
        setattr(g, VIOLATIONS, errors)  # for the page's search form, beside the fields
        return
    form_errors = {}
    if request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        form_errors = _check(request.form.items(multi=True), text.MULTI_LINE)
        errors.update(_check(((key, upload.filename or "") for key, upload
                              in request.files.items(multi=True)), text.SINGLE_LINE))
    key = request.headers.get("Idempotency-Key")
    if key is not None and text.problem(key):
        errors["Idempotency-Key"] = [text.problem(key)]
    if form_errors and not errors and _page_form_post():
        setattr(g, VIOLATIONS, form_errors)  # for the view's PageForm, beside the fields
        return
    errors.update(form_errors)
    if errors:
        raise Invalid(_("The request holds characters that are not allowed."), errors)


def _page_form_post() -> bool:
    path = request.path
    return request.method == "POST" and not (path == "/api" or path.startswith("/api/"))


def _search_page() -> bool:
    view = current_app.view_functions.get(request.endpoint)
    return request.method == "GET" and getattr(view, "shows_query_errors", False)


def _answered(response):
    """A page form post whose offences no PageForm put beside its fields gets the
    whole-page 422 it always got (nothing was stored: ``transaction()`` refused)."""
    violations = getattr(g, VIOLATIONS, None)
    if not violations:
        return response
    if getattr(g, HANDLED, False):
        if response.status_code < 400:
            response.status_code = 422
        return response
    setattr(g, VIOLATIONS, None)
    refused = Invalid(_("The request holds characters that are not allowed."), violations)
    return current_app.make_response(current_app.handle_user_exception(refused))


def init_app(app) -> None:
    app.before_request(guard)
    app.after_request(_answered)
