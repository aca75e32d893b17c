"""Public pages of compensation cases: the masked case page and the payment link's page.

The payment page works without JavaScript: its buttons post a form here, which places
the order through the same use case as the API and shows the bank-transfer details or
sends the payer on to Stripe Checkout.
"""

from flask import Blueprint, redirect, render_template, request
from flask_babel import gettext as _

from cases import cases, payment
from cases.schemas import PublicCaseOut

from core.errors import DomainError
from core.ops.throttle import count_not_found, throttled
from market.payments.bank import receiving_account
from market.schemas import OrderOut

bp = Blueprint("case_pages", __name__, template_folder="templates")


@bp.get("/cases/<id:case_id>")
def case_page(case_id):
    try:
        case = cases.get_public_case(case_id)
    except DomainError as error:
        return render_template("cases/case_public.html", case=None), error.status
    return render_template("cases/case_public.html", case=PublicCaseOut().dump(case))


# Only lookups that find no link count: guessing tokens is slowed, paying never is.
@bp.get("/cases/pay/<token>")
@throttled("payment-link-misses", "PAYMENT_LINK_RATE_LIMIT", counts=count_not_found)
def payment_page(token):
    return _render_payment_page(token)


@bp.post("/cases/pay/<token>")
@throttled("payment-link-misses", "PAYMENT_LINK_RATE_LIMIT", counts=count_not_found)
def pay(token):
    method = request.form.get("payment_method")
    if method not in ("bank_transfer", "stripe"):
        return _render_payment_page(token, error=_("Choose a payment method."),
                                    status=422)
    try:
        order = OrderOut().dump(payment.pay_through_link(token, method))
    except DomainError as error:
        return _render_payment_page(token, error=error.message, status=error.status)
    if order.get("checkout_url"):
        return redirect(order["checkout_url"], code=303)
    return render_template("cases/case_pay_result.html", order=order,
                           account=receiving_account()), 201


def _render_payment_page(token, *, error=None, status=200):
    try:
        view = payment.payment_view(token)
    except DomainError as problem:
        return render_template("cases/case_pay.html", view=None, error=problem.message), \
            problem.status
    view = {**view, "case": PublicCaseOut().dump(view["case"])}
    return render_template("cases/case_pay.html", view=view, error=error), status
