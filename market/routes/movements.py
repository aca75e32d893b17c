"""Transfers and retirements (with Idempotency-Key) and the public retirement registry."""

from flask.views import MethodView
from flask_smorest import Blueprint

from core.auth import current_organization, public, require_role
from core.db import db
from core.idempotency import idempotent
from core.schemas import page_of, page_schema
from market import retirements, transfers
from core.responses import json_response
from market.schemas import RetirementArgs, RetirementIn, RetirementOut, TransferIn, TransferOut

blp = Blueprint("movements", __name__, url_prefix="/api/v1",
                description="Transfers, retirements and the public retirement registry")

HOLDER_ROLES = ()  # any organisation that holds units
RetirementPage = page_schema(RetirementOut, "RetirementPage")
# One instance each: a schema is built once, not per request.
transfer_out, retirement_out = TransferOut(), RetirementOut()


@blp.route("/transfers")
class Transfers(MethodView):
    @require_role(*HOLDER_ROLES)
    @blp.arguments(TransferIn())
    @blp.response(201, TransferOut)
    @idempotent("transfers")
    def post(self, data):
        transfer = transfers.transfer_units(current_organization(), **data)
        return json_response(transfer_out.dump(transfer), 201)


@blp.route("/retirements")
class Retirements(MethodView):
    @public
    @blp.arguments(RetirementArgs(), location="query")
    @blp.response(200, RetirementPage)
    def get(self, args):
        stmt = retirements.search_retirements(purpose=args.get("purpose"),
                                              beneficiary=args.get("beneficiary"),
                                              lot_code=args.get("lot_code"))
        page = page_of(stmt, args["page"], args["per_page"], db.session)
        retirements.attach_serials(page["items"])
        return page

    @require_role(*HOLDER_ROLES)
    @blp.arguments(RetirementIn())
    @blp.response(201, RetirementOut)
    @idempotent("retirements")
    def post(self, data):
        retirement = retirements.retire_units(current_organization(), data)
        return json_response(retirement_out.dump(retirement), 201)


@blp.route("/retirements/<id:retirement_id>")
class RetirementById(MethodView):
    @public
    @blp.response(200, RetirementOut)
    def get(self, retirement_id):
        return retirements.get_retirement(retirement_id)
