"""What an operator needs around the application: security headers, request ids and
JSON logs, Prometheus metrics, health and readiness, rate limits, backups.

``init_app`` is called right after the error handlers, before any blueprint, so its
``after_request`` hooks run last and see the final response of every request (pages,
API, static files, PDFs and error responses alike).
"""

from werkzeug.middleware.proxy_fix import ProxyFix


def init_app(app, api) -> None:
    from core.ops import health, headers, metrics, request_log, throttle

    proxies = app.config.get("TRUSTED_PROXY_COUNT") or 0
    if proxies:
        # The client's address and scheme as the proxy saw them: rate limits count per
        # client, not per proxy, and logs show who asked.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    # after_request hooks run in reverse order: the log line is written last of all.
    request_log.init_app(app)
    metrics.init_app(app)
    headers.init_app(app)
    health.init_app(app)
    throttle.init_app(app)
