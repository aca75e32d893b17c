"""HTTP edge of events and claims: register, footprints, commitment, neutralize, reads.

Reads are public (events and claims are public declarations); every write needs the
buyer role and, on an existing event or claim, the host organisation (403 otherwise).
"""

from flask.views import MethodView
from flask_smorest import Blueprint

from core.auth import current_organization, public, require_role
from core.db import db, transaction
from core.schemas import PageArgs, page_of, page_schema
from events import claims, hosting, listing, neutralize, views
from events.schemas import (
    ClaimIn, ClaimOut, EventIn, EventListArgs, EventOut, FootprintIn, FootprintOut,
    NeutralizeIn,
)
from events import covering
from events.schemas import AttachRetirementIn
from market import payments
from market.schemas import OrderOut

blp = Blueprint("events", __name__, url_prefix="/api/v1",
                description="Carbon-neutral events and organisation / pilot neutrality claims")
FootprintPage = page_schema(FootprintOut, "FootprintPage")
EventPage = page_schema(EventOut, "EventPage")
ClaimPage = page_schema(ClaimOut, "ClaimPage")


def _page_of_views(stmt, args, view) -> dict:
    """One page of ``stmt`` with each row read through ``view`` (a plain dict)."""
    found = page_of(stmt, args["page"], args["per_page"], db.session)
    return {**found, "items": [view(row) for row in found["items"]]}


def _filters(args) -> dict:
    return {name: args.get(name) for name in ("status", "date_from", "date_to", "q")}


@blp.route("/events")
class Events(MethodView):
    @require_role("buyer", "registry_admin")
    @blp.arguments(EventListArgs(), location="query")
    @blp.response(200, EventPage)
    def get(self, args):
        """Events, newest first: a host's own; the registry admin sees every event."""
        org = current_organization()
        owner = None if org.has_role("registry_admin") else org
        return _page_of_views(listing.search_events(owner, **_filters(args)), args,
                              views.event_view)

    @require_role("buyer")
    @blp.arguments(EventIn())
    @blp.response(201, EventOut)
    def post(self, data):
        with transaction():
            return views.event_view(hosting.register_event(current_organization(), **data))


@blp.route("/events/<id:event_id>")
class EventById(MethodView):
    @public
    @blp.response(200, EventOut)
    def get(self, event_id):
        return views.event_view(hosting.get_event(event_id))


@blp.route("/events/<id:event_id>/footprints")
class EventFootprints(MethodView):
    @public
    @blp.arguments(PageArgs(), location="query")
    @blp.response(200, FootprintPage)
    def get(self, args, event_id):
        stmt = claims.footprints_of(hosting.get_event(event_id).claim)
        return page_of(stmt, args["page"], args["per_page"], db.session)

    @require_role("buyer")
    @blp.arguments(FootprintIn())
    @blp.response(201, FootprintOut)
    def post(self, data, event_id):
        with transaction():
            return hosting.add_event_footprint(current_organization(), event_id, **data)


@blp.route("/events/<id:event_id>/commitment")
class EventCommitment(MethodView):
    @require_role("buyer")
    @blp.response(200, EventOut)
    def post(self, event_id):
        with transaction():
            return views.event_view(hosting.publish_commitment(current_organization(), event_id))


@blp.route("/events/<id:event_id>/neutralize")
class EventNeutralize(MethodView):
    @require_role("buyer")
    @blp.arguments(NeutralizeIn())
    @blp.response(201, OrderOut)
    def post(self, data, event_id):
        org = current_organization()
        payments.require_method(data["payment_method"])  # 409 before any planning
        with transaction():
            plan = neutralize.plan_neutralization(org, hosting.get_event(event_id).claim)
        return neutralize.place(org, plan, data["payment_method"])


@blp.route("/claims")
class Claims(MethodView):
    @require_role("buyer")
    @blp.arguments(EventListArgs(), location="query")
    @blp.response(200, ClaimPage)
    def get(self, args):
        """The organisation's own organisation and pilot claims, newest first."""
        return _page_of_views(listing.search_claims(current_organization(), **_filters(args)),
                              args, views.claim_view)

    @require_role("buyer")
    @blp.arguments(ClaimIn())
    @blp.response(201, ClaimOut)
    def post(self, data):
        with transaction():
            return views.claim_view(claims.open_claim(current_organization(), **data))


@blp.route("/claims/<id:claim_id>")
class ClaimById(MethodView):
    @public
    @blp.response(200, ClaimOut)
    def get(self, claim_id):
        return views.claim_view(claims.get_claim(claim_id))


@blp.route("/claims/<id:claim_id>/neutralize")
class ClaimNeutralize(MethodView):
    @require_role("buyer")
    @blp.arguments(NeutralizeIn())
    @blp.response(201, OrderOut)
    def post(self, data, claim_id):
        org = current_organization()
        payments.require_method(data["payment_method"])  # 409 before any planning
        with transaction():
            plan = neutralize.plan_neutralization(org, claims.get_claim(claim_id))
        return neutralize.place(org, plan, data["payment_method"])


@blp.route("/claims/<id:claim_id>/retirements")
class ClaimRetirements(MethodView):
    @require_role("buyer")
    @blp.arguments(AttachRetirementIn())
    @blp.response(200, ClaimOut)
    def post(self, data, claim_id):
        """Attach an earlier retirement of the claim's host (purpose and period must fit)."""
        with transaction():
            return views.claim_view(covering.attach_retirement(
                current_organization(), claims.get_claim(claim_id), data["retirement_id"]))


@blp.route("/events/<id:event_id>/retirements")
class EventRetirements(MethodView):
    @require_role("buyer")
    @blp.arguments(AttachRetirementIn())
    @blp.response(200, EventOut)
    def post(self, data, event_id):
        """Attach an earlier event_neutrality retirement of the host that covers nothing yet."""
        with transaction():
            event = hosting.get_event(event_id)
            covering.attach_retirement(current_organization(), event.claim,
                                       data["retirement_id"])
            return views.event_view(event)
