"""The buyer's neutrality-claim pages: the list of its claims, the form that opens one,
and on the claim's page (public for everyone, ``events.pages``) the owner's part:
coverage, "Offset now" and "Attach an earlier retirement".

Each form calls the same use case as its API route (``POST /api/v1/claims``,
``/claims/{id}/neutralize``, ``/claims/{id}/retirements``) inside ``transaction()``,
then redirects, or shows the page again with the refusal beside the field it names.
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from core.db import db, transaction
from core.errors import DomainError, Forbidden, NotFound
from core.formatting import format_date, format_tonnes
from core.i18n import current_locale
from core.page_forms import (current_organization_of_user, error_summary, page_role_required,
                             show_errors)
from core.paging import page_number
from core.schemas import page_of
from events import claims, covering, factor_sets, neutralize, views
from events.factors import ACTIVITY_UNITS
from events.forms import ACTIVITY_FIELDS, AttachForm, ClaimForm, OffsetForm
from market import payments

bp = Blueprint("claim_pages", __name__, template_folder="templates")
PER_PAGE = 20


@bp.get("/claims")
@page_role_required("buyer")
def claims_list():
    organization = current_organization_of_user()
    page = page_number()
    found = page_of(claims.claims_of(organization), page, PER_PAGE, db.session)
    rows = [views.claim_view(claim) for claim in found["items"]]
    return render_template("events/claims.html", claims=rows, found=found)


def factor_rows(form) -> tuple[str, list[dict]]:
    """The factor set in force and each activity field with the unit and the factor (with its source) it is priced at."""
    with transaction():
        factor_set = factor_sets.current_factor_set()
        version, factors = factor_set.version, factor_set.document["factors"]
    rows = []
    for name, key, source in ACTIVITY_FIELDS:
        factor = factors[source]
        rows.append({"field": getattr(form, name), "source": source,
                     "unit": ACTIVITY_UNITS[source], "factor": factor})
    return version, rows


def _new_claim_page(form: ClaimForm, status: int = 200):
    version, rows = factor_rows(form)
    return render_template("events/claim_new.html", form=form, factor_rows=rows,
                           factor_set_version=version), status


@bp.route("/claims/new", methods=["GET", "POST"])
@page_role_required("buyer")
def new_claim():
    form = ClaimForm()
    if not form.validate_on_submit():
        return _new_claim_page(form, 422 if form.errors else 200)
    try:
        with transaction():
            claim = claims.open_claim(current_organization_of_user(),
                                      **form.use_case_arguments())
            claim_id = claim.id
    except DomainError as error:
        show_errors(form, error)
        return _new_claim_page(form, error.status)
    flash(_("Your claim is open. Offset it with retirements before the deadline."), "info")
    return redirect(url_for("event_pages.claim_page", claim_id=claim_id), code=303)


def is_owner(claim) -> bool:
    """Whether the signed-in person acts for the buyer organisation that opened ``claim``."""
    return (current_user.is_authenticated and claim.subject != "event"
            and current_user.organization.id == claim.organization_id
            and current_user.organization.has_role("buyer"))


def owner_view(claim, view: dict, offset_form=None, attach_form=None) -> dict:
    """What the owner sees beyond the public page: coverage and the two ways to cover."""
    organization = current_organization_of_user()
    attach_form = attach_form or AttachForm(formdata=None)
    attachable = list(db.session.execute(
        covering.attachable_retirements(organization, claim)).scalars())
    locale = current_locale()
    attach_form.retirement_id.choices = [
        SelectChoice(r.id, f"{r.number} · {format_tonnes(r.quantity_kg)} {_('t')} · "
               f"{format_date(r.period_start, locale)} — {format_date(r.period_end, locale)}")
        for r in attachable]
    required, retired = view["required_kg"] or 0, view["retired_kg"]
    pending = neutralize.ordered_kg(organization, claim)
    return {
        "required_kg": required, "retired_kg": min(retired, required),
        "percent": min(retired * 100 // required, 100) if required else 0,
        "pending_kg": pending, "to_order_kg": max((view["outstanding_kg"] or 0) - pending, 0),
        "offset_form": offset_form or OffsetForm(payments.available_methods(), formdata=None),
        "attach_form": attach_form, "attachable": attachable, "purpose": claim.purpose,
    }


def render_claim(claim, *, offset_form=None, attach_form=None, status: int = 200):
    """The claim page; its owner also gets the coverage and the forms."""
    view = views.page_view(claim)
    owner = owner_view(claim, view, offset_form, attach_form) if is_owner(claim) else None
    summary = error_summary(offset_form, attach_form) if status >= 400 else []
    return render_template("events/claim.html", view=view, owner=owner,
                           error_summary=summary), status


def _own_claim(claim_id: int):
    """The claim a form acts on: unknown or another organisation's → 404 (docs/pages.md:
    a page does not confirm that someone else's object exists; the API answers 403)."""
    try:
        claim = claims.get_claim(claim_id)
        claims.check_host(current_organization_of_user(), claim)
    except (NotFound, Forbidden):
        abort(404)
    return claim


@bp.post("/claims/<id:claim_id>/offset")
@page_role_required("buyer")
def offset_claim(claim_id):
    """Buy and retire what is outstanding (the neutralize use case), then the order."""
    claim = _own_claim(claim_id)
    organization = current_organization_of_user()
    form = OffsetForm(payments.available_methods())
    if not form.validate_on_submit():
        return render_claim(claim, offset_form=form, status=422)
    try:
        payments.require_method(form.payment_method.data)
        with transaction():
            plan = neutralize.plan_neutralization(organization, claims.get_claim(claim_id))
        order = neutralize.place(organization, plan, form.payment_method.data)
    except DomainError as error:
        show_errors(form, error)
        return render_claim(claims.get_claim(claim_id), offset_form=form, status=error.status)
    if order.checkout_url:
        return redirect(order.checkout_url, code=303)
    return redirect(f"/orders/{order.number}", code=303)


@bp.post("/claims/<id:claim_id>/retirements")
@page_role_required("buyer")
def attach_retirement(claim_id):
    """Attach an earlier retirement of the organisation (the use case decides)."""
    claim = _own_claim(claim_id)
    form = AttachForm()
    form.retirement_id.choices = []
    if not form.validate_on_submit():
        return render_claim(claim, attach_form=form, status=422)
    try:
        with transaction():
            covering.attach_retirement(current_organization_of_user(), claim,
                                       form.retirement_id.data)
    except DomainError as error:
        show_errors(form, error)
        return render_claim(claims.get_claim(claim_id), attach_form=form, status=error.status)
    flash(_("The retirement now counts for this claim."), "info")
    return redirect(url_for("event_pages.claim_page", claim_id=claim_id), code=303)


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from core import workspace

    app.register_blueprint(bp)
    workspace.register_entry(
        app, "claim_pages.claims_list", _l("Neutrality claims"), roles=("buyer",), order=60,
        counter=claims.count_awaiting_offset,
        description=_l("Declare carbon neutrality for a reporting period, then offset it "
                       "with retirements."))
