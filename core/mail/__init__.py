"""Outgoing e-mail: an outbox written inside use cases' transactions and sent after
commit through SMTP by a job (``mail.send_pending``) or ``flask mail send-pending``.

Domains enqueue (``core.mail.outbox.enqueue`` / ``enqueue_for_users``) from their use
cases or signal receivers and register the documents they attach
(``core.mail.attachments.register``); core knows nothing of orders or cases.
"""

from core.mail.outbox import caller_locale, enqueue, enqueue_for_users, users_of  # noqa: F401


def init_app(app) -> None:
    from flask import Blueprint

    from core.jobs import register_job
    from core.mail import cli, models  # noqa: F401 (models: the table)
    from core.mail.sending import send_pending

    register_job(app, send_pending, id="mail.send_pending", minutes=1)
    app.cli.add_command(cli.mail_cli)
    # No routes: the blueprint lends its templates (mail/layout.html, mail/footer.txt).
    app.register_blueprint(Blueprint("mail", __name__, template_folder="templates"))
