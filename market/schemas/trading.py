"""Schemas of the marketplace: listings, orders and payments."""

from marshmallow import fields, validate

from core import clock
from core.schemas import MAX_ID, BaseSchema, Fen, Id, Kg, PageArgs
from market.models.issuance import SCENARIOS
from market.models.trading import LISTING_STATUSES, ORDER_STATUSES, PAYMENT_METHODS
from market.payments.bank import receiving_account
from market.units import lot_facts
from market.schemas.registry import RetirementInstruction

__all__ = ["PaymentMethod", "ListingIn", "ListingOut", "ListingArgs", "OrderItemIn", "OrderIn", "OrderOut",
           "BankConfirmationIn", "PaymentMethodsOut", "OrderArgs", "OrderReleaseIn"]


def PaymentMethod(**kwargs) -> fields.String:
    """How a buyer pays: ``stripe`` (card, Alipay, WeChat Pay) or ``bank_transfer``."""
    return fields.String(validate=validate.OneOf(PAYMENT_METHODS), **kwargs)


class ListingIn(BaseSchema):
    lot_id = Id(required=True)
    quantity_kg = Kg(required=True)
    price_fen_per_tonne = Fen(required=True)


class ListingOut(BaseSchema):
    id = fields.Integer()
    seller_id = fields.Integer()
    lot_id = fields.Integer()
    lot_code = fields.Function(lambda listing: listing.lot.code)
    scenario = fields.Function(lambda listing: listing.lot.scenario)
    vintage = fields.Function(lambda listing: listing.lot.vintage)
    methodology_code = fields.Function(lambda listing: listing.lot.methodology.code)
    quantity_kg = fields.Integer()
    remaining_kg = fields.Integer()
    price_fen_per_tonne = fields.Integer()
    currency = fields.Constant("CNY")
    status = fields.String(validate=validate.OneOf(LISTING_STATUSES))
    created_at = fields.DateTime()


class ListingArgs(PageArgs):
    scenario = fields.String(validate=validate.OneOf(SCENARIOS))
    vintage = fields.Integer(validate=validate.Range(min=2000, max=2100))
    methodology_code = fields.String(validate=validate.Length(max=32))
    max_price_fen_per_tonne = fields.Integer(validate=validate.Range(min=1, max=10**13))
    seller_id = fields.Integer(validate=validate.Range(min=1, max=MAX_ID))
    sort = fields.String(load_default="price",
                         validate=validate.OneOf(("price", "-price", "vintage", "-vintage")))


class OrderItemIn(BaseSchema):
    listing_id = Id(required=True)
    quantity_kg = Kg(required=True)


class OrderIn(BaseSchema):
    items = fields.List(fields.Nested(OrderItemIn), required=True,
                        validate=validate.Length(min=1, max=20))
    payment_method = PaymentMethod(required=True)
    retirement = fields.Nested(RetirementInstruction, load_default=None, allow_none=True)


class OrderItemOut(BaseSchema):
    listing_id = fields.Integer()
    lot_id = fields.Integer()
    # From the lot facts the order's transaction already read (no lazy load under locks).
    lot_code = fields.Function(lambda item: lot_facts([item])[item.lot_id]["code"])
    quantity_kg = fields.Integer()
    price_fen_per_tonne = fields.Integer()
    amount_fen = fields.Integer()


class PaymentReversalOut(BaseSchema):
    """A refund or dispute Stripe reported after the order was paid."""

    kind = fields.String()
    amount_fen = fields.Integer()
    currency = fields.String()
    stripe_id = fields.String()
    charge_id = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    occurred_at = fields.DateTime()
    recorded_at = fields.DateTime()


class OrderOut(BaseSchema):
    id = fields.Integer()
    number = fields.String()
    buyer_id = fields.Integer()
    # As read now: past expires_at a pending order is expired before the job releases it.
    status = fields.Function(lambda order: order.status_at(clock.now()),
                             validate=validate.OneOf(ORDER_STATUSES))
    payment_method = fields.String()
    total_fen = fields.Integer()
    currency = fields.String()
    quantity_kg = fields.Integer()
    expires_at = fields.DateTime()
    created_at = fields.DateTime()
    items = fields.List(fields.Nested(OrderItemOut))
    checkout_url = fields.String(allow_none=True)
    bank_reference = fields.String(allow_none=True)
    bank_account = fields.Function(
        lambda order: receiving_account() if order.payment_method == "bank_transfer" else None,
        allow_none=True)
    retirement = fields.Dict(allow_none=True)
    retirement_id = fields.Integer(allow_none=True)
    # Released by the registry admin (the order reads cancelled): who and why.
    released_by_id = fields.Integer(allow_none=True)
    release_reason = fields.String(allow_none=True)
    # Refunds and disputes after payment; the units stay retired (irreversible).
    reversals = fields.List(fields.Nested(PaymentReversalOut))


class BankConfirmationIn(BaseSchema):
    reference = fields.String(required=True, validate=validate.Length(min=1, max=64))
    amount_fen = Fen(required=True)


class OrderReleaseIn(BaseSchema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


class PaymentMethodsOut(BaseSchema):
    methods = fields.List(fields.String())
    stripe_enabled = fields.Boolean()
    message = fields.String()


class OrderArgs(PageArgs):
    """Filters of ``GET /orders``: status as read now, number (JLO-…) or bank reference
    (附言) in any case, and — for the registry admin — the buyer."""

    status = fields.String(validate=validate.OneOf(ORDER_STATUSES))
    number = fields.String(validate=validate.Length(min=1, max=32))
    reference = fields.String(validate=validate.Length(min=1, max=32))
    organization_id = fields.Integer(validate=validate.Range(min=1, max=MAX_ID))
