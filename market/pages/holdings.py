"""A holder's pages: holdings by lot, the retire and transfer forms, and the retirement
just made. Each form calls the same use case as ``POST /api/v1/retirements`` or
``POST /api/v1/transfers`` inside ``transaction()``, then redirects (post/redirect/get)
or shows the page again with the refusal beside the fields."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _, lazy_gettext as _l

from core import workspace
from core.db import transaction
from core.errors import DomainError
from core.formatting import NBSP, format_tonnes
from core.page_forms import current_organization_of_user, page_role_required, show_errors
from market import holdings, retirements, transfers
from market.holding_forms import HOLDER_PURPOSES, RetireForm, TransferForm

bp = Blueprint("holding_pages", __name__, template_folder="../templates")

# The use cases name quantities in kilograms and the recipient by id; the forms take
# tonnes and a credit code or registry number.
FORM_FIELDS = {"quantity_kg": "quantity", "to_organization_id": "recipient"}


def _holdings_page(retire_form=None, transfer_form=None, status=200):
    organization = current_organization_of_user()
    held = holdings.holdings_of(organization)
    lots = holdings.available_by_lot(held)
    return render_template(
        "market/holdings.html", organization=organization, holdings=held, lots=lots,
        retire_form=retire_form or RetireForm(lots, formdata=None),
        transfer_form=transfer_form or TransferForm(lots, formdata=None),
        purposes=HOLDER_PURPOSES), status


@bp.get("/holdings")
@page_role_required()
def holdings_page():
    return _holdings_page()


@bp.post("/holdings/retirements")
@page_role_required()
def retire():
    organization = current_organization_of_user()
    form = RetireForm(holdings.available_by_lot(holdings.holdings_of(organization)))
    if not form.validate_on_submit():
        return _holdings_page(retire_form=form, status=422)
    try:
        with transaction():
            retirement = retirements.retire_units(organization, form.instruction())
            number = retirement.number
    except DomainError as error:
        show_errors(form, error, FORM_FIELDS)
        return _holdings_page(retire_form=form, status=error.status)
    return redirect(url_for("holding_pages.retirement", number=number), code=303)


@bp.get("/holdings/retirements/<number>")
@page_role_required()
def retirement(number):
    done = retirements.get_own_retirement(current_organization_of_user(), number)
    return render_template("market/retirement_done.html", retirement=done,
                           serials=retirements.serials_of(done))


@bp.post("/holdings/transfers")
@page_role_required()
def transfer():
    organization = current_organization_of_user()
    form = TransferForm(holdings.available_by_lot(holdings.holdings_of(organization)))
    if not form.validate_on_submit():
        return _holdings_page(transfer_form=form, status=422)
    try:
        with transaction():
            recipient = transfers.find_recipient(form.recipient.data)
            done = transfers.transfer_units(organization, to_organization_id=recipient.id,
                                            lot_id=form.lot_id.data,
                                            quantity_kg=form.quantity.data,
                                            note=(form.note.data or "").strip() or None)
            message = _("Transfer %(number)s: %(quantity)s went to %(recipient)s.",
                        number=done.number, recipient=recipient.name,
                        quantity=f"{format_tonnes(done.quantity_kg)}{NBSP}{_('t')}")
    except DomainError as error:
        show_errors(form, error, FORM_FIELDS)
        return _holdings_page(transfer_form=form, status=error.status)
    flash(message, "info")
    return redirect(url_for("holding_pages.holdings_page"), code=303)


def init_app(app) -> None:
    app.register_blueprint(bp)
    workspace.register_entry(
        app, "holding_pages.holdings_page", _l("Holdings"), roles=("buyer", "seller"), order=30,
        description=_l("Your units by lot: retire them for a purpose and a beneficiary, "
                       "or transfer them to another organisation."))
