"""The production command starts: gunicorn with deploy/gunicorn.conf.py serves /healthz,
/readyz and /metrics (multiprocess) on a free local port, and stops when told."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from conftest import POSTGRES_URL, _fresh_database

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, seconds: float = 30) -> requests.Response:
    deadline = time.monotonic() + seconds
    while True:
        try:
            return requests.get(url, timeout=5)
        except (requests.ConnectionError, requests.Timeout):  # workers still booting
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_gunicorn_with_the_shipped_configuration_serves_health_and_metrics(
        migrated, tmp_path, keys_dir):
    port = free_port()
    env = dict(os.environ, DATABASE_URL=_fresh_database(migrated),
               INSTANCE_DIR=str(tmp_path), SIGNING_KEY_DIR=str(keys_dir),
               GUNICORN_BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="2", GUNICORN_THREADS="4",
               PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "prometheus"),
               BASE_URL="http://127.0.0.1:5000", SCHEDULER_ENABLED="0")
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "deploy/gunicorn.conf.py",
         "wsgi:app"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        health = wait_for(f"{base}/healthz")
        assert health.status_code == 200 and health.json() == {"status": "ok"}
        assert health.headers["X-Frame-Options"] == "DENY"
        assert requests.get(f"{base}/readyz", timeout=5).json()["status"] == "ok"
        for _ in range(6):  # spread over both workers
            requests.get(f"{base}/healthz", timeout=5)
        metrics = requests.get(f"{base}/metrics", timeout=5).text
        assert 'registry_http_request_duration_seconds_count{endpoint="health.healthz"' \
               in metrics
    finally:
        server.send_signal(signal.SIGTERM)
        output = server.communicate(timeout=30)[0].decode()
    assert server.returncode == 0, output
    assert "gthread" in output
