"""The mail job: send what the outbox holds, after the use cases committed.

``send_pending`` claims a batch (``core.outbox.claim``: leased, so a second scheduler or
``flask mail send-pending`` running at the same time skips it), draws the attachments,
sends each message over one SMTP connection, and records each outcome in its own short
transaction. A failure — server down, refused, an attachment that cannot be drawn — puts
the message back with its error and an exponential backoff; after ``MAIL_MAX_ATTEMPTS``
it stays ``failed`` for the operator (``flask mail status``, ``flask mail retry``).
"""

import smtplib
from datetime import timedelta

from flask import current_app
from prometheus_client import Counter

from core import outbox
from core.db import transaction
from core.mail import attachments, smtp
from core.mail.models import OutgoingMessage

#: Longer than a whole batch can take (each SMTP step times out after MAIL_TIMEOUT).
LEASE = timedelta(minutes=15)
# At /metrics beside the job counters (from the process that runs the jobs).
MAIL_SENT = Counter("registry_mail_sent", "E-mail messages accepted by the SMTP server.")
MAIL_FAILED = Counter("registry_mail_failed_attempts",
                      "E-mail sending attempts that failed (each is retried or, after "
                      "MAIL_MAX_ATTEMPTS, marked failed).")


def _snapshot(message: OutgoingMessage) -> dict:
    return {"id": message.id, "recipient": message.recipient, "locale": message.locale,
            "subject": message.subject, "text": message.body_text, "html": message.body_html,
            "attachments": list(message.attachments or []), "attempt": message.attempts}


def send_pending(limit: int | None = None) -> dict[str, int]:
    """Send up to ``limit`` (``MAIL_BATCH_SIZE``) due messages; ``{"sent", "failed"}``
    counts this run's outcomes. Without ``MAIL_SERVER`` nothing is claimed."""
    if not smtp.is_configured():
        return {"sent": 0, "failed": 0}
    config = current_app.config
    with transaction():
        batch = [_snapshot(m) for m in outbox.claim(
            OutgoingMessage, limit=limit or config["MAIL_BATCH_SIZE"], lease=LEASE)]
    outcome = {"sent": 0, "failed": 0}
    connection = None
    try:
        for message in batch:
            try:
                email = smtp.build(
                    sender=config["MAIL_DEFAULT_SENDER"], recipient=message["recipient"],
                    subject=message["subject"], text=message["text"], html=message["html"],
                    language=message["locale"],
                    attachments=[attachments.render(a, message["locale"])
                                 for a in message["attachments"]])
                if connection is None:
                    connection = smtp.connect()
                connection.send_message(email)
            except Exception as error:  # noqa: BLE001 — any failure is retried, none lost
                if isinstance(error, (smtplib.SMTPServerDisconnected, OSError)):
                    connection = _close(connection)
                current_app.logger.warning("mail %s to %s failed (attempt %s): %s",
                                           message["id"], message["recipient"],
                                           message["attempt"], error)
                with transaction():
                    outbox.record_failure(OutgoingMessage, message["id"],
                                          f"{type(error).__name__}: {error}",
                                          max_attempts=config["MAIL_MAX_ATTEMPTS"])
                outcome["failed"] += 1
                MAIL_FAILED.inc()
            else:
                with transaction():
                    outbox.record_success(OutgoingMessage, message["id"])
                outcome["sent"] += 1
                MAIL_SENT.inc()
    finally:
        _close(connection)
    return outcome


def _close(connection) -> None:
    if connection is not None:
        try:
            connection.quit()
        except (smtplib.SMTPException, OSError):
            connection.close()
    return None
