"""Public pages of events and claims: the commitment, the footprint lines with the
provenance of every factor, the coverage and the certificate. A claim's owner sees its
forms there too (``events.claim_pages``)."""

from flask import Blueprint, render_template

from core.db import db
from events.claim_pages import render_claim
from events.models import Event, NeutralityClaim
from events.views import page_view

bp = Blueprint("event_pages", __name__, template_folder="templates")


def _render(claim: NeutralityClaim | None):
    if claim is None:
        return render_template("events/claim.html", view=None), 404
    return render_template("events/claim.html", view=page_view(claim))


@bp.get("/events/<id:event_id>")
def event_page(event_id):
    event = db.session.get(Event, event_id)
    return _render(event.claim if event else None)


@bp.get("/claims/<id:claim_id>")
def claim_page(claim_id):
    claim = db.session.get(NeutralityClaim, claim_id)
    if claim is None or claim.subject == "event":
        return _render(claim)
    return render_claim(claim)
