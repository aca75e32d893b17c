"""CLI root: ``flask --app wsgi admin create-token``; domains add their own groups."""

import click
from flask import Flask
from flask.cli import AppGroup

from core.db import db, transaction
from core.models import Organization, issue_token

admin = AppGroup("admin", help="Registry administration.")


def ensure_operator(name: str) -> Organization:
    """The registry operator organisation, created with role registry_admin if missing."""
    org = db.session.query(Organization).filter_by(name=name).one_or_none()
    if org is None:
        org = Organization(name=name, kind="registry", roles=["registry_admin"])
        db.session.add(org)
        db.session.flush()
    elif not org.has_role("registry_admin"):
        org.roles = sorted({*org.roles, "registry_admin"})
    return org


@admin.command("create-token")
@click.option("--org-name", required=True, help="Name of the registry operator organisation.")
def create_token(org_name: str) -> None:
    """Create (if missing) the operator organisation and print a new API token last."""
    with transaction():
        org = ensure_operator(org_name)
        token = issue_token(org)
    click.echo(f"Organisation #{org.id} {org.name} (registry_admin)")
    click.echo(token)


def init_app(app: Flask) -> None:
    app.cli.add_command(admin)
