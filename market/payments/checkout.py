"""Stripe Checkout: open a session for a reserved order, and apply what Stripe reports.

The session is created after the reservation commits (no network call holds a lock);
webhook events are stored by id, so a replay changes nothing.
"""

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from core.db import db
from core.errors import BadGateway, NotFound
from core import clock
from market import orders
from market.models import Order, Payment, StripeEvent
from market.payments import gateway
from market.payments.stripe import CheckoutSession, PaymentGatewayError

FULFIL = ("checkout.session.completed", "checkout.session.async_payment_succeeded")
RELEASE = ("checkout.session.async_payment_failed", "checkout.session.expired")


class PaymentGatewayFailed(BadGateway):
    """Stripe could not open a Checkout Session: 502, with the order's id and number
    beside the error shape (its reservation is released in the same request)."""

    code = "payment_gateway_error"


def open_checkout(order: Order) -> CheckoutSession:
    """Ask Stripe for a Checkout Session for ``order`` (no database write); any failure
    — Stripe unreachable or refusing, or an order it cannot take — is PaymentGatewayFailed."""
    base = current_app.config["BASE_URL"]
    try:
        return gateway().create_checkout_session(
            order_number=order.number,
            items=[{"name": f"碳普惠减排量 {item.lot.code}", "amount_fen": item.amount_fen,
                    "quantity_kg": item.quantity_kg} for item in order.items],
            success_url=f"{base}/orders/{order.number}/paid",
            cancel_url=f"{base}/orders/{order.number}/cancelled",
            expires_at=order.expires_at,
            # Stable for this order, unique even if a staging database starts numbering anew.
            idempotency_key=f"checkout-{order.number}-{order.created_at.timestamp():.6f}")
    except (PaymentGatewayError, ValueError) as error:
        current_app.logger.warning("Stripe checkout for order %s failed: %s", order.number, error)
        raise PaymentGatewayFailed(
            _("Stripe could not open a checkout for order %(number)s; its reservation was "
              "released and nothing was charged. Try again or pay by bank transfer.",
              number=order.number),
            extra={"order_id": order.id, "order_number": order.number}) from error


def attach_checkout(order_id: int, session: CheckoutSession) -> Order:
    order = orders.lock_order(order_id)
    order.stripe_session_id, order.checkout_url = session.id, session.url
    return order


def _order_for(session: dict) -> Order | None:
    number = session.get("client_reference_id") or (session.get("metadata") or {}).get(
        "order_number")
    stmt = sa.select(Order.id).where(sa.or_(Order.number == number,
                                            Order.stripe_session_id == session.get("id")))
    order_id = db.session.execute(stmt).scalars().first()
    return orders.lock_order(order_id) if order_id else None


def apply_paid_session(order: Order, session: CheckoutSession | dict) -> str:
    """Fulfil a pending order from a paid session; a late payment is kept as unmatched."""
    session = session if isinstance(session, CheckoutSession) else CheckoutSession.from_stripe(
        session)
    paid_ok = order.is_pending and session.amount_total == order.total_fen
    db.session.add(Payment(order_id=order.id, method="stripe", amount_fen=session.amount_total,
                           reference=session.id, received_at=clock.now(),
                           status="applied" if paid_ok else "unmatched"))
    if not paid_ok:
        current_app.logger.warning("Stripe payment %s for order %s (%s) needs a refund",
                                   session.id, order.number, order.status)
        return "unmatched_payment"
    orders.fulfil_order(order)
    return "fulfilled"


def handle_event(event: dict) -> str:
    """Apply one verified webhook event exactly once; returns what was done."""
    if db.session.get(StripeEvent, event["id"]) is not None:
        return "duplicate"
    session = event["data_object"]
    order = _order_for(session) if event["type"] in FULFIL + RELEASE else None
    outcome = "ignored"
    if order is None and event["type"] in FULFIL + RELEASE:
        outcome = "unknown_order"
    elif event["type"] in FULFIL:
        outcome = (apply_paid_session(order, session) if session.get("payment_status") == "paid"
                   else "awaiting_async_payment")
    elif event["type"] in RELEASE:
        if order.is_pending:
            order.close_window(clock.now())
            orders.expire_order(order)
            outcome = "released"
        else:
            outcome = f"already_{order.status}"
    db.session.add(StripeEvent(id=event["id"], type=event["type"], outcome=outcome,
                               order_number=order.number if order else None,
                               received_at=clock.now()))
    db.session.flush()
    return outcome


def get_order_by_number(number: str) -> Order:
    order = db.session.execute(sa.select(Order).where(Order.number == number)).scalar_one_or_none()
    if order is None:
        raise NotFound(_("No such order."))
    return order
