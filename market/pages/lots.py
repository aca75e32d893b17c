"""The public page of one lot (``/lots/{code}``): where its units came from, how many
are in each state, and the retirements that cancelled them. ``/lots`` without a code is
the seller's own list (``market.pages.issuance``)."""

from flask import Blueprint, render_template, request, url_for

from core.db import db
from core.labels import label
from core.models import Organization
from market import lots, retirements
from market.models.lots import STATES

bp = Blueprint("lot_pages", __name__, template_folder="../templates")

PER_PAGE = 20
# Colours with at least 3:1 contrast on white, one per state, in the order of STATES.
STATE_COLOURS = dict(zip(STATES, ("#2e7d32", "#8d4a00", "#6a1b9a", "#1565c0")))
BAR_WIDTH = 360


def state_bar(lot) -> list[dict]:
    """The lot's units by state as segments of a bar ``BAR_WIDTH`` wide: state, label,
    kg, share (per cent, one decimal) and the segment's x and width."""
    segments, x = [], 0.0
    for state in STATES:
        kg = getattr(lot, f"{state}_kg")
        width = BAR_WIDTH * kg / lot.issued_kg
        segments.append({"state": state, "label": label("unit_state", state), "kg": kg,
                         "share": round(100 * kg / lot.issued_kg, 1), "x": round(x, 2),
                         "width": round(width, 2), "colour": STATE_COLOURS[state]})
        x += width
    return segments


@bp.get("/lots/<code>")
def lot(code):
    """One lot, public; an unknown code is the 404 page."""
    found = lots.get_lot_by_code(code)
    request_ = found.issuance_request
    verifier = db.session.get(Organization, request_.verifier_id) if request_.verifier_id else None
    after = request.args.get("after") or None
    page = retirements.keyset_page(retirements.search_retirements(lot_code=found.code), after,
                                   PER_PAGE)
    return render_template(
        "market/lot.html", lot=found, methodology=found.methodology, seller=found.seller,
        verifier=verifier, report_ref=request_.report_ref, bar=state_bar(found),
        bar_width=BAR_WIDTH, retirements=page["items"], continued=bool(after),
        next_url=url_for(".lot", code=found.code, after=page["next"]) if page["next"] else None,
        first_url=url_for(".lot", code=found.code))
