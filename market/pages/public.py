"""Public pages of the registry: home, marketplace (its buy form: ``buying``), public registry."""

import sqlalchemy as sa
from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _

from core.db import db, sum_int
from core.errors import DomainError
from core.exports import FORMATS
from core.page_forms import query_form_page, show_errors
from market import charts, exports, retirements, stats
from market.registry_page import registry_page
from market.forms import RegistrySearchForm
from market.models import Lot, Methodology
from market.pages import buying

bp = Blueprint("market_pages", __name__, template_folder="../templates")


@bp.get("/")
def home():
    """Figures and charts from the incrementally kept aggregates (``market.stats``): no
    request sums the retirements."""
    figures = stats.totals()
    listed_kg = db.session.scalar(sa.select(sum_int(Lot.listed_kg)))
    return render_template("market/home.html", issued_kg=figures["issued_kg"],
                           retired_kg=figures["retired_kg"], listed_kg=listed_kg,
                           retirement_count=figures["retirement_count"],
                           monthly=charts.retired_by_month_chart(
                               stats.retired_by_month(stats.last_months())),
                           scenarios=charts.scenario_chart(stats.by_scenario()),
                           methodologies=db.session.scalars(
                               sa.select(Methodology).order_by(Methodology.code)).all())


@bp.get("/market")
def marketplace():
    return buying.render_marketplace()


PER_PAGE = 50


@bp.get("/registry")
@query_form_page
def registry():
    """The public registry: search, keyset pages (``after``), CSV/XLSX of every match."""
    form = RegistrySearchForm(request.args)
    after = request.args.get("after") or None
    fmt = request.args.get("format")
    result = {"items": [], "total": 0, "next": None}
    refused = True  # a refused search shows its errors, not an empty "result"
    if fmt and fmt not in FORMATS:  # a hand-made link: say so rather than show the page
        form.validate()
        form.form_errors.append(_("A download is CSV or Excel (XLSX): format=csv or "
                                  "format=xlsx."))
    elif form.validate():
        try:
            stmt = retirements.search_retirements(**form.filters())
            if fmt in FORMATS:
                return exports.export_retirements(fmt, stmt, for_page=True)
            result = registry_page(stmt, after, PER_PAGE)
            refused = False
        except DomainError as error:
            show_errors(form, error)
    rows = result["items"]
    args = form.query_args()
    # A refused search is 422 like any refused form, with the reasons beside the fields.
    return render_template(
        "market/registry.html", form=form, retirements=rows, total=result["total"], refused=refused,
        total_capped=result.get("total_capped", False),
        searched=bool(args), continued=bool(after),
        serials={r.id: retirements.serials_of(r) for r in rows},
        next_url=url_for(".registry", **args, after=result["next"]) if result["next"] else None,
        first_url=url_for(".registry", **args),
        csv_url=url_for(".registry", **args, format="csv"),
        xlsx_url=url_for(".registry", **args, format="xlsx")), 422 if refused else 200
