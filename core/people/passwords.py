"""Password hashing (argon2id) and the rules a new password must meet."""

from functools import cache

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _

from core.people.errors import WeakPassword

MIN_LENGTH = 10
MAX_LENGTH = 1024  # argon2 takes any length; a bound keeps a request cheap


@cache
def _hasher_of(profile: str) -> PasswordHasher:
    return PasswordHasher.from_parameters(getattr(profiles, profile))


def hasher() -> PasswordHasher:
    """argon2id with the parameters of ``PASSWORD_HASH_PROFILE`` (an argon2-cffi profile;
    RFC 9106's low-memory one unless the test suite says CHEAPEST)."""
    return _hasher_of(current_app.config["PASSWORD_HASH_PROFILE"])


@cache
def _dummy_hash(profile: str) -> str:
    """Verified when the email is unknown, so a wrong email costs as long as a wrong
    password (no timing hint of which emails exist)."""
    return _hasher_of(profile).hash("not a password of anyone")


def check_rules(password: str, email: str) -> None:
    """Refuse a password that is too short, too long or the email itself."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(_("The password needs at least %(n)d characters.", n=MIN_LENGTH),
                           {"password": [_("At least %(n)d characters.", n=MIN_LENGTH)]})
    if len(password) > MAX_LENGTH:
        raise WeakPassword(_("The password is too long."),
                           {"password": [_("At most %(n)d characters.", n=MAX_LENGTH)]})
    if password.strip().lower() == email.strip().lower():
        raise WeakPassword(_("The password must not be the email address."),
                           {"password": [_("Must not be the email address.")]})


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; always spends one argon2 verification."""
    dummy = _dummy_hash(current_app.config["PASSWORD_HASH_PROFILE"])
    try:
        return hasher().verify(password_hash or dummy, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return hasher().check_needs_rehash(password_hash)
