"""The registry administrator's events pages: factor sets (``/admin/factor-sets``: every
version with its factors and their sources, and publishing a new version from an uploaded
JSON document in the shape of ``POST /api/v1/factor-sets`` — the same use case), and the
dashboard panel of overdue events and claims."""

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from core.page_forms import PageForm
from flask_wtf.file import FileField, FileRequired

from core import clock, dashboard, strict_json, workspace
from core.db import db, transaction
from core.errors import DomainError
from core.page_forms import current_organization_of_user, page_role_required
from events import factor_sets
from events.models import NeutralityClaim

bp = Blueprint("admin_events", __name__, template_folder="templates")
MAX_BYTES = 1024 * 1024  # the built-in set is 12 kB


class FactorSetUploadForm(PageForm):
    file = FileField(_l("Factor set (JSON)"),
                     validators=[FileRequired(message=_l("Choose a file."))])


def _paths(errors, prefix=""):
    """``{"factors": {"waste": {"value": [...]}}}`` → ``[("factors.waste.value", "…")]``."""
    if isinstance(errors, dict):
        for key, value in errors.items():
            yield from _paths(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(errors, list):
        for item in errors:
            if isinstance(item, (dict, list)):
                yield from _paths(item, prefix)
            else:
                yield prefix, str(item)


def _page(form=None, problems=(), status=200):
    with transaction():  # stores the built-in set on a fresh registry, as the API does
        current = factor_sets.current_factor_set()
        current_id = current.id
    versions = list(db.session.execute(factor_sets.list_factor_sets().limit(50)).scalars())
    wanted = request.args.get("version")
    shown = next((v for v in versions if v.version == wanted), None) or \
        next(v for v in versions if v.id == current_id)
    return render_template("events/admin/factor_sets.html", versions=versions,
                           current_id=current_id, shown=shown,
                           form=form or FactorSetUploadForm(formdata=None),
                           problems=list(problems), max_kib=MAX_BYTES // 1024), status


@bp.get("/admin/factor-sets")
@page_role_required("registry_admin")
def factor_set_list():
    return _page()


@bp.post("/admin/factor-sets")
@page_role_required("registry_admin")
def publish():
    form = FactorSetUploadForm()
    if not form.validate_on_submit():
        return _page(form, status=422)
    with form.file.data.stream as upload:  # a large upload is a temporary file: close it
        data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        form.file.errors = [_("Too large.")]
        return _page(form, status=413)
    try:
        document = strict_json.loads(data)
    except strict_json.JSONRefused as refused:
        form.file.errors = [str(refused)]
        return _page(form, status=422)
    if not isinstance(document, dict):
        form.file.errors = [_("The file must hold one JSON object.")]
        return _page(form, status=422)
    try:
        with transaction():
            version = factor_sets.load_factor_set(document, current_organization_of_user()).version
    except DomainError as error:
        form.file.errors = [error.message]
        return _page(form, list(_paths(error.errors)), error.status)
    flash(_("Factor set %(version)s is published and now in force.", version=version), "info")
    return redirect(url_for("admin_events.factor_set_list"), code=303)


# --- the dashboard panel -------------------------------------------------------------

def _overdue():
    today = clock.today_in_china()
    return (sa.select(NeutralityClaim)
            .where(sa.or_(NeutralityClaim.status == "overdue",
                          sa.and_(NeutralityClaim.status != "neutral",
                                  NeutralityClaim.deadline < today)))
            .order_by(NeutralityClaim.deadline, NeutralityClaim.id))


def count_overdue() -> int:
    """Events and claims whose offset deadline passed uncovered (as of today in China)."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(_overdue().subquery()))


def overdue(limit: int) -> list[tuple[str, str]]:
    """The ``limit`` longest overdue, as (name · deadline, public page)."""
    found = db.session.execute(_overdue().limit(limit)).scalars()
    return [(_("%(name)s · due %(deadline)s", name=claim.name, deadline=claim.deadline.isoformat()),
             f"/events/{claim.event.id}" if claim.event else f"/claims/{claim.id}")
            for claim in found]


def init_app(app) -> None:
    app.register_blueprint(bp)
    description = _l("The emission factors in force and their sources; publish a new version.")
    workspace.register_entry(app, "admin_events.factor_set_list", _l("Factor sets"),
                             roles=("registry_admin",), order=13, description=description)
    dashboard.register_panel(app, "overdue_claims", _l("Overdue events and claims"),
                             count=count_overdue, items=overdue, order=30)
    dashboard.register_panel(app, "factor_sets", _l("Factor sets"),
                             endpoint="admin_events.factor_set_list", order=75,
                             description=description)
