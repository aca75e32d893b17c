"""Scheduled jobs of the market. Each is idempotent: running it twice changes nothing more.

``expire_reservations`` releases pending orders past their window. For a Stripe order it
first asks Stripe: a session that was paid after all is fulfilled (the webhook may have
been lost), otherwise the session is expired at Stripe and the units are released.
"""

from flask import current_app

from core.db import transaction
from core.jobs import register_job
from market import orders
from market.payments import checkout, gateway
from market.payments.stripe import PaymentGatewayError


def _settle_overdue(order_id: int) -> str:
    # Ask Stripe first, outside any transaction: no lock is held across the network.
    with transaction():
        session_id = orders.lock_order(order_id).stripe_session_id
    session = None
    if session_id and gateway() is not None:
        session = gateway().retrieve_checkout_session(session_id)
        if session.status == "open":
            session = gateway().expire_checkout_session(session_id)
    with transaction():
        order = orders.lock_order(order_id)
        if not order.is_pending:
            return "already closed"
        if session is not None and session.is_paid:
            return checkout.apply_paid_session(order, session)
        orders.expire_order(order)
        return order.status


def expire_reservations() -> dict[str, int]:
    """Release (or, if Stripe says paid, fulfil) every overdue pending order."""
    outcomes: dict[str, int] = {}
    with transaction():
        overdue = orders.overdue_orders(limit=500)
    for order_id in overdue:
        try:
            outcome = _settle_overdue(order_id)
        except PaymentGatewayError as error:  # Stripe unreachable: try again next run
            current_app.logger.warning("order %s left pending: %s", order_id, error)
            outcome = "stripe_unreachable"
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


def init_app(app) -> None:
    register_job(app, expire_reservations, id="market.expire_reservations", minutes=1)
