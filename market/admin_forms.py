"""Page forms of the registry administrator's market pages (orders, bank transfers and
statements, issuance, methodologies). They check shape (Flask-WTF, CSRF on); the use
cases check the rules."""

from flask_babel import lazy_gettext as _l
from core.page_forms import PageForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from core.form_fields import Required
from core.labels import choices
from market.models.issuance import METHODOLOGY_STATUSES, SCENARIOS
from market.models.trading import ORDER_STATUSES
from market.seller_forms import YuanField

_required = Required(message=_l("This field is required."))  # keeps a parse error
# WTForms' own refusals come from its own catalogs, which have no plain "zh": say them here.
BAD_DATE = _l("Not a valid date value.")
BAD_CHOICE = _l("Not a valid choice.")


def _optional_int(value):
    return int(value) if value not in (None, "") and str(value).isdigit() else None


class OrderFilterForm(PageForm):
    """The admin's order filters, read from the query string (a GET form: no CSRF)."""

    class Meta:
        csrf = False

    status = SelectField(_l("Status"), validators=[Optional()], invalid_choice_message=BAD_CHOICE)
    number = StringField(_l("Order number"), validators=[Optional(), Length(max=32)])
    reference = StringField(_l("Bank reference (附言)"), validators=[Optional(), Length(max=32)])
    organization_id = SelectField(_l("Buyer"), coerce=_optional_int, validators=[Optional()],
                                  invalid_choice_message=BAD_CHOICE)
    placed_from = DateField(_l("Placed from"), validators=[Optional()],
                            invalid_value_message=BAD_DATE)
    placed_to = DateField(_l("Placed until"), validators=[Optional()],
                          invalid_value_message=BAD_DATE)

    def __init__(self, buyers, **kwargs):
        super().__init__(**kwargs)
        self.status.choices = [("", _l("All"))] + [
            (code, text) for code, text in choices("order_status") if code in ORDER_STATUSES]
        self.organization_id.choices = [("", _l("All"))] + [(b.id, b.name) for b in buyers]

    def filters(self) -> dict:
        return {"status": self.status.data or None,
                "number": (self.number.data or "").strip() or None,
                "reference": (self.reference.data or "").strip() or None,
                "organization_id": self.organization_id.data,
                "placed_from": self.placed_from.data, "placed_to": self.placed_to.data}


class ReleaseForm(PageForm):
    reason = TextAreaField(_l("Reason for releasing"), validators=[_required, Length(max=500)])


class ConfirmTransferForm(PageForm):
    # InputRequired, not DataRequired: unreadable text keeps the parser's own message.
    amount = YuanField(_l("Amount received (¥)"), validators=[
        InputRequired(message=_l("This field is required."))])


class StatementForm(PageForm):
    file = FileField(_l("Bank statement (CSV)"),
                     validators=[FileRequired(message=_l("Choose a file."))])


class MethodologyForm(PageForm):
    code = StringField(_l("Code"), validators=[
        _required, Length(min=2, max=32),
        Regexp(r"^[A-Z0-9]+(-[A-Z0-9]+)*$", message=_l("Upper-case letters, digits and hyphens."))])
    title_zh = StringField(_l("Title (Chinese)"), validators=[_required, Length(max=200)])
    title_en = StringField(_l("Title (English)"), validators=[_required, Length(max=200)])
    scenario = SelectField(_l("Scenario"), validators=[_required],
                           invalid_choice_message=BAD_CHOICE)
    version = StringField(_l("Version"), validators=[_required, Length(max=16)])
    status = SelectField(_l("Status"), validators=[_required], invalid_choice_message=BAD_CHOICE)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.scenario.choices = [(c, t) for c, t in choices("scenario") if c in SCENARIOS]
        self.status.choices = [(c, t) for c, t in choices("methodology_status")
                               if c in ("draft", "filed")]


class MethodologyStatusForm(PageForm):
    status = SelectField(_l("New status"), validators=[_required],
                         invalid_choice_message=BAD_CHOICE)

    def __init__(self, allowed: tuple[str, ...], **kwargs):
        super().__init__(**kwargs)
        self.status.choices = [(c, t) for c, t in choices("methodology_status")
                               if c in allowed and c in METHODOLOGY_STATUSES]
