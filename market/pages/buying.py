"""The marketplace with its buy form: a signed-in buyer enters tonnes beside the listings
(one order may take several), a payment method and, if the units are to be retired at
once, the retirement instruction. The order is placed by the same use case as
``POST /api/v1/orders``; a one-time key in the form makes a double submit place it once.
"""

import uuid

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.db import db, transaction
from core.errors import DomainError
from core.idempotency import IdempotencyKeyReused, claim_key, fingerprint, forget_key, remember_answer
from core.page_forms import current_organization_of_user, page_role_required, show_errors
from market import listings, order_flow
from market.errors import InsufficientUnits
from market.forms import buy_form, submitted_listing_ids
from market.payments import available_methods, checkout

bp = Blueprint("market_buying", __name__, template_folder="../templates")
SORTS = ("price", "-price", "vintage", "-vintage")
SCOPE = "order_page"  # its own keys: a page's answer is a redirect, not the API's JSON


def _filters() -> tuple[str | None, str]:
    scenario = request.args.get("scenario") or None
    sort = request.args.get("sort", "price")
    return scenario, sort if sort in SORTS else "price"


def _is_buyer() -> bool:
    return current_user.is_authenticated and current_user.organization.has_role("buyer")


def render_marketplace(form=None, status: int = 200):
    """The listings (filtered and sorted by the query string) and, for a signed-in buyer,
    the buy form around them."""
    scenario, sort = _filters()
    shown = db.session.scalars(
        listings.search_listings(scenario=scenario, sort=sort).limit(100)).all()
    methods = available_methods()
    if form is None and _is_buyer():
        form = buy_form([listing.id for listing in shown], methods,
                        organization_name=current_organization_of_user().name,
                        formdata=None)
    if form is not None:
        shown_ids = {listing.id for listing in shown}
        for field in form.quantity_fields():  # a listing sold out meanwhile: above the form
            if field.errors and int(field.name.split("_")[1]) not in shown_ids:
                form.form_errors.extend(field.errors)
    return render_template("market/marketplace.html", listings=shown, scenario=scenario,
                           sort=sort, methods=methods, form=form), status


@bp.post("/market")
@page_role_required("buyer")
def buy():
    buyer = current_organization_of_user()
    form = buy_form(submitted_listing_ids(request.form), available_methods())
    if not form.validate():
        return render_marketplace(form, 422)
    items, retirement = form.order_items(), form.retirement_instruction()
    request_hash = fingerprint({"items": items, "payment_method": form.payment_method.data,
                                "retirement": retirement})
    key = form.idempotency_key.data or None
    try:
        with transaction():
            record, first = (claim_key(buyer, SCOPE, key[:255], request_hash) if key
                             else (None, None))
            if first is not None:  # the same form again: where the first submit went
                return redirect(url_for("market_orders.order", number=first.response["number"]),
                                code=303)
            order = order_flow.place(buyer, items=items, payment_method=form.payment_method.data,
                                     retirement=retirement)
            remember_answer(record and record.id, 303, {"number": order.number})
            number, order_id, record_id = order.number, order.id, record and record.id
            needs_checkout = order_flow.needs_checkout(order)
        if needs_checkout:
            try:
                order_flow.check_out(buyer, order_id)
            except checkout.PaymentGatewayFailed:
                with transaction():
                    forget_key(record_id)
                raise
    except DomainError as error:
        _place_errors(form, error)
        return render_marketplace(form, error.status)
    flash(_("Order %(number)s is placed: its units are reserved for you until the deadline "
            "below.", number=number), "info")
    return redirect(url_for("market_orders.order", number=number), code=303)


def _place_errors(form, error: DomainError) -> None:
    """A listing that fell short gets the refusal beside its quantity; the rest goes
    beside the fields the use case names, or above the form."""
    if isinstance(error, IdempotencyKeyReused):
        form.form_errors.append(_("This form was sent already. Check it and send it again."))
        form.idempotency_key.data = uuid.uuid4().hex
        return
    field = (form.quantity_field(error.listing_id)
             if isinstance(error, InsufficientUnits) and error.listing_id else None)
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        show_errors(form, error)
