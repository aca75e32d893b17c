"""Interop's input and output shapes (API.md "互联互通", INTEROP.md)."""

from marshmallow import fields, validate

from core.schemas import BaseSchema

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
