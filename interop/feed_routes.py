"""The change feed and webhook endpoints (INTEROP.md §3). Thin: parse, one use case, dump."""

import json

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from core.auth import current_organization, public, require_role
from core.db import transaction
from interop import feed, webhooks
from interop.feed_schemas import (DeliveriesOut, FeedArgs, FeedOut, WebhookEndpointCreated,
                                  WebhookEndpointIn, WebhookEndpointOut)

blp = Blueprint("interop_feed", __name__, url_prefix="/api/v1",
                description="互联互通: signed change feed (CloudEvents 1.0) and webhooks "
                            "(Standard Webhooks)")


def _endpoint_out(endpoint, secret=None) -> dict:
    out = {"id": endpoint.id, "url": endpoint.url, "types": json.loads(endpoint.types),
           "created_at": endpoint.created_at}
    if secret is not None:
        out["secret"] = secret
    return out


@blp.route("/feed")
class Feed(MethodView):
    @public
    @blp.arguments(FeedArgs(), location="query")
    @blp.response(200, FeedOut)
    def get(self, args):
        """Changes after the cursor `after`, oldest first (at most `limit`, ≤ 1000): unit
        moves (with `ledgerseq`, the leaf to prove), revocations, fulfilled cases,
        neutral events and claims."""
        events = feed.read_feed(args.get("after"), args["limit"])
        last = int(events[-1]["sequence"]) if events else args.get("after")
        return {"events": events, "next_after": last}


@blp.route("/webhook-endpoints")
class WebhookEndpoints(MethodView):
    @require_role()
    @blp.response(200, WebhookEndpointOut(many=True))
    def get(self):
        """The organisation's webhook endpoints (without their secrets)."""
        return [_endpoint_out(e) for e in webhooks.endpoints_of(current_organization())]

    @require_role()
    @blp.arguments(WebhookEndpointIn())
    @blp.response(201, WebhookEndpointCreated)
    def post(self, data):
        """Register a webhook endpoint for feed event types; the secret is shown once.

        422 for a URL that is not http(s), carries credentials or names a non-public
        address, or for an unknown type."""
        with transaction():
            endpoint, secret = webhooks.create_endpoint(current_organization(), **data)
            return _endpoint_out(endpoint, secret)


@blp.route("/webhook-endpoints/<id:endpoint_id>")
class WebhookEndpointById(MethodView):
    @require_role()
    @blp.response(204)
    @blp.alt_response(404, response="NOT_FOUND")
    def delete(self, endpoint_id):
        """Delete the organisation's endpoint; it stops at once. Deliveries not yet made
        are cancelled (never attempted); those made stay readable with their attempts at
        `…/deliveries`. 404 for an unknown id, another organisation's endpoint or one
        already deleted."""
        with transaction():
            webhooks.delete_endpoint(current_organization(), endpoint_id)
        return Response(status=204)


@blp.route("/webhook-endpoints/<id:endpoint_id>/deliveries")
class WebhookDeliveries(MethodView):
    @require_role()
    @blp.response(200, DeliveriesOut)
    def get(self, endpoint_id):
        """The endpoint's newest deliveries (100) with every attempt; 404 for an endpoint
        of another organisation."""
        return {"items": webhooks.deliveries_of(current_organization(), endpoint_id)}
