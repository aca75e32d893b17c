"""Placing an order from an edge (API route, case payment link, neutralize helper).

Two steps, two transactions: reserve and price (``place``, in the edge's transaction),
then — for Stripe — open the Checkout Session with no lock held and attach it
(``check_out``, its own transactions). If Stripe cannot open a session, the reservation
is cancelled in the same request and 502 is raised, naming the order.
"""

from core.db import db, transaction
from market import notifications, orders, payments
from market.models import Order
from market.payments import checkout, gateway
from market.payments.stripe import PaymentGatewayError


def place(buyer, *, items: list[dict], payment_method: str, retirement: dict | None,
          on_placed=None) -> Order:
    """Reserve and price the order in the caller's transaction. ``on_placed(order)`` runs
    in it too (a case records its link order)."""
    payments.require_method(payment_method)
    order = orders.place_order(buyer, items=items, payment_method=payment_method,
                               retirement=retirement)
    if on_placed is not None:
        on_placed(order)
    notifications.order_awaiting_payment(order)  # bank transfer now; Stripe once attached
    return order


def needs_checkout(order: Order) -> bool:
    """Whether the placed order still waits for a Stripe Checkout Session."""
    return order.payment_method != "bank_transfer"


def check_out(buyer, order_id: int) -> Order:
    """After the placing transaction committed: open the Checkout Session, attach it and
    return the order; if Stripe refuses, cancel the reservation and re-raise."""
    try:
        session = checkout.open_checkout(db.session.get(Order, order_id))
    except checkout.PaymentGatewayFailed:
        with transaction():
            orders.cancel_order(buyer, order_id)
        raise
    with transaction():
        return checkout.attach_checkout(order_id, session)


def create_order(buyer, *, items: list[dict], payment_method: str, retirement: dict | None,
                 on_placed=None) -> Order:
    """Place the order (both steps, each in its own transaction); returns the order."""
    with transaction():
        order = place(buyer, items=items, payment_method=payment_method,
                      retirement=retirement, on_placed=on_placed)
        if not needs_checkout(order):
            return order
        order_id = order.id
    return check_out(buyer, order_id)


def checkout_url(buyer, order_id: int) -> str:
    """The Checkout page where the buyer pays a pending Stripe order; a session is opened
    now (and attached) if the order has none. Nothing is cancelled if Stripe refuses."""
    order = orders.get_order(buyer, order_id)
    if order.checkout_url:
        return order.checkout_url
    session = checkout.open_checkout(order)
    with transaction():
        return checkout.attach_checkout(order_id, session).checkout_url


def expire_checkout(session_id: str | None) -> None:
    """After a cancel committed: close the order's Checkout Session at Stripe. Best
    effort: the session expires by itself there, and the units are free already."""
    if session_id and gateway() is not None:
        try:
            gateway().expire_checkout_session(session_id)
        except (PaymentGatewayError, ValueError):
            pass
