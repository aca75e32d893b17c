"""Use cases of API tokens: issue with a name and a lifetime, list, revoke."""

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from core import clock
from core.db import db
from core.errors import NotFound
from core.models import ApiToken, Organization

DEFAULT_DAYS = 365
MAX_DAYS = 3650


@dataclass
class IssuedToken:
    """A token row and its secret, shown once to whoever asked for it."""

    token: ApiToken
    secret: str


def issue_token(organization: Organization, *, name: str | None = None,
                expires_in_days: int | None = None) -> IssuedToken:
    """A new bearer token of ``organization``, expiring after ``expires_in_days`` (one
    year unless said otherwise)."""
    days = DEFAULT_DAYS if expires_in_days is None else expires_in_days
    row, secret = ApiToken.create(organization, name=(name or "").strip() or None,
                                  expires_at=clock.now() + timedelta(days=days))
    return IssuedToken(row, secret)


def list_tokens(organization: Organization) -> list[ApiToken]:
    """Every token of ``organization``, newest first (metadata only: no secret is kept)."""
    return list(db.session.execute(
        sa.select(ApiToken).where(ApiToken.organization_id == organization.id)
        .order_by(ApiToken.id.desc())).scalars())


def revoke_token(token_id: int, *, by: Organization | None) -> ApiToken:
    """Refuse token ``token_id`` from now on. The registry admin may revoke any token, an
    organisation only its own (another's is "not found": its existence is private);
    ``by=None`` is the operator at the server's console (``flask admin revoke-token``)."""
    token = db.session.get(ApiToken, token_id)
    if token is None or (by is not None and token.organization_id != by.id
                         and not by.has_role("registry_admin")):
        raise NotFound(_("No such token."))
    token.revoke()
    db.session.flush()
    return token
