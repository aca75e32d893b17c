"""Schemas of compensation cases (以碳代偿): shape only; the rules live in cases.cases.

Three views of a case: ``CaseFullOut`` (authority and registry admin: full identity with
the decrypted ID number), ``CaseOut`` (the obligor's organisation: no ID number) and
``PublicCaseOut`` (anyone: masked name, no description, no document titles).
"""

import re

from flask import current_app
from flask_babel import gettext as _
from marshmallow import ValidationError, fields, pre_load, validate, validates, validates_schema

from core.labels import bilingual_label
from core.schemas import BaseSchema, Id, Kg, MultilineText, PageArgs
from cases.cases import case_retirements
from cases.privacy import decrypt_id_number, is_valid_id_number
from cases.models import CASE_ACTIONS, CASE_STATUSES, DOCUMENT_KINDS
from market.schemas.trading import PaymentMethod

__all__ = ["CaseIn", "CaseOut", "CaseFullOut", "CaseCreatedOut", "PublicCaseOut", "CaseArgs",
           "CaseDocumentIn", "CaseDocumentOut", "CaseEventOut", "CaseLinkOut", "CasePaymentIn",
           "CasePaymentPageOut"]

MULTIPLIER = re.compile(r"(0|[1-9][0-9]{0,5})(\.[0-9]{1,6})?")
STRIPPED = ("case_number", "authority_name", "beneficiary_wording")
Text = lambda n, **kw: fields.String(validate=validate.Length(min=1, max=n), **kw)  # noqa: E731


class ObligorIn(BaseSchema):
    name = Text(200, required=True)
    organization_id = Id(load_default=None, allow_none=True)
    id_number = fields.String(load_default=None, allow_none=True)
    # Where the obligor is told of the case and its payment link (optional, never public).
    email = fields.Email(load_default=None, allow_none=True, validate=validate.Length(max=254))

    @pre_load
    def _normalise(self, data, **kwargs):
        if isinstance(data, dict) and isinstance(data.get("id_number"), str):
            data = {**data, "id_number": data["id_number"].strip().upper() or None}
        if isinstance(data, dict) and isinstance(data.get("name"), str):
            data = {**data, "name": data["name"].strip()}
        if isinstance(data, dict) and isinstance(data.get("email"), str):
            data = {**data, "email": data["email"].strip() or None}
        return data

    @validates("id_number")
    def _check_id_number(self, value, **kwargs):
        if value is not None and not is_valid_id_number(value):
            raise ValidationError(_("Not a valid ID number (an 18-character resident ID must "
                                    "pass its GB 11643 check character)."))


class DamageIn(BaseSchema):
    description = MultilineText(required=True, validate=validate.Length(min=1, max=2000))
    measured_loss_kg = Kg(required=True)
    measuring_agency = Text(200, required=True)
    report_number = Text(100, required=True)
    multiplier = fields.String(required=True, validate=validate.Length(max=16))

    @validates("multiplier")
    def _check_multiplier(self, value, **kwargs):
        if not MULTIPLIER.fullmatch(value) or not value.strip("0."):
            raise ValidationError(_('A positive number, e.g. 2 or 1.5.'))


class CaseDocumentIn(BaseSchema):
    kind = fields.String(required=True, validate=validate.OneOf(DOCUMENT_KINDS))
    title = Text(200, required=True)
    reference = Text(200, required=True)

    @pre_load
    def _strip(self, data, **kwargs):
        # "   " is no title: stripped, it is refused as empty (as the page refuses it).
        if not isinstance(data, dict):
            return data
        return {k: v.strip() if k in ("title", "reference") and isinstance(v, str) else v
                for k, v in data.items()}


class CaseIn(BaseSchema):
    case_number = Text(100, required=True)
    authority_name = Text(200, required=True)
    judgment_date = fields.Date(required=True)
    obligor = fields.Nested(ObligorIn, required=True)
    damage = fields.Nested(DamageIn, required=True)
    required_kg = Kg(required=True)
    due_date = fields.Date(required=True)
    documents = fields.List(fields.Nested(CaseDocumentIn), load_default=list,
                            validate=validate.Length(max=20))
    beneficiary_wording = Text(200, load_default=None, allow_none=True)

    @pre_load
    def _strip(self, data, **kwargs):
        if not isinstance(data, dict):
            return data
        return {k: v.strip() if k in STRIPPED and isinstance(v, str) else v
                for k, v in data.items()}

    @validates_schema
    def _check(self, data, **kwargs):
        if data.get("due_date") and data.get("judgment_date") \
                and data["due_date"] < data["judgment_date"]:
            raise ValidationError(_("Must not be before the judgment date."), "due_date")


class CaseArgs(PageArgs):
    status = fields.String(validate=validate.OneOf(CASE_STATUSES))
    overdue = fields.Boolean(metadata={"description": "true: unfulfilled and past the due "
                                                      "date (China time); false: the others"})
    q = fields.String(validate=validate.Length(min=1, max=100),
                      metadata={"description": "part of the case number (案号)"})


