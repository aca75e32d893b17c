"""Revoking a certificate from the browser (``/admin/certificates``): the registry
administrator looks a certificate up by its number and revokes it with a reason — the
use case of ``POST /api/v1/certificates/{number}/revocation``. The verification page
shows the revocation from then on."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from core.page_forms import PageForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from certificates import service
from certificates.models import Certificate
from core import dashboard, workspace
from core.db import db, transaction
from core.errors import DomainError
from core.page_forms import page_role_required, show_errors

bp = Blueprint("admin_certificates", __name__, template_folder="templates")


class RevocationForm(PageForm):
    reason = TextAreaField(_l("Reason for revoking"), validators=[
        DataRequired(message=_l("This field is required.")),
        Length(min=3, max=500, message=_l("Between %(min)d and %(max)d characters."))])


def certificate_by_number(number: str) -> Certificate | None:
    """The certificate numbered ``number`` (JLC-…, any case, spaces trimmed), or None."""
    return db.session.execute(sa.select(Certificate).where(
        Certificate.number == number.strip().upper())).scalar_one_or_none()


def _page(number="", form=None, status=200, lookup_error=None):
    found = certificate_by_number(number) if number else None
    if number and found is None and lookup_error is None:
        lookup_error, status = _("No such certificate."), 404
    return render_template("certificates/admin/revocation.html", number=number,
                           certificate=found, lookup_error=lookup_error,
                           form=form or RevocationForm(formdata=None)), status


@bp.get("/admin/certificates")
@page_role_required("registry_admin")
def lookup():
    return _page(request.args.get("number", "").strip())


@bp.post("/admin/certificates/<number>/revocation")
@page_role_required("registry_admin")
def revoke(number):
    found = certificate_by_number(number)
    if found is None:
        abort(404)
    number = found.number  # as the registry writes it, whatever case the address had
    form = RevocationForm()
    if not form.validate_on_submit():
        return _page(number, form, 422)
    try:
        with transaction():
            service.revoke(number, form.reason.data.strip())
    except DomainError as error:
        show_errors(form, error)
        return _page(number, form, error.status)
    flash(_("Certificate %(number)s is revoked; its verification page says so from now on.",
            number=number), "info")
    return redirect(url_for("admin_certificates.lookup", number=number), code=303)


def init_app(app) -> None:
    app.register_blueprint(bp)
    description = _l("Look a certificate up by its number and revoke it with a reason.")
    workspace.register_entry(app, "admin_certificates.lookup", _l("Revoke a certificate"),
                             roles=("registry_admin",), order=11, description=description)
    dashboard.register_panel(app, "certificates", _l("Revoke a certificate"),
                             endpoint="admin_certificates.lookup", order=70,
                             description=description)
