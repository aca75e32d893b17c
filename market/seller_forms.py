"""Page forms of a seller (issuance requests, evidence, listings) and of a verifier
(approve, reject). They check shape (Flask-WTF, CSRF on); the use cases check the rules."""

import re
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from core.page_forms import PageForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from core.form_fields import ExactAmountField, Required, TonnesField
from market.holding_forms import lot_choices

_required = Required(message=_l("This field is required."))  # keeps a parse error
YUAN = re.compile(r"^(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?$", re.ASCII)
MAX_FEN_PER_TONNE = 10**10  # ¥100,000,000 per tonne: far beyond any price


def yuan_to_fen(text: str) -> int:
    """``"58.5"`` → ``5850``, exactly (Decimal). Raises ``ValueError`` for a person."""
    text = text.strip().replace("\u00a0", "").replace(" ", "").lstrip("¥")
    if not YUAN.match(text):
        raise ValueError(_l("Enter an amount in yuan with at most two decimals, for example 58.50."))
    fen = int(Decimal(text.replace(",", "")) * 100)
    if fen < 1:
        raise ValueError(_l("At least ¥0.01."))
    if fen > MAX_FEN_PER_TONNE:
        raise ValueError(_l("Too large."))
    return fen


class YuanField(ExactAmountField):
    """An amount typed in yuan whose ``data`` is integer fen (or None if empty)."""

    parse = staticmethod(yuan_to_fen)
    scale, decimals = 100, 2


def _optional_id(value):
    return int(value) if value not in (None, "") else None


class IssuanceRequestForm(PageForm):
    methodology_code = SelectField(_l("Methodology"), validators=[_required])
    vintage = IntegerField(_l("Vintage"), validators=[_required, NumberRange(min=2000, max=2100)],
                           render_kw={"inputmode": "numeric"})
    period_start = DateField(_l("Period start"), validators=[_required])
    period_end = DateField(_l("Period end"), validators=[_required])
    quantity = TonnesField(_l("Claimed quantity (t)"), validators=[_required])
    summary = TextAreaField(_l("Evidence summary"), validators=[Optional(), Length(max=2000)])

    def __init__(self, methodologies, **kwargs):
        super().__init__(**kwargs)
        self.methodology_code.choices = [("", _l("Choose a methodology"))] + [
            (m.code, f"{m.code} · {m.title_zh if _is_zh() else m.title_en}") for m in methodologies]

    def request(self) -> dict:
        """The body of ``POST /api/v1/issuance-requests``."""
        summary = (self.summary.data or "").strip()
        return {"methodology_code": self.methodology_code.data, "vintage": self.vintage.data,
                "period_start": self.period_start.data, "period_end": self.period_end.data,
                "quantity_kg": self.quantity.data,
                "evidence": {"summary": summary} if summary else {}}


def _is_zh() -> bool:
    from core.i18n import current_locale

    return current_locale() == "zh"


class EvidenceForm(PageForm):
    file = FileField(_l("Evidence file (PDF, XLSX or CSV)"),
                     validators=[FileRequired(message=_l("Choose a file."))])


class ListingForm(PageForm):
    lot_id = SelectField(_l("Lot"), coerce=_optional_id, validators=[_required])
    quantity = TonnesField(_l("Quantity (t)"), validators=[_required])
    price = YuanField(_l("Price (¥ per tonne)"), validators=[_required])

    def __init__(self, lots: list[dict], **kwargs):
        super().__init__(**kwargs)
        self.lot_id.choices = [("", _l("Choose a lot"))] + lot_choices(lots)


class ApproveForm(PageForm):
    verified = TonnesField(_l("Verified quantity (t)"), validators=[_required])
    report_ref = StringField(_l("Verification report number"),
                             validators=[_required, Length(max=200)])


class RejectForm(PageForm):
    reasons = TextAreaField(_l("Reasons and report reference"),
                            validators=[_required, Length(max=200)])
