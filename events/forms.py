"""Page forms of neutrality claims (Flask-WTF: CSRF on). They check the shape of what a
person typed (dates in order, tonnes to the kilogram, activity data as exact decimals);
the use cases in ``events.claims``, ``events.covering`` and ``events.neutralize`` check
the rules."""

import re
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from core.page_forms import PageForm
from wtforms import DateField, Field, RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional, ValidationError
from wtforms.widgets import TextInput

from core.form_fields import IdSelectField, Required, TonnesField
from core.labels import choices
from events.factors import TRAVEL_MODES
from events.footprint import MAX_DECIMALS, MAX_QUANTITY, WHOLE_COUNT_SOURCES

_required = Required(message=_l("This field is required."))  # keeps a parse error
_NUMBER = re.compile(r"[0-9]+(\.[0-9]+)?")

#: Activity inputs shown on the form: (form field, calculator input key, factor source);
#: travel modes are entered per mode and become ``travel: [{mode, passenger_km}]``.
ACTIVITY_FIELDS = (
    ("electricity_kwh", "electricity_kwh", "electricity"),
    ("heat_gj", "heat_gj", "heat"),
    ("natural_gas_m3", "natural_gas_m3", "natural_gas"),
    ("diesel_l", "diesel_l", "diesel"),
    ("gasoline_l", "gasoline_l", "gasoline"),
    *((f"travel_{mode}", None, mode) for mode in TRAVEL_MODES),
    ("hotel_room_nights", "hotel_room_nights", "hotel"),
    ("meals", "meals", "meal"),
    ("waste_kg", "waste_kg", "waste"),
)


def _decimal(text: str) -> Decimal | None:
    """A plain decimal as typed ("1,234.5" allowed), or None when it is not one."""
    text = text.strip().replace(",", "")
    if not _NUMBER.fullmatch(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid numbers
        return None


class ActivityField(Field):
    """A non-negative activity quantity as an exact decimal (blank: none)."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        # Meals and room-nights are counted in whole items (WHOLE_COUNT_SOURCES).
        self.whole = label in WHOLE_COUNT_SOURCES

    def _value(self):
        return self.raw_data[0] if self.raw_data else ""

    def process_formdata(self, valuelist):
        self.data = None
        if not valuelist or not valuelist[0].strip():
            return
        quantity = _decimal(valuelist[0])
        if quantity is None:
            raise ValueError(_l("Enter a number, such as 1200 or 35.5."))
        if quantity.as_tuple().exponent < -MAX_DECIMALS:
            raise ValueError(_l("At most %(n)d decimals.", n=MAX_DECIMALS))
        if quantity > MAX_QUANTITY:
            raise ValueError(_l("This number is too large."))
        if self.whole and quantity != quantity.to_integral_value():
            raise ValueError(_l("Enter a whole number."))
        self.data = quantity


class ActivityInputs:
    """The activity fields of ``ACTIVITY_FIELDS`` read as the calculator's ``inputs``
    (mixed into a form that has them)."""

    def activity_inputs(self) -> dict:
        """The calculator's ``inputs`` from the filled activity fields."""
        inputs, travel = {}, []
        for name, key, source in ACTIVITY_FIELDS:
            value = getattr(self, name).data
            if value is None:
                continue
            if key is None:
                travel.append({"mode": source, "passenger_km": value})
            else:
                inputs[key] = value
        if travel:
            inputs["travel"] = travel
        return inputs


class ClaimForm(ActivityInputs, PageForm):
    subject = SelectField(_l("Who declares"), validators=[InputRequired()])
    name = StringField(_l("Name of the claim"), validators=[_required, Length(max=200)])
    period_start = DateField(_l("Period start"), validators=[InputRequired(
        message=_l("Enter a date."))])
    period_end = DateField(_l("Period end"), validators=[InputRequired(
        message=_l("Enter a date."))])
    basis = RadioField(_l("Footprint"), default="total", choices=[
        SelectChoice("total", _l("I know the total")),
        SelectChoice("inputs", _l("Calculate it from activity data"))])
    footprint_t = TonnesField(_l("Total footprint (t CO₂e)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.subject.choices = [SelectChoice(code, text)
                                for code, text in choices("claim_subject") if code != "event"]

    def validate_period_end(self, field):
        if field.data and self.period_start.data and field.data < self.period_start.data:
            raise ValidationError(_l("The end must not be before the start."))

    def validate_footprint_t(self, field):
        if self.basis.data == "total" and field.data is None and not field.errors:
            raise ValidationError(_l("Enter the total in tonnes, or calculate it from "
                                     "activity data."))

    def use_case_arguments(self) -> dict:
        """Keyword arguments of ``claims.open_claim``, as ``POST /api/v1/claims`` gives them."""
        footprint = ({"footprint_kg": self.footprint_t.data} if self.basis.data == "total"
                     else {"inputs": self.activity_inputs()})
        return {"subject": self.subject.data, "name": self.name.data.strip(),
                "period_start": self.period_start.data, "period_end": self.period_end.data,
                **footprint}


for _name, _key, _source in ACTIVITY_FIELDS:
    setattr(ClaimForm, _name, ActivityField(_source))


class OffsetForm(PageForm):
    payment_method = RadioField(_l("Payment method"), validators=[InputRequired(
        message=_l("Choose a payment method."))])

    def __init__(self, methods: list[str], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.payment_method.choices = [SelectChoice(code, text)
                                       for code, text in choices("payment_method")
                                       if code in methods]
        if len(methods) == 1 and not self.payment_method.data:
            self.payment_method.data = methods[0]


class AttachForm(PageForm):
    # Any id may be posted: the use case decides and its refusal goes beside the field.
    retirement_id = IdSelectField(_l("Earlier retirement"), message=_l("Choose a retirement."),
                                  validators=[InputRequired(message=_l("Choose a retirement."))])


class EventSearchForm(PageForm):
    """The public list of carbon-neutral events' search by name (GET, no CSRF: it changes
    nothing); a refused name is shown beside the box (``core.page_forms.query_form_page``)."""

    class Meta:
        csrf = False

    q = StringField(_l("Name of the event"), validators=[Optional(), Length(max=200)])
