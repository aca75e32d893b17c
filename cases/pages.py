"""Public pages of compensation cases: the public list of cases, the case page (masked,
or the authority's view for its authority and the registry admin) and the payment
link's page.

The payment page works without JavaScript: its buttons post a form here, which places
the order through the same use case as the API and shows the bank-transfer details or
sends the payer on to Stripe Checkout.
"""

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _

from cases import cases, payment
from cases.authority_pages import render_authority_case, sees_identity
from cases.schemas import PublicCaseOut

from core.db import db
from core.errors import DomainError
from core.paging import page_number
from core.schemas import page_of
from core.ops.throttle import count_not_found, throttled
from market.payments.bank import receiving_account
from market.schemas import OrderOut

bp = Blueprint("case_pages", __name__, template_folder="templates")


PUBLIC_PER_PAGE = 50


@bp.get("/registry/cases")
def public_cases():
    """Every compensation case, newest first, obligors masked (DOMAIN.md §5)."""
    page = page_number()
    found = page_of(cases.public_cases(), page, PUBLIC_PER_PAGE, db.session)
    pages = max((found["total"] + PUBLIC_PER_PAGE - 1) // PUBLIC_PER_PAGE, 1)
    return render_template(
        "cases/public_cases.html", rows=PublicCaseOut(many=True).dump(found["items"]),
        total=found["total"], page=page, pages=pages,
        newer_url=url_for(".public_cases", page=page - 1) if page > 1 else None,
        older_url=url_for(".public_cases", page=page + 1) if page < pages else None)


@bp.get("/cases/<id:case_id>")
def case_page(case_id):
    try:
        case = cases.get_public_case(case_id)
    except DomainError as error:
        return render_template("cases/case_public.html", case=None), error.status
    if sees_identity(case):
        return render_authority_case(case)
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
    is_person = payment.find_case_by_token(token).obligor_organization_id is None
    return render_template("cases/case_pay_result.html", order=order, is_person=is_person,
                           account=receiving_account()), 201


def _render_payment_page(token, *, error=None, status=200):
    try:
        view = payment.payment_view(token)
    except DomainError as problem:
        return render_template("cases/case_pay.html", view=None, error=problem.message), \
            problem.status
    # A person pays from their own account (转账), an organisation from its own (对公转账).
    view = {**view, "is_person": view["case"].obligor_organization_id is None,
            "case": PublicCaseOut().dump(view["case"])}
    return render_template("cases/case_pay.html", view=view, error=error), status
