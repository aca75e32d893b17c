"""Input and output schemas of events, claims and factor sets: shape only.

Activity inputs are the calculator's own ``FootprintInputs`` (exact decimals, unknown keys
and travel modes refused); counts and kilograms are strict integers.
"""

from flask_babel import gettext as _
from marshmallow import ValidationError, fields, validate, validates_schema

from core.schemas import BaseSchema, Id, Kg, PageArgs, StrictInt
from events.footprint import FootprintInputs
from events.models import CLAIM_STATUSES, EVENT_KINDS, STAGES
from market.schemas.trading import PaymentMethod

Text = lambda n, **kw: fields.String(validate=validate.Length(min=1, max=n), **kw)  # noqa: E731


class _Dated(BaseSchema):
    """Dates within the registry's horizon (deadlines are computed from them)."""

    def _check_year(self, data, *names):
        for name in names:
            if name in data and not 2000 <= data[name].year <= 2100:
                raise ValidationError(_("Must be a date between %(first)s and %(last)s.",
                                        first=2000, last=2100), name)


class EventIn(_Dated):
    name = Text(200, required=True)
    kind = fields.String(required=True, validate=validate.OneOf(EVENT_KINDS))
    venue = Text(200, required=True)
    city = Text(100, required=True)
    start_date = fields.Date(required=True)
    end_date = fields.Date(required=True)
    expected_attendees = StrictInt(required=True, minimum=1, maximum=10**8)

    @validates_schema
    def _dates(self, data, **kwargs):
        self._check_year(data, "start_date", "end_date")
        if data["end_date"] < data["start_date"]:
            raise ValidationError(_("Must not be before %(field)s.", field="start_date"), "end_date")


class FootprintIn(BaseSchema):
    stage = fields.String(required=True, validate=validate.OneOf(STAGES))
    inputs = fields.Nested(FootprintInputs, required=True)


class ClaimIn(_Dated):
    subject = fields.String(required=True, validate=validate.OneOf(("organization", "pilot")))
    name = Text(200, required=True)
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    footprint_kg = Kg()
    inputs = fields.Nested(FootprintInputs)

    @validates_schema
    def _period_and_footprint(self, data, **kwargs):
        self._check_year(data, "period_start", "period_end")
        if data["period_end"] < data["period_start"]:
            raise ValidationError(_("Must not be before %(field)s.", field="period_start"),
                                  "period_end")
        if ("footprint_kg" in data) == ("inputs" in data):
            raise ValidationError(_("Give exactly one of %(first)s or %(second)s.", first="footprint_kg",
                                    second="inputs"), "_schema")


class NeutralizeIn(BaseSchema):
    payment_method = PaymentMethod(required=True)


class LineOut(BaseSchema):
    category = fields.String()
    source = fields.String()
    quantity = fields.String()
    unit = fields.String()
    factor = fields.String()
    factor_unit = fields.String()
    kg = fields.Integer()


class FootprintOut(BaseSchema):
    id = fields.Integer()
    claim_id = fields.Integer()
    stage = fields.String()
    basis = fields.String()
    total_kg = fields.Integer()
    factor_set = fields.String(attribute="factor_set_version", allow_none=True)
    inputs = fields.Dict(allow_none=True)
    inputs_hash = fields.String(allow_none=True)
    lines = fields.List(fields.Nested(LineOut))
    created_at = fields.DateTime()


class RetirementRef(BaseSchema):
    id = fields.Integer()
    number = fields.String()
    quantity_kg = fields.Integer()
    retired_at = fields.DateTime()
    certificate_number = fields.String()


class ClaimOut(BaseSchema):
    """A claim as the public sees it; required/outstanding are null before a footprint."""

    id = fields.Integer()
    claim_id = fields.Integer()
    event_id = fields.Integer(allow_none=True)
    subject = fields.String()
    name = fields.String()
    organization_id = fields.Integer()
    host_name = fields.String()
    period_start = fields.Date()
    period_end = fields.Date()
    status = fields.String(validate=validate.OneOf(CLAIM_STATUSES))
    deadline = fields.Date()
    required_kg = fields.Integer(allow_none=True)
    retired_kg = fields.Integer()
    outstanding_kg = fields.Integer(allow_none=True)
    footprint = fields.Nested(FootprintOut, allow_none=True)
    certificate_number = fields.String(allow_none=True)
    commitment_certificate_number = fields.String(allow_none=True)
    neutral_at = fields.DateTime(allow_none=True)
    retirements = fields.List(fields.Nested(RetirementRef))
    page_url = fields.String()


class EventOut(ClaimOut):
    kind = fields.String()
    venue = fields.String()
    city = fields.String()
    start_date = fields.Date()
    end_date = fields.Date()
    expected_attendees = fields.Integer()
    committed_at = fields.DateTime(allow_none=True)


class FactorSetOut(BaseSchema):
    id = fields.Integer()
    version = fields.String()
    published = fields.Date()
    document_hash = fields.String()
    loaded_at = fields.DateTime()
    current = fields.Boolean()
    document = fields.Dict()


class AttachRetirementIn(BaseSchema):
    """An earlier retirement of the host to count for its claim or event."""

    retirement_id = Id(required=True)


class EventListArgs(PageArgs):
    """Filters of ``GET /api/v1/events`` and ``/claims``: status as of today, a period
    overlapping ``from``–``to`` (dates), part of the name."""

    status = fields.String(validate=validate.OneOf(CLAIM_STATUSES))
    date_from = fields.Date(data_key="from")
    date_to = fields.Date(data_key="to")
    q = fields.String(validate=validate.Length(min=1, max=200))
