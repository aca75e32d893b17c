"""Placing an order from an edge (API route, case payment link, neutralize helper).

Two steps, two transactions: reserve and price (one transaction), then — for Stripe —
open the Checkout Session with no lock held and attach it (a second transaction). If
Stripe cannot open a session, the reservation is cancelled and 503 is raised.
"""

from core.db import db, transaction
from market import idempotency, orders, payments
from market.models import Order
from market.payments import checkout


def create_order(buyer, *, items: list[dict], payment_method: str, retirement: dict | None,
                 dump, idempotency_scope: str | None = None, on_placed=None):
    """Place the order; returns the dumped order (or a replayed response) and the status.
    ``on_placed(order)`` runs in the placing transaction (a case records its link order)."""
    payments.require_method(payment_method)
    with transaction():
        record, replay = (idempotency.claim(buyer, idempotency_scope, {
            "items": items, "payment_method": payment_method, "retirement": retirement})
            if idempotency_scope else (None, None))
        if replay is not None:
            return replay
        order = orders.place_order(buyer, items=items, payment_method=payment_method,
                                   retirement=retirement)
        if on_placed is not None:
            on_placed(order)
        if payment_method == "bank_transfer":
            body = dump(order)
            idempotency.remember(record, 201, body)
            return body
        order_id, record_id = order.id, record.id if record else None
    try:
        session = checkout.open_checkout(db.session.get(Order, order_id))
    except checkout.PaymentsUnavailable:
        with transaction():
            orders.cancel_order(buyer, order_id)
            idempotency.forget(record_id)
        raise
    with transaction():
        body = dump(checkout.attach_checkout(order_id, session))
        idempotency.remember(idempotency.reload(record_id), 201, body)
    return body
