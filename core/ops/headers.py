"""Security headers on every response.

The content security policy allows no inline script or style: templates link their CSS
and JavaScript from ``static/`` (the Swagger UI page too, see ``core/templates/
swagger_ui.html``). A view that needs another policy sets its own header first.
"""

from urllib.parse import urlsplit

from flask import current_app

# Payment forms redirect to Stripe Checkout, and browsers hold the redirect of a form
# post to form-action too.
STRIPE_CHECKOUT = "https://checkout.stripe.com"

HSTS = "max-age=31536000; includeSubDomains"


def content_security_policy(config) -> str:
    """No inline script or style, no framing, forms only to us and to Stripe Checkout."""
    form_targets = ["'self'", STRIPE_CHECKOUT]
    if config.get("STRIPE_API_BASE"):  # another Stripe-compatible service (tests: a fake)
        parts = urlsplit(config["STRIPE_API_BASE"])
        form_targets.append(f"{parts.scheme}://{parts.netloc}")
    return "; ".join([
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action " + " ".join(form_targets),
    ])


def add_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", current_app.config["CONTENT_SECURITY_POLICY"])
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    return response


def add_hsts(response):
    response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_app(app) -> None:
    app.config["CONTENT_SECURITY_POLICY"] = content_security_policy(app.config)
    app.after_request(add_security_headers)
    # HSTS only where the public origin is https: a browser told to insist on https for
    # 127.0.0.1 would lock the developer out of the embedded default.
    if app.config["BASE_URL"].startswith("https://"):
        app.after_request(add_hsts)
