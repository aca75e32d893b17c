"""The registry administrator's orders (``/admin/orders``): every order with filters
(status, number, 附言, buyer, the China date it was placed) and paging, and releasing a
pending order with a reason — the use case of ``POST /api/v1/orders/{id}/release``."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core import clock
from core.db import db, transaction
from core.errors import DomainError
from core.page_forms import current_organization_of_user, page_role_required, show_errors
from core.paging import page_number
from core.schemas import page_of
from market import administration, order_flow, orders
from market.admin_forms import OrderFilterForm, ReleaseForm

bp = Blueprint("admin_orders", __name__, template_folder="../templates")
PER_PAGE = 25


def _orders_page(release_forms=None, status=200, refusal=None):
    admin = current_organization_of_user()
    form = OrderFilterForm(administration.buyers(), formdata=request.args)
    found, params = None, {}
    if form.validate():
        filters = form.filters()
        params = {key: (value.isoformat() if hasattr(value, "isoformat") else value)
                  for key, value in filters.items() if value is not None}
        page = page_number()
        found = page_of(administration.search_orders_for_admin(admin, **filters), page,
                        PER_PAGE, db.session)
    else:
        status = 422
    release_forms = release_forms or {}
    forms = {}
    for order in (found or {}).get("items", []):
        forms[order.number] = release_forms.get(order.number) or ReleaseForm(
            formdata=None, prefix=f"r{order.id}")
    names = administration.organization_names(o.buyer_id for o in (found or {}).get("items", []))
    return render_template("market/admin/orders.html", form=form, found=found, params=params,
                           release_forms=forms, buyer_names=names, refusal=refusal,
                           now=clock.now()), status


@bp.get("/admin/orders")
@page_role_required("registry_admin")
def order_list():
    return _orders_page()


@bp.post("/admin/orders/<number>/release")
@page_role_required("registry_admin")
def release(number):
    admin = current_organization_of_user()
    try:
        order = orders.get_order_by_number(admin, number)
    except DomainError:
        abort(404)
    form = ReleaseForm(prefix=f"r{order.id}")
    if not form.validate_on_submit():
        return _orders_page({number: form}, 422)
    try:
        with transaction():
            session_id = orders.release_order(admin, order.id,
                                              form.reason.data.strip()).stripe_session_id
    except DomainError as error:
        show_errors(form, error)  # beside the reason; above the list too, as the order
        # may no longer be pending and so show no form
        return _orders_page({number: form}, error.status, refusal=error.message)
    order_flow.expire_checkout(session_id)
    flash(_("Order %(number)s is released; its units are back on the market.", number=number),
          "info")
    # The filters ride on the form's address, so the list comes back as it was.
    return redirect(url_for("admin_orders.order_list", **request.args), code=303)
