"""``flask interop deliver`` and ``flask interop witness``."""

import click
from flask.cli import AppGroup

interop_cli = AppGroup("interop", help="互联互通: webhooks and witnessing.")


@interop_cli.command("deliver")
@click.option("--workers", default=4, show_default=True, help="Endpoints sent to at once.")
def deliver(workers: int) -> None:
    """Send every due webhook delivery now (in order per endpoint)."""
    from interop import delivery

    click.echo(f"{delivery.deliver_until_idle(workers=workers)} deliveries made")


@interop_cli.command("witness")
def witness_peers() -> None:
    """Cosign every pinned peer's newest checkpoint (refusing split views)."""
    from interop import witness

    for api_base, outcome in witness.witness_all().items():
        click.echo(f"{api_base}: {outcome}")


def init_app(app) -> None:
    if "interop" in app.cli.commands:  # part A's group: add ours to it
        for name, command in interop_cli.commands.items():
            app.cli.commands["interop"].add_command(command, name)
    else:
        app.cli.add_command(interop_cli)
