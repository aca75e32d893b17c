"""``flask --app wsgi users create``: add a person to an organisation from the console."""

import click
from flask import current_app
from flask.cli import AppGroup
from marshmallow import ValidationError

from core.cli import ensure_operator
from core.db import db, transaction
from core.errors import DomainError
from core.models import Organization
from core.people import users
from core.people.schemas import UserIn

group = AppGroup("users", help="People who sign in.")


@group.command("create")
@click.option("--org-name", required=True,
              help="Organisation of the user; created as the registry operator if missing.")
@click.option("--email", required=True)
@click.option("--password", default=None,
              help="Without one, an invitation link (valid 7 days) is printed instead.")
@click.option("--name", default=None, help="Display name (defaults to the email's local part).")
def create(org_name: str, email: str, password: str | None, name: str | None) -> None:
    """Create a user and print its id last."""
    try:
        data = UserIn().load({"email": email, "name": name or email.split("@")[0],
                              "password": password})
    except ValidationError as error:
        raise click.ClickException(str(error.messages)) from None
    email, name = data["email"], data["name"]
    try:
        with transaction():
            org = db.session.query(Organization).filter_by(name=org_name).one_or_none()
            # Like `admin create-token`: a missing organisation can only be the operator's.
            org = org or ensure_operator(org_name)
            if password is None:
                invited = users.invite_user(org, email=email, name=name)
                user, token = invited.user, invited.token
            else:
                user, token = users.create_user(org, email=email, name=name,
                                                password=password), None
            lines = [f"Organisation #{org.id} {org.name}",
                     f"User {user.email} ({user.name})"]
            user_id = user.id
    except DomainError as error:
        raise click.ClickException(error.message) from None
    for line in lines:
        click.echo(line)
    if token:
        click.echo(f"Invitation: {current_app.config['BASE_URL']}/invitations/{token}")
    click.echo(user_id)


def init_app(app) -> None:
    app.cli.add_command(group)
