"""Use cases of people: create and invite users, accept an invitation, sign in, change a
password. They flush and return models; the edge opens the transaction."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from core import clock
from core.db import db
from core.errors import Invalid, NotFound
from core.i18n import LOCALES
from core.models import Organization
from core.people import passwords
from core.people.errors import EmailTaken, InvalidCredentials, InvitationInvalid
from core.people.models import User

INVITATION_LIFETIME = timedelta(days=7)


@dataclass
class Invited:
    """A user just invited and the one-time token of their invitation link."""

    user: User
    token: str


def normalize_email(email: str) -> str:
    return email.strip().lower()


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def find_user_by_email(email: str) -> User | None:
    return db.session.execute(
        sa.select(User).where(User.email == normalize_email(email))).scalar_one_or_none()


def create_user(organization: Organization, *, email: str, name: str,
                password: str | None = None) -> User:
    """Add a person to ``organization``. Without a password they cannot sign in until they
    accept an invitation (see ``invite_user``). The email is unique whatever its case."""
    email = normalize_email(email)
    if password is not None:
        passwords.check_rules(password, email)
    if find_user_by_email(email) is not None:
        raise EmailTaken(_("A user with this email address already exists."),
                         {"email": [_("Already registered.")]})
    user = User(organization=organization, email=email, name=name.strip(),
                password_hash=passwords.hash_password(password) if password else None,
                is_active=True, created_at=clock.now())
    db.session.add(user)
    db.session.flush()
    return user


def invite_user(organization: Organization, *, email: str, name: str) -> Invited:
    """Add a person without a password and give them a one-time link to set one, valid
    seven days. Only the token's hash is stored."""
    user = create_user(organization, email=email, name=name)
    token = secrets.token_urlsafe(32)
    user.invitation_hash = _hash(token)
    user.invitation_expires_at = clock.now() + INVITATION_LIFETIME
    db.session.flush()
    return Invited(user, token)


def find_invitation(token: str) -> User:
    """The user an unused, unexpired invitation token belongs to."""
    user = db.session.execute(
        sa.select(User).where(User.invitation_hash == _hash(token))).scalar_one_or_none()
    if (user is None or not user.is_active or user.invitation_expires_at is None
            or user.invitation_expires_at <= clock.now()):
        raise InvitationInvalid(_("This invitation link is not valid: it was used already, "
                                  "has expired or never existed."))
    return user


def accept_invitation(token: str, password: str) -> User:
    """Set the invited user's first password; the link works once."""
    user = find_invitation(token)
    passwords.check_rules(password, user.email)
    user.password_hash = passwords.hash_password(password)
    user.invitation_hash = None
    user.invitation_expires_at = None
    user.last_sign_in_at = clock.now()
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User:
    """The active user with this email and password, signed in now. The hash is renewed
    when the hashing parameters have changed since it was made."""
    user = find_user_by_email(email)
    valid = passwords.verify(user.password_hash if user else None, password)
    if user is None or not valid or not user.is_active:
        raise InvalidCredentials(_("The email address or the password is wrong."))
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    user.last_sign_in_at = clock.now()
    db.session.flush()
    return user


def change_password(user: User, *, current_password: str, new_password: str) -> User:
    """Replace the user's password, proven by the current one."""
    if not passwords.verify(user.password_hash, current_password):
        raise InvalidCredentials(_("The current password is wrong."),
                                 {"current_password": [_("Wrong password.")]})
    passwords.check_rules(new_password, user.email)
    user.password_hash = passwords.hash_password(new_password)
    db.session.flush()
    return user


def set_locale(user: User, locale: str) -> User:
    """The user's language ('zh' | 'en'): their pages remember it, their e-mail uses it."""
    if locale not in LOCALES:
        raise Invalid(_("Choose Chinese or English."), {"locale": [_("Not a valid choice.")]})
    user.locale = locale
    db.session.flush()
    return user


def load_user(session_id: str) -> User | None:
    """The active user of a session id made by ``User.get_id`` (None when the password
    has changed since, or the user was deactivated)."""
    user_id, _sep, stamp = session_id.partition(".")
    if not user_id.isdigit() or len(user_id) > 10:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active or user.session_stamp != stamp:
        return None
    return user


def deactivate_user(organization: Organization, user_id: int, *, by: User | None) -> User:
    """The registry administrator stops a person acting for ``organization``: they cannot
    sign in, their open sessions end at their next request (``load_user`` refuses an
    inactive user) and an unused invitation no longer works. Deactivating yourself is
    refused (422), so the registry keeps an administrator; 404 for a user of another
    organisation. Idempotent."""
    user = db.session.get(User, user_id)
    if user is None or user.organization_id != organization.id:
        raise NotFound(_("No such user."))
    if by is not None and by.id == user.id:
        raise Invalid(_("You cannot deactivate yourself."))
    user.is_active = False
    user.invitation_hash = user.invitation_expires_at = None
    db.session.flush()
    return user


def users_of(organization: Organization) -> list[User]:
    """The organisation's users, by name."""
    return list(db.session.execute(sa.select(User).where(
        User.organization_id == organization.id).order_by(User.name, User.id)).scalars())
