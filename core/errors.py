"""One error shape for the whole API: ``{code, status, message, errors}``.

Domains raise ``DomainError`` subclasses; marshmallow and webargs validation errors and
every ``HTTPException`` are turned into the same shape by ``ErrorHandling``.

Messages follow ``Accept-Language`` (Chinese by default); the ``code`` never changes.
A raise site writes its message as an English message id with named placeholders,
``Invalid(_("Listing %(id)s is yours.", id=listing_id))``; marshmallow's own field
messages are translated here when the catalog knows them (``FIELD_MESSAGES``).
"""

import re

import marshmallow as ma
from flask import current_app, has_request_context, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel.speaklater import LazyString
from flask_smorest import Api
from werkzeug.exceptions import HTTPException

from core.i18n import N_


class DomainError(Exception):
    """A business rule said no. Subclasses set ``status`` and ``code``."""

    status = 409
    code = "conflict"

    def __init__(self, message: str, errors: dict | None = None, *, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}
        # Further members beside the four of the shape (e.g. the order a failure left).
        self.extra = extra or {}


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


class Invalid(DomainError):
    """Input that has the right shape but breaks a rule of the domain."""

    status = 422
    code = "validation_error"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class WrongState(Conflict):
    """The object is not in a state that allows the operation (an order already paid …)."""

    code = "wrong_state"


class ServiceUnavailable(DomainError):
    status = 503
    code = "service_unavailable"


class BadGateway(DomainError):
    """A service the registry depends on (Stripe) failed or refused the request."""

    status = 502
    code = "bad_gateway"


def _snake(name: str) -> str:
    return "_".join(name.lower().replace("'", "").split())


# Messages of HTTP errors raised without one of ours (werkzeug's are English prose).
STATUS_MESSAGES = {
    400: N_("The request is not valid."),
    401: N_("Authentication is required."),
    403: N_("This is not allowed."),
    404: N_("Not found."),
    405: N_("This method is not allowed here."),
    409: N_("The request conflicts with the current state."),
    413: N_("The request body is too large."),
    415: N_("This content type is not supported."),
    422: N_("The request is not valid."),
    429: N_("Too many requests; try again later."),
}

# marshmallow's and webargs' own messages, translated when they reach a client.
FIELD_MESSAGES = (
    N_("Missing data for required field."), N_("Unknown field."), N_("Field may not be null."),
    N_("Not a valid integer."), N_("Not a valid string."), N_("Not a valid boolean."),
    N_("Not a valid date."), N_("Not a valid datetime."), N_("Not a valid number."),
    N_("Not a valid list."), N_("Not a valid mapping type."), N_("Invalid input type."),
    N_("Invalid value."), N_("Invalid JSON body."), N_("Invalid type."), N_("Invalid input."),
    N_("Not a valid tuple."), N_("Not a valid UUID."), N_("Not a valid URL."),
    N_("Not a valid email address."), N_("Not a valid utf-8 string."), N_("Number too large."),
    N_("Special numeric values (nan or infinity) are not permitted."),
    N_("String does not match expected pattern."),
)

# marshmallow's messages that carry values (validators format them before we see them):
# the English text is matched and the values put into the reader's wording. Codes in a
# OneOf list stay codes (an API client sends them), in a Chinese sentence.
_NUMBER = r"(?P<%s>-?[0-9][0-9.,eE+-]*)"
FIELD_PATTERNS = tuple((re.compile(pattern), message) for pattern, message in (
    (r"Must be one of: (?P<choices>.*)\.", N_("Must be one of: %(choices)s.")),
    (r"One or more of the choices you made was not in: (?P<choices>.*)\.",
     N_("One or more of the choices you made was not in: %(choices)s.")),
    (r"Length must be between %s and %s\." % (_NUMBER % "min", _NUMBER % "max"),
     N_("Length must be between %(min)s and %(max)s.")),
    (r"Shorter than minimum length %s\." % (_NUMBER % "min"),
     N_("Shorter than minimum length %(min)s.")),
    (r"Longer than maximum length %s\." % (_NUMBER % "max"),
     N_("Longer than maximum length %(max)s.")),
    (r"Length must be %s\." % (_NUMBER % "equal"), N_("Length must be %(equal)s.")),
    (r"Must be greater than or equal to %s and less than or equal to %s\."
     % (_NUMBER % "min", _NUMBER % "max"),
     N_("Must be greater than or equal to %(min)s and less than or equal to %(max)s.")),
    (r"Must be greater than %s and less than or equal to %s\."
     % (_NUMBER % "min", _NUMBER % "max"),
     N_("Must be greater than %(min)s and less than or equal to %(max)s.")),
    (r"Must be greater than or equal to %s and less than %s\."
     % (_NUMBER % "min", _NUMBER % "max"),
     N_("Must be greater than or equal to %(min)s and less than %(max)s.")),
    (r"Must be greater than %s and less than %s\." % (_NUMBER % "min", _NUMBER % "max"),
     N_("Must be greater than %(min)s and less than %(max)s.")),
    (r"Must be greater than or equal to %s\." % (_NUMBER % "min"),
     N_("Must be greater than or equal to %(min)s.")),
    (r"Must be greater than %s\." % (_NUMBER % "min"), N_("Must be greater than %(min)s.")),
    (r"Must be less than or equal to %s\." % (_NUMBER % "max"),
     N_("Must be less than or equal to %(max)s.")),
    (r"Must be less than %s\." % (_NUMBER % "max"), N_("Must be less than %(max)s.")),
))


