"""The registry administrator's registry pages: issuing the lots of verified requests
(``/admin/issuance``, the use case of ``POST /api/v1/issuance-requests/{id}/issuance``),
methodologies (``/admin/methodologies``: file one, move its status) and the audit
(``/admin/audit``: ``flask audit``'s checks run on demand)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core import clock
from core.db import db, transaction
from core.errors import DomainError
from core.formatting import format_tonnes
from core.labels import label
from core.page_forms import current_organization_of_user, page_role_required, show_errors
from core.paging import page_number
from core.schemas import page_of
from market import administration, audit, issuance, issuance_checks
from market.admin_forms import MethodologyForm, MethodologyStatusForm

bp = Blueprint("admin_registry", __name__, template_folder="../templates")
PER_PAGE = 25


# --- issuance ------------------------------------------------------------------------

@bp.get("/admin/issuance")
@page_role_required("registry_admin")
def issuance_list():
    page = page_number()
    found = page_of(administration.verified_requests(), page, PER_PAGE, db.session)
    names = administration.organization_names(r.seller_id for r in found["items"])
    return render_template("market/admin/issuance.html", found=found, seller_names=names)


@bp.post("/admin/issuance/<int:request_id>")
@page_role_required("registry_admin")
def issue(request_id):
    """Issue as ``POST /api/v1/issuance-requests/{id}/issuance`` does, the registered checks
    (the double-claim gate) prepared first; a refusal is flashed, and overriding a conflict
    with a reason is done on the request's own page, which shows the check."""
    admin = current_organization_of_user()
    try:
        prepared = issuance_checks.prepare(issuance.get_request(admin, request_id))
        with transaction():
            lot = issuance.issue_lot(request_id, prepared=prepared, admin=admin)
            message = _("Lot %(code)s is issued: %(tonnes)s t to its seller.", code=lot.code,
                        tonnes=format_tonnes(lot.issued_kg))
    except DomainError as error:
        flash(error.message, "error")
        if error.status == 409 and error.code != "already_issued":
            return redirect(url_for("issuance_pages.request_page", request_id=request_id),
                            code=303)
    else:
        flash(message, "info")
    return redirect(url_for("admin_registry.issuance_list"), code=303)


# --- methodologies -------------------------------------------------------------------

def _methodologies_page(form=None, status_forms=None, status=200):
    found = issuance.list_methodologies()
    status_forms = status_forms or {}
    forms = {m.code: status_forms.get(m.code) or MethodologyStatusForm(
        administration.METHODOLOGY_MOVES[m.status], formdata=None, prefix=f"s-{m.code}")
        for m in found}
    return render_template("market/admin/methodologies.html", methodologies=found,
                           form=form or MethodologyForm(formdata=None),
                           status_forms=forms), status


@bp.get("/admin/methodologies")
@page_role_required("registry_admin")
def methodologies():
    return _methodologies_page()


@bp.post("/admin/methodologies")
@page_role_required("registry_admin")
def file_methodology():
    form = MethodologyForm()
    if not form.validate_on_submit():
        return _methodologies_page(form, status=422)
    try:
        with transaction():
            code = issuance.file_methodology(
                code=form.code.data, title_zh=form.title_zh.data.strip(),
                title_en=form.title_en.data.strip(), scenario=form.scenario.data,
                version=form.version.data.strip(), status=form.status.data).code
    except DomainError as error:
        show_errors(form, error)
        return _methodologies_page(form, status=error.status)
    flash(_("Methodology %(code)s is recorded.", code=code), "info")
    return redirect(url_for("admin_registry.methodologies"), code=303)


@bp.post("/admin/methodologies/<code>/status")
@page_role_required("registry_admin")
def change_status(code):
    try:
        current = issuance.get_methodology(code)
    except DomainError:
        abort(404)
    form = MethodologyStatusForm(administration.METHODOLOGY_MOVES[current.status],
                                 prefix=f"s-{code}")
    if not form.validate_on_submit():
        return _methodologies_page(status_forms={code: form}, status=422)
    try:
        with transaction():
            changed = administration.change_methodology_status(code, form.status.data)
            message = _("Methodology %(code)s is now %(status)s.", code=code,
                        status=label("methodology_status", changed.status))
    except DomainError as error:
        show_errors(form, error)
        return _methodologies_page(status_forms={code: form}, status=error.status)
    flash(message, "info")
    return redirect(url_for("admin_registry.methodologies"), code=303)


# --- audit ---------------------------------------------------------------------------

@bp.route("/admin/audit", methods=["GET", "POST"])
@page_role_required("registry_admin")
def run_audit():
    """GET shows the checks and a button; POST runs them all now (read-only)."""
    problems = audit.run_audit() if request.method == "POST" else None
    if problems is not None:
        db.session.rollback()  # the audit only reads; end its snapshot
    return render_template("market/admin/audit.html", problems=problems,
                           checks=audit.extra_check_titles(), ran_at=clock.now())
