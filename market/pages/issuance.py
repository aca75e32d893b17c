"""A seller's issuance pages (requests, evidence files, lots and listings) and the
verifier's queue. Each form calls the same use case as the API route
(``market/routes/registry.py``, ``market/routes/trading.py``) inside ``transaction()``, then
redirects (post/redirect/get) or shows the page again with the refusal beside the fields."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l

from core import workspace
from core.db import db, transaction
from core.errors import DomainError
from core.formatting import format_tonnes
from core.page_forms import current_organization_of_user, page_role_required, show_errors
from core.paging import page_number
from core.schemas import page_of
from market import evidence, holdings, issuance, issuance_checks, listings, lots
from market.models.issuance import REQUEST_STATUSES
from market.pages.issuing import IssueForm, issue_context
from market.seller_forms import (ApproveForm, EvidenceForm, IssuanceRequestForm, ListingForm,
                                 RejectForm)

bp = Blueprint("issuance_pages", __name__, template_folder="../templates")
PER_PAGE = 25
REQUEST_FIELDS = {"quantity_kg": "quantity"}
LISTING_FIELDS = {"quantity_kg": "quantity", "price_fen_per_tonne": "price"}
APPROVE_FIELDS = {"verified_kg": "verified"}


def _filed_methodologies():
    return [m for m in issuance.list_methodologies() if m.is_filed]


def _request_or_404(request_id: int):
    try:
        return issuance.get_request(current_organization_of_user(), request_id)
    except DomainError:
        abort(404)


# --- the seller's requests ---------------------------------------------------------

def _requests_page(form=None, status=200):
    organization = current_organization_of_user()
    wanted = request.args.get("status") or None
    if wanted not in (None, *REQUEST_STATUSES):
        wanted = None
    page = page_number()
    found = page_of(issuance.search_requests(organization, status=wanted), page, PER_PAGE,
                    db.session)
    return render_template(
        "market/issuance_requests.html", found=found, status=wanted, statuses=REQUEST_STATUSES,
        form=form or IssuanceRequestForm(_filed_methodologies(), formdata=None)), status


@bp.get("/issuance-requests")
@page_role_required("seller")
def request_list():
    return _requests_page()


@bp.post("/issuance-requests")
@page_role_required("seller")
def submit_request():
    form = IssuanceRequestForm(_filed_methodologies())
    if not form.validate_on_submit():
        return _requests_page(form, 422)
    try:
        with transaction():
            request_id = issuance.submit_issuance_request(current_organization_of_user(),
                                                          **form.request()).id
    except DomainError as error:
        show_errors(form, error, REQUEST_FIELDS)
        return _requests_page(form, error.status)
    flash(_("Request %(id)s is submitted. Add its evidence files below.", id=request_id), "info")
    return redirect(url_for("issuance_pages.request_page", request_id=request_id), code=303)


def _request_page(found, form=None, status=200, extra=None):
    organization = current_organization_of_user()
    return render_template(
        "market/issuance_request.html", req=found, files=evidence.evidence_of(found),
        is_owner=found.seller_id == organization.id,
        form=form or EvidenceForm(formdata=None),
        max_mib=f"{evidence.max_bytes() / 1024 / 1024:g}", **(extra or {})), status


@bp.get("/issuance-requests/<int:request_id>")
@page_role_required("seller", "verifier", "registry_admin")
def request_page(request_id):
    found = _request_or_404(request_id)
    return _request_page(found, extra=issue_context(found, current_organization_of_user()))


@bp.post("/issuance-requests/<int:request_id>/evidence")
@page_role_required("seller")
def upload_evidence(request_id):
    found = _request_or_404(request_id)
    form = EvidenceForm()
    if not form.validate_on_submit():
        return _request_page(found, form, 422)
    upload = form.file.data
    try:
        with transaction():
            added = evidence.add_evidence(current_organization_of_user(), request_id,
                                          filename=upload.filename or "",
                                          data=upload.read(evidence.max_bytes() + 1))
            message = _("%(file)s is kept (SHA-256 %(sha256)s).", file=added.filename,
                        sha256=added.sha256)
    except DomainError as error:
        show_errors(form, error)
        return _request_page(_request_or_404(request_id), form, error.status)
    flash(message, "info")
    return redirect(url_for("issuance_pages.request_page", request_id=request_id), code=303)


@bp.get("/issuance-requests/<int:request_id>/evidence/<int:file_id>")
@page_role_required("seller", "verifier", "registry_admin")
def download_evidence(request_id, file_id):
    try:
        found = evidence.get_evidence(current_organization_of_user(), request_id, file_id)
    except DomainError:
        abort(404)
    return evidence.download_response(found)


@bp.post("/issuance-requests/<int:request_id>/issue")
@page_role_required("registry_admin")
def issue(request_id):
    """Issue the lot (the gate's conflict overridden when a reason is given)."""
    admin = current_organization_of_user()
    found = _request_or_404(request_id)
    form = IssueForm()
    if not form.validate_on_submit():
        return _request_page(found, status=422, extra=issue_context(found, admin, form))
    reason = (form.override_reason.data or "").strip() or None
    try:
        prepared = issuance_checks.prepare(found)
        with transaction():
            lot = issuance.issue_lot(request_id, prepared=prepared, override_reason=reason,
                                     admin=admin)
            code = lot.code
    except DomainError as error:
        show_errors(form, error, {"claim_scope": "override_reason", "conflicts": "-"})
        found = _request_or_404(request_id)
        return _request_page(found, status=error.status, extra=issue_context(
            found, admin, form, claim_check=error.extra.get("claim_check")))
    flash(_("Lot %(code)s is issued.", code=code), "info")
    return redirect(url_for("issuance_pages.request_page", request_id=request_id), code=303)


# --- the seller's lots and listings --------------------------------------------------

def _lots_page(form=None, status=200):
    seller = current_organization_of_user()
    own = list(db.session.execute(lots.search_lots(seller_id=seller.id)).scalars())
    open_listings = list(db.session.execute(listings.search_listings(seller_id=seller.id)).scalars())
    available = holdings.available_by_lot(holdings.holdings_of(seller))
    return render_template("market/seller_lots.html", lots=own, listings=open_listings,
                           form=form or ListingForm(available, formdata=None)), status


@bp.get("/lots")
@page_role_required("seller")
def lot_list():
    return _lots_page()


@bp.post("/lots/listings")
@page_role_required("seller")
def create_listing():
    seller = current_organization_of_user()
    form = ListingForm(holdings.available_by_lot(holdings.holdings_of(seller)))
    if not form.validate_on_submit():
        return _lots_page(form, 422)
    try:
        with transaction():
            listing = listings.list_units(seller, lot_id=form.lot_id.data,
                                          quantity_kg=form.quantity.data,
                                          price_fen_per_tonne=form.price.data)
            message = _("Listing %(ref)s is open in the marketplace.", ref=listing.ref)
    except DomainError as error:
        show_errors(form, error, LISTING_FIELDS)
        return _lots_page(form, error.status)
    flash(message, "info")
    return redirect(url_for("issuance_pages.lot_list"), code=303)


@bp.post("/lots/listings/<int:listing_id>/delist")
@page_role_required("seller")
def delist(listing_id):
    seller = current_organization_of_user()
    try:
        with transaction():
            listing = listings.get_listing(listing_id)
            if listing.seller_id != seller.id:
                abort(404)
            ref = listings.delist(seller, listing_id).ref
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("Listing %(ref)s is closed; its unreserved units are available again.", ref=ref),
              "info")
    return redirect(url_for("issuance_pages.lot_list"), code=303)


