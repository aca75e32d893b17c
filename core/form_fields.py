"""Form fields shared by the pages of every domain.

``TonnesField``: people type tonnes (``12.5``, ``3,245.029``); the domain counts integer
kilograms. The text is read as a ``Decimal``, never a float, so ``12.5`` is exactly
12 500 kg, and more than three decimals (less than a kilogram) is refused beside the field.
The buy form, the holder's retire and transfer forms and the claim form all use it, so a
quantity reads and is refused the same way on every page.
"""

import re
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import Field, SelectField
from wtforms.validators import DataRequired, StopValidation
from wtforms.widgets import TextInput

from core.schemas import MAX_ID, MAX_KG

# Digits with an optional decimal part; thousands commas are allowed as they are shown.
TONNES = re.compile(r"^(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$", re.ASCII)


def tonnes_to_kg(text: str) -> int:
    """``"12.5"`` → ``12500``. Raises ``ValueError`` with a message for a person."""
    text = text.strip().replace("\u00a0", "").replace(" ", "")
    if not TONNES.match(text):
        raise ValueError(_l("Enter a quantity in tonnes, for example 1.234."))
    tonnes = Decimal(text.replace(",", ""))
    if -tonnes.as_tuple().exponent > 3 and tonnes != tonnes.quantize(Decimal("0.001")):
        raise ValueError(_l("At most three decimals: the smallest unit is one kilogram."))
    kg = int(tonnes * 1000)
    if kg < 1:
        raise ValueError(_l("At least 0.001 t."))
    if kg > MAX_KG:
        raise ValueError(_l("Too large."))
    return kg


class Required(DataRequired):
    """``DataRequired`` that keeps why a typed value could not be read.

    WTForms' ``DataRequired`` clears a field's errors when its data is empty, so "-1" in a
    ``TonnesField`` or "2026-02-30" in a ``DateField`` (whose data is then None) was told
    "This field is required." — wrong for a person who typed something. This validator
    stops the chain with the parser's own message instead; an empty or blank field is
    still "required"."""

    def __call__(self, form, field):
        if field.process_errors:
            raise StopValidation()  # the errors already hold the parser's message
        super().__call__(form, field)


class ExactAmountField(Field):
    """Text a person types as a decimal amount, held as an integer of the smallest unit;
    ``parse`` turns the text into that integer (or raises ``ValueError`` for a person),
    ``scale`` is how many smallest units make one typed unit."""

    widget = TextInput()
    parse = staticmethod(int)
    scale, decimals = 1, 0

    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = {"inputmode": "decimal", "autocomplete": "off", **kwargs.pop("render_kw", {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0].strip():
            self.data = self.parse(valuelist[0])

    def validate(self, form, extra_validators=()):
        # What was typed and could not be read is the answer: a DataRequired in the chain
        # would otherwise replace "At most three decimals" by "This field is required."
        if self.process_errors:
            self.errors = list(self.process_errors)
            return False
        return super().validate(form, extra_validators)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return f"{Decimal(self.data) / self.scale:.{self.decimals}f}"


class TonnesField(ExactAmountField):
    """A quantity typed in tonnes whose ``data`` is integer kilograms (or None if empty)."""

    parse = staticmethod(tonnes_to_kg)
    scale, decimals = 1000, 3


class IdSelectField(SelectField):
    """A choice of a row by its id (``data`` an ``int`` from 0 to ``MAX_ID``, 0 for "none").

    Any id may be posted (``validate_choice=False``: the use case decides whether it names
    something the person may choose); anything that is not such an id — letters, a number
    too large for the id columns — is refused beside the field with ``message`` instead of
    reaching the database (an overflow there is a 500)."""

    def __init__(self, label=None, validators=None, *, message, **kwargs):
        kwargs.setdefault("validate_choice", False)
        super().__init__(label, validators, coerce=int, **kwargs)
        self.message = message

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        typed = valuelist[0].strip()
        self.data = None
        if not typed:
            return
        if not (typed.isascii() and typed.isdigit()) or len(typed) > 10 \
                or int(typed) > MAX_ID:
            raise ValueError(self.message)
        self.data = int(typed)
