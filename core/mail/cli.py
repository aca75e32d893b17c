"""``flask mail``: send the outbox now, see what it holds, send failed messages again."""

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from core import outbox
from core.db import db, transaction
from core.mail.models import OutgoingMessage
from core.mail.sending import send_pending

mail_cli = AppGroup("mail", help="Outgoing e-mail (the outbox).")


@mail_cli.command("send-pending")
@click.option("--limit", type=int, default=None, help="At most this many messages.")
def send_pending_command(limit: int | None) -> None:
    """Send the messages that are due now (what the scheduled job does)."""
    outcome = send_pending(limit)
    click.echo(f"sent {outcome['sent']}, failed {outcome['failed']}")


@mail_cli.command("status")
@click.option("--failed", "show_failed", is_flag=True, help="List failed messages.")
def status_command(show_failed: bool) -> None:
    """Counts by status; with --failed, each failed message and its last error."""
    for status, count in outbox.counts(OutgoingMessage).items():
        click.echo(f"{status}: {count}")
    if show_failed:
        for message in db.session.execute(sa.select(OutgoingMessage).where(
                OutgoingMessage.status == "failed").order_by(OutgoingMessage.id)).scalars():
            click.echo(f"#{message.id} {message.topic} to {message.recipient} after "
                       f"{message.attempts} attempts: {message.last_error}")


@mail_cli.command("retry")
@click.argument("message_id", type=int)
def retry_command(message_id: int) -> None:
    """Send a failed message again at the next run."""
    with transaction():
        outbox.retry_now(OutgoingMessage, message_id)
    click.echo(f"message {message_id} is due again")
