"""Stripe Checkout: open a session for a reserved order, and apply what Stripe reports.

The session is created after the reservation commits (no network call holds a lock);
webhook events are stored by id, so a replay changes nothing. A Checkout event applies
only to the Stripe order whose session it is; refunds and disputes are recorded on the
order they reverse (docs/money.md).
"""

from datetime import datetime, timezone

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from core.db import db
from core.errors import BadGateway, NotFound
from core import clock
from market import notifications, orders
from market.models import Order, Payment, PaymentReversal, StripeEvent
from market.payments import gateway
from market.payments.stripe import CheckoutSession, PaymentGatewayError

FULFIL = ("checkout.session.completed", "checkout.session.async_payment_succeeded")
RELEASE = ("checkout.session.async_payment_failed", "checkout.session.expired")
REFUNDED, DISPUTED = "charge.refunded", "charge.dispute.created"


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
    notifications.order_awaiting_payment(order)
    return order


def _order_for(session: dict) -> Order | None:
    """The Stripe-paid order whose Checkout Session this is, locked; None when no such
    order exists (a bank-transfer order is never fulfilled by a Stripe event). The
    session id is unique, and an order named by ``client_reference_id`` must agree."""
    order_id = db.session.execute(
        sa.select(Order.id).where(Order.stripe_session_id == session["id"],
                                  Order.payment_method == "stripe")).scalar_one_or_none()
    if order_id is None:
        return None
    order = orders.lock_order(order_id)
    number = session.get("client_reference_id")
    if number is not None and number != order.number:
        current_app.logger.warning("Stripe session %s names order %s but pays %s",
                                   session["id"], number, order.number)
        return None
    return order


def apply_paid_session(order: Order, session: CheckoutSession | dict) -> str:
    """Fulfil a pending order from a paid session; a late payment is kept as unmatched."""
    session = session if isinstance(session, CheckoutSession) else CheckoutSession.from_stripe(
        session)
    paid_ok = order.is_pending and session.amount_total == order.total_fen
    db.session.add(Payment(order_id=order.id, method="stripe", amount_fen=session.amount_total,
                           reference=session.id, stripe_payment_intent=session.payment_intent,
                           received_at=clock.now(),
                           status="applied" if paid_ok else "unmatched"))
    if not paid_ok:
        current_app.logger.warning("Stripe payment %s for order %s (%s) needs a refund",
                                   session.id, order.number, order.status)
        return "unmatched_payment"
    orders.fulfil_order(order)
    return "fulfilled"


def _text(value, *, required: bool = True) -> bool:
    return (isinstance(value, str) and 0 < len(value) <= 255) or (not required and value is None)


def _amount(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 10**13


def _is_well_formed(event_type: str, obj) -> bool:
    """Whether a verified event's ``data.object`` has the shape the registry acts on;
    anything else (a string, a list, a session without ``status``…) is refused with 400."""
    if not isinstance(obj, dict):
        return False
    if event_type in FULFIL + RELEASE:
        return (_text(obj.get("id")) and _text(obj.get("status"))
                and _text(obj.get("payment_status"))
                and _text(obj.get("client_reference_id"), required=False)
                and (obj.get("amount_total") is None or _amount(obj.get("amount_total"))))
    if event_type == REFUNDED:
        refunds = obj.get("refunds") or {"data": []}
        refunds = refunds.get("data") if isinstance(refunds, dict) else None
        return (_text(obj.get("id")) and _amount(obj.get("amount_refunded"))
                and isinstance(refunds, list)
                and all(isinstance(r, dict) and _text(r.get("id")) and _amount(r.get("amount"))
                        for r in refunds))
    if event_type == DISPUTED:
        return _text(obj.get("id")) and _text(obj.get("charge")) and _amount(obj.get("amount"))
    return True  # events the registry does not act on are only recorded


def _paid_order(obj: dict) -> Order | None:
    """The order a charge or dispute paid for, through the PaymentIntent its payment
    recorded; locked."""
    intent = obj.get("payment_intent")
    intent = intent.get("id") if isinstance(intent, dict) else intent
    if not _text(intent):
        return None
    order_id = db.session.execute(
        sa.select(Payment.order_id).where(Payment.method == "stripe",
                                          Payment.stripe_payment_intent == intent)
        .order_by(Payment.id).limit(1)).scalar()
    return orders.lock_order(order_id) if order_id else None


def _record_reversal(order: Order, event: dict, kind: str, stripe_id: str, amount_fen: int,
                     *, charge_id: str | None, reason: str | None, created) -> None:
    exists = db.session.execute(sa.select(PaymentReversal).where(
        PaymentReversal.kind == kind, PaymentReversal.stripe_id == stripe_id)).scalar()
    if exists is not None:
        exists.amount_fen = max(exists.amount_fen, amount_fen)  # a refund's total grew
        return
    occurred = (datetime.fromtimestamp(created, timezone.utc)
                if _amount(created) and created < 253_402_300_800 else clock.now())  # ≤ 9999
    db.session.add(PaymentReversal(order_id=order.id, kind=kind, amount_fen=amount_fen,
                                   stripe_id=stripe_id, charge_id=charge_id, reason=reason,
                                   event_id=event["id"], occurred_at=occurred,
                                   recorded_at=clock.now()))
    # Retired units stay retired: the registry admin decides, and may revoke the
    # retirement's certificate through the revocation API.
    current_app.logger.warning("Stripe %s %s of %s fen on order %s (%s): the registry admin "
                               "must review it", kind, stripe_id, amount_fen, order.number,
                               order.status)


def _apply_reversal(event: dict, obj: dict) -> tuple[Order | None, str]:
    order = _paid_order(obj)
    if order is None:
        return None, "unknown_order"
    if event["type"] == DISPUTED:
        _record_reversal(order, event, "dispute", obj["id"], obj["amount"],
                         charge_id=obj["charge"], reason=obj.get("reason")
                         if _text(obj.get("reason")) else None, created=obj.get("created"))
        return order, "dispute_recorded"
    refunds = (obj.get("refunds") or {}).get("data") or []
    for refund in refunds:
        _record_reversal(order, event, "refund", refund["id"], refund["amount"],
                         charge_id=obj["id"], reason=refund.get("reason")
                         if _text(refund.get("reason")) else None, created=refund.get("created"))
    if not refunds:  # the refunds list is not expanded: one record per charge, its total
        _record_reversal(order, event, "refund", obj["id"], obj["amount_refunded"],
                         charge_id=obj["id"], reason=None, created=obj.get("created"))
    return order, "refund_recorded"


def handle_event(event: dict) -> str:
    """Apply one verified webhook event exactly once; returns what was done.

    ``invalid_payload`` (recorded, and answered 400 by the route) when the event's object
    does not have the shape its type needs.
    """
    if db.session.get(StripeEvent, event["id"]) is not None:
        return "duplicate"
    obj, order, outcome = event["data_object"], None, "ignored"
    if not _is_well_formed(event["type"], obj):
        outcome = "invalid_payload"
    elif event["type"] in FULFIL + RELEASE:
        order = _order_for(obj)
        if order is None:
            outcome = "unknown_order"
        elif event["type"] in FULFIL:
            outcome = (apply_paid_session(order, obj) if obj["payment_status"] == "paid"
                       else "awaiting_async_payment")
        elif order.is_pending:
            order.close_window(clock.now())
            orders.expire_order(order)
            outcome = "released"
        else:
            outcome = f"already_{order.status}"
    elif event["type"] in (REFUNDED, DISPUTED):
        order, outcome = _apply_reversal(event, obj)
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
