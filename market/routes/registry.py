"""Methodologies, issuance, lots, holdings and the public ledger."""

from flask.views import MethodView
from flask_smorest import Blueprint

from core.auth import current_organization, public, require_role
from core.db import db, transaction
from core.schemas import page_of, page_schema
from market import exports, holdings, issuance, ledger, lots
from market.schemas import (
    HoldingsOut, IssuanceRequestIn, IssuanceRequestOut, LedgerArgs, LedgerOut, LotArgs, LotOut,
    MethodologyIn, MethodologyOut, VerificationIn,
)

blp = Blueprint("registry", __name__, url_prefix="/api/v1",
                description="Methodologies, issuance, lots, holdings and the ledger")

LotPage = page_schema(LotOut, "LotPage")


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


@blp.route("/issuance-requests")
class IssuanceRequests(MethodView):
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
    @blp.response(201, LotOut)
    def post(self, request_id):
        with transaction():
            return issuance.issue_lot(request_id)


@blp.route("/lots")
class Lots(MethodView):
    @public
    @blp.arguments(LotArgs(), location="query")
    @blp.response(200, LotPage)
    def get(self, args):
        page, per_page = args.pop("page"), args.pop("per_page")
        fmt = args.pop("format", None)
        if fmt:
            return exports.export_lots(fmt, lots.search_lots(**args))
        return page_of(lots.search_lots(**args), page, per_page, db.session)


@blp.route("/lots/<id:lot_id>")
class LotById(MethodView):
    @public
    @blp.response(200, LotOut)
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
