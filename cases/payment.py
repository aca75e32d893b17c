"""Paying a compensation case through its payment link, for an obligor without an account.

Whoever holds the link (secrets.token_urlsafe(32), stored as SHA-256) sees the case with
the obligor masked and may place one buy-and-retire order for the outstanding quantity
from the cheapest open listings, paid by bank transfer or Stripe. The order's buyer — the
holder of record whose units are retired — is the case's payer organisation: the
obligor's own organisation, or for a person the masked ``individual`` organisation made
when the case was opened. An order already awaiting payment for the case holds its
quantity, so a second click cannot buy the same tonnes twice.
"""

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from cases.cases import lock_case, record_event
from cases.models import CompensationCase
from cases.privacy import hash_token
from core import clock
from core.db import db
from core.errors import Conflict, NotFound, WrongState
from core.formatting import format_kg
from core.models import Organization
from core.rounding import amount_fen
from market import listings, order_flow, orders
from market.errors import InsufficientUnits
from market.models import Order
from market.payments import available_methods, require_method


class PaymentPending(Conflict):
    code = "payment_pending"


def find_case_by_token(token: str) -> CompensationCase:
    """The case behind a payment link; an unknown or replaced link is simply not found."""
    case = None
    if 20 <= len(token) <= 100:
        case = db.session.execute(sa.select(CompensationCase).where(
            CompensationCase.payment_token_hash == hash_token(token))).scalar_one_or_none()
    if case is None:
        raise NotFound(_("This payment link is not valid."))
    return case


def pending_orders(case: CompensationCase) -> list[Order]:
    """Orders for the case still awaiting payment within their reservation window."""
    return db.session.execute(sa.select(Order).where(
        Order.case_id == case.id, Order.status == "pending_payment",
        Order.expires_at > clock.now()).order_by(Order.id)).scalars().all()


def quote(case: CompensationCase) -> dict:
    """What buying the uncovered, unreserved rest (at most one order's worth,
    ``MAX_ORDER_KG``) would take from the cheapest open listings:
    ``{quantity_kg, items, total_fen, missing_kg, pending_kg}``."""
    pending_kg = sum(order.quantity_kg for order in pending_orders(case))
    # One order reserves at most MAX_ORDER_KG: a larger case is paid in several orders.
    need = min(max(case.outstanding_kg - pending_kg, 0), current_app.config["MAX_ORDER_KG"])
    takes, remaining = listings.cheapest_cover(
        need, exclude_seller_id=case.payer_organization_id, max_listings=orders.MAX_ITEMS)
    items = [{"listing_id": listing.id, "lot_code": listing.lot.code, "quantity_kg": take,
              "price_fen_per_tonne": listing.price_fen_per_tonne,
              "amount_fen": amount_fen(take, listing.price_fen_per_tonne)}
             for listing, take in takes]
    return {"quantity_kg": need, "items": items, "missing_kg": remaining,
            "total_fen": sum(item["amount_fen"] for item in items), "pending_kg": pending_kg}


def pay_through_link(token: str, payment_method: str) -> Order:
    """Place the buy-and-retire order for the case behind ``token``; returns the order
    (with its bank reference, or the Stripe checkout URL)."""
    case = find_case_by_token(token)
    if case.is_fulfilled:
        raise WrongState(_("Case %(number)s is fulfilled; nothing is left to pay.",
                           number=case.case_number))
    require_method(payment_method)  # 409 before the quote is worked out
    offer = quote(case)
    if offer["quantity_kg"] == 0:
        raise PaymentPending(_("An order for the rest of this case is already awaiting payment."))
    if offer["missing_kg"]:
        raise InsufficientUnits(_(
            "The market lists %(listed)s kg for this case; %(needed)s kg are needed. "
            "Nothing was reserved.", listed=format_kg(offer["quantity_kg"] - offer["missing_kg"]),
            needed=format_kg(offer["quantity_kg"])))
    payer = db.session.get(Organization, case.payer_organization_id)
    retirement = {"purpose": "ecological_compensation", "case_id": case.id,
                  "beneficiary_name": case.beneficiary_wording,
                  "note": f"以碳代偿 {case.case_number}"}
    items = [{"listing_id": i["listing_id"], "quantity_kg": i["quantity_kg"]}
             for i in offer["items"]]
    case_id = case.id
    return order_flow.create_order(payer, items=items, payment_method=payment_method,
                                   retirement=retirement,
                                   on_placed=lambda order: record_link_order(case_id, order))


def record_link_order(case_id: int, order: Order) -> None:
    """In the order's transaction: lock the case (after the ledger head and counters, as
    everywhere) and refuse the order if, meanwhile, another one took the same rest."""
    case = lock_case(case_id)
    if case.is_fulfilled:
        raise WrongState(_("Case %(number)s is fulfilled; nothing is left to pay.",
                           number=case.case_number))
    if case.retired_kg + sum(o.quantity_kg for o in pending_orders(case)) > case.required_kg:
        raise PaymentPending(_("Another order for this case was placed meanwhile; reload the "
                               "payment page."))
    record_event(case, "payment_order_placed", actor="payment_link",
                 organization_id=order.buyer_id, order_number=order.number,
                 quantity_kg=order.quantity_kg, total_fen=order.total_fen,
                 payment_method=order.payment_method)
    db.session.flush()


def payment_view(token: str) -> dict:
    """What the payment link shows: the public case, the pending orders, and the price
    of the rest at the cheapest listings."""
    case = find_case_by_token(token)
    offer = (quote(case) if not case.is_fulfilled else
             {"quantity_kg": 0, "items": [], "missing_kg": 0, "total_fen": 0, "pending_kg": 0})
    cheapest = db.session.execute(listings.search_listings(sort="price").limit(1)).scalar()
    return {"case": case, **offer, "pending_orders": pending_orders(case),
            "cheapest_price_fen_per_tonne": cheapest.price_fen_per_tonne if cheapest else None,
            "payment_methods": available_methods()}
