"""Public pages of the registry: home, marketplace (its buy form: ``buying``), public registry."""

import sqlalchemy as sa
from flask import Blueprint, render_template, request, url_for

from core.db import db
from core.errors import DomainError
from core.exports import FORMATS
from core.page_forms import show_errors
from market import exports, retirements
from market.forms import RegistrySearchForm
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


PER_PAGE = 50


@bp.get("/registry")
def registry():
    """The public registry: search, keyset pages (``after``), CSV/XLSX of every match."""
    form = RegistrySearchForm(request.args)
    after = request.args.get("after") or None
    fmt = request.args.get("format")
    result = {"items": [], "total": 0, "next": None}
    if form.validate():
        try:
            stmt = retirements.search_retirements(**form.filters())
            if fmt in FORMATS:
                return exports.export_retirements(fmt, stmt, for_page=True)
            result = retirements.keyset_page(stmt, after, PER_PAGE)
        except DomainError as error:
            show_errors(form, error)
    rows = result["items"]
    args = form.query_args()
    return render_template(
        "market/registry.html", form=form, retirements=rows, total=result["total"],
        searched=bool(args), continued=bool(after),
        serials={r.id: retirements.serials_of(r) for r in rows},
        next_url=url_for(".registry", **args, after=result["next"]) if result["next"] else None,
        first_url=url_for(".registry", **args),
        csv_url=url_for(".registry", **args, format="csv"),
        xlsx_url=url_for(".registry", **args, format="xlsx"))
