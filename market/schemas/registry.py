"""Schemas of the registry: methodologies, issuance, lots, holdings, ledger, movements."""

from flask_babel import gettext as _
from marshmallow import ValidationError, fields, post_load, validate, validates_schema

from core.exports import FORMATS as EXPORT_FORMATS
from core.i18n import N_
from core.schemas import MAX_ID, BaseSchema, Id, Kg, MultilineText, PageArgs, StrictInt
from market import issuance_checks
from market.models.issuance import METHODOLOGY_STATUSES, REQUEST_STATUSES, SCENARIOS
from market.models.movements import PURPOSES
from market.retirements import serials_of

# marshmallow formats the message itself: an English id, translated in the error answer.
CODE = validate.Regexp(r"^[A-Z0-9]+(-[A-Z0-9]+)*$",
                      error=N_("Upper-case letters, digits and hyphens."))
Text = lambda n, **kw: fields.String(validate=validate.Length(min=1, max=n), **kw)  # noqa: E731


class MethodologyIn(BaseSchema):
    code = fields.String(required=True, validate=[validate.Length(min=2, max=32), CODE])
    title_zh = Text(200, required=True)
    title_en = Text(200, required=True)
    scenario = fields.String(required=True, validate=validate.OneOf(SCENARIOS))
    version = Text(16, required=True)
    status = fields.String(load_default="filed", validate=validate.OneOf(METHODOLOGY_STATUSES))


class MethodologyStatusIn(BaseSchema):
    status = fields.String(required=True, validate=validate.OneOf(METHODOLOGY_STATUSES))


class MethodologyOut(BaseSchema):
    id = fields.Integer()
    code = fields.String()
    title_zh = fields.String()
    title_en = fields.String()
    scenario = fields.String()
    version = fields.String()
    status = fields.String(validate=validate.OneOf(METHODOLOGY_STATUSES))


#: Six digits whose first two name a province-level division (GB/T 2260: 11–15, 21–23,
#: 31–37, 41–46, 50–54, 61–65, 71, 81, 82); 000000 or 990000 would match no region at all,
#: so a claim scope naming them would never conflict with anything.
REGION_CODE = validate.Regexp(r"^(1[1-5]|2[1-3]|3[1-7]|4[1-6]|5[0-4]|6[1-5]|71|8[12])[0-9]{4}\Z", error=N_("A six-digit GB/T 2260 region code, such as 220000."))
SHA256_HEX = validate.Regexp(r"^[0-9a-fA-F]{64}\Z", error=N_("A SHA-256 hash: 64 hexadecimal characters."))
MAX_RECORD_HASHES = 10_000


class ClaimScopeIn(BaseSchema):
    """INTEROP.md §5: where and on which behaviour records the reductions were claimed.
    The operator (credit code), scenario and period are the request's own."""

    regions = fields.List(fields.String(validate=REGION_CODE), required=True,
                          validate=validate.Length(min=1, max=50))
    records_root = fields.String(validate=SHA256_HEX, metadata={
        "description": "RFC 9162 Merkle root over the salted per-record hashes, hex."})
    record_hashes = fields.List(fields.String(validate=SHA256_HEX),
                                validate=validate.Length(max=MAX_RECORD_HASHES), metadata={
        "description": "Salted per-record hashes the operator discloses, hex."})

    @post_load
    def _normalise(self, data, **kwargs):
        if "records_root" in data:
            data["records_root"] = data["records_root"].lower()
        if "record_hashes" in data:
            data["record_hashes"] = sorted({h.lower() for h in data["record_hashes"]})
        data["regions"] = sorted(set(data["regions"]))
        return data


class IssuanceRequestIn(BaseSchema):
    methodology_code = fields.String(required=True, validate=validate.Length(min=1, max=32))
    vintage = StrictInt(required=True, minimum=2000, maximum=2100)
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    quantity_kg = Kg(required=True)
    evidence = fields.Dict(keys=fields.String(), load_default=dict)
    claim_scope = fields.Nested(ClaimScopeIn, load_default=None)


