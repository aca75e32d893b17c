"""Shared pieces of the benchmarks: a throw-away PostgreSQL database, the app's CLI, a
gunicorn server on a free local port, setup through the app's own use cases, and a
concurrent load loop bounded in time and in count.

Every benchmark is a script run from the project's virtualenv::

    .venv/bin/python benchmarks/NAME.py

Only 127.0.0.1 is ever contacted. Nothing here is imported by the application.
"""

import http.client
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
# The project's modules come from this checkout, not from whatever the venv points at.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Console scripts of the venv running the benchmark (not resolved: the venv's python is a
# symlink to the system interpreter).
BIN = Path(sys.executable).parent
PG_ADMIN_DSN = os.environ.get("BENCH_PG_ADMIN_DSN",
                              "postgresql://postgres@127.0.0.1:5432/postgres")


# --- database ---------------------------------------------------------------------------

def fresh_database(name: str) -> str:
    """Drop and recreate database ``name`` on the local server; return its SQLAlchemy URL.

    ``WITH (FORCE)`` ends sessions a crashed earlier run may have left behind.
    """
    if not name.replace("_", "").isalnum() or name in ("postgres", "test"):
        raise ValueError(f"refusing to recreate database {name!r}")
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    return f"{base}/{name}"


def psycopg_dsn(url: str) -> str:
    """The libpq form of a ``postgresql+psycopg://`` SQLAlchemy URL."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def environment(url: str, instance_dir: str) -> dict:
    """Process environment for the app's CLI and server against ``url``.

    The instance folder (signing keys, SQLite default) is a private temporary one, so a
    benchmark never touches a developer's ``instance/``.
    """
    env = dict(os.environ, DATABASE_URL=url, INSTANCE_DIR=instance_dir,
               SIGNING_KEY_DIR=str(Path(instance_dir) / "keys"), SCHEDULER_ENABLED="0",
               PYTHONUNBUFFERED="1")
    env.pop("FLASK_APP", None)
    return env


def flask_cli(url: str, instance_dir: str, *args: str, check: bool = True,
              timeout: float = 300) -> subprocess.CompletedProcess:
    """Run ``flask --app wsgi ARGS`` in the project root against ``url``."""
    result = subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT,
                            env=environment(url, instance_dir), capture_output=True,
                            text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed ({result.returncode}):\n"
                           f"{result.stdout}{result.stderr}")
    return result


def migrate(url: str, instance_dir: str) -> None:
    """Build the schema with the app's own migrations (every head)."""
    flask_cli(url, instance_dir, "db", "upgrade", "heads")


# --- setup through the app's use cases ----------------------------------------------------

@dataclass
class Actor:
    """An organisation as a client sees it: its id, name and bearer token."""

    id: int
    name: str
    token: str

    @property
    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"}


@contextmanager
def app_context(url: str, instance_dir: str):
    """The application bound to ``url``, for setting up data with its use cases."""
    from core.app import create_app
    from core.db import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url,
                      "SIGNING_KEY_DIR": str(Path(instance_dir) / "keys")})
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()  # leave no idle connection behind for the measured phases


def make_org(name: str, *roles: str, kind: str = "enterprise") -> Actor:
    from core.db import transaction
    from core.models import Organization, issue_token

    with transaction() as session:
        org = Organization(name=name, kind=kind, roles=list(roles))
        session.add(org)
        session.flush()
        return Actor(org.id, org.name, issue_token(org))


def make_lot(seller: Actor, verifier: Actor, kg: int, *, code: str = "TR-METRO",
             vintage: int = 2026) -> int:
    """File the methodology if needed, then request, verify and issue a lot of ``kg``."""
    import sqlalchemy as sa

    from core.db import transaction
    from core.models import Organization
    from market import issuance

    with transaction() as session:
        if session.execute(sa.select(issuance.Methodology.id)
                           .where(issuance.Methodology.code == code)).first() is None:
            issuance.file_methodology(code=code, title_zh="基准测试方法学",
                                      title_en="Benchmark methodology", scenario="transport",
                                      version="1.0", status="filed")
        request = issuance.submit_issuance_request(
            session.get(Organization, seller.id), methodology_code=code, vintage=vintage,
            period_start=date(vintage, 1, 1), period_end=date(vintage, 6, 30),
            quantity_kg=kg, evidence={})
        issuance.verify_issuance_request(session.get(Organization, verifier.id), request.id,
                                         decision="approved", verified_kg=kg,
                                         report_ref="BENCH")
        return issuance.issue_lot(request.id).id


def give(seller: Actor, holder: Actor, lot_id: int, kg: int) -> None:
    """Transfer ``kg`` of a lot from ``seller`` to ``holder`` (the transfer use case)."""
    from core.db import transaction
    from core.models import Organization
    from market.transfers import transfer_units

    with transaction() as session:
        transfer_units(session.get(Organization, seller.id), to_organization_id=holder.id,
                       lot_id=lot_id, quantity_kg=kg)


