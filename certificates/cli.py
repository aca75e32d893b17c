"""``flask --app wsgi keys rotate`` and ``flask --app wsgi certificates render``."""

import click
from flask.cli import AppGroup

from certificates import keys, rendering

keys_cli = AppGroup("keys", help="Credential signing keys.")
certificates_cli = AppGroup("certificates", help="Certificate PDFs.")


@keys_cli.command("rotate")
def rotate() -> None:
    """Add a new signing key; old certificates keep verifying with the old ones."""
    key = keys.add_key()
    click.echo(f"new signing key {key.verification_method(keys.issuer_did())}")
    click.echo(f"{len(keys.all_keys())} keys listed in /.well-known/did.json")


@keys_cli.command("list")
def list_keys() -> None:
    """Print every signing key, the newest last (it signs)."""
    for key in keys.all_keys():
        click.echo(key.verification_method(keys.issuer_did()))


@certificates_cli.command("render")
def render() -> None:
    """Render and sign the PDFs of certificates that have none yet."""
    click.echo(f"rendered {rendering.render_pending(limit=10_000)} certificates")


def init_app(app) -> None:
    app.cli.add_command(keys_cli)
    app.cli.add_command(certificates_cli)