def translate_text(value: str) -> str:
    """One field message in the reader's language: a known text, a known pattern with
    its values, or (already translated at its raise site, or unknown) unchanged."""
    for pattern, message in FIELD_PATTERNS:
        found = pattern.fullmatch(value)
        if found:
            return _(message, **found.groupdict())
    return _(value) if "%(" not in value else value


def translate_messages(value):
    """Field messages in the reader's language: each text the catalog knows is replaced."""
    if isinstance(value, dict):
        return {key: translate_messages(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [translate_messages(item) for item in value]
    if isinstance(value, LazyString):  # a field's lazy message (``_l``), read now
        return str(value)
    if isinstance(value, str):
        return translate_text(value)
    return value


def error_response(status: int, code: str, message: str, errors: dict | None = None, headers=None,
                   extra: dict | None = None):
    body = {"code": code, "status": status, "message": str(message),
            "errors": translate_messages(errors or {}), **(extra or {})}
    response = jsonify(body)
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


# Headings of the HTML error page that people get on page paths.
PAGE_TITLES = {
    400: N_("The request could not be read"),
    401: N_("Please sign in"),
    403: N_("Access denied"),
    404: N_("Page not found"),
    405: N_("This page cannot be used this way"),
    409: N_("This cannot be done now"),
    413: N_("What you sent is too large"),
    422: N_("This cannot be processed"),
    429: N_("Too many requests"),
    500: N_("Something went wrong"),
}


def wants_page() -> bool:
    """A person's page asked for by a browser: not ``/api/`` nor ``/.well-known/``, and
    not a client that prefers JSON. Those get the JSON error body."""
    if not has_request_context() or request.path.startswith(("/api/", "/.well-known/")):
        return False
    return request.accept_mimetypes.best_match(("text/html", "application/json")) != "application/json"


def error_page(status: int, message: str, headers=None):
    """The HTML error page in the reader's language, with the same status code."""
    title = _(PAGE_TITLES.get(status) or PAGE_TITLES[500 if status >= 500 else 400])
    try:
        body = render_template("error.html", status=status, title=title, message=str(message))
    except Exception:  # the page itself failed (a broken session …): plain words still help
        current_app.logger.exception("The error page could not be rendered")
        body = f"<!doctype html><title>{status}</title><h1>{status}</h1>"
    return body, status, {"Content-Type": "text/html; charset=utf-8", **(headers or {})}


def _flatten_messages(messages) -> dict:
    """webargs nests errors by location (``{"json": {...}}``); clients want fields."""
    if not isinstance(messages, dict):
        return {"_schema": messages if isinstance(messages, list) else [str(messages)]}
    flat = {}
    for location, fields in messages.items():
        if isinstance(fields, dict):
            flat.update(fields)
        else:
            flat[location if location not in ("json", "query", "form") else "_schema"] = fields
    return flat


def handle_domain_error(error: DomainError):
    if wants_page():
        return error_page(error.status, error.message)
    return error_response(error.status, error.code, error.message, error.errors,
                          extra=error.extra)


def handle_http_exception(error: HTTPException):
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    status = error.code or 500
    code = _snake(error.name)
    message = data.get("message")
    message = _(message) if message else (
        _(STATUS_MESSAGES[status]) if status in STATUS_MESSAGES else error.description or error.name)
    errors = _flatten_messages(messages) if messages else data.get("errors") or {}
    if messages and status in (400, 422):
        # Broken JSON and schema violations are both the client's input to fix.
        if messages.get("json") == ["Invalid JSON body."]:
            return error_response(422, "invalid_json", _("The request body is not valid JSON."), {})
        status, code, message = 422, "validation_error", _("The request is not valid.")
    if status >= 500:
        current_app.logger.exception("Unhandled error")
    if wants_page():
        return error_page(status, message, data.get("headers"))
    return error_response(status, code, message, errors, data.get("headers"))


def handle_unexpected(error: Exception):
    if current_app.testing or current_app.debug:
        raise error
    current_app.logger.exception("Unhandled error")
    if wants_page():
        return error_page(500, _("Something went wrong on our side."))
    return error_response(500, "internal_server_error", _("Something went wrong on our side."))


class ErrorSchema(ma.Schema):
    """The documented error shape (flask-smorest's default has ``code`` an integer and
    ``status`` a string, the other way round from what this API sends)."""

    code = ma.fields.String(required=True, metadata={
        "description": "Stable snake_case error code, e.g. validation_error"})
    status = ma.fields.Integer(required=True, metadata={"description": "HTTP status code"})
    message = ma.fields.String(required=True, metadata={"description": "Human text"})
    errors = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Raw(), required=True,
                            metadata={"description": "Messages by field"})


class RegistryApi(Api):
    """flask-smorest's Api documenting this API's error shape."""

    ERROR_SCHEMA = ErrorSchema


def init_app(app, api) -> None:
    api.handle_http_exception = handle_http_exception
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
