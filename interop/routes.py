"""Interop API: the well-known self-description and pinned peers."""

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint

from core.auth import current_organization, public, require_role
from core.db import transaction
from core.responses import json_response
from interop import cdop, claim_checks, describe, gate, peers, statements
from interop.schemas import (
    ClaimCheckIn, DescriptionOut, DocumentOut, PeerIn, PeerListOut, PeerOut, StatementIn,
)

wellknown = Blueprint("interop_wellknown", __name__, url_prefix="/.well-known",
                      description="互联互通: how this registry describes itself to peers")
blp = Blueprint("interop", __name__, url_prefix="/api/v1/interop",
                description="互联互通: pinned peers, status statements, claim checks")
exports = Blueprint("interop_exports", __name__, url_prefix="/api/v1/exports",
                    description="互联互通: lots as Carbon Data Open Protocol (CDOP v2) documents")


@wellknown.route("/carbon-registry.json")
class RegistryDescription(MethodView):
    @public
    @wellknown.response(200, DescriptionOut)
    def get(self):
        """The registry's self-description (INTEROP.md §1)."""
        return json_response(describe.describe_registry(), 200)


@blp.route("/peers")
class Peers(MethodView):
    @public
    @blp.response(200, PeerListOut)
    def get(self):
        """Every pinned peer with the keys pinned for it."""
        items = peers.list_peers()
        return {"items": items, "total": len(items)}

    @require_role("registry_admin")
    @blp.arguments(PeerIn())
    @blp.response(201, PeerOut)
    def post(self, data):
        """Pin a peer: fetch its self-description and DID document and keep its keys.
        422 when no registry answers there; 409 ``peer_key_changed`` when a pinned peer's
        keys differ and ``confirm_key_change`` is not true."""
        admin = current_organization()
        fetched = peers.fetch_peer(data["api_base"])  # network first, outside the transaction
        with transaction():
            peer = peers.pin_peer(admin, fetched, confirm_key_change=data["confirm_key_change"])
            return json_response(PeerOut().dump(peer), 201)


@blp.route("/claim-checks")
class ClaimChecks(MethodView):
    @public
    @blp.arguments(ClaimCheckIn())
    @blp.response(200, DocumentOut)
    def post(self, data):
        """Has this scope been issued here? A signed ``ClaimCheckAnswer`` (VC 2.0,
        eddsa-jcs-2022) with ``credentialSubject = {nonce, scopeDigest, scope,
        recordHashCount, conflicts: [{lot_code, registry, overlap}]}``; the digest is
        SHA-256 of JCS ``{scope, record_hashes}`` as sent (hashes sorted)."""
        raw = request.get_json()  # validated above; answered as sent, so digests agree
        answer = claim_checks.answer_claim_check(raw["scope"], data["record_hashes"],
                                                 data["nonce"])
        return json_response(answer, 200)


@blp.route("/statements")
class Statements(MethodView):
    @public
    @blp.arguments(StatementIn())
    @blp.response(200, DocumentOut)
    def post(self, data):
        """A signed ``UnitStatusStatement`` (VC 2.0, eddsa-jcs-2022) on at most 20 serial
        ranges: each range's pieces with state, holder, and for retired units the
        retirement number, purpose, masked beneficiary and certificate number; the tree
        size, the signed checkpoint and the ledger seqs behind each piece. 422 for more
        than 20 ranges or a range of more than 1,000 pieces."""
        with transaction():  # the checkpoint may be signed anew
            statement = statements.make_statement(data["ranges"])
        return json_response(statement, 200)


@exports.route("/cdop/lots/<string:lot_code>")
class CdopLot(MethodView):
    @public
    @exports.response(200, DocumentOut)
    def get(self, lot_code):
        """The lot as CDOP v2 documents: ``{project_approach_details, issuances, units:
        [unit_description…]}``, each valid against its CDOP JSON Schema; Chinese-specific
        fields in ``x-tanhui-…`` members; quantities in kg CO2e (docs/interop.md)."""
        return json_response(cdop.export_lot(lot_code), 200)


@blp.route("/claim-checks/lots/<string:lot_code>")
class LotClaimCheck(MethodView):
    @public
    @blp.response(200, DocumentOut)
    def get(self, lot_code):
        """The double-claim gate's record for a lot (what retirement certificates name in
        ``serials[].claimCheck``): ``{lot_code, claim_check}``, ``claim_check`` null when
        the lot was issued without a declared scope. 404 for an unknown lot."""
        return json_response({"lot_code": lot_code,
                              "claim_check": gate.claim_check_of_code(lot_code)}, 200)
