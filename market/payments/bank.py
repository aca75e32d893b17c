"""Bank transfer (对公转账): the registry admin confirms receipt with reference and amount."""

from flask import current_app
from flask_babel import gettext as _

from core.db import db
from core.errors import Forbidden, Invalid
from core import clock
from core.labels import label
from market import orders
from core.errors import WrongState
from market.models import Payment


class AmountMismatch(WrongState):
    code = "amount_mismatch"


def receiving_account() -> dict:
    """The registry's account that buyers pay into, from configuration."""
    config = current_app.config
    return {"account_name": config["BANK_ACCOUNT_NAME"],
            "account_number": config["BANK_ACCOUNT_NUMBER"], "bank_name": config["BANK_NAME"]}


def confirm_bank_transfer(admin, order_id: int, *, reference: str, amount_fen: int):
    """Record the transfer and fulfil the order; the amount must equal the total."""
    order = orders.lock_order(order_id)
    if order.buyer_id == admin.id:
        raise Forbidden(_("An organisation cannot confirm payment of its own order."))
    if order.payment_method != "bank_transfer":
        raise WrongState(_("This order is paid through Stripe, not by bank transfer."))
    if not order.is_pending:
        raise WrongState(_("The order is %(status)s; the transfer must be returned.",
                           status=label("order_status", order.status)))
    if order.expires_at <= clock.now():
        raise WrongState(_("The order's reservation has expired; the transfer must be returned."))
    if reference.strip().upper() != order.bank_reference:
        raise Invalid(_("The reference does not match this order."),
                      {"reference": [_("Expected %(reference)s.", reference=order.bank_reference)]})
    if amount_fen != order.total_fen:
        raise AmountMismatch(
            _("Received %(received)s fen but the order totals %(total)s fen.",
              received=amount_fen, total=order.total_fen),
            {"amount_fen": [_("Must equal %(total)s.", total=order.total_fen)]})
    db.session.add(Payment(order_id=order.id, method="bank_transfer", amount_fen=amount_fen,
                           reference=order.bank_reference, confirmed_by_id=admin.id,
                           received_at=clock.now()))
    return orders.fulfil_order(order)
