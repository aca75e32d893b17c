"""Rate limits beyond sign-in, on the one Flask-Limiter of ``core.people.sessions`` (its
storage, ``RATELIMIT_STORAGE_URI``, is shared with the sign-in limit).

* anonymous certificate verifications (``POST /api/v1/certificates/verification`` and
  the ``/verify`` form): every post counts, ``VERIFY_RATE_LIMIT`` per client address;
* payment links (``/cases/pay/<token>``): only lookups that find no link count,
  ``PAYMENT_LINK_RATE_LIMIT`` per address, so a payer is never slowed but guessing is;
* bearer tokens: only requests refused as unauthorised (401) count,
  ``TOKEN_FAILURE_RATE_LIMIT`` per address (``core.auth``).

Because only failures count (or, for uploads, only the uploads), the test suite's many
requests from one address are not throttled by accident; tests set tiny limits.
Over a limit: 429 with ``Retry-After`` and the error shape (API) or a page (site).
"""

import math
import time
from functools import wraps

from flask import current_app, make_response, render_template, request
from flask_babel import gettext as _
from limits import parse
from werkzeug.exceptions import HTTPException, TooManyRequests

from core.errors import DomainError, error_response
from core.people.sessions import limiter


class Throttled(TooManyRequests):
    """Over one of these limits; ``retry_after`` in whole seconds."""

    def __init__(self, retry_after: int):
        super().__init__()
        self.retry_after = retry_after


def client_address() -> str:
    return request.remote_addr or "unknown"


def _item(setting: str):
    return parse(current_app.config[setting])


def check(scope: str, setting: str) -> None:
    """Raise ``Throttled`` when this client has used up ``setting``'s limit for ``scope``."""
    if not limiter.enabled:
        return
    item, key = _item(setting), client_address()
    if not limiter.limiter.test(item, scope, key):
        reset_at, _remaining = limiter.limiter.get_window_stats(item, scope, key)
        raise Throttled(max(1, math.ceil(reset_at - time.time())))


def count(scope: str, setting: str) -> None:
    """Count one more request against ``setting``'s limit for ``scope``."""
    if limiter.enabled:
        limiter.limiter.hit(_item(setting), scope, client_address())


def count_every_post(status: int) -> bool:
    return request.method == "POST"


def count_not_found(status: int) -> bool:
    """Lookups that find nothing: guessing a capability (a payment link's token)."""
    return status in (404, 410)


def throttled(scope: str, setting: str, counts=count_every_post):
    """Decorate a view: refuse it over the limit; count it when ``counts(status)`` says so,
    whether the view answered with that status or raised an error that carries it."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            check(scope, setting)
            try:
                response = make_response(view(*args, **kwargs))
            except (DomainError, HTTPException) as error:
                if counts(getattr(error, "status", None) or error.code):
                    count(scope, setting)
                raise
            if counts(response.status_code):
                count(scope, setting)
            return response

        return wrapper

    return decorator


def handle_throttled(error: Throttled):
    headers = {"Retry-After": str(error.retry_after)}
    if request.path.startswith("/api/"):
        return error_response(429, "too_many_requests",
                              _("Too many requests; try again later."), headers=headers)
    return render_template("too_many_requests.html", retry_after=error.retry_after), \
        429, headers


def init_app(app) -> None:
    app.register_error_handler(Throttled, handle_throttled)
