"""Sending through SMTP with the standard library (``smtplib``, ``email.message``).

Settings (``core/config.py``, from the environment): ``MAIL_SERVER``, ``MAIL_PORT``,
``MAIL_USERNAME``, ``MAIL_PASSWORD``, ``MAIL_USE_TLS`` (STARTTLS), ``MAIL_USE_SSL``
(implicit TLS), ``MAIL_DEFAULT_SENDER``, ``MAIL_TIMEOUT`` (seconds). Without
``MAIL_SERVER`` nothing is sent: messages wait in the outbox.
"""

import smtplib
import ssl
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate, make_msgid

from flask import current_app

# Headers stay on one line up to RFC 5322's 998 characters: when CPython folds a Chinese
# subject it splits the encoded words at a space, and readers drop that space (RFC 2047
# ignores whitespace between encoded words), so "123号 将于" would arrive as "123号将于".
POLICY = SMTP.clone(max_line_length=998)


def is_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def build(*, sender: str, recipient: str, subject: str, text: str, html: str | None,
          language: str, attachments: list[tuple[str, str, bytes]]) -> EmailMessage:
    """A MIME message: plain text with an HTML alternative, then the attachments."""
    message = EmailMessage(policy=POLICY)
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip("> ") or None)
    message["Content-Language"] = "zh-CN" if language == "zh" else "en"
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    for filename, mime, content in attachments:
        maintype, _, subtype = mime.partition("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return message


def connect() -> smtplib.SMTP:
    """An open, authenticated connection to the configured server."""
    config = current_app.config
    host, port, timeout = config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_TIMEOUT"]
    if config["MAIL_USE_SSL"]:
        connection = smtplib.SMTP_SSL(host, port, timeout=timeout,
                                      context=ssl.create_default_context())
    else:
        connection = smtplib.SMTP(host, port, timeout=timeout)
        if config["MAIL_USE_TLS"]:
            connection.starttls(context=ssl.create_default_context())
    if config["MAIL_USERNAME"]:
        connection.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
    return connection
