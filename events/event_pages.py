"""The event host's pages: the list of its events, the form that registers one, and on
the event's page (public for everyone, ``events.pages``) the host's stepper with the form
of each step — estimate, commitment, actual footprint, offset (buy and retire, retire from
holdings, attach an earlier retirement).

Each form calls the same use case as its API route (``POST /api/v1/events``,
``/events/{id}/footprints``, ``/commitment``, ``/neutralize``, ``/retirements`` and
``POST /api/v1/retirements``) inside ``transaction()``, then redirects, or shows the page
again (422 or the refusal's status) with the refusal beside the field it names.
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from core import clock
from core.db import db, transaction
from core.errors import DomainError, NotFound
from core.formatting import format_tonnes
from core.page_forms import (current_organization_of_user, error_summary, page_role_required,
                             show_errors)
from core.paging import page_number
from core.schemas import page_of
from events import covering, hosting, listing, neutralize, views
from events.claim_pages import factor_rows
from events.event_forms import ConfirmForm, EventForm, FootprintForm, HoldingsRetireForm
from events.forms import ACTIVITY_FIELDS, AttachForm, OffsetForm
from events.models import CLAIM_STATUSES
from events.stepper import current_step, steps_of
from market import holdings, payments, retirements

bp = Blueprint("event_host_pages", __name__, template_folder="templates")
PER_PAGE = 20
#: The use cases name quantities in kilograms; the retire form takes tonnes.
RETIRE_FIELDS = {"quantity_kg": "quantity"}
#: A footprint refused as a whole (it comes to 0 kg) is shown beside the first input.
FOOTPRINT_FIELDS = {"inputs": ACTIVITY_FIELDS[0][0]}


@bp.get("/events")
@page_role_required("buyer")
def event_list():
    status = request.args.get("status") or None
    if status not in (None, *CLAIM_STATUSES):
        status = None
    page = page_number()
    found = page_of(listing.search_events(current_organization_of_user(), status=status),
                    page, PER_PAGE, db.session)
    rows = [views.event_view(event) for event in found["items"]]
    return render_template("events/events.html", found=found, events=rows, status=status,
                           statuses=CLAIM_STATUSES)


@bp.route("/events/new", methods=["GET", "POST"])
@page_role_required("buyer")
def new_event():
    form = EventForm()
    if not form.validate_on_submit():
        return render_template("events/event_new.html", form=form), 422 if form.errors else 200
    try:
        with transaction():
            event_id = hosting.register_event(current_organization_of_user(),
                                              **form.use_case_arguments()).id
    except DomainError as error:
        show_errors(form, error)
        return render_template("events/event_new.html", form=form), error.status
    flash(_("The event is registered. Estimate its footprint next."), "info")
    return redirect(url_for("event_pages.event_page", event_id=event_id), code=303)


def is_host(event) -> bool:
    """Whether the signed-in person acts for the buyer organisation hosting ``event``."""
    return (current_user.is_authenticated
            and current_user.organization.id == event.claim.organization_id
            and current_user.organization.has_role("buyer"))


def _available_kg(organization) -> int:
    return sum(lot["available_kg"] for lot in holdings.available_by_lot(
        holdings.holdings_of(organization)))


def host_view(event, view: dict, forms: dict) -> dict:
    """The host's part of the page: steps, coverage and one form per possible action."""
    organization = current_organization_of_user()
    today = clock.today_in_china()
    steps = steps_of(view, today)
    claim = event.claim
    required, retired = view["required_kg"] or 0, view["retired_kg"]
    outstanding = view["outstanding_kg"] or 0
    pending = neutralize.ordered_kg(organization, claim)
    available = _available_kg(organization)
    attach_form = forms.get("attach") or AttachForm(formdata=None)
    attachable = list(db.session.execute(
        covering.attachable_retirements(organization, claim)).scalars())
    attach_form.retirement_id.choices = [
        SelectChoice(r.id, f"{r.number} · {format_tonnes(r.quantity_kg)} {_('t')}")
        for r in attachable]
    retire_form = forms.get("retire") or HoldingsRetireForm(
        formdata=None, quantity=min(outstanding, available) or None)
    footprint_forms = {stage: forms.get(stage) or FootprintForm(formdata=None, stage=stage)
                       for stage in ("estimate", "actual")}
    version, rows = factor_rows(footprint_forms["estimate"])
    actual_version, actual_rows = factor_rows(footprint_forms["actual"])
    return {
        "steps": steps, "current": current_step(steps), "today": today,
        "errored": next(iter(forms), None),
        "required_kg": required, "retired_kg": min(retired, required) if required else retired,
        "percent": min(retired * 100 // required, 100) if required else 0,
        "pending_kg": pending, "to_order_kg": max(outstanding - pending, 0),
        "available_kg": available, "factor_set_version": version,
        "footprint_forms": footprint_forms,
        "factor_rows": {"estimate": rows, "actual": actual_rows},
        "commitment_form": forms.get("commitment") or ConfirmForm(formdata=None),
        "offset_form": forms.get("offset") or OffsetForm(payments.available_methods(),
                                                         formdata=None),
        "retire_form": retire_form, "attach_form": attach_form, "attachable": attachable,
        "can_estimate": view["footprint"] is None or view["footprint"].stage == "estimate",
        "can_enter_actual": today >= view["end_date"],
        "can_commit": (not view["commitment_certificate_number"] and today <= view["end_date"]
                       and view["footprint"] is not None
                       and view["footprint"].stage == "estimate"),
    }


def render_event(event, *, forms: dict | None = None, status: int = 200):
    """The event's page: public disclosure for everyone, the stepper for its host."""
    view = views.page_view(event.claim)
    host = host_view(event, view, forms or {}) if is_host(event) else None
    summary = error_summary(*(forms or {}).values()) if status >= 400 else []
    return render_template("events/event.html", view=view, host=host,
                           error_summary=summary), status


def _own_event(event_id: int):
    """The event a form acts on: unknown or another organisation's → 404 (docs/pages.md:
    a page does not confirm that someone else's object exists; the API answers 403)."""
    try:
        event = hosting.get_event(event_id)
    except NotFound:
        abort(404)
    if event.claim.organization_id != current_organization_of_user().id:
        abort(404)
    return event


def _refused(event_id: int, name: str, form, error: DomainError, fields=None):
    show_errors(form, error, fields)
    db.session.expire_all()
    return render_event(hosting.get_event(event_id), forms={name: form}, status=error.status)


def _back(event_id: int, message: str):
    flash(message, "info")
    return redirect(url_for("event_pages.event_page", event_id=event_id) + "#steps", code=303)


@bp.post("/events/<id:event_id>/footprints")
@page_role_required("buyer")
def add_footprint(event_id):
    event = _own_event(event_id)
    form = FootprintForm()
    if not form.validate_on_submit():
        stage = form.stage.data if form.stage.data in ("estimate", "actual") else "estimate"
        form.stage.data = stage
        return render_event(event, forms={stage: form}, status=422)
    try:
        with transaction():
            footprint = hosting.add_event_footprint(
                current_organization_of_user(), event_id, stage=form.stage.data,
                inputs=form.activity_inputs())
            total = footprint.total_kg
    except DomainError as error:
        return _refused(event_id, form.stage.data, form, error, FOOTPRINT_FIELDS)
    return _back(event_id, _("Footprint recorded: %(qty)s CO₂e.",
                             qty=f"{format_tonnes(total)}\u00a0{_('t')}"))


@bp.post("/events/<id:event_id>/commitment")
@page_role_required("buyer")
def publish_commitment(event_id):
    event = _own_event(event_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_event(event, forms={"commitment": form}, status=422)
    try:
        with transaction():
            hosting.publish_commitment(current_organization_of_user(), event_id)
    except DomainError as error:
        return _refused(event_id, "commitment", form, error)
    return _back(event_id, _("The declaration of commitment is published."))


@bp.post("/events/<id:event_id>/offset")
@page_role_required("buyer")
def offset_event(event_id):
    """Buy and retire what is outstanding (the neutralize use case), then the order."""
    event = _own_event(event_id)
    organization = current_organization_of_user()
    form = OffsetForm(payments.available_methods())
    if not form.validate_on_submit():
        return render_event(event, forms={"offset": form}, status=422)
    try:
        payments.require_method(form.payment_method.data)
        with transaction():
            plan = neutralize.plan_neutralization(organization,
                                                  hosting.get_event(event_id).claim)
        order = neutralize.place(organization, plan, form.payment_method.data)
    except DomainError as error:
        return _refused(event_id, "offset", form, error, {"payment_method": "payment_method"})
    if order.checkout_url:
        return redirect(order.checkout_url, code=303)
    return redirect(f"/orders/{order.number}", code=303)


@bp.post("/events/<id:event_id>/retire")
@page_role_required("buyer")
def retire_for_event(event_id):
    """Retire the host's own available units for the event (``POST /api/v1/retirements``)."""
    event = _own_event(event_id)
    form = HoldingsRetireForm()
    if not form.validate_on_submit():
        return render_event(event, forms={"retire": form}, status=422)
    try:
        with transaction():
            retirement = retirements.retire_units(current_organization_of_user(), {
                "purpose": "event_neutrality", "quantity_kg": form.quantity.data,
                "beneficiary_name": neutralize.beneficiary_of(event.claim),
                "event_id": event_id})
            number = retirement.number
    except DomainError as error:
        return _refused(event_id, "retire", form, error, RETIRE_FIELDS)
    return _back(event_id, _("Retirement %(number)s counts for this event.", number=number))


@bp.post("/events/<id:event_id>/retirements")
@page_role_required("buyer")
def attach_retirement(event_id):
    """Attach an earlier event_neutrality retirement of the host (the use case decides)."""
    event = _own_event(event_id)
    form = AttachForm()
    form.retirement_id.choices = []
    if not form.validate_on_submit():
        return render_event(event, forms={"attach": form}, status=422)
    try:
        with transaction():
            covering.attach_retirement(current_organization_of_user(),
                                       hosting.get_event(event_id).claim,
                                       form.retirement_id.data)
    except DomainError as error:
        return _refused(event_id, "attach", form, error)
    return _back(event_id, _("The retirement now counts for this event."))


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from core import workspace

    app.register_blueprint(bp)
    workspace.register_entry(
        app, "event_host_pages.event_list", _l("Carbon-neutral events"), roles=("buyer",),
        order=55, counter=listing.count_waiting_events,
        description=_l("Register an event, estimate and declare its footprint, then offset "
                       "it after the event."))