# --- the verifier's queue ------------------------------------------------------------

def _queue_page(forms=None, status=200):
    verifier = current_organization_of_user()
    queue = [found for found in db.session.execute(
        issuance.search_requests(verifier, status="submitted", oldest_first=True).limit(100)
    ).scalars() if found.seller_id != verifier.id]
    forms = forms or {}
    items = [{"req": found, "files": evidence.evidence_of(found),
              "approve": forms.get(("approve", found.id)) or ApproveForm(
                  formdata=None, prefix=f"a{found.id}"),
              "reject": forms.get(("reject", found.id)) or RejectForm(
                  formdata=None, prefix=f"r{found.id}")} for found in queue]
    decided = db.session.execute(
        issuance.search_requests(verifier).where(
            issuance.IssuanceRequest.verifier_id == verifier.id).limit(20)).scalars().all()
    return render_template("market/verification.html", items=items, decided=decided), status


@bp.get("/verification")
@page_role_required("verifier")
def queue():
    return _queue_page()


def _decide(request_id: int, form, key, decision, fields=None):
    claimed = _request_or_404(request_id)
    if not form.validate_on_submit():
        return _queue_page({(key, request_id): form}, 422)
    try:
        with transaction():
            issuance.verify_issuance_request(current_organization_of_user(), request_id,
                                             **decision())
    except DomainError as error:
        show_errors(form, error, fields)
        if "verified_kg" in error.errors:
            # The API's reason counts kilograms; the verifier typed tonnes.
            form.verified.errors = [_("At most the claimed %(quantity)s.",
                                      quantity=f"{format_tonnes(claimed.quantity_kg)} {_('t')}")]
        return _queue_page({(key, request_id): form}, error.status)
    return None


@bp.post("/verification/<int:request_id>/approve")
@page_role_required("verifier")
def approve(request_id):
    form = ApproveForm(prefix=f"a{request_id}")
    refused = _decide(request_id, form, "approve", lambda: {
        "decision": "approved", "verified_kg": form.verified.data,
        "report_ref": form.report_ref.data.strip()}, APPROVE_FIELDS)
    if refused:
        return refused
    flash(_("Request %(id)s is verified; the registry can now issue its lot.", id=request_id),
          "info")
    return redirect(url_for("issuance_pages.queue"), code=303)


@bp.post("/verification/<int:request_id>/reject")
@page_role_required("verifier")
def reject(request_id):
    form = RejectForm(prefix=f"r{request_id}")
    refused = _decide(request_id, form, "reject", lambda: {
        "decision": "rejected", "verified_kg": None, "report_ref": form.reasons.data.strip()},
        {"report_ref": "reasons"})
    if refused:
        return refused
    flash(_("Request %(id)s is rejected.", id=request_id), "info")
    return redirect(url_for("issuance_pages.queue"), code=303)


def init_app(app) -> None:
    app.register_blueprint(bp)
    workspace.register_entry(
        app, "issuance_pages.request_list", _l("Issuance requests"), roles=("seller",), order=40,
        counter=issuance.count_open_requests,
        description=_l("Claim reductions under a filed methodology and upload the evidence "
                       "for the verifier."))
    workspace.register_entry(
        app, "issuance_pages.lot_list", _l("Lots and listings"), roles=("seller",), order=50,
        description=_l("Your issued lots, and listing their units in the marketplace at a "
                       "price per tonne."))
    workspace.register_entry(
        app, "issuance_pages.queue", _l("Verification queue"), roles=("verifier",), order=40,
        counter=issuance.count_waiting_for_verification,
        description=_l("Requests waiting for verification, oldest first: read the evidence, "
                       "then approve or reject."))
