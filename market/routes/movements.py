"""Transfers and retirements (with Idempotency-Key) and the public retirement registry."""

from flask.views import MethodView
from flask_smorest import Blueprint

from core.auth import current_organization, public, require_role
from core.db import db
from core.exports import export_responses
from core.idempotency import idempotent
from core.schemas import page_of
from market import exports, retirements, transfers
from core.responses import json_response
from market.schemas import (
    RetirementArgs, RetirementIn, RetirementOut, RetirementPage, TransferIn, TransferOut,
)

blp = Blueprint("movements", __name__, url_prefix="/api/v1",
                description="Transfers, retirements and the public retirement registry")

HOLDER_ROLES = ()  # any organisation that holds units
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
    @blp.doc(responses=export_responses("RetirementPage"))
    def get(self, args):
        return retirement_list(args)

    @require_role(*HOLDER_ROLES)
    @blp.arguments(RetirementIn())
    @blp.response(201, RetirementOut)
    @idempotent("retirements")
    def post(self, data):
        retirement = retirements.retire_units(current_organization(), data)
        return json_response(retirement_out.dump(retirement), 201)


def retirement_list(args):
    """A page of the registry: by ``after`` cursor (keyset, and the first page), or by
    ``page`` number; with ``format``, every match as a streamed file."""
    args = dict(args)
    page, per_page, after = args.pop("page"), args.pop("per_page"), args.pop("after", None)
    fmt = args.pop("format", None)
    stmt = retirements.search_retirements(**args)
    if fmt:
        return exports.export_retirements(fmt, stmt)
    if after or page == 1:
        return {**retirements.keyset_page(stmt, after, per_page), "page": 1 if not after else None}
    result = page_of(stmt, page, per_page, db.session)
    retirements.attach_serials(result["items"])
    more = page * per_page < result["total"]
    result["next"] = retirements.encode_cursor(result["items"][-1]) if more else None
    return result


@blp.route("/retirements/<id:retirement_id>")
class RetirementById(MethodView):
    @public
    @blp.response(200, RetirementOut)
    def get(self, retirement_id):
        return retirements.get_retirement(retirement_id)
