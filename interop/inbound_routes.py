"""Subscribing to a peer's feed and receiving its webhooks (INTEROP.md §3, §7)."""

from flask import Response, request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate

from core.auth import public, require_role
from core.db import transaction
from core.schemas import BaseSchema, Text
from interop import inbound
from interop.feed import EVENT_TYPES

blp = Blueprint("interop_inbound", __name__, url_prefix="/api/v1/interop",
                description="互联互通: this registry's subscriptions to peers' feeds")


class SubscriptionIn(BaseSchema):
    peer_did = Text(required=True, validate=validate.Length(min=1, max=300))
    token = Text(required=True, validate=validate.Length(min=1, max=200), metadata={
        "description": "An API token the peer issued to this registry."})
    types = fields.List(fields.String(validate=validate.OneOf(EVENT_TYPES)),
                        load_default=lambda: [inbound.RETIRED],
                        validate=validate.Length(min=1, max=len(EVENT_TYPES)))


class SubscriptionOut(BaseSchema):
    id = fields.Integer()
    peer_did = fields.String()
    remote_endpoint_id = fields.Integer()
    created_at = fields.DateTime()


@blp.route("/subscriptions")
class Subscriptions(MethodView):
    @require_role("registry_admin")
    @blp.arguments(SubscriptionIn())
    @blp.response(201, SubscriptionOut)
    def post(self, data):
        """Subscribe to a pinned peer's feed by webhook (retirements by default). 404 for
        a peer not pinned; 422 when the peer does not accept the token."""
        peer = inbound.peer_by_did(data["peer_did"])
        key, answer = inbound.request_subscription(peer, data["token"], data["types"])
        with transaction():
            return inbound.store_subscription(inbound.peer_by_did(data["peer_did"]), key,
                                              answer, data["types"])


@blp.route("/inbound/<string:key>")
class Inbound(MethodView):
    @public
    @blp.response(204)
    def post(self, key):
        """A peer's webhook delivery (Standard Webhooks signature, CloudEvent body);
        401 when it does not verify, 404 for an unknown subscription."""
        body = request.get_data(cache=False)
        with transaction():
            inbound.receive(key, body, dict(request.headers))
        return Response(status=204)
