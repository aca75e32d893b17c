"""Methodologies, issuance, lots, holdings and the public ledger."""

from flask import request
from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest import Blueprint

from core.auth import current_organization, public, require_role
from core.db import db, transaction
from core.exports import export_responses
from core.errors import Invalid
from core.schemas import page_of, page_schema
from market import administration, evidence, exports, holdings, issuance, issuance_checks, ledger, lots
from market.schemas import (
    EvidenceFileOut, HoldingsOut, IssuanceIn, IssuanceRequestArgs, IssuanceRequestIn, IssuanceRequestOut, LedgerArgs, LedgerOut,
    LotArgs, LotDetailOut, LotOut,
    MethodologyIn, MethodologyOut, MethodologyStatusIn, VerificationIn,
)

blp = Blueprint("registry", __name__, url_prefix="/api/v1",
                description="Methodologies, issuance, lots, holdings and the ledger")

LotPage = page_schema(LotOut, "LotPage")
IssuanceRequestPage = page_schema(IssuanceRequestOut, "IssuanceRequestPage")


@blp.route("/methodologies")
class Methodologies(MethodView):
    @public
    @blp.response(200, MethodologyOut(many=True))
    def get(self):
        return issuance.list_methodologies()

    @require_role("registry_admin")
    @blp.arguments(MethodologyIn())
    @blp.response(201, MethodologyOut)
    def post(self, data):
        with transaction():
            return issuance.file_methodology(**data)


@blp.route("/methodologies/<string:code>")
class MethodologyByCode(MethodView):
    @public
    @blp.response(200, MethodologyOut)
    def get(self, code):
        return issuance.get_methodology(code)


@blp.route("/methodologies/<string:code>/status")
class MethodologyStatus(MethodView):
    @require_role("registry_admin")
    @blp.arguments(MethodologyStatusIn())
    @blp.response(200, MethodologyOut)
    def post(self, data, code):
        """Move a methodology: draft → filed, filed ⇄ suspended, filed or suspended →
        retired (withdrawn). Any other move is 409 ``wrong_state``."""
        with transaction():
            return administration.change_methodology_status(code, data["status"])


@blp.route("/issuance-requests")
class IssuanceRequests(MethodView):
    @require_role("seller", "verifier", "registry_admin")
    @blp.arguments(IssuanceRequestArgs(), location="query")
    @blp.response(200, IssuanceRequestPage)
    def get(self, args):
        """A seller's own requests; a verifier's queue (submitted) and its decisions; all for
        the registry admin. Newest first."""
        found = issuance.search_requests(current_organization(), status=args.get("status"))
        return page_of(found, args["page"], args["per_page"], db.session)

    @require_role("seller")
    @blp.arguments(IssuanceRequestIn())
    @blp.response(201, IssuanceRequestOut)
    def post(self, data):
        with transaction():
            return issuance.submit_issuance_request(current_organization(), **data)


@blp.route("/issuance-requests/<id:request_id>")
class IssuanceRequestById(MethodView):
    @require_role("seller", "verifier", "registry_admin")
    @blp.response(200, IssuanceRequestOut)
    def get(self, request_id):
        return issuance.get_request(current_organization(), request_id)


@blp.route("/issuance-requests/<id:request_id>/verification")
class Verification(MethodView):
    @require_role("verifier")
    @blp.arguments(VerificationIn())
    @blp.response(200, IssuanceRequestOut)
    def post(self, data, request_id):
        with transaction():
            return issuance.verify_issuance_request(current_organization(), request_id, **data)


@blp.route("/issuance-requests/<id:request_id>/issuance")
class Issuance(MethodView):
    @require_role("registry_admin")
    @blp.arguments(IssuanceIn(), required=False)
    @blp.response(201, LotDetailOut)
    def post(self, data, request_id):
        """Issue the lot of a verified request. The registered checks run first (the
        double-claim gate asks the pinned peers before the transaction): a conflict is 409
        ``double_claim`` with the conflicts, unless ``override_reason`` is given."""
        admin = current_organization()
        prepared = issuance_checks.prepare(issuance.get_request(admin, request_id))
        with transaction():
            return issuance.issue_lot(request_id, prepared=prepared, admin=admin,
                                      override_reason=(data or {}).get("override_reason"))


@blp.route("/lots")
class Lots(MethodView):
    @public
    @blp.arguments(LotArgs(), location="query")
    @blp.response(200, LotPage)
    @blp.doc(responses=export_responses("LotPage"))
    def get(self, args):
        page, per_page = args.pop("page"), args.pop("per_page")
        fmt = args.pop("format", None)
        if fmt:
            return exports.export_lots(fmt, lots.search_lots(**args))
        return page_of(lots.search_lots(**args), page, per_page, db.session)


@blp.route("/lots/<id:lot_id>")
class LotById(MethodView):
    @public
    @blp.response(200, LotDetailOut)
    def get(self, lot_id):
        return lots.get_lot(lot_id)


@blp.route("/holdings")
class Holdings(MethodView):
    @require_role()
    @blp.response(200, HoldingsOut)
    def get(self):
        return holdings.holdings_of(current_organization())


@blp.route("/ledger")
class Ledger(MethodView):
    @public
    @blp.arguments(LedgerArgs(), location="query")
    @blp.response(200, LedgerOut)
    def get(self, args):
        return {"items": ledger.read(args.get("after"), args["limit"]), "size": ledger.size()}


@blp.route("/issuance-requests/<id:request_id>/evidence")
class Evidence(MethodView):
    @require_role("seller", "verifier", "registry_admin")
    @blp.response(200, EvidenceFileOut(many=True))
    def get(self, request_id):
        return evidence.evidence_of(issuance.get_request(current_organization(), request_id))

    @require_role("seller")
    @blp.doc(description="multipart/form-data with a PDF, XLSX or CSV file in the field "
                         "`file` (at most EVIDENCE_MAX_BYTES, 10 MiB by default: 413 beyond).")
    @blp.response(201, EvidenceFileOut)
    def post(self, request_id):
        upload = request.files.get("file")
        if upload is None:
            raise Invalid(_("Send the file in the multipart field 'file'."),
                          {"file": [_("Missing.")]})
        data = upload.read(evidence.max_bytes() + 1)
        with transaction():
            return evidence.add_evidence(current_organization(), request_id,
                                         filename=upload.filename or "", data=data)


@blp.route("/issuance-requests/<id:request_id>/evidence/<id:file_id>")
class EvidenceFileById(MethodView):
    @require_role("seller", "verifier", "registry_admin")
    @blp.doc(description="The file's bytes, with its SHA-256 in the `Repr-Digest` header.")
    def get(self, request_id, file_id):
        found = evidence.get_evidence(current_organization(), request_id, file_id)
        return evidence.download_response(found)
