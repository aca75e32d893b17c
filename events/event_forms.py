"""Page forms of the event host (Flask-WTF, CSRF on): register an event, enter a
footprint (estimate or actual) from activity data, publish the commitment, retire from
the host's own holdings. They check shape only; ``events.hosting``, ``events.covering``
and ``market.retirements`` check the rules."""

from flask_babel import lazy_gettext as _l
from core.page_forms import PageForm
from wtforms import DateField, HiddenField, IntegerField, SelectChoice, SelectField, StringField
from wtforms.validators import AnyOf, InputRequired, Length, ValidationError

from core import text
from core.form_fields import Required, TonnesField
from core.labels import choices
from events.forms import ACTIVITY_FIELDS, ActivityField, ActivityInputs
from events.models import STAGES

_required = Required(message=_l("This field is required."))  # keeps a parse error
_date = InputRequired(message=_l("Enter a date."))


def _name_rule(form, field):
    """Names are drawn on pages and certificates: the name rule of ``core.text``."""
    if field.data and (problem := text.problem(field.data, text.NAME)):
        raise ValidationError(problem)


class WholeNumberField(IntegerField):
    """A count typed as digits ("1,200" allowed); anything else is refused in our words."""

    def process_formdata(self, valuelist):
        self.data = None
        if not valuelist or not valuelist[0].strip():
            return
        typed = valuelist[0].strip().replace(",", "")
        if not typed.isascii() or not typed.isdigit() or len(typed) > 12:
            raise ValueError(_l("Enter a whole number."))
        self.data = int(typed)


class EventForm(PageForm):
    """Every field of ``POST /api/v1/events``."""

    name = StringField(_l("Name of the event"), validators=[_required, Length(max=200), _name_rule])
    kind = SelectField(_l("Kind of event"), validators=[InputRequired()])
    venue = StringField(_l("Venue"), validators=[_required, Length(max=200), _name_rule])
    city = StringField(_l("City"), validators=[_required, Length(max=100), _name_rule])
    start_date = DateField(_l("First day"), validators=[_date])
    end_date = DateField(_l("Last day"), validators=[_date])
    expected_attendees = WholeNumberField(_l("Expected attendees"), validators=[
        InputRequired(message=_l("Enter a whole number."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [SelectChoice(code, text) for code, text in choices("event_kind")]

    def validate_expected_attendees(self, field):
        if field.data is not None and not 1 <= field.data <= 10**8:
            raise ValidationError(_l("Enter a whole number from 1 to 100,000,000."))

    def validate_end_date(self, field):
        if field.data and self.start_date.data and field.data < self.start_date.data:
            raise ValidationError(_l("The end must not be before the start."))

    def use_case_arguments(self) -> dict:
        """Keyword arguments of ``hosting.register_event``."""
        return {"name": self.name.data.strip(), "kind": self.kind.data,
                "venue": self.venue.data.strip(), "city": self.city.data.strip(),
                "start_date": self.start_date.data, "end_date": self.end_date.data,
                "expected_attendees": self.expected_attendees.data}


class FootprintForm(ActivityInputs, PageForm):
    """Activity data of one stage (``estimate`` or ``actual``); blank fields are none."""

    stage = HiddenField(validators=[AnyOf(STAGES)])


for _name, _key, _source in ACTIVITY_FIELDS:
    setattr(FootprintForm, _name, ActivityField(_source))


class ConfirmForm(PageForm):
    """A button that only needs its CSRF token (publish the commitment)."""


class HoldingsRetireForm(PageForm):
    """Retire the host's own available units for its event (oldest vintage first)."""

    quantity = TonnesField(_l("Quantity (t)"), validators=[_required])
