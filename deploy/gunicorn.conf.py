"""gunicorn settings for the web tier: ``make serve`` or
``gunicorn -c deploy/gunicorn.conf.py wsgi:app`` (docs/operations.md).

gthread workers: each worker process runs a pool of threads, and a connection that is
slow to send its request holds one thread, not the whole worker, as a sync worker
would (with ``-w 4`` sync workers, 8 slow clients stop the site; benchmarks/
slow_clients.py measures it). In production a buffering reverse proxy (deploy/nginx.conf)
sits in front anyway and hands gunicorn whole requests only.

Every value can be overridden from the environment (``GUNICORN_*``, ``WEB_CONCURRENCY``).
"""

import multiprocessing
import os
import shutil
from pathlib import Path


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = _int("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 8))
threads = _int("GUNICORN_THREADS", 8)
# A worker takes no more connections than it has threads. A gthread worker otherwise
# keeps accepting (up to 1000) while its threads are all held by slow senders, and the
# requests it took wait behind them; capped, it leaves them in the listen queue for a
# worker with a free thread. The cost is no idle keep-alive connection inside gunicorn,
# which the proxy in front does not need (it reconnects over loopback).
worker_connections = _int("GUNICORN_WORKER_CONNECTIONS", threads)
# A request taking longer than this is stuck: the worker is restarted (PDF rendering,
# the slowest request, takes about a second).
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Keep-alive is held by the proxy, not here (see worker_connections): 0 closes each
# connection after its response. Set it with GUNICORN_KEEPALIVE together with
# GUNICORN_WORKER_CONNECTIONS above the thread count when clients connect directly.
keepalive = _int("GUNICORN_KEEPALIVE", 0)
# Recycle workers now and then, jittered so they do not all restart together.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)
# Request-line and header limits (bytes); the proxy enforces body sizes.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
# The application writes one JSON line per request (core/ops/request_log.py): no access
# log here; gunicorn's own errors go to stderr.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# X-Forwarded-* are read by the application (TRUSTED_PROXY_COUNT), not by gunicorn.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "tanhui-registry"


def on_starting(server):
    """Prometheus multiprocess mode: start from an empty metrics folder."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        Path(folder).mkdir(parents=True, exist_ok=True)


def child_exit(server, worker):
    """A worker that died leaves its live gauges behind; drop them."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
