"""Interop API: the well-known self-description and pinned peers."""

from flask.views import MethodView
from flask_smorest import Blueprint

from core.auth import current_organization, public, require_role
from core.db import transaction
from core.responses import json_response
from interop import describe, peers
from interop.schemas import DescriptionOut, PeerIn, PeerListOut, PeerOut

wellknown = Blueprint("interop_wellknown", __name__, url_prefix="/.well-known",
                      description="互联互通: how this registry describes itself to peers")
blp = Blueprint("interop", __name__, url_prefix="/api/v1/interop",
                description="互联互通: pinned peers, status statements, claim checks")


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
