"""Slow clients against the production command, and against a plain sync baseline.

Starts ``gunicorn -c deploy/gunicorn.conf.py wsgi:app`` (gthread workers; 4 processes)
on a free local port against a fresh SQLite database, opens 8 connections that trickle
their request headers one byte every half second, and meanwhile sends normal GETs one
after another for ~10 s, printing p50/p95 latency. Then the same against
``gunicorn -w 4 wsgi:app`` (sync workers), measured in the same run, and the ratio.
A GET that takes longer than the client timeout (5 s) counts as a timeout.

    .venv/bin/python benchmarks/slow_clients.py [--seconds 10] [--slow 8]

Only 127.0.0.1 is contacted; everything stops by itself (~45 s in all).
"""

import argparse
import os
import signal
import socket
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import requests

from common import BIN, ROOT, environment, flask_cli, free_port

CLIENT_TIMEOUT = 5.0
PATHS = ("/api/v1/listings", "/healthz", "/")


def start(command: list[str], env: dict, port: int, log: Path) -> subprocess.Popen:
    handle = log.open("w")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=handle,
                               stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{command} exited:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).ok:
                return process
        except requests.RequestException:
            pass
        time.sleep(0.2)
    stop(process)
    raise RuntimeError(f"{command} did not answer:\n{log.read_text()[-3000:]}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # the session this script started
        process.wait()


def slow_client(port: int, stop_event: threading.Event) -> None:
    """A request whose headers never finish: one byte every half second."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            while not stop_event.wait(0.5):
                sock.sendall(b"X")
    except OSError:
        pass  # the server closed it: a slow client gives up too


def measure(port: int, seconds: float, slow: int) -> dict:
    stop_event = threading.Event()
    threads = [threading.Thread(target=slow_client, args=(port, stop_event), daemon=True)
               for _ in range(slow)]
    for thread in threads:
        thread.start()
    time.sleep(1.0)  # let them be accepted and hold what they hold
    latencies, timeouts, errors = [], 0, 0
    session = requests.Session()
    deadline = time.monotonic() + seconds
    i = 0
    while time.monotonic() < deadline:
        path = PATHS[i % len(PATHS)]
        i += 1
        started = time.perf_counter()
        try:
            response = session.get(f"http://127.0.0.1:{port}{path}", timeout=CLIENT_TIMEOUT)
            if response.status_code >= 500:
                errors += 1
            latencies.append((time.perf_counter() - started) * 1000)
        except requests.Timeout:
            timeouts += 1
            latencies.append(CLIENT_TIMEOUT * 1000)
            session = requests.Session()
        except requests.ConnectionError:
            errors += 1
            latencies.append((time.perf_counter() - started) * 1000)
            session = requests.Session()
    stop_event.set()
    for thread in threads:
        thread.join(timeout=5)
    ordered = sorted(latencies)
    return {"requests": len(latencies), "timeouts": timeouts, "errors": errors,
            "p50": statistics.median(ordered),
            "p95": ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]}


def run(label: str, command: list[str], env: dict, port: int, folder: Path, args) -> dict:
    process = start(command, env, port, folder / f"{label}.log")
    try:
        for _ in range(20):  # warm every worker's imports and connections
            requests.get(f"http://127.0.0.1:{port}/api/v1/listings", timeout=5)
        result = measure(port, args.seconds, args.slow)
    finally:
        stop(process)
    print(f"{label:>10}: {result['requests']:5d} GETs in {args.seconds:.0f} s with "
          f"{args.slow} slow clients, p50 {result['p50']:8.1f} ms, p95 {result['p95']:8.1f} ms, "
          f"{result['timeouts']} timeouts (> {CLIENT_TIMEOUT:.0f} s), {result['errors']} errors")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--slow", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="slow-clients-") as tmp:
        folder = Path(tmp)
        url = f"sqlite:///{folder / 'registry.db'}"
        flask_cli(url, tmp, "db", "upgrade", "heads")
        ours_port, base_port = free_port(), free_port()
        env = environment(url, tmp)
        ours_env = dict(env, GUNICORN_BIND=f"127.0.0.1:{ours_port}", WEB_CONCURRENCY="4",
                        PROMETHEUS_MULTIPROC_DIR=str(folder / "prometheus"))
        ours = run("production", [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py",
                                  "wsgi:app"], ours_env, ours_port, folder, args)
        base = run("sync -w 4", [str(BIN / "gunicorn"), "-w", "4", "-b",
                                 f"127.0.0.1:{base_port}", "wsgi:app"], env, base_port,
                   folder, args)
    ratio = base["p95"] / ours["p95"] if ours["p95"] else float("inf")
    verdict = "PASS" if ours["p95"] < 100 and not ours["timeouts"] else "FAIL"
    print(f"p95 baseline / production = {ratio:.0f}x; production p95 < 100 ms: {verdict}")


if __name__ == "__main__":
    main()