# --- the server ---------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """``gunicorn -w W --threads T -b 127.0.0.1:PORT wsgi:app`` against one database.

    Used as a context manager; stops only the gunicorn master it started (which stops
    its workers), escalating to SIGKILL of that process group if it will not go.
    """

    def __init__(self, url: str, instance_dir: str, *, workers: int = 4, threads: int = 1,
                 ready_path: str = "/api/v1/openapi.json"):
        self.url, self.instance_dir = url, instance_dir
        self.workers, self.threads, self.ready_path = workers, threads, ready_path
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = None
        self.log_path = Path(instance_dir) / f"gunicorn-{self.port}.log"

    def start(self, timeout: float = 30) -> "Server":
        self._log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-w", str(self.workers), "--threads", str(self.threads),
             "-b", f"127.0.0.1:{self.port}", "--chdir", str(ROOT), "--log-level", "warning",
             "--worker-tmp-dir", "/dev/shm" if os.path.isdir("/dev/shm") else tempfile.gettempdir(),
             "wsgi:app"],
            cwd=ROOT, env=environment(self.url, self.instance_dir), stdout=self._log,
            stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.process.returncode}):\n{self.log()}")
            try:
                if requests.get(self.base + self.ready_path, timeout=2).status_code < 500:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer within {timeout} s:\n{self.log()}")

    def log(self) -> str:
        try:
            return self.log_path.read_text()[-4000:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)  # our own session's group
            self.process.wait()
        self._log.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


# --- a light HTTP client ------------------------------------------------------------

def post_json(port: int, path: str, headers: dict, body: dict) -> tuple[int, bytes]:
    """One POST on a fresh connection (gunicorn's sync workers close after every
    response), with plain ``http.client``: a lighter client leaves more of the 2 cores to
    the server under test than ``requests`` does."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("POST", path, body=json.dumps(body),
                     headers={**headers, "Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()



# --- where the CPU went -------------------------------------------------------------------

def _proc_jiffies(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rpartition(")")[2].split()
        return int(fields[11]) + int(fields[12])  # utime + stime
    except (OSError, IndexError, ValueError):
        return 0


def _descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        current = todo.pop()
        found.add(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except OSError:
            pass
    return found


def _postgres_pids() -> set[int]:
    pids = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/comm") as f:
                    if f.read().strip() == "postgres":
                        pids.add(int(entry))
            except OSError:
                pass
    return pids


class CpuMeter:
    """Cores used during a phase, split into the server under test (a process tree),
    PostgreSQL, this benchmark process (the clients) and everything else on the machine.

    Linux only (reads /proc); a process that starts or ends inside the phase counts under
    "other". ``with CpuMeter(server_pid) as cpu: …`` then ``cpu.summary()``.
    """

    def __init__(self, server_pid: int | None = None):
        self.server_pid = server_pid
        self.cores = os.cpu_count() or 1
        self.used: dict[str, float] = {}

    def _snapshot(self) -> dict:
        with open("/proc/stat") as f:
            cpu = [int(x) for x in f.readline().split()[1:]]
        groups = {"server": _descendants(self.server_pid) if self.server_pid else set(),
                  "postgres": _postgres_pids(), "client": {os.getpid()}}
        return {"busy": sum(cpu) - cpu[3] - cpu[4], "time": time.monotonic(),
                "pids": {name: {pid: _proc_jiffies(pid) for pid in pids}
                         for name, pids in groups.items()}}

    def __enter__(self):
        self._start = self._snapshot()
        return self

    def __exit__(self, *exc):
        end = self._snapshot()
        ticks = os.sysconf("SC_CLK_TCK") * (end["time"] - self._start["time"])
        accounted = 0
        for name, pids in end["pids"].items():
            before = self._start["pids"][name]
            used = sum(j - before[pid] for pid, j in pids.items() if pid in before)
            accounted += used
            self.used[name] = used / ticks
        self.used["other"] = max(0, end["busy"] - self._start["busy"] - accounted) / ticks
        self.used["total"] = (end["busy"] - self._start["busy"]) / ticks

    def summary(self) -> str:
        parts = ", ".join(f"{name} {self.used[name]:.2f}"
                          for name in ("server", "postgres", "client", "other")
                          if name in self.used and (name != "server" or self.server_pid))
        return f"CPU {self.used.get('total', 0):.2f}/{self.cores} cores ({parts})"


def busy_cores(seconds: float = 1.0) -> float:
    """Cores busy on the whole machine over the next ``seconds`` (before a run: is anyone
    else using the CPU the figures need?)."""
    def read():
        with open("/proc/stat") as f:
            cpu = [int(x) for x in f.readline().split()[1:]]
        return sum(cpu) - cpu[3] - cpu[4], time.monotonic()
    busy, t0 = read()
    time.sleep(seconds)
    busy2, t1 = read()
    return (busy2 - busy) / os.sysconf("SC_CLK_TCK") / (t1 - t0)


# --- load ---------------------------------------------------------------------------------

@dataclass
class LoadResult:
    """What a load run did: successes, failures by kind, wall time and latencies (s)."""

    clients: int
    ok: int = 0
    elapsed: float = 0.0
    failures: Counter = field(default_factory=Counter)
    latencies: list = field(default_factory=list)
    cpu: "CpuMeter | None" = None

    @property
    def failed(self) -> int:
        return sum(self.failures.values())

    @property
    def rate(self) -> float:
        return throughput(self.ok, self.elapsed)

    def summary(self, unit: str = "ops") -> str:
        text = (f"{self.ok} {unit} in {self.elapsed:.2f} s = {self.rate:.1f} {unit}/s, "
                f"median {median_ms(self.latencies):.1f} ms, "
                f"p95 {percentile(self.latencies, 95) * 1000:.1f} ms")
        if self.failed:
            text += f", {self.failed} FAILED"
        if self.cpu is not None:
            text += f"; {self.cpu.summary()}"
        return text


def run_load(worker, *, clients: int, seconds: float, max_count: int | None = None,
             warmup_seconds: float = 0.0, cpu: CpuMeter | None = None) -> LoadResult:
    """Run ``clients`` threads, each inside ``with worker(i) as step:`` calling ``step()``
    until ``seconds`` have passed or ``max_count`` calls have started in all.

    ``step()`` returns None on success or a short failure label; an exception counts as
    a failure named after its type. Warm-up calls (all clients, ``warmup_seconds``) run
    first and are not counted. The clock starts when every client is ready (connected).
    ``cpu``, if given, is entered and left around the measured window (``result.cpu``).
    """
    result = LoadResult(clients)
    lock = threading.Lock()
    ready = threading.Barrier(clients + 1)  # every client connected
    finished = threading.Barrier(clients + 1)  # every client done, still connected
    go, release = threading.Event(), threading.Event()
    state = {"started": 0, "deadline": 0.0, "measuring": False}
    setup_errors = []

    def call(step):
        t0 = time.perf_counter()
        try:
            outcome = step()
        except Exception as error:  # noqa: BLE001  (a benchmark counts, it does not stop)
            outcome = f"{type(error).__name__}: {str(error)[:160]}"
        return outcome, time.perf_counter() - t0

    def loop(step):
        while True:
            with lock:
                measuring = state["measuring"]
                if measuring:
                    if time.monotonic() >= state["deadline"] or (
                            max_count is not None and state["started"] >= max_count):
                        return
                    state["started"] += 1
            outcome, latency = call(step)
            with lock:
                if not measuring:
                    if outcome is not None:
                        result.failures[f"(warm-up) {outcome}"] += 1
                elif outcome is None:
                    result.ok += 1
                    result.latencies.append(latency)
                else:
                    result.failures[outcome] += 1

    def body(i):
        try:
            with worker(i) as step:
                try:
                    ready.wait()
                except threading.BrokenBarrierError:
                    return
                go.wait()
                loop(step)
                # Stay connected until the CPU meter has read the server processes.
                try:
                    finished.wait()
                except threading.BrokenBarrierError:
                    pass
                release.wait()
        except Exception as error:  # noqa: BLE001
            with lock:
                setup_errors.append(f"client {i}: {type(error).__name__}: {error}")
            ready.abort()
            finished.abort()

    threads = [threading.Thread(target=body, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    try:
        ready.wait()
    except threading.BrokenBarrierError:
        finished.abort()
        go.set()
        release.set()
        for thread in threads:
            thread.join()
        raise RuntimeError("a client could not start: " + "; ".join(setup_errors)) from None
    if warmup_seconds > 0:  # warm-up calls run until measuring is switched on for all
        go.set()
        time.sleep(warmup_seconds)
    if cpu is not None:
        cpu.__enter__()
    with lock:
        start = time.monotonic()
        state["deadline"] = start + seconds
        state["measuring"] = True
    go.set()
    try:
        finished.wait()
    except threading.BrokenBarrierError:
        pass
    result.elapsed = time.monotonic() - start
    if cpu is not None:
        cpu.__exit__(None, None, None)
        result.cpu = cpu
    release.set()
    for thread in threads:
        thread.join()
    if setup_errors:
        result.failures.update(setup_errors)
    return result


def throughput(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else 0.0


def median_ms(latencies: list) -> float:
    return statistics.median(latencies) * 1000 if latencies else float("nan")


def percentile(values: list, pct: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def temporary_instance() -> tempfile.TemporaryDirectory:
    """A private instance folder (keys, logs) removed at the end of the run."""
    return tempfile.TemporaryDirectory(prefix="registry-bench-")


def unique(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(3)}"
