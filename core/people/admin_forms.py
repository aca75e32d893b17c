"""Page forms of the registry administrator's organisation pages (Flask-WTF, CSRF on)."""

from flask_babel import lazy_gettext as _l
from core.page_forms import PageForm
from wtforms import EmailField, SelectField, SelectMultipleField, StringField
from wtforms.validators import Length, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from core.form_fields import Required
from core import text
from core.credit_code import is_valid_credit_code
from core.labels import choices
from core.models import KINDS, ROLES

_required = Required(message=_l("This field is required."))  # keeps a parse error


def _a_name(form, field):
    if field.data and (problem := text.problem(field.data, text.NAME)) is not None:
        raise ValidationError(problem)


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class OrganizationForm(PageForm):
    name = StringField(_l("Name"), validators=[_required, Length(max=200), _a_name])
    kind = SelectField(_l("Kind"), validators=[_required],
                       invalid_choice_message=_l("Not a valid choice."))
    roles = CheckboxesField(_l("Roles"), validators=[Optional()],
                            invalid_choice_message=_l("Not a valid choice."))
    credit_code = StringField(_l("Unified social credit code (optional)"),
                              validators=[Optional(), Length(max=18)])

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.kind.choices = [("", _l("Choose a kind"))] + [
            (c, t) for c, t in choices("organization_kind") if c in KINDS]
        self.roles.choices = [(c, t) for c, t in choices("role") if c in ROLES]

    def validate_credit_code(self, field):
        code = (field.data or "").strip().upper()
        if code and not is_valid_credit_code(code):
            raise ValidationError(_l("Not a valid unified social credit code (GB 32100 "
                                     "checksum failed)."))
        field.data = code or None


class InviteForm(PageForm):
    name = StringField(_l("Name"), validators=[_required, Length(max=100), _a_name])
    email = EmailField(_l("Email address"), validators=[
        _required, Length(max=254), Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Enter an email address."))])
