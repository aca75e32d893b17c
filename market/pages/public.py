"""Public pages of the registry: home, marketplace (its buy form: ``buying``), public registry."""

import sqlalchemy as sa
from flask import Blueprint, render_template, request

from core.db import db
from market import retirements
from market.models import Lot, Methodology, Retirement
from market.pages import buying

bp = Blueprint("market_pages", __name__, template_folder="../templates")


@bp.get("/")
def home():
    # PostgreSQL sums bigints as numeric; kilograms stay integers.
    totals = db.session.execute(sa.select(*(
        sa.cast(sa.func.coalesce(sa.func.sum(column), 0), sa.BigInteger)
        for column in (Lot.issued_kg, Lot.retired_kg, Lot.listed_kg)))).one()
    return render_template("market/home.html", issued_kg=totals[0], retired_kg=totals[1],
                           listed_kg=totals[2],
                           retirement_count=db.session.scalar(sa.select(sa.func.count(Retirement.id))),
                           methodologies=db.session.scalars(
                               sa.select(Methodology).order_by(Methodology.code)).all())


@bp.get("/market")
def marketplace():
    return buying.render_marketplace()


@bp.get("/registry")
def registry():
    purpose = request.args.get("purpose") or None
    stmt = retirements.search_retirements(purpose=purpose).limit(100)
    rows = retirements.attach_serials(db.session.scalars(stmt).all())
    return render_template("market/registry.html", retirements=rows, purpose=purpose,
                           serials={r.id: retirements.serials_of(r) for r in rows})
