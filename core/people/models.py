"""People: the users of an organisation, who sign in with email and password."""

import hashlib
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import db, one_of
from core.models import UTCDateTime, utcnow


class User(UserMixin, db.Model):
    """A person acting for one organisation, with that organisation's roles.

    The email is stored lowercased, so it is unique whatever its case. A user without a
    password has not accepted their invitation yet and cannot sign in."""

    __tablename__ = "users"
    __table_args__ = (one_of("locale", ("zh", "en"), name="locale_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # SHA-256 of the one-time invitation token; cleared once the invitation is used.
    invitation_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    invitation_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The language the user reads: pages they last chose it on (?lang=), or /account; their
    # e-mail is written in it.
    locale: Mapped[str] = mapped_column(sa.String(2), default="zh", server_default="zh")

    organization = relationship("Organization")

    def get_id(self) -> str:
        """The session's user id, bound to the current password: changing the password
        signs out every other session of this user."""
        return f"{self.id}.{self.session_stamp}"

    @property
    def session_stamp(self) -> str:
        return hashlib.sha256((self.password_hash or "").encode()).hexdigest()[:16]
