"""A buyer's orders: the list, one order with its payment (the bank-transfer notice and its
PDF, or the way to Stripe Checkout), cancelling, and the pages Stripe returns to."""

from flask import (Blueprint, abort, current_app, flash, redirect, render_template, request,
                   url_for)
from flask_babel import gettext as _
from flask_login import current_user

from core import clock
from core.db import db, transaction
from core.errors import DomainError
from core.page_forms import current_organization_of_user, page_role_required
from core.paging import page_number
from core.schemas import page_of
from market import order_flow, orders
from market.models import Retirement
from market.models.trading import ORDER_STATUSES
from market.payments import gateway
from market.payments.notice import payment_notice, payment_notice_pdf

bp = Blueprint("market_orders", __name__, template_folder="../templates")
PER_PAGE = 25


def _order_or_404(number: str):
    try:
        return orders.get_order_by_number(current_organization_of_user(), number)
    except DomainError:
        abort(404)


def _order_url(order) -> str:
    """The order page's address as the QR code and the PDF give it (BASE_URL)."""
    return current_app.config["BASE_URL"] + url_for("market_orders.order", number=order.number)


@bp.get("/orders")
@page_role_required("buyer", "registry_admin")
def order_list():
    status = request.args.get("status") or None
    if status not in (None, *ORDER_STATUSES):
        status = None
    page = page_number()
    found = page_of(orders.search_orders(current_organization_of_user(), status=status),
                    max(page, 1), PER_PAGE, db.session)
    return render_template("market/orders.html", found=found, status=status,
                           statuses=ORDER_STATUSES, now=clock.now())


@bp.get("/orders/<number>")
@page_role_required("buyer", "registry_admin")
def order(number):
    order = _order_or_404(number)
    status = order.status_at(clock.now())
    notice = (payment_notice(order, _order_url(order))
              if status == "pending_payment" and order.payment_method == "bank_transfer"
              else None)
    retirement = (db.session.get(Retirement, order.retirement_id)
                  if order.retirement_id else None)
    is_owner = order.buyer_id == current_organization_of_user().id
    return render_template("market/order.html", order=order, status=status, notice=notice,
                           retirement=retirement, is_owner=is_owner,
                           can_pay_online=gateway() is not None)


@bp.get("/orders/<number>/payment-notice.pdf")
@page_role_required("buyer", "registry_admin")
def payment_notice_file(number):
    order = _order_or_404(number)
    if order.payment_method != "bank_transfer" or order.status_at(clock.now()) != "pending_payment":
        abort(404)
    pdf = payment_notice_pdf(payment_notice(order, _order_url(order)))
    filename = f"payment-notice-{order.number}.pdf"
    return pdf, 200, {"Content-Type": "application/pdf",
                      "Content-Disposition": f'attachment; filename="{filename}"'}


@bp.post("/orders/<number>/cancel")
@page_role_required("buyer")
def cancel(number):
    order = _order_or_404(number)
    buyer = current_organization_of_user()
    try:
        with transaction():
            session_id = orders.cancel_order(buyer, order.id).stripe_session_id
    except DomainError as error:
        flash(error.message, "error")
    else:
        order_flow.expire_checkout(session_id)
        flash(_("Order %(number)s is cancelled; its units are back on the market.",
                number=number), "info")
    return redirect(url_for("market_orders.order", number=number), code=303)


@bp.post("/orders/<number>/pay")
@page_role_required("buyer")
def pay(number):
    """On to Stripe Checkout for a pending online-payment order (a session is opened now
    if the order has none)."""
    order = _order_or_404(number)
    if order.payment_method != "stripe" or order.status_at(clock.now()) != "pending_payment" \
            or order.buyer_id != current_organization_of_user().id:
        flash(_("This order does not wait for an online payment."), "error")
        return redirect(url_for("market_orders.order", number=number), code=303)
    try:
        target = order_flow.checkout_url(current_organization_of_user(), order.id)
    except DomainError as error:  # PaymentGatewayFailed (502) included
        flash(error.message, "error")
        return redirect(url_for("market_orders.order", number=number), code=303)
    return redirect(target, code=303)


def _returned_from_stripe(number: str, message: str):
    """Stripe sends the payer back here. The order's owner (or the admin) goes on to the
    order's page; someone signed out who paid through a case's payment link sees only
    that the payment was handed over, never the order; anyone else signs in first."""
    if current_user.is_authenticated:
        _order_or_404(number)
        flash(message, "info")
        return redirect(url_for("market_orders.order", number=number), code=303)
    if orders.is_case_order(number):
        return render_template("market/order_result.html")
    return redirect(url_for("people_pages.login",
                            next=url_for("market_orders.order", number=number)), code=303)


@bp.get("/orders/<number>/paid")
def order_paid(number):
    return _returned_from_stripe(number, _(
        "Payment submitted: the order is fulfilled as soon as Stripe confirms it."))


@bp.get("/orders/<number>/cancelled")
def order_cancelled(number):
    return _returned_from_stripe(number, _(
        "Payment cancelled: the units stay reserved until the deadline, then return to the "
        "market."))
