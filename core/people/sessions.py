"""Browser sessions: Flask-Login, CSRF on every page form, the sign-in rate limit and
the session cookie's flags.

The JSON API under ``/api/`` authenticates with bearer tokens, not cookies, so it needs no
CSRF token (nor does the Stripe webhook, which lives there too); every other unsafe
request, in any package, must carry the form's ``csrf_token``.
"""

from flask import current_app, g, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter import Limiter
from flask_limiter.errors import RateLimitExceeded
from flask_login import LoginManager
from flask_wtf.csrf import CSRFError, CSRFProtect

from core.errors import error_response
from core.people import users

login_manager = LoginManager()
login_manager.login_view = "people_pages.login"
login_manager.login_message = _l("Please sign in to see this page.")
login_manager.login_message_category = "info"
login_manager.user_loader(users.load_user)

csrf = CSRFProtect()


def sign_in_key() -> str:
    """Failed sign-ins are counted per client address and email."""
    email = users.normalize_email(request.form.get("email", ""))[:254]
    return f"{request.remote_addr}|{email}"


# Storage and limit come from the configuration (RATELIMIT_STORAGE_URI, LOGIN_RATE_LIMIT).
limiter = Limiter(key_func=sign_in_key)


def login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def forget_previous_request() -> None:
    """Flask-Login caches the user and Flask-WTF the CSRF token on ``g``, which lives on
    the app context; an app context can outlive one request (tests), so each request
    starts without them."""
    g.pop("_login_user", None)
    g.pop(current_app.config["WTF_CSRF_FIELD_NAME"], None)


def protect_forms() -> None:
    if current_app.config["WTF_CSRF_ENABLED"] and not is_api_request():
        csrf.protect()


def handle_csrf_error(error: CSRFError):
    if is_api_request():
        return error_response(400, "csrf_failed", error.description)
    return render_template("people/form_expired.html"), 400


def handle_rate_limited(error: RateLimitExceeded):
    headers = {"Retry-After": "60"}
    if is_api_request():
        return error_response(429, "too_many_requests",
                              _("Too many requests. Wait a minute and try again."),
                              headers=headers)
    return render_template("people/too_many_attempts.html"), 429, headers


def configure_cookie(app) -> None:
    """HttpOnly and SameSite=Lax always; Secure when the public origin is https.

    Under TESTING the flag stays off unless set, because the test client speaks http and
    would not send a Secure cookie back."""
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = app.config.get("SESSION_COOKIE_SAMESITE") or "Lax"
    if app.config.get("SESSION_COOKIE_SECURE") is None:
        app.config["SESSION_COOKIE_SECURE"] = (
            app.config["BASE_URL"].startswith("https://") and not app.testing)
    app.config["REMEMBER_COOKIE_SECURE"] = app.config["SESSION_COOKIE_SECURE"]
    app.config["REMEMBER_COOKIE_SAMESITE"] = "Lax"


def init_app(app) -> None:
    configure_cookie(app)
    login_manager.init_app(app)
    app.before_request(forget_previous_request)
    # Flask-WTF's own check would cover /api/ too: ours skips it (see module docstring).
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    csrf.init_app(app)
    app.before_request(protect_forms)
    limiter.init_app(app)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(RateLimitExceeded, handle_rate_limited)
