"""Bank reconciliation (``/admin/bank-transfers``): look an order up by number or 附言,
confirm its transfer with the exact amount received (the use case of
``POST /api/v1/orders/{id}/bank-transfer-confirmation``), or import a bank statement CSV
whose lines confirm the pending orders they match — each line in its own transaction."""

from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core import clock
from core.db import transaction
from core.errors import DomainError
from core.formatting import format_money
from core.page_forms import current_organization_of_user, page_role_required, show_errors
from market import administration, orders
from market.admin_forms import ConfirmTransferForm, StatementForm
from market.payments import bank, statement

bp = Blueprint("admin_bank", __name__, template_folder="../templates")


@dataclass(frozen=True)
class Outcome:
    """What importing one statement line did: ``kind`` is ``confirmed`` or the refusal's
    code (``unknown_reference``, ``amount_mismatch``, ``already_confirmed``,
    ``wrong_state`` …, ``malformed``)."""

    line_number: int
    kind: str
    reference: str
    amount_fen: int | None
    payer: str
    message: str
    order_number: str | None = None


def _page(*, query=None, order=None, lookup_error=None, confirm=None, upload=None,
          outcomes=None, status=200):
    return render_template(
        "market/admin/bank_transfers.html", query=query, order=order,
        order_status=order.status_at(clock.now()) if order is not None else None,
        lookup_error=lookup_error, confirm=confirm or ConfirmTransferForm(formdata=None),
        upload=upload or StatementForm(formdata=None), outcomes=outcomes,
        waiting=administration.awaiting_bank_transfers(20),
        max_mib=statement.MAX_BYTES // (1024 * 1024)), status


@bp.get("/admin/bank-transfers")
@page_role_required("registry_admin")
def bank_transfers():
    query = request.args.get("q", "").strip()
    if not query:
        return _page()
    try:
        found = administration.find_order(current_organization_of_user(), query)
    except DomainError as error:
        return _page(query=query, lookup_error=error.message, status=error.status)
    return _page(query=query, order=found)


@bp.post("/admin/bank-transfers/<number>/confirmation")
@page_role_required("registry_admin")
def confirm(number):
    admin = current_organization_of_user()
    try:
        order = orders.get_order_by_number(admin, number)
    except DomainError:
        abort(404)
    form = ConfirmTransferForm()
    if not form.validate_on_submit():
        return _page(query=number, order=order, confirm=form, status=422)
    try:
        with transaction():
            bank.confirm_bank_transfer(admin, order.id, reference=order.bank_reference or "",
                                       amount_fen=form.amount.data)
    except bank.AmountMismatch:
        # The API names fen; a person typed yuan, so the page says it in yuan.
        form.amount.errors = [_("Must equal %(total)s.", total=format_money(order.total_fen))]
        return _page(query=number, order=orders.get_order_by_number(admin, number),
                     confirm=form, status=409)
    except DomainError as error:
        show_errors(form, error, {"amount_fen": "amount", "reference": "amount"})
        return _page(query=number, order=orders.get_order_by_number(admin, number),
                     confirm=form, status=error.status)
    flash(_("The transfer for order %(number)s is confirmed; the order is fulfilled.",
            number=number), "info")
    return redirect(url_for("admin_bank.bank_transfers", q=number), code=303)


def _import_line(admin, line) -> Outcome:
    if isinstance(line, statement.MalformedLine):
        return Outcome(line.line_number, "malformed", line.raw, None, "", line.reason)
    try:
        with transaction():
            number = statement.confirm_line(admin, line).number
    except DomainError as error:
        return Outcome(line.line_number, error.code, line.reference, line.amount_fen,
                       line.payer, error.message)
    return Outcome(line.line_number, "confirmed", line.reference, line.amount_fen, line.payer,
                   _("Order %(number)s is fulfilled.", number=number), number)


@bp.post("/admin/bank-transfers/statement")
@page_role_required("registry_admin")
def import_statement():
    form = StatementForm()
    if not form.validate_on_submit():
        return _page(upload=form, status=422)
    with form.file.data.stream as upload:  # a large upload is a temporary file: close it
        data = upload.read(statement.MAX_BYTES + 1)
    try:
        lines = statement.read_statement(data)
    except DomainError as error:
        show_errors(form, error)  # the short reason beside the field, the whole one above
        form.form_errors.append(error.message)
        return _page(upload=form, status=error.status)
    admin = current_organization_of_user()
    # One transaction per line: a refused line never undoes a confirmed one.
    outcomes = [_import_line(admin, line) for line in lines]
    return _page(outcomes=outcomes)
