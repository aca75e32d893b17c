"""Enqueueing e-mail: render a message in its recipient's language and add it to the
outbox inside the caller's transaction.

A domain names a template pair and gives plain values::

    mail.enqueue_for_users(order.buyer_id, "market/mail/order_awaiting_payment", topic=…,
                           context={"order": {...}}, attachments=[{"kind": …, "key": …}])

``<name>.txt`` holds two blocks, ``subject`` (one line) and ``body`` (plain text);
``<name>.html`` the simple HTML part (extend ``mail/layout.html``). Both are rendered under
``force_locale(recipient's locale)``, so ``_()``, ``|qty``, ``|money`` and ``|datetime``
(Beijing time) speak the reader's language. Links are absolute: ``base_url`` (the
``BASE_URL`` setting) is in the context of every message, with ``locale``, ``colon`` (the
label colon of the reader's script, ``：`` or ``: ``) and ``to_user`` (sent to a user).
"""

from collections.abc import Iterable

import sqlalchemy as sa
from flask import current_app, has_request_context
from flask_babel import force_locale

from core import clock
from core.db import db
from core.i18n import DEFAULT_LOCALE, LOCALES, current_locale
from core.mail.models import OutgoingMessage
from core.people.models import User


def caller_locale() -> str:
    """The language of the person causing a message to someone without an account: the
    language of the page or API request (``?lang=``, cookie, ``Accept-Language``), else
    Chinese (jobs, CLI)."""
    return current_locale() if has_request_context() else DEFAULT_LOCALE


def users_of(organization_id: int) -> list[tuple[str, str]]:
    """``[(email, locale)]`` of the organisation's active users, in the order they were
    created (an organisation without users gets no e-mail)."""
    return [(email, locale if locale in LOCALES else DEFAULT_LOCALE)
            for email, locale in db.session.execute(
                sa.select(User.email, User.locale)
                .where(User.organization_id == organization_id, User.is_active.is_(True))
                .order_by(User.id)).all()]


def _render(template: str, locale: str, context: dict) -> tuple[str, str, str]:
    env = current_app.jinja_env
    values = {"base_url": current_app.config["BASE_URL"], "locale": locale, "to_user": False,
              # "金额：¥135.00" / "Amount: ¥135.00" — a label's colon in the reader's script.
              "colon": "：" if locale == "zh" else ": ", **context}
    with force_locale(locale):
        text = env.get_template(f"{template}.txt")
        # The blocks of one template, rendered apart: a subject line and the plain body.
        blocks = text.new_context(values)
        subject = " ".join("".join(text.blocks["subject"](blocks)).split())
        body = "".join(text.blocks["body"](text.new_context(values))).strip() + "\n"
        html = env.get_template(f"{template}.html").render(values)
    return subject, body, html


def enqueue(recipient: str, *, locale: str, template: str, topic: str, context: dict,
            attachments: Iterable[dict] = (), once_key: str | None = None) -> OutgoingMessage | None:
    """Add one message for ``recipient`` (an e-mail address) in ``locale`` ('zh' | 'en')
    to the outbox of the current transaction; it is sent after commit by the mail job.

    ``topic`` names the kind of message (``order_awaiting_payment`` …) for the operator;
    ``attachments`` are ``{"kind", "key"}`` documents rendered at sending time
    (``core.mail.attachments.register``). With ``once_key`` (unique, at most 200
    characters) a message already enqueued under that key is not added again: returns
    None then.
    """
    if once_key is not None and db.session.scalar(
            sa.select(OutgoingMessage.id).where(OutgoingMessage.once_key == once_key)):
        return None
    locale = locale if locale in LOCALES else DEFAULT_LOCALE
    subject, body, html = _render(template, locale, context)
    now = clock.now()
    message = OutgoingMessage(
        topic=topic, recipient=recipient.strip(), locale=locale, subject=subject[:300],
        body_text=body, body_html=html, attachments=list(attachments), once_key=once_key,
        status="pending", attempts=0, next_attempt_at=now, created_at=now)
    db.session.add(message)
    return message


def enqueue_for_users(organization_id: int, template: str, *, topic: str, context: dict,
                      attachments: Iterable[dict] = (),
                      once_key: str | None = None) -> list[OutgoingMessage]:
    """One message per active user of the organisation, each in that user's language.
    ``once_key`` is suffixed with each address, so each user hears once."""
    enqueued = []
    for email, locale in users_of(organization_id):
        message = enqueue(email, locale=locale, template=template, topic=topic,
                          context={**context, "to_user": True}, attachments=list(attachments),
                          once_key=f"{once_key}/{email}" if once_key else None)
        if message is not None:
            enqueued.append(message)
    db.session.flush()
    return enqueued
