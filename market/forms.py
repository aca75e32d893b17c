"""Page forms of the market (Flask-WTF: CSRF on). They check shape — a quantity is a
number of tonnes to the kilogram, a retirement names its beneficiary — and load plain
values for the use cases, which check the rules (enough units left, the purpose's fields).
"""

import re
import uuid

from flask_babel import lazy_gettext as _l
from core.page_forms import PageForm
from wtforms import HiddenField, RadioField, SelectField, StringField
from wtforms.fields import DateField
from wtforms.validators import Length, Optional, ValidationError

from core.form_fields import TonnesField
from core.labels import label
from market.models.movements import PURPOSES

# Purposes a buyer can give on the buy form: those that need no event, claim or case id
# (event hosts and case payers buy from their own pages).
ORDER_PURPOSES = ("organization_operations", "voluntary", "pilot_neutrality", "donation")
QUANTITY_FIELD = re.compile(r"^quantity_(\d{1,9})$")


class BuyForm(PageForm):
    """The marketplace's buy form; one ``quantity_<listing id>`` field per listing is
    added by ``buy_form``."""

    payment_method = RadioField(_l("Payment method"), default="bank_transfer")
    purpose = SelectField(_l("Retire the units at once"), default="", validators=[Optional()])
    beneficiary_name = StringField(_l("Beneficiary"), validators=[Optional(), Length(max=200)])
    period_start = DateField(_l("Period from"), validators=[Optional()])
    period_end = DateField(_l("Period to"), validators=[Optional()])
    idempotency_key = HiddenField()

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and not self.order_items():
            self.form_errors.append(_l("Enter the quantity to buy from at least one listing."))
            valid = False
        if valid and self.purpose.data and not (self.beneficiary_name.data or "").strip():
            self.beneficiary_name.errors.append(_l("Name who the units are retired for."))
            valid = False
        return valid

    def quantity_fields(self):
        return [field for field in self if QUANTITY_FIELD.match(field.name)]

    def quantity_field(self, listing_id: int):
        return self._fields.get(f"quantity_{listing_id}")

    def order_items(self) -> list[dict]:
        """``[{listing_id, quantity_kg}]`` of the listings given a quantity."""
        return [{"listing_id": int(QUANTITY_FIELD.match(field.name).group(1)),
                 "quantity_kg": field.data}
                for field in self.quantity_fields() if field.data]

    def retirement_instruction(self) -> dict | None:
        """The retirement instruction, or None to keep the units."""
        if not self.purpose.data:
            return None
        return {"purpose": self.purpose.data,
                "beneficiary_name": self.beneficiary_name.data.strip(),
                "period_start": self.period_start.data, "period_end": self.period_end.data}


def buy_form(listing_ids, methods: list[str], organization_name: str = "", **kwargs) -> BuyForm:
    """A buy form with a quantity field for each of ``listing_ids`` and the payment
    ``methods`` this registry offers."""
    form_class = type("ListingsBuyForm", (BuyForm,), {
        f"quantity_{listing_id}": TonnesField(_l("Quantity (t)"), validators=[Optional()])
        for listing_id in listing_ids})
    form = form_class(**kwargs)
    form.payment_method.choices = [(m, label("payment_method", m)) for m in methods]
    form.purpose.choices = [("", _l("No: keep the units in my holdings")),
                            *((p, label("purpose", p)) for p in ORDER_PURPOSES)]
    if not form.is_submitted():
        form.idempotency_key.data = uuid.uuid4().hex
        form.beneficiary_name.data = form.beneficiary_name.data or organization_name
    return form


def submitted_listing_ids(formdata) -> list[int]:
    """The listing ids a posted buy form carries quantity fields for (at most 100)."""
    ids = sorted({int(m.group(1)) for key in formdata
                  if (m := QUANTITY_FIELD.match(key))})
    return ids[:100]


class RegistrySearchForm(PageForm):
    """The public registry's search (GET, no CSRF: it changes nothing). Field names are
    the API's query parameters, so a page URL and an API URL filter alike."""

    class Meta:
        csrf = False

    beneficiary = StringField(_l("Beneficiary"), validators=[Optional(), Length(max=200)])
    organization = StringField(_l("Retiring organisation"), validators=[Optional(), Length(max=200)])
    number = StringField(_l("Retirement or certificate No."), validators=[Optional(), Length(max=32)])
    serial = StringField(_l("Serial number"), validators=[Optional(), Length(max=80)])
    lot_code = StringField(_l("Lot code"), validators=[Optional(), Length(max=64)])
    purpose = SelectField(_l("Purpose"), default="", validators=[Optional()])
    date_from = DateField(_l("Retired from"), validators=[Optional()])
    date_to = DateField(_l("Retired until"), validators=[Optional()])

    def __init__(self, formdata, **kwargs):
        # ``from`` and ``to`` in the URL (as in the API) fill ``date_from``/``date_to``.
        data = formdata.copy()
        for short, name in (("from", "date_from"), ("to", "date_to")):
            if short in data and name not in data:
                data[name] = data[short]
        super().__init__(data, **kwargs)
        self.purpose.choices = [("", _l("All"))] + [(p, label("purpose", p)) for p in PURPOSES]

    def validate_date_to(self, field):
        """A range that ends before it starts is refused beside "Retired until" (as the
        API's ``to``), not answered with an empty list that looks like a real result."""
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end must not be before the start."))

    def filters(self) -> dict:
        """The search as ``search_retirements`` keywords (empty fields left out)."""
        return {name: (field.data.strip() if isinstance(field.data, str) else field.data)
                for name, field in self._fields.items()
                if field.data not in (None, "") and not (isinstance(field.data, str)
                                                         and not field.data.strip())}

    def query_args(self) -> dict:
        """The search as URL parameters (for the next page and the download links)."""
        args = {}
        for name, value in self.filters().items():
            key = {"date_from": "from", "date_to": "to"}.get(name, name)
            args[key] = value.isoformat() if hasattr(value, "isoformat") else value
        return args
