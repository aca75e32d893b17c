"""Organisations, their roles and their API tokens: who may do what."""

import hashlib
import secrets
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core import clock
from core.db import attach_loaded, db
from core.errors import WrongState
from core.labels import label

KINDS = (
    "agency", "enterprise", "social_group", "event_host", "court", "procuratorate",
    "eco_bureau", "pilot", "scenario_operator", "verifier", "registry", "ngo", "individual",
)
ROLES = ("registry_admin", "verifier", "seller", "buyer", "case_authority")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(sa.types.TypeDecorator):
    """Timestamps stored in UTC and always handed back timezone-aware (SQLite forgets)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(timezone.utc) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value


class HasStatus:
    """A model whose ``status`` moves only through its ``mark_*`` transitions, each of
    which names the states it may start from. ``status_labels`` names the label table
    (core/labels.py) that shows its states to a person."""

    status_labels = ""

    def _move(self, to: str, allowed: tuple[str, ...]) -> None:
        if self.status not in allowed:
            raise WrongState(_("It is %(status)s and cannot become %(to)s.",
                               status=label(self.status_labels, self.status),
                               to=label(self.status_labels, to)))
        self.status = to


class Organization(db.Model):
    """A legal person or unit using the registry (agency, firm, court, operator…)."""

    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    roles: Mapped[list] = mapped_column(sa.JSON, default=list)
    credit_code: Mapped[str | None] = mapped_column(sa.String(18), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    tokens = relationship("ApiToken", back_populates="organization")

    def has_role(self, *roles: str) -> bool:
        return any(role in (self.roles or []) for role in roles)


TOKEN_LIFETIME = timedelta(days=365)


class ApiToken(db.Model):
    """A bearer token of an organisation (a machine acting with its roles). Only its
    SHA-256 is stored; it stops working when it expires or is revoked."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    name: Mapped[str | None] = mapped_column(sa.String(100))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    prefix: Mapped[str] = mapped_column(sa.String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organization = relationship("Organization", back_populates="tokens")

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def create(cls, organization: Organization, *, name: str | None = None,
               expires_at: datetime | None = None) -> tuple["ApiToken", str]:
        """A new token row and its secret (the secret is never stored nor shown again)."""
        secret = "jlr_" + secrets.token_urlsafe(32)
        moment = clock.now()
        row = cls(organization=organization, name=name, token_hash=cls.hash(secret),
                  prefix=secret[:12], created_at=moment,
                  expires_at=expires_at or moment + TOKEN_LIFETIME)
        db.session.add(row)
        db.session.flush()
        return row, secret

    @property
    def state(self) -> str:
        """``active``, ``expired`` or ``revoked``, as of the registry's clock."""
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if self.expires_at <= clock.now() else "active"

    def revoke(self) -> None:
        """Refuse the token from now on (revoking twice keeps the first moment)."""
        if self.revoked_at is None:
            self.revoked_at = clock.now()


def issue_token(organization: Organization) -> str:
    """Create a token for ``organization`` valid one year and return its secret.

    Kept for factories, the demo and benchmarks; people use
    ``core.people.tokens.issue_token`` (names and lifetimes)."""
    return ApiToken.create(organization)[1]


# Every authenticated request runs this: built once, on the tables.
_ORGS, _TOKENS = Organization.__table__, ApiToken.__table__
TOKEN_OWNER = (sa.select(*_ORGS.columns)
               .join(_TOKENS, _TOKENS.c.organization_id == _ORGS.c.id)
               .where(_TOKENS.c.token_hash == sa.bindparam("token_hash"),
                      _TOKENS.c.revoked_at.is_(None),
                      _TOKENS.c.expires_at > sa.bindparam("now", type_=UTCDateTime())))


def find_token_owner(token: str) -> Organization | None:
    """The organisation of a valid token (neither revoked nor expired), in one query.

    Read as plain columns and attached to the session (every authenticated request runs
    this)."""
    row = db.session.execute(
        TOKEN_OWNER, {"token_hash": ApiToken.hash(token), "now": clock.now()}).first()
    return attach_loaded(Organization, dict(row._mapping)) if row is not None else None


class IdempotencyRecord(db.Model):
    """The answer given to one organisation's first request under one ``Idempotency-Key``
    (``response`` is empty while that request is still being answered)."""

    __tablename__ = "idempotency_records"
    __table_args__ = (sa.UniqueConstraint("organization_id", "scope", "key",
                                          name="uq_idempotency_records_org_scope_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"))
    scope: Mapped[str] = mapped_column(sa.String(32))
    key: Mapped[str] = mapped_column(sa.String(255))
    request_hash: Mapped[str] = mapped_column(sa.String(64))
    status_code: Mapped[int | None] = mapped_column(sa.Integer)
    response: Mapped[dict | None] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
