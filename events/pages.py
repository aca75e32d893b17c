"""Public pages of events and claims: the commitment, the footprint lines with the
provenance of every factor, the coverage and the certificate. An event's host sees its
stepper there (``events.event_pages``), a claim's owner its forms (``events.claim_pages``)."""

from flask import Blueprint, render_template

from core.errors import NotFound
from events import claims, hosting
from events.claim_pages import render_claim
from events.event_pages import render_event

bp = Blueprint("event_pages", __name__, template_folder="templates")


def _not_found():
    return render_template("events/claim.html", view=None), 404


@bp.get("/events/<id:event_id>")
def event_page(event_id):
    try:
        event = hosting.get_event(event_id)
    except NotFound:
        return _not_found()
    return render_event(event)


@bp.get("/claims/<id:claim_id>")
def claim_page(claim_id):
    try:
        claim = claims.get_claim(claim_id)
    except NotFound:
        return _not_found()
    if claim.subject == "event":
        return render_event(claim.event)
    return render_claim(claim)