class CaseDocumentOut(BaseSchema):
    id = fields.Integer()
    kind = fields.String()
    kind_zh = fields.Function(lambda d: bilingual_label("case_document_kind", d.kind)[0])
    title = fields.String()
    reference = fields.String()
    added_at = fields.DateTime()
    filename = fields.String(allow_none=True)
    size = fields.Integer(allow_none=True)
    sha256 = fields.String(allow_none=True)


class CaseRetirementOut(BaseSchema):
    id = fields.Integer()
    number = fields.String()
    organization_id = fields.Integer()
    quantity_kg = fields.Integer()
    retired_at = fields.DateTime()
    order_id = fields.Integer(allow_none=True)
    certificate_number = fields.String()


class DamageOut(BaseSchema):
    description = fields.String(attribute="damage_description")
    measured_loss_kg = fields.Integer()
    measuring_agency = fields.String()
    report_number = fields.String()
    multiplier = fields.String()


class PublicDamageOut(DamageOut):
    class Meta:
        exclude = ("description",)  # free text: it may name the obligor


class PublicCaseOut(BaseSchema):
    """What anyone may see: DOMAIN.md §5 — masked name, authority, 案号, dates, quantities."""

    id = fields.Integer()
    case_number = fields.String()
    authority_name = fields.String()
    judgment_date = fields.Date()
    due_date = fields.Date()
    obligor = fields.Function(lambda c: {"name": c.obligor_masked_name})
    damage = fields.Function(lambda c: PublicDamageOut().dump(c))
    required_kg = fields.Integer()
    retired_kg = fields.Integer()
    outstanding_kg = fields.Integer()
    status = fields.String(validate=validate.OneOf(CASE_STATUSES))
    beneficiary_wording = fields.String()
    document_kinds = fields.Function(lambda c: [d.kind for d in c.documents])
    retirements = fields.Function(lambda c: CaseRetirementOut(many=True).dump(case_retirements(c)))
    certificate_number = fields.String(allow_none=True)
    opened_at = fields.DateTime()
    fulfilled_at = fields.DateTime(allow_none=True)
    public_url = fields.Function(
        lambda c: f"{current_app.config['BASE_URL']}/cases/{c.id}")


class CaseOut(PublicCaseOut):
    """The case as its obligor's organisation sees it: its own name, no ID number."""

    authority_id = fields.Integer()
    obligor = fields.Function(lambda c: {
        "name": c.obligor_name, "masked_name": c.obligor_masked_name,
        "organization_id": c.obligor_organization_id})
    damage = fields.Function(lambda c: DamageOut().dump(c))
    payer_organization_id = fields.Integer()
    documents = fields.List(fields.Nested(CaseDocumentOut))


class CaseFullOut(CaseOut):
    """Authority and registry admin: the full identity, ID number decrypted."""

    obligor = fields.Function(lambda c: {
        "name": c.obligor_name, "masked_name": c.obligor_masked_name,
        "organization_id": c.obligor_organization_id,
        "id_number": decrypt_id_number(c.obligor_id_number_encrypted),
        "email": c.obligor_email})


class CaseCreatedOut(CaseFullOut):
    payment_link = fields.String()


class CaseLinkOut(BaseSchema):
    payment_link = fields.String()


class CaseEventOut(BaseSchema):
    id = fields.Integer()
    action = fields.String(metadata={"enum": list(CASE_ACTIONS)})
    actor = fields.String()
    actor_organization_id = fields.Integer(allow_none=True)
    details = fields.Dict()
    created_at = fields.DateTime()


class CasePaymentIn(BaseSchema):
    payment_method = PaymentMethod(required=True)


class QuoteItemOut(BaseSchema):
    listing_id = fields.Integer()
    lot_code = fields.String()
    quantity_kg = fields.Integer()
    price_fen_per_tonne = fields.Integer()
    amount_fen = fields.Integer()


class PendingOrderOut(BaseSchema):
    number = fields.String()
    payment_method = fields.String()
    quantity_kg = fields.Integer()
    total_fen = fields.Integer()
    currency = fields.String()
    bank_reference = fields.String(allow_none=True)
    checkout_url = fields.String(allow_none=True)
    expires_at = fields.DateTime()


class CasePaymentPageOut(BaseSchema):
    """The payment link's view: the public case, what is left to buy and its price."""

    case = fields.Nested(PublicCaseOut)
    pending_kg = fields.Integer()
    quantity_kg = fields.Integer()
    missing_kg = fields.Integer()
    total_fen = fields.Integer()
    currency = fields.Constant("CNY")
    cheapest_price_fen_per_tonne = fields.Integer(allow_none=True)
    items = fields.List(fields.Nested(QuoteItemOut))
    pending_orders = fields.List(fields.Nested(PendingOrderOut))
    payment_methods = fields.List(fields.String())
