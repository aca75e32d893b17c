"""What the people use cases refuse, in the error shape of core/errors.py."""

from core.errors import Conflict, Invalid, NotFound, Unauthorized


class EmailTaken(Conflict):
    code = "email_taken"


class WeakPassword(Invalid):
    """A password that breaks the rules (too short, equal to the email …)."""

    code = "weak_password"


class InvalidCredentials(Unauthorized):
    code = "invalid_credentials"


class InvitationInvalid(NotFound):
    """Unknown, already used or expired invitation link."""

    code = "invitation_invalid"
