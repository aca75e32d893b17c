"""The public list of carbon-neutral events (``/registry/events``): events whose host
published a commitment or that are carbon neutral, newest first, page-numbered, each
linking to its public page with the disclosure."""

from flask import Blueprint, render_template, request

from core.db import db
from core.paging import page_number
from core.schemas import page_of
from events import listing, views

bp = Blueprint("public_events", __name__, template_folder="templates")
PER_PAGE = 20


@bp.get("/registry/events")
def public_event_list():
    q = (request.args.get("q") or "").strip()[:200] or None
    page = page_number()
    found = page_of(listing.public_events(q), page, PER_PAGE, db.session)
    rows = [views.event_view(event) for event in found["items"]]
    return render_template("events/public_events.html", found=found, events=rows, q=q)
