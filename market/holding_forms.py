"""Page forms of a holder: retire units, transfer (or donate) units. They check shape
(Flask-WTF, CSRF on); the use cases check the rules."""

from flask_babel import gettext as _, lazy_gettext as _l
from core.page_forms import PageForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from core.form_fields import Required, TonnesField
from core.formatting import NBSP, format_tonnes
from core.labels import label

_required = Required(message=_l("This field is required."))  # keeps a parse error

# Purposes a holder retires for from this form. An event's or a case's retirement names
# its event or case, and is made from that event's or case's own page.
HOLDER_PURPOSES = ("voluntary", "organization_operations", "pilot_neutrality", "donation")


def _optional_id(value):
    return int(value) if value not in (None, "") else None


class RetireForm(PageForm):
    purpose = SelectField(_l("Purpose"), validators=[_required])
    beneficiary_name = StringField(_l("Beneficiary"), validators=[_required, Length(max=200)])
    quantity = TonnesField(_l("Quantity (t)"), validators=[_required])
    lot_id = SelectField(_l("Lot"), coerce=_optional_id, validators=[Optional()])
    period_start = DateField(_l("Period start"), validators=[Optional()])
    period_end = DateField(_l("Period end"), validators=[Optional()])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=500)])

    def __init__(self, lots: list[dict], **kwargs):
        super().__init__(**kwargs)
        self.purpose.choices = [(code, label("purpose", code)) for code in HOLDER_PURPOSES]
        self.lot_id.choices = [("", _l("Any lot, oldest vintage first"))] + lot_choices(lots)

    def instruction(self) -> dict:
        """The retirement instruction of API.md, as ``POST /api/v1/retirements`` takes it."""
        return {"purpose": self.purpose.data, "beneficiary_name": self.beneficiary_name.data.strip(),
                "quantity_kg": self.quantity.data, "lot_id": self.lot_id.data,
                "period_start": self.period_start.data, "period_end": self.period_end.data,
                "note": (self.note.data or "").strip() or None}


class TransferForm(PageForm):
    recipient = StringField(_l("Recipient organisation"), validators=[_required, Length(max=32)])
    lot_id = SelectField(_l("Lot"), coerce=_optional_id, validators=[_required])
    quantity = TonnesField(_l("Quantity (t)"), validators=[_required])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=500)])

    def __init__(self, lots: list[dict], **kwargs):
        super().__init__(**kwargs)
        self.lot_id.choices = [("", _l("Choose a lot"))] + lot_choices(lots)


def lot_choices(lots: list[dict]) -> list[tuple[str, str]]:
    """``(lot id, "JL-2026-TR-METRO · 2.500 吨")``: each lot with what is available of it."""
    return [(str(lot["lot_id"]),
             f"{lot['lot_code']} · {format_tonnes(lot['available_kg'])}{NBSP}{_('t')}")
            for lot in lots]
