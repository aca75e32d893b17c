"""Scheduler wiring. Domains register jobs; ``flask jobs run`` runs them in production.

A job is a tiny function that runs in an app context; the job opens its own
``transaction()``. On PostgreSQL a second scheduler waits on an advisory lock, so one
may be started on every host without running any job twice.
"""

import time

import click
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import text

from core.db import db
from core.ops.metrics import JOB_FAILURES, JOB_RUNS
from core.ops.request_log import log_job

SCHEDULER_LOCK_KEY = 7_420_001  # arbitrary, stable: "the scheduler of this registry"

jobs_cli = AppGroup("jobs", help="Scheduled jobs.")


def register_job(app: Flask, func, *, id: str, minutes: int | None = None, hours: int | None = None):
    """Declare ``func(app)`` to run every ``minutes`` or ``hours``."""
    app.extensions.setdefault("registry_jobs", []).append(
        {"func": func, "id": id, "minutes": minutes, "hours": hours}
    )


def _in_context(app: Flask, func, job_id: str):
    """The job in an app context, counted and logged (one JSON line per run)."""

    def run():
        started = time.perf_counter()
        JOB_RUNS.labels(job_id).inc()
        with app.app_context():
            try:
                func()
            except Exception as error:
                JOB_FAILURES.labels(job_id).inc()
                log_job(job_id, "failed", (time.perf_counter() - started) * 1000,
                        type(error).__name__)
                raise
            finally:
                db.session.remove()
        log_job(job_id, "ok", (time.perf_counter() - started) * 1000)

    return run


def schedule_all(app: Flask, scheduler) -> None:
    for job in app.extensions.get("registry_jobs", []):
        interval = {k: job[k] for k in ("minutes", "hours") if job[k]}
        scheduler.add_job(_in_context(app, job["func"], job["id"]), "interval", id=job["id"],
                          replace_existing=True, coalesce=True, max_instances=1, **interval)


def run_all_once(app: Flask) -> list[str]:
    """Run every registered job once, in order (tests and ``flask jobs run-once``)."""
    names = []
    for job in app.extensions.get("registry_jobs", []):
        _in_context(app, job["func"], job["id"])()
        names.append(job["id"])
    return names


def start_background(app: Flask) -> BackgroundScheduler:
    """The in-process scheduler used by the development server (``make run``)."""
    scheduler = BackgroundScheduler(timezone="UTC")
    schedule_all(app, scheduler)
    scheduler.start()
    app.extensions["registry_scheduler"] = scheduler
    return scheduler


@jobs_cli.command("run")
def run_jobs() -> None:
    """Run the scheduler in the foreground (one per deployment; others wait)."""
    app = current_app._get_current_object()
    if db.engine.dialect.name == "postgresql":
        connection = db.engine.connect()
        click.echo("Waiting for the scheduler lock…")
        while not connection.execute(
            text("SELECT pg_try_advisory_lock(:k)"), {"k": SCHEDULER_LOCK_KEY}
        ).scalar():
            connection.commit()
            time.sleep(5)
        connection.commit()
    scheduler = BlockingScheduler(timezone="UTC")
    schedule_all(app, scheduler)
    click.echo(f"Scheduler running {len(scheduler.get_jobs())} jobs.")
    scheduler.start()


@jobs_cli.command("run-once")
def run_jobs_once() -> None:
    """Run every job once and exit (useful from cron or by hand)."""
    for name in run_all_once(current_app._get_current_object()):
        click.echo(f"ran {name}")


def init_app(app: Flask) -> None:
    app.cli.add_command(jobs_cli)
