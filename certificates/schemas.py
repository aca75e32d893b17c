"""Schemas of the certificates API."""

from marshmallow import fields, validate

from core.schemas import BaseSchema, MultilineText


class RevocationIn(BaseSchema):
    reason = MultilineText(required=True, validate=validate.Length(min=3, max=500))


class CertificateOut(BaseSchema):
    number = fields.String()
    type = fields.String()
    status = fields.String()
    issued_at = fields.DateTime()
    revoked_at = fields.DateTime(allow_none=True)
    revocation_reason = fields.String(allow_none=True)
    pdf_url = fields.String()
    pdf_sha256 = fields.String(allow_none=True)
    verification_url = fields.String()
    credential = fields.Dict()


class VerificationOut(BaseSchema):
    verified = fields.Boolean()
    checks = fields.Dict(keys=fields.String(), values=fields.String())
    errors = fields.List(fields.String())
    certificate_number = fields.String(allow_none=True)
