"""CLI root: ``flask --app wsgi admin create-token | list-tokens | revoke-token``;
domains add their own groups."""

import click
from flask import Flask
from flask.cli import AppGroup

from core.db import db, transaction
from core.errors import DomainError
from core.models import Organization
from core.people import tokens

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
        issued = tokens.issue_token(org, name="cli")
        line = f"Organisation #{org.id} {org.name} (registry_admin)"
        expires = issued.token.expires_at.isoformat()
    click.echo(line)
    click.echo(f"Token expires at {expires}")
    click.echo(issued.secret)


@admin.command("list-tokens")
@click.option("--org-name", required=True, help="Name of the organisation.")
def list_tokens(org_name: str) -> None:
    """List an organisation's tokens (id, prefix, name, created, expires, state)."""
    org = db.session.query(Organization).filter_by(name=org_name).one_or_none()
    if org is None:
        raise click.ClickException(f"No organisation named {org_name!r}.")
    for token in tokens.list_tokens(org):
        click.echo("\t".join([str(token.id), token.prefix, token.name or "-",
                              token.created_at.isoformat(), token.expires_at.isoformat(),
                              token.state]))


@admin.command("revoke-token")
@click.argument("token_id", type=click.IntRange(min=1))
def revoke_token(token_id: int) -> None:
    """Revoke the token with this id: it is refused from now on."""
    try:
        with transaction():
            token = tokens.revoke_token(token_id, by=None)
            line = f"Token #{token.id} ({token.prefix}…) revoked at {token.revoked_at.isoformat()}"
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(line)


def init_app(app: Flask) -> None:
    app.cli.add_command(admin)
