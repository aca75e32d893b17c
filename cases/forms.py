"""Page forms of compensation cases (Flask-WTF: CSRF on).

``CaseForm`` reads what the authority typed (dates, tonnes to the kilogram) and hands the
same body as ``POST /api/v1/compensation-cases`` to ``cases.schemas.CaseIn``, so the page
and the API refuse a bad ID number, multiplier or text alike; ``use_case_arguments``
returns what ``cases.open_case`` takes. The use case checks the rules.
"""

from flask_babel import lazy_gettext as _l
from core.page_forms import PageForm
from flask_wtf.file import FileField
from marshmallow import ValidationError
from wtforms import DateField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from cases.models import DOCUMENT_KINDS
from cases.schemas import CaseIn
from core.form_fields import IdSelectField, TonnesField
from core.labels import choices

_required = InputRequired(message=_l("This field is required."))
#: Text fields: only spaces is nothing typed (InputRequired would let "   " through).
_filled = DataRequired(message=_l("This field is required."))
_date = InputRequired(message=_l("Enter a date."))

#: Where a refusal of ``CaseIn`` or ``open_case`` (by its path in the API body) goes.
FIELD_OF = {
    ("case_number",): "case_number", ("authority_name",): "authority_name",
    ("judgment_date",): "judgment_date", ("due_date",): "due_date",
    ("required_kg",): "required_t", ("beneficiary_wording",): "beneficiary_wording",
    ("obligor", "name"): "obligor_name", ("obligor", "id_number"): "id_number",
    ("obligor", "organization_id"): "obligor_organization_id",
    ("obligor", "email"): "obligor_email",
    ("damage", "description"): "damage_description",
    ("damage", "measured_loss_kg"): "measured_loss_t",
    ("damage", "measuring_agency"): "measuring_agency",
    ("damage", "report_number"): "report_number", ("damage", "multiplier"): "multiplier",
}
#: ``show_errors`` flattens nested errors to their last name.
USE_CASE_FIELDS = {path[-1]: name for path, name in FIELD_OF.items()}


class CaseForm(PageForm):
    case_number = StringField(_l("Case number"), validators=[_filled, Length(max=100)])
    authority_name = StringField(_l("Authority"), validators=[_filled, Length(max=200)])
    judgment_date = DateField(_l("Judgment date"), validators=[_date])
    obligor_kind = RadioField(_l("The obligor is"), default="person", choices=[
        SelectChoice("person", _l("A person")),
        SelectChoice("organization", _l("An organisation"))])
    obligor_name = StringField(_l("Obligor's full name"), validators=[Length(max=200)])
    id_number = StringField(_l("Resident ID number"), validators=[Optional(), Length(max=32)])
    obligor_email = StringField(_l("Obligor's e-mail address (optional)"),
                                validators=[Optional(), Length(max=254)])
    obligor_organization_id = IdSelectField(_l("Obligor organisation"),
                                            message=_l("Choose the organisation."),
                                            validators=[Optional()])
    damage_description = TextAreaField(_l("Damage"), validators=[_filled, Length(max=2000)])
    measured_loss_t = TonnesField(_l("Measured carbon-sink loss (t CO₂e)"),
                                  validators=[_required])
    measuring_agency = StringField(_l("Measuring agency"), validators=[_filled,
                                                                       Length(max=200)])
    report_number = StringField(_l("Report number"), validators=[_filled, Length(max=100)])
    multiplier = StringField(_l("Multiplier"), validators=[_filled, Length(max=16)])
    required_t = TonnesField(_l("Ordered to buy and retire (t CO₂e)"), validators=[_required])
    due_date = DateField(_l("Due date"), validators=[_date])
    beneficiary_wording = StringField(_l("Beneficiary wording (public)"),
                                      validators=[Optional(), Length(max=200)])

    def __init__(self, organizations: list, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.obligor_organization_id.choices = [SelectChoice(0, "—")] + [
            SelectChoice(org.id, org.name) for org in organizations]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.obligor_kind.data == "organization":
            # Only an organisation of the list (never the authority itself, nor an id
            # that names none): its name is taken from the list.
            listed = {c.value for c in self.obligor_organization_id.choices} - {0}
            if self.obligor_organization_id.data not in listed \
                    and not self.obligor_organization_id.errors:
                self.obligor_organization_id.errors.append(_l("Choose the organisation."))
                valid = False
        elif not (self.obligor_name.data or "").strip():
            self.obligor_name.errors.append(_l("This field is required."))
            valid = False
        if not valid:
            return False
        try:
            self._arguments = CaseIn().load(self.api_body())
        except ValidationError as error:
            for name, messages in _paths(error.messages):
                target = getattr(self, FIELD_OF.get(name, "case_number"))
                target.errors = [*target.errors, *messages]
            return False
        return True

    def _organization_name(self) -> str:
        chosen = dict((c.value, c.label) for c in self.obligor_organization_id.choices)
        return str(chosen.get(self.obligor_organization_id.data, ""))

    def api_body(self) -> dict:
        """The ``POST /api/v1/compensation-cases`` body this form stands for."""
        if self.obligor_kind.data == "organization":
            obligor = {"name": self._organization_name(),
                       "organization_id": self.obligor_organization_id.data}
        else:
            obligor = {"name": self.obligor_name.data,
                       "id_number": self.id_number.data or None}
        if (self.obligor_email.data or "").strip():
            obligor["email"] = self.obligor_email.data.strip()
        return {
            "case_number": self.case_number.data, "authority_name": self.authority_name.data,
            "judgment_date": self.judgment_date.data.isoformat(),
            "due_date": self.due_date.data.isoformat(), "obligor": obligor,
            "damage": {"description": self.damage_description.data,
                       "measured_loss_kg": self.measured_loss_t.data,
                       "measuring_agency": self.measuring_agency.data,
                       "report_number": self.report_number.data,
                       "multiplier": (self.multiplier.data or "").strip()},
            "required_kg": self.required_t.data,
            "beneficiary_wording": self.beneficiary_wording.data or None,
        }

    def use_case_arguments(self) -> dict:
        """Keyword arguments of ``cases.open_case`` (after ``validate``)."""
        return self._arguments


def _paths(messages, prefix=()):
    """``{"obligor": {"id_number": [..]}}`` → ``(("obligor", "id_number"), [..])``."""
    for key, value in messages.items():
        if isinstance(value, dict):
            yield from _paths(value, (*prefix, key))
        else:
            yield (*prefix, key), value


class DocumentForm(PageForm):
    """A reference to one document of the case file (``POST …/documents``)."""

    kind = SelectField(_l("Document"), validators=[_required])
    title = StringField(_l("Title"), validators=[_filled, Length(max=200)])
    reference = StringField(_l("Reference number"), validators=[_filled, Length(max=200)])
    file = FileField(_l("The document as a PDF (optional)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [SelectChoice(code, text) for code, text
                             in choices("case_document_kind") if code in DOCUMENT_KINDS]
