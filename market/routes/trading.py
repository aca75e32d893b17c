"""Listings, orders and payments."""

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint
from flask_babel import gettext as _

from core.auth import current_organization, public, require_role
from core.db import db, transaction
from core.errors import DomainError
from core.idempotency import AfterCommit, idempotent
from core.schemas import page_of, page_schema
from market import listings, order_flow, orders
from market.payments import StripeNotConfigured, available_methods, bank, checkout, gateway
from market.payments.stripe import InvalidWebhook
from core.responses import json_response
from market.schemas import (
    BankConfirmationIn, ListingArgs, ListingIn, ListingOut, OrderIn, OrderOut, PaymentMethodsOut,
)
from market.schemas import OrderArgs, OrderReleaseIn

blp = Blueprint("trading", __name__, url_prefix="/api/v1",
                description="Marketplace: listings, orders and payments")
ListingPage = page_schema(ListingOut, "ListingPage")
OrderPage = page_schema(OrderOut, "OrderPage")
order_out = OrderOut()  # one instance: a schema is built once, not per request


class BadWebhook(DomainError):
    status = 400
    code = "invalid_webhook"


@blp.route("/listings")
class Listings(MethodView):
    @public
    @blp.arguments(ListingArgs(), location="query")
    @blp.response(200, ListingPage)
    def get(self, args):
        page, per_page = args.pop("page"), args.pop("per_page")
        return page_of(listings.search_listings(**args), page, per_page, db.session)

    @require_role("seller")
    @blp.arguments(ListingIn())
    @blp.response(201, ListingOut)
    def post(self, data):
        with transaction():
            return listings.list_units(current_organization(), **data)


@blp.route("/listings/<id:listing_id>")
class ListingById(MethodView):
    @public
    @blp.response(200, ListingOut)
    def get(self, listing_id):
        return listings.get_listing(listing_id)

    @require_role("seller")
    @blp.response(200, ListingOut)
    def delete(self, listing_id):
        with transaction():
            return listings.delist(current_organization(), listing_id)


@blp.route("/orders")
class Orders(MethodView):
    @require_role("buyer")
    @blp.arguments(OrderIn())
    @blp.response(201, OrderOut)
    @idempotent("orders")
    def post(self, data):
        """Reserve the items and price them: each item's ``amount_fen`` is its exact price
        rounded **up** to the fen (at least 1 fen; splitting never pays less, docs/money.md)
        and ``total_fen`` their sum. One order reserves at most ``MAX_ORDER_KG`` and a
        buyer's unpaid orders at most ``MAX_UNPAID_RESERVED_KG`` (409). For Stripe, a
        failure to open the Checkout Session releases the reservation and answers 502
        with ``order_id`` and ``order_number`` beside the error shape."""
        buyer = current_organization()
        order = order_flow.place(buyer, **data)
        if not order_flow.needs_checkout(order):
            return json_response(order_out.dump(order), 201)
        order_id = order.id
        return AfterCommit(
            lambda: json_response(order_out.dump(order_flow.check_out(buyer, order_id)), 201),
            frees_key_on=(checkout.PaymentGatewayFailed,))


@blp.route("/orders/<id:order_id>")
class OrderById(MethodView):
    @require_role("buyer", "registry_admin")
    @blp.response(200, OrderOut)
    def get(self, order_id):
        return orders.get_order(current_organization(), order_id)


@blp.route("/orders/<id:order_id>/cancel")
class OrderCancel(MethodView):
    @require_role("buyer")
    @blp.response(200, OrderOut)
    def post(self, order_id):
        with transaction():
            order = orders.cancel_order(current_organization(), order_id)
            session_id = order.stripe_session_id
            body = order_out.dump(order)
        order_flow.expire_checkout(session_id)
        return json_response(body, 200)


@blp.route("/orders/<id:order_id>/release")
class OrderRelease(MethodView):
    @require_role("registry_admin")
    @blp.arguments(OrderReleaseIn())
    @blp.response(200, OrderOut)
    def post(self, data, order_id):
        """Release any pending order (the registry admin), with the reason on record: its
        units go back to the listings, recorded in the ledger like a cancel; the order
        reads ``cancelled``."""
        with transaction():
            order = orders.release_order(current_organization(), order_id, data["reason"])
            session_id = order.stripe_session_id
            body = order_out.dump(order)
        order_flow.expire_checkout(session_id)
        return json_response(body, 200)


@blp.route("/orders/<id:order_id>/bank-transfer-confirmation")
class BankTransferConfirmation(MethodView):
    @require_role("registry_admin")
    @blp.arguments(BankConfirmationIn())
    @blp.response(200, OrderOut)
    def post(self, data, order_id):
        with transaction():  # dumped before commit: no reload of the order afterwards
            body = order_out.dump(
                bank.confirm_bank_transfer(current_organization(), order_id, **data))
        return json_response(body, 200)


@blp.route("/payments/methods")
class PaymentMethods(MethodView):
    @public
    @blp.response(200, PaymentMethodsOut)
    def get(self):
        methods = available_methods()
        return {"methods": methods, "stripe_enabled": "stripe" in methods,
                "message": "银行转账与在线支付均可用 / Bank transfer and online payment available"
                if "stripe" in methods else
                "仅支持对公转账 / Bank-transfer-only mode: online payment is not configured"}


@blp.route("/payments/stripe/webhook")
class StripeWebhook(MethodView):
    @public
    @blp.doc(description="Stripe-signed events: Checkout sessions (fulfil or release the "
                         "Stripe order whose session it is), charge.refunded and "
                         "charge.dispute.created (recorded on the order). A replayed event "
                         "changes nothing; a signed event of the wrong shape is 400.")
    def post(self):
        if gateway() is None:
            raise StripeNotConfigured(_("Stripe is not configured on this registry."))
        try:
            event = gateway().parse_webhook(request.get_data(),
                                            request.headers.get("Stripe-Signature"))
        except InvalidWebhook as error:
            raise BadWebhook(str(error)) from error
        with transaction():
            outcome = checkout.handle_event(event)
        if outcome == "invalid_payload":  # recorded above; Stripe is told it was wrong
            raise BadWebhook(_("The event's object does not have the shape its type needs."))
        return json_response({"received": True, "outcome": outcome}, 200)


# Its own class on the same path as placing an order (GET beside POST), so the list can
# grow its filters without touching the placing route.
@blp.route("/orders", endpoint="OrderList")
class OrderList(MethodView):
    @require_role("buyer", "registry_admin")
    @blp.arguments(OrderArgs(), location="query")
    @blp.response(200, OrderPage)
    def get(self, args):
        """Orders, newest first: a buyer its own, the registry admin all."""
        page, per_page = args.pop("page"), args.pop("per_page")
        return page_of(orders.search_orders(current_organization(), **args), page, per_page,
                       db.session)
