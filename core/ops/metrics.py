"""Prometheus metrics at ``/metrics``.

Request latency by endpoint, method and status, and the registry's own counters (orders
placed and fulfilled, retirements, job runs and failures: ``market/metrics.py`` and
``core/jobs.py`` count them). Under gunicorn with several worker processes, set
``PROMETHEUS_MULTIPROC_DIR`` (``deploy/gunicorn.conf.py`` empties it at start and drops
dead workers' files) and every worker answers for all of them.

Who may read it: see ``METRICS_PUBLIC`` in ``core/config.py`` and docs/operations.md.
"""

import hmac
import ipaddress
import os

from flask import Blueprint, Response, current_app, request
from prometheus_client import (CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter,
                               Histogram, generate_latest)
from prometheus_client import multiprocess

from core.errors import error_response
from core.ops.request_log import elapsed_ms

bp = Blueprint("metrics", __name__)

REQUEST_SECONDS = Histogram(
    "registry_http_request_duration_seconds", "Time to answer a request, by route.",
    ["endpoint", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
ORDERS_PLACED = Counter("registry_orders_placed", "Orders placed (committed).")
ORDERS_FULFILLED = Counter("registry_orders_fulfilled", "Orders fulfilled (committed).")
RETIREMENTS = Counter("registry_retirements", "Retirements recorded (committed).")
RETIRED_KG = Counter("registry_retired_kg", "Kilograms CO2e retired (committed).")
JOB_RUNS = Counter("registry_job_runs", "Scheduled job runs.", ["job"])
JOB_FAILURES = Counter("registry_job_failures", "Scheduled job runs that raised.", ["job"])


def observe_request(response):
    REQUEST_SECONDS.labels(request.endpoint or "unmatched", request.method,
                           str(response.status_code)).observe(elapsed_ms() / 1000)
    return response


def is_public(config) -> bool:
    configured = config.get("METRICS_PUBLIC")
    if configured is None:
        return not config["BASE_URL"].startswith("https://")
    return configured


def _allowed_address(address: str | None, allowed: str) -> bool:
    if not address:
        return False
    try:
        client = ipaddress.ip_address(address)
    except ValueError:
        return False
    for entry in filter(None, (item.strip() for item in allowed.split(","))):
        if client in ipaddress.ip_network(entry, strict=False):
            return True
    return False


def _has_token(expected: str | None) -> bool:
    scheme, _space, given = request.headers.get("Authorization", "").partition(" ")
    return bool(expected) and scheme.lower() == "bearer" and \
        hmac.compare_digest(given.strip().encode(), expected.encode())


def may_read_metrics() -> bool:
    config = current_app.config
    return (is_public(config) or _has_token(config.get("METRICS_TOKEN"))
            or _allowed_address(request.remote_addr, config.get("METRICS_ALLOWED_ADDRESSES", "")))


def collected() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(REGISTRY)


@bp.get("/metrics")
def metrics():
    if not may_read_metrics():
        return error_response(403, "forbidden", "Metrics are not public here.")
    return Response(collected(), content_type=CONTENT_TYPE_LATEST)


def init_app(app) -> None:
    app.after_request(observe_request)
    app.register_blueprint(bp)
