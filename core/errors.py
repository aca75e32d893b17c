"""One error shape for the whole API: ``{code, status, message, errors}``.

Domains raise ``DomainError`` subclasses; marshmallow and webargs validation errors and
every ``HTTPException`` are turned into the same shape by ``ErrorHandling``.
"""

import marshmallow as ma
from flask import current_app, jsonify
from flask_smorest import Api
from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    """A business rule said no. Subclasses set ``status`` and ``code``."""

    status = 409
    code = "conflict"

    def __init__(self, message: str, errors: dict | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


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


def _snake(name: str) -> str:
    return "_".join(name.lower().replace("'", "").split())


def error_response(status: int, code: str, message: str, errors: dict | None = None, headers=None):
    body = {"code": code, "status": status, "message": message, "errors": errors or {}}
    response = jsonify(body)
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


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
    return error_response(error.status, error.code, error.message, error.errors)


def handle_http_exception(error: HTTPException):
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    status = error.code or 500
    code = _snake(error.name)
    message = data.get("message") or error.description or error.name
    errors = _flatten_messages(messages) if messages else data.get("errors") or {}
    if messages and status in (400, 422):
        # Broken JSON and schema violations are both the client's input to fix.
        if messages.get("json") == ["Invalid JSON body."]:
            return error_response(422, "invalid_json", "The request body is not valid JSON.", {})
        status, code, message = 422, "validation_error", "The request is not valid."
    if status >= 500:
        current_app.logger.exception("Unhandled error")
    return error_response(status, code, message, errors, data.get("headers"))


def handle_unexpected(error: Exception):
    if current_app.testing or current_app.debug:
        raise error
    current_app.logger.exception("Unhandled error")
    return error_response(500, "internal_server_error", "Something went wrong on our side.")


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
