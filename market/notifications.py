"""E-mail market sends (through ``core.mail``'s outbox, inside the use case's
transaction, so a rolled-back use case tells nobody):

* an order awaits payment — to the buyer's users, with the bank-transfer payment notice
  attached as a PDF (drawn at sending time) or the Stripe Checkout link;
* an order is fulfilled — with the certificate's verification link when it retired;
* an issuance request is decided — approved or rejected with the verifier's reasons, to
  the seller's users.

Each is rendered per recipient in their language from ``market/templates/market/mail/``.
"""

from flask import current_app

from core import mail
from core.db import db
from market.models import IssuanceRequest, Order, Retirement

#: The bank-transfer payment notice PDF (``market.payments.notice`` draws it).
PAYMENT_NOTICE = "market.payment_notice"


def _base() -> str:
    return current_app.config["BASE_URL"]


def _order_view(order: Order) -> dict:
    config = current_app.config
    return {"number": order.number, "quantity_kg": order.quantity_kg,
            "total_fen": order.total_fen, "payment_method": order.payment_method,
            "expires_at": order.expires_at, "reference": order.bank_reference,
            "checkout_url": order.checkout_url, "url": f"{_base()}/orders/{order.number}",
            "account_name": config["BANK_ACCOUNT_NAME"],
            "account_number": config["BANK_ACCOUNT_NUMBER"], "bank_name": config["BANK_NAME"],
            "retires": bool(order.retirement)}


def order_awaiting_payment(order: Order) -> None:
    """Tell the buyer's users how to pay ``order``: once per order (a Stripe order is told
    when its Checkout Session is attached, so the link is in the message)."""
    if order.payment_method != "bank_transfer" and not order.checkout_url:
        return
    notice = ([{"kind": PAYMENT_NOTICE, "key": order.number}]
              if order.payment_method == "bank_transfer" else [])
    mail.enqueue_for_users(order.buyer_id, "market/mail/order_awaiting_payment",
                           topic="order_awaiting_payment", context={"order": _order_view(order)},
                           attachments=notice, once_key=f"order-awaiting-payment/{order.number}")


def order_fulfilled(order: Order) -> None:
    """Tell the buyer's users that ``order`` is paid and fulfilled: the units are theirs,
    or retired with the certificate's verification link."""
    retirement = db.session.get(Retirement, order.retirement_id) if order.retirement_id else None
    certificate = ({"number": retirement.certificate_number,
                    "retirement_number": retirement.number,
                    "url": f"{_base()}/verify/{retirement.certificate_number}"}
                   if retirement is not None else None)
    mail.enqueue_for_users(order.buyer_id, "market/mail/order_fulfilled",
                           topic="order_fulfilled",
                           context={"order": _order_view(order), "certificate": certificate},
                           once_key=f"order-fulfilled/{order.number}")


def issuance_decided(request: IssuanceRequest) -> None:
    """Tell the seller's users the verifier's decision on their issuance request."""
    view = {"id": request.id, "status": request.status, "claimed_kg": request.quantity_kg,
            "verified_kg": request.verified_kg, "reasons": request.report_ref,
            "vintage": request.vintage, "methodology": request.methodology.code,
            "decided_at": request.decided_at,
            "url": f"{_base()}/issuance-requests/{request.id}"}
    mail.enqueue_for_users(request.seller_id, "market/mail/issuance_decided",
                           topic="issuance_decided", context={"request": view},
                           once_key=f"issuance-decided/{request.id}")
