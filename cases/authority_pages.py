"""The case authority's pages (court clerk, procuratorate, eco-environment bureau): its
cases, the form that opens one, and on the case page (``cases.pages``) the authority's
part — full identity, coverage, the payment link and its notice (PDF), the case file.

Each form calls the same use case as its API route (``POST /api/v1/compensation-cases``,
``…/payment-link``, ``…/documents``) inside ``transaction()``, then redirects, or shows
the page again with the refusal beside the field it names.
"""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from cases import cases, documents
from cases.forms import USE_CASE_FIELDS, CaseForm, DocumentForm
from cases.models import CASE_STATUSES, CompensationCase
from cases.notice import case_payment_notice, case_payment_notice_pdf
from cases.schemas import CaseFullOut
from core.db import db, transaction
from core.errors import DomainError
from core.models import Organization
from core.page_forms import current_organization_of_user, page_role_required, show_errors
from core.paging import page_number
from core.schemas import page_of

bp = Blueprint("case_authority_pages", __name__, template_folder="templates")
PER_PAGE = 25
#: Organisations that are never an obligor: the registry, authorities, case holders.
NOT_OBLIGORS = ("registry", "court", "procuratorate", "eco_bureau", "individual")


@bp.get("/cases")
@page_role_required("case_authority", "registry_admin")
def case_list():
    status = request.args.get("status") or None
    status = status if status in CASE_STATUSES else None
    overdue = {"1": True, "0": False}.get(request.args.get("overdue", ""))
    q = (request.args.get("q") or "").strip()[:100] or None
    page = page_number()
    found = page_of(cases.search_cases(current_organization_of_user(), status=status,
                                       overdue=overdue, q=q), page, PER_PAGE, db.session)
    return render_template("cases/cases.html", found=found, status=status, overdue=overdue,
                           q=q, statuses=CASE_STATUSES, is_overdue=cases.is_overdue,
                           filters={"status": status, "overdue": request.args.get("overdue")
                                    if overdue is not None else None, "q": q})


def _obligor_choices(authority: Organization) -> list[Organization]:
    return db.session.execute(sa.select(Organization).where(
        Organization.kind.not_in(NOT_OBLIGORS), Organization.id != authority.id)
        .order_by(Organization.name)).scalars().all()


@bp.route("/cases/new", methods=["GET", "POST"])
@page_role_required("case_authority")
def new_case():
    authority = current_organization_of_user()
    form = CaseForm(_obligor_choices(authority))
    if request.method == "GET" and not form.authority_name.data:
        form.authority_name.data = authority.name
    if not form.validate_on_submit():
        return render_template("cases/case_new.html", form=form), 422 if form.errors else 200
    try:
        with transaction():
            case, _link = cases.open_case(authority, **form.use_case_arguments())
            case_id = case.id
    except DomainError as error:
        show_errors(form, error, USE_CASE_FIELDS)
        return render_template("cases/case_new.html", form=form), error.status
    flash(_("The case is open. Give the obligor the payment link or the payment notice."),
          "info")
    return redirect(url_for("case_pages.case_page", case_id=case_id), code=303)


def sees_identity(case: CompensationCase) -> bool:
    """Whether the signed-in person acts for the case's authority or the registry admin."""
    return current_user.is_authenticated and cases.may_see_identity(
        current_user.organization, case)


def render_authority_case(case: CompensationCase, *, document_form=None, status: int = 200):
    """The case page as its authority and the registry admin see it."""
    organization = current_organization_of_user()
    view = CaseFullOut().dump(case)
    percent = min(case.retired_kg * 100 // case.required_kg, 100)
    return render_template(
        "cases/case_authority.html", case=view, percent=percent,
        overdue=cases.is_overdue(case),
        is_authority=organization.id == case.authority_id,
        payment_link=cases.current_payment_link(organization, case),
        document_form=document_form or DocumentForm(formdata=None)), status


def _authority_case(case_id: int) -> CompensationCase:
    """The case for its authority or the registry admin; to anyone else, 404."""
    case = cases.find_case(case_id)
    if case is None or not cases.may_see_identity(current_organization_of_user(), case):
        abort(404)
    return case


@bp.post("/cases/<id:case_id>/payment-link")
@page_role_required("case_authority")
def reissue_link(case_id):
    _authority_case(case_id)
    try:
        with transaction():
            cases.reissue_payment_link(current_organization_of_user(), case_id)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("A new payment link is issued; the previous one no longer works."), "info")
    return redirect(url_for("case_pages.case_page", case_id=case_id), code=303)


@bp.post("/cases/<id:case_id>/documents")
@page_role_required("case_authority")
def add_document(case_id):
    case = _authority_case(case_id)
    form = DocumentForm()
    if not form.validate_on_submit():
        return render_authority_case(case, document_form=form, status=422)
    upload = form.file.data or None
    data = upload.read(documents.max_bytes() + 1) if upload and upload.filename else None
    try:
        with transaction():
            documents.add_document(current_organization_of_user(), case_id,
                                   kind=form.kind.data, title=form.title.data.strip(),
                                   reference=form.reference.data.strip(),
                                   filename=upload.filename if data is not None else None,
                                   data=data)
    except DomainError as error:
        show_errors(form, error)
        return render_authority_case(cases.find_case(case_id), document_form=form,
                                     status=error.status)
    flash(_("The document is added to the case file."), "info")
    return redirect(url_for("case_pages.case_page", case_id=case_id), code=303)


@bp.get("/cases/<id:case_id>/documents/<id:document_id>/file")
@page_role_required("case_authority", "registry_admin")
def document_file(case_id, document_id):
    try:
        return documents.download_response(documents.get_document_file(
            current_organization_of_user(), case_id, document_id))
    except DomainError:
        abort(404)


@bp.get("/cases/<id:case_id>/payment-notice.pdf")
@page_role_required("case_authority", "registry_admin")
def payment_notice_file(case_id):
    case = _authority_case(case_id)
    link = cases.current_payment_link(current_organization_of_user(), case)
    if link is None:
        abort(404)
    pdf = case_payment_notice_pdf(case_payment_notice(case, link))
    return pdf, 200, {"Content-Type": "application/pdf",
                      "Content-Disposition": f'attachment; filename="case-{case.id}-payment-notice.pdf"'}


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from core import workspace

    app.register_blueprint(bp)
    workspace.register_entry(
        app, "case_authority_pages.case_list", _l("Compensation cases"),
        roles=("case_authority",), order=50, counter=cases.count_waiting_cases,
        description=_l("Open 以碳代偿 cases, hand out payment links and follow their "
                       "coverage to the certificate."))
