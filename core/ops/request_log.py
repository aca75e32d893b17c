"""A request id for every request and one JSON log line per request.

The id comes from the ``X-Request-ID`` header when it looks like one (a proxy or a
client set it), else it is generated; it is returned in ``X-Request-ID`` and written in
the log line, so one request can be followed from nginx to the database.

The line holds no personal data: no query string (searches and filters may name
people), and the path of a route whose arguments are secrets (payment links,
invitations) is written as its rule, ``/cases/pay/<token>``.
"""

import json
import logging
import re
import sys
import time
import uuid

from flask import g, request

_SANE_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
# View arguments that are capabilities: never written to a log.
SECRET_ARGUMENTS = frozenset({"token", "secret"})
MAX_PATH = 200

requests_log = logging.getLogger("registry.requests")
jobs_log = logging.getLogger("registry.jobs")


class JsonLines(logging.Formatter):
    """The record's ``fields`` as one JSON object per line (message under "event")."""

    def format(self, record):
        line = {"ts": round(record.created, 3), "level": record.levelname.lower(),
                "event": record.getMessage(), **getattr(record, "fields", {})}
        return json.dumps(line, ensure_ascii=False, separators=(",", ":"))


def configure_logging() -> None:
    """JSON lines on stderr for the registry's loggers (idempotent)."""
    for logger in (requests_log, jobs_log):
        # Alembic's env.py runs logging.fileConfig, which disables every logger that
        # existed before it; an app created after a migration in the same process
        # (tests, `flask db upgrade` then serving) would lose its log lines.
        logger.disabled = False
    root = logging.getLogger("registry")
    if not any(isinstance(h.formatter, JsonLines) for h in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonLines())
        root.addHandler(handler)
        root.setLevel(logging.INFO)
        # Not again through the root logger: gunicorn and Flask may configure that one.
        root.propagate = False


def request_id() -> str:
    """This request's id (the same value for the log line and the response header)."""
    return g.get("request_id") or "-"


def start_request() -> None:
    g.request_started = time.perf_counter()
    given = request.headers.get("X-Request-ID", "")
    g.request_id = given if _SANE_ID.fullmatch(given) else uuid.uuid4().hex


def loggable_path() -> str:
    rule = request.url_rule
    if rule is not None and SECRET_ARGUMENTS & set(request.view_args or {}):
        return rule.rule
    return request.path[:MAX_PATH]


def organization_id():
    """The organisation behind the request, when authentication already found it (never
    queried here: the log must not cost a database round trip)."""
    org = request.environ.get("registry.org")
    if org is not None:
        return org.id
    user = g.get("_login_user")
    return getattr(user, "organization_id", None)


def elapsed_ms() -> float:
    started = g.get("request_started")
    return round((time.perf_counter() - started) * 1000, 2) if started else 0.0


def finish_request(response):
    response.headers["X-Request-ID"] = request_id()
    requests_log.info("request", extra={"fields": {
        "request_id": request_id(), "method": request.method, "path": loggable_path(),
        "endpoint": request.endpoint, "status": response.status_code,
        "duration_ms": elapsed_ms(), "org_id": organization_id(),
    }})
    return response


def log_job(job_id: str, status: str, duration_ms: float, error: str | None = None) -> None:
    """One line per job run (``status`` ok or failed, with the exception's class)."""
    fields = {"job": job_id, "status": status, "duration_ms": round(duration_ms, 2)}
    if error:
        fields["error"] = error
    (jobs_log.error if error else jobs_log.info)("job", extra={"fields": fields})


def init_app(app) -> None:
    configure_logging()
    # First before_request of all: every other hook may log with the id.
    app.before_request_funcs.setdefault(None, []).insert(0, start_request)
    app.after_request(finish_request)
