"""The e-mail outbox table: one row per message and recipient."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.db import db, one_of
from core.outbox import DELIVERY_STATUSES, DeliveryState


class OutgoingMessage(DeliveryState, db.Model):
    """One e-mail to one address, rendered in the recipient's language when a use case
    enqueued it, and delivered after commit by ``mail.send_pending``.

    ``attachments`` names documents rendered at sending time (``[{"kind", "key"}]``,
    see ``core.mail.attachments``), so no PDF is drawn inside the use case's transaction.
    ``once_key``, when set, makes the message unique: a daily job that must tell someone
    once (a deadline 30 days ahead) enqueues with it and a second run adds nothing.
    """

    __tablename__ = "outgoing_messages"
    __table_args__ = (
        one_of("status", DELIVERY_STATUSES, name="status_known"),
        one_of("locale", ("zh", "en"), name="locale_known"),
        sa.CheckConstraint("attempts >= 0", name="attempts_non_negative"),
        sa.Index("ix_outgoing_messages_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(sa.String(64))
    recipient: Mapped[str] = mapped_column(sa.String(254))
    locale: Mapped[str] = mapped_column(sa.String(2))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str | None] = mapped_column(sa.Text)
    attachments: Mapped[list] = mapped_column(sa.JSON, default=list)
    once_key: Mapped[str | None] = mapped_column(sa.String(200), unique=True)
