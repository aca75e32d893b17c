"""Interop's input and output shapes (API.md "互联互通", INTEROP.md)."""

from marshmallow import INCLUDE, ValidationError, fields, validate, validates_schema

from core.i18n import N_
from core.schemas import MAX_KG, BaseSchema, StrictInt
from market.models.issuance import SCENARIOS
from market.schemas.registry import MAX_RECORD_HASHES, REGION_CODE, SHA256_HEX

HTTP_URL = validate.URL(schemes={"http", "https"}, require_tld=False)


class LogOut(BaseSchema):
    origin = fields.String()
    key_name = fields.String()
    public_key = fields.String(metadata={"description": "Raw Ed25519 key, standard base64."})
    checkpoint_url = fields.String()


class WitnessOut(BaseSchema):
    name = fields.String(metadata={"description": "Name in cosignature lines."})
    public_key = fields.String(metadata={"description": "Raw Ed25519 key, standard base64."})


class PeerRefOut(BaseSchema):
    did = fields.String()
    api_base = fields.String()
    region = fields.String()


class DescriptionOut(BaseSchema):
    name_zh = fields.String()
    name_en = fields.String()
    region = fields.String(metadata={"description": "GB/T 2260 code, e.g. 220000 (Jilin)."})
    did = fields.String(metadata={"description": "did:web of the issuer."})
    api_base = fields.String()
    log = fields.Nested(LogOut)
    pdf_certificates_url = fields.String()
    witness = fields.Nested(WitnessOut)
    peers = fields.List(fields.Nested(PeerRefOut))


class PeerIn(BaseSchema):
    api_base = fields.String(required=True, validate=[validate.Length(max=300), HTTP_URL],
                             metadata={"description": "The peer's API base, e.g. "
                                                      "https://registry.example/api/v1."})
    confirm_key_change = fields.Boolean(load_default=False, metadata={
        "description": "Accept keys that differ from those pinned before."})


class PeerKeysOut(BaseSchema):
    did_keys = fields.List(fields.String(), metadata={"description": "Multibase Ed25519."})
    log_public_key = fields.String()
    witness_public_key = fields.String()


class PeerOut(BaseSchema):
    id = fields.Integer()
    did = fields.String()
    api_base = fields.String()
    region = fields.String()
    name_zh = fields.String()
    name_en = fields.String()
    pinned_at = fields.DateTime()
    key_changes = fields.Integer()
    keys = fields.Method("_keys", dump_only=True)
    log = fields.Method("_log", dump_only=True)

    def _keys(self, peer):
        return PeerKeysOut().dump(peer.keys())

    def _log(self, peer):
        return peer.description.get("log")


class PeerListOut(BaseSchema):
    items = fields.List(fields.Nested(PeerOut))
    total = fields.Integer()


class ScopeIn(BaseSchema):
    """A claim scope as registries exchange it (INTEROP.md §5)."""

    operator_credit_code = fields.String(allow_none=True, load_default=None,
                                         validate=validate.Regexp(r"^[0-9A-Z]{18}\Z"))
    scenario = fields.String(required=True, validate=validate.OneOf(SCENARIOS))
    methodology_code = fields.String(allow_none=True, validate=validate.Length(max=32))
    regions = fields.List(fields.String(validate=REGION_CODE), required=True,
                          validate=validate.Length(min=1, max=50))
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    records_root = fields.String(allow_none=True, validate=SHA256_HEX)

    @validates_schema
    def _ordered(self, data, **kwargs):
        # A reversed period overlaps nothing: the signed answer would say "no conflicts".
        if data.get("period_start") and data.get("period_end") \
                and data["period_end"] < data["period_start"]:
            raise ValidationError(N_("The end must not be before the start."), "period_end")


class ClaimCheckIn(BaseSchema):
    scope = fields.Nested(ScopeIn, required=True)
    record_hashes = fields.List(fields.String(validate=SHA256_HEX), load_default=list,
                                validate=validate.Length(max=MAX_RECORD_HASHES))
    nonce = fields.String(required=True, validate=validate.Regexp(r"^[0-9a-f]{16,128}\Z"),
                          metadata={"description": "Echoed in the signed answer."})


class DocumentOut(BaseSchema):
    """A JSON document whose members the route's description lists (a signed VC 2.0, a
    CDOP export, a claim-check record)."""

    class Meta:
        unknown = INCLUDE


class RangeIn(BaseSchema):
    lot_code = fields.String(required=True, validate=validate.Length(min=1, max=64))
    serial_start = StrictInt(required=True, minimum=1, maximum=MAX_KG)
    serial_end = StrictInt(required=True, minimum=1, maximum=MAX_KG)

    @validates_schema
    def _ordered(self, data, **kwargs):
        if data.get("serial_end", 0) < data.get("serial_start", 0):
            raise ValidationError(N_("The last serial must not be before the first."),
                                  "serial_end")


class StatementIn(BaseSchema):
    ranges = fields.List(fields.Nested(RangeIn), required=True,
                         validate=validate.Length(min=1, max=20))