class IssuanceIn(BaseSchema):
    override_reason = MultilineText(validate=validate.Length(min=1, max=1000), metadata={
        "description": "Issue despite a double-claim conflict; recorded with the lot."})


class VerificationIn(BaseSchema):
    decision = fields.String(required=True, validate=validate.OneOf(("approved", "rejected")))
    verified_kg = Kg(load_default=None, allow_none=True)
    report_ref = Text(200, required=True)


class IssuanceRequestOut(BaseSchema):
    id = fields.Integer()
    status = fields.String(validate=validate.OneOf(REQUEST_STATUSES))
    seller_id = fields.Integer()
    methodology_code = fields.Function(lambda r: r.methodology.code)
    vintage = fields.Integer()
    period_start = fields.Date()
    period_end = fields.Date()
    quantity_kg = fields.Integer()
    verified_kg = fields.Integer(allow_none=True)
    report_ref = fields.String(allow_none=True)
    lot_id = fields.Function(lambda r: r.lot.id if r.lot else None)
    claim_scope = fields.Function(lambda r: r.claim_scope and {
        **{k: v for k, v in r.claim_scope.items() if k != "record_hashes"},
        "record_hash_count": len(r.claim_scope.get("record_hashes") or [])})


class IssuanceRequestArgs(PageArgs):
    status = fields.String(validate=validate.OneOf(REQUEST_STATUSES))


class EvidenceFileOut(BaseSchema):
    id = fields.Integer()
    filename = fields.String()
    kind = fields.String()
    sha256 = fields.String()
    size = fields.Integer()
    uploaded_at = fields.DateTime()


class LotOut(BaseSchema):
    id = fields.Integer()
    code = fields.String()
    methodology_code = fields.String()
    scenario = fields.String()
    vintage = fields.Integer()
    period_start = fields.Date()
    period_end = fields.Date()
    seller_id = fields.Integer()
    issued_kg = fields.Integer()
    available_kg = fields.Integer()
    listed_kg = fields.Integer()
    reserved_kg = fields.Integer()
    retired_kg = fields.Integer()
    issued_at = fields.DateTime()


class LotDetailOut(LotOut):
    """One lot with the record of the checks run before it was issued (the double-claim
    gate's ``claim_check``, INTEROP.md §5; null when none ran)."""

    claim_check = fields.Function(lambda lot: issuance_checks.result("claim_check", lot))


class LotArgs(PageArgs):
    format = fields.String(validate=validate.OneOf(EXPORT_FORMATS))
    scenario = fields.String(validate=validate.OneOf(SCENARIOS))
    vintage = fields.Integer(validate=validate.Range(min=2000, max=2100))
    methodology_code = fields.String(validate=validate.Length(max=32))
    seller_id = fields.Integer(validate=validate.Range(min=1, max=MAX_ID))


class HoldingOut(BaseSchema):
    lot_id = fields.Integer()
    lot_code = fields.String()
    serial_start = fields.Integer()
    serial_end = fields.Integer()
    quantity_kg = fields.Integer()
    state = fields.String()


class HoldingsOut(BaseSchema):
    items = fields.List(fields.Nested(HoldingOut))
    available_kg = fields.Integer()
    listed_kg = fields.Integer()
    reserved_kg = fields.Integer()
    retired_kg = fields.Integer()


class LedgerArgs(BaseSchema):
    after = fields.Integer(validate=validate.Range(min=-1, max=2**62))
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))


class LedgerItem(BaseSchema):
    seq = fields.Integer()
    type = fields.String()
    lot_code = fields.String()
    serial_start = fields.Integer()
    serial_end = fields.Integer()
    quantity_kg = fields.Integer()
    from_org_id = fields.Integer(allow_none=True)
    to_org_id = fields.Integer(allow_none=True)
    ref = fields.String()
    created_at = fields.String()


class LedgerOut(BaseSchema):
    items = fields.List(fields.Nested(LedgerItem))
    size = fields.Integer()


