"""Page forms of people (Flask-WTF: CSRF on). They check shape; use cases check rules."""

from flask_babel import lazy_gettext as _l
from core.page_forms import PageForm
from wtforms import EmailField, IntegerField, PasswordField, StringField
from wtforms.validators import EqualTo, Length, NumberRange, Optional

from core.form_fields import Required
from core.people import passwords, tokens

_required = Required(message=_l("This field is required."))  # keeps a parse error


class LoginForm(PageForm):
    email = EmailField(_l("Email address"), validators=[_required, Length(max=254)])
    password = PasswordField(_l("Password"), validators=[_required,
                                                         Length(max=passwords.MAX_LENGTH)])


class NewPasswordForm(PageForm):
    """Set the first password from an invitation link."""

    password = PasswordField(_l("New password"), validators=[_required,
                                                             Length(max=passwords.MAX_LENGTH)])
    confirm = PasswordField(_l("Repeat the new password"), validators=[
        _required, EqualTo("password", message=_l("The two passwords differ."))])


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField(_l("Current password"), validators=[_required])


class NewTokenForm(PageForm):
    name = StringField(_l("Name"), validators=[Optional(), Length(max=100)])
    expires_in_days = IntegerField(
        _l("Valid for (days)"), default=tokens.DEFAULT_DAYS,
        validators=[Optional(), NumberRange(min=1, max=tokens.MAX_DAYS,
                                            message=_l("Between %(min)d and %(max)d days."))])
