"""``flask factors load FILE.json`` and ``flask factors list``."""

import json
import sys

import click
from flask.cli import AppGroup

from core.db import db, transaction
from core.errors import DomainError
from events import factor_sets

factors = AppGroup("factors", help="Emission-factor sets (versioned, immutable).")


@factors.command("load")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def load(path: str) -> None:
    """Publish the factor set in PATH as a new version; it becomes the set in force."""
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
    except (UnicodeDecodeError, ValueError) as error:
        click.echo(f"FAIL {path} is not JSON: {error}", err=True)
        sys.exit(1)
    try:
        with transaction():
            loaded = factor_sets.load_factor_set(document)
            version, digest = loaded.version, loaded.document_hash
    except DomainError as error:
        click.echo(f"FAIL {error.message}", err=True)
        for field, problems in error.errors.items():
            click.echo(f"  {field}: {json.dumps(problems, ensure_ascii=False)}", err=True)
        sys.exit(1)
    click.echo(f"factor set {version} loaded and in force ({digest})")


@factors.command("list")
def list_sets() -> None:
    """Every stored version, the one in force first (stores the built-in set if absent)."""
    with transaction():
        factor_sets.ensure_builtin()
    for row in db.session.execute(factor_sets.list_factor_sets()).scalars():
        click.echo(f"{row.version}\t{row.published}\t{row.document_hash}")


def init_app(app) -> None:
    app.cli.add_command(factors)