class TransferIn(BaseSchema):
    to_organization_id = Id(required=True)
    lot_id = Id(required=True)
    quantity_kg = Kg(required=True)
    note = MultilineText(validate=validate.Length(max=500), load_default=None, allow_none=True)


class TransferOut(BaseSchema):
    id = fields.Integer()
    number = fields.String()
    from_org_id = fields.Integer()
    to_organization_id = fields.Integer(attribute="to_org_id")
    lot_id = fields.Integer()
    quantity_kg = fields.Integer()
    note = fields.String(allow_none=True)
    ledger_seq = fields.Integer()
    created_at = fields.DateTime()


class RetirementInstruction(BaseSchema):
    """What to retire and why; ``quantity_kg`` and ``lot_id`` are optional in orders."""

    purpose = fields.String(required=True, validate=validate.OneOf(PURPOSES))
    beneficiary_name = Text(200, required=True)
    quantity_kg = Kg()
    lot_id = Id(load_default=None, allow_none=True)
    period_start = fields.Date(load_default=None, allow_none=True)
    period_end = fields.Date(load_default=None, allow_none=True)
    event_id = Id(load_default=None, allow_none=True)
    claim_id = Id(load_default=None, allow_none=True)
    case_id = Id(load_default=None, allow_none=True)
    note = MultilineText(validate=validate.Length(max=500), load_default=None, allow_none=True)


class RetirementIn(RetirementInstruction):
    quantity_kg = Kg(required=True)

    @validates_schema
    def _strip_blank_beneficiary(self, data, **kwargs):
        if not data.get("beneficiary_name", "x").strip():
            raise ValidationError(_("Must not be blank."), "beneficiary_name")


class SerialRangeOut(BaseSchema):
    lot_code = fields.String()
    serial_start = fields.Integer()
    serial_end = fields.Integer()
    quantity_kg = fields.Integer()
    range = fields.String()


class RetirementOut(BaseSchema):
    id = fields.Integer()
    number = fields.String()
    organization_id = fields.Integer()
    quantity_kg = fields.Integer()
    purpose = fields.String()
    beneficiary_name = fields.String()
    period_start = fields.Date(allow_none=True)
    period_end = fields.Date(allow_none=True)
    event_id = fields.Integer(allow_none=True)
    claim_id = fields.Integer(allow_none=True)
    case_id = fields.Integer(allow_none=True)
    order_id = fields.Integer(allow_none=True)
    note = fields.String(allow_none=True)
    retired_at = fields.DateTime()
    ledger_seq = fields.Integer()
    serials = fields.Method("_serials")
    certificate_number = fields.String()

    def _serials(self, retirement):
        return serials_of(retirement)


class RetirementArgs(PageArgs):
    purpose = fields.String(validate=validate.OneOf(PURPOSES))
    beneficiary = fields.String(validate=validate.Length(max=200))
    organization = fields.String(validate=validate.Length(max=200))
    lot_code = fields.String(validate=validate.Length(max=64))
    number = fields.String(validate=validate.Length(max=32))
    serial = fields.String(validate=validate.Length(max=80), metadata={
        "pattern": "^[A-Za-z0-9]+(-[A-Za-z0-9]+)*-[0-9]{1,12}$"})  # retirements.SERIAL
    date_from = fields.Date(data_key="from")
    date_to = fields.Date(data_key="to")
    after = fields.String(validate=validate.Length(max=40))
    format = fields.String(validate=validate.OneOf(EXPORT_FORMATS))

    @validates_schema
    def _range_in_order(self, data, **kwargs):
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            raise ValidationError(_("The end must not be before the start."), "to")


class RetirementPage(BaseSchema):
    """The list envelope of API.md, plus ``next``: the ``after`` cursor of the next page
    (null on the last)."""

    items = fields.List(fields.Nested(RetirementOut))
    total = fields.Integer()
    total_capped = fields.Boolean(metadata={"description": "true when a search matched more "
                                            "than ``total`` (the count stops there)"})
    page = fields.Integer(allow_none=True)
    per_page = fields.Integer()
    next = fields.String(allow_none=True)
