"""The public list of carbon-neutral events (``/registry/events``): events whose host
published a commitment or that are carbon neutral, newest first, page-numbered, each
linking to its public page with the disclosure."""

from flask import Blueprint, render_template, request

from core.db import db
from core.page_forms import query_form_page
from core.paging import page_number
from core.schemas import page_of
from events import listing, views
from events.forms import EventSearchForm

bp = Blueprint("public_events", __name__, template_folder="templates")
PER_PAGE = 20


@bp.get("/registry/events")
@query_form_page
def public_event_list():
    form = EventSearchForm(request.args)
    if not form.validate():  # the reason beside the box; no list pretends to answer
        return render_template("events/public_events.html", form=form, refused=True,
                               found=None, events=[], q=form.q.data), 422
    q = (form.q.data or "").strip() or None
    found = page_of(listing.public_events(q), page_number(), PER_PAGE, db.session)
    rows = [views.event_view(event) for event in found["items"]]
    return render_template("events/public_events.html", form=form, refused=False, found=found,
                           events=rows, q=q)
