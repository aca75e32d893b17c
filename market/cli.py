"""``flask audit`` and ``flask demo seed``."""

import sys

import click
from flask.cli import AppGroup

from core.db import transaction
from market import audit as audit_module
from market import beneficiaries
from market import demo as demo_module
from market import stats as stats_module

demo = AppGroup("demo", help="Demo data.")
stats = AppGroup("stats", help="The public figures kept incrementally.")


@click.command("audit")
def audit() -> None:
    """Check every invariant of the registry; exit 1 and name each problem found."""
    problems = audit_module.run_audit()
    for problem in problems:
        click.echo(f"FAIL {problem}", err=True)
    if problems:
        sys.exit(1)
    click.echo("audit passed: supply, partition, ledger replay" +
               "".join(f", {name}" for name in audit_module.extra_check_names()))


@demo.command("seed")
def seed() -> None:
    """Add demo organisations, methodologies and lots (idempotent)."""
    with transaction():
        tokens = demo_module.seed()
        accounts = demo_module.seed_users()
    for name, token in tokens.items():
        click.echo(f"{name}\t{token}")
    click.echo(f"demo sign-in at /login (password {demo_module.DEMO_PASSWORD}):")
    for name, email in accounts:
        click.echo(f"  {email}\t{name}")
    click.echo(f"demo data ready ({len(tokens)} new organisations)")


@stats.command("rebuild")
def rebuild_stats() -> None:
    """Recompute the public figures (retired by month and purpose, totals by scenario)
    from the retirements and lots, replacing the stored aggregates."""
    with transaction():
        monthly, scenarios = stats_module.rebuild()
        names = beneficiaries.rebuild()
    click.echo(f"public figures rebuilt: {monthly} month/purpose rows, {scenarios} scenarios, "
               f"{names} beneficiary names added")


def init_app(app) -> None:
    app.cli.add_command(stats)
    app.cli.add_command(audit)
    app.cli.add_command(demo)
