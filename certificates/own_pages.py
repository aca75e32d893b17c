"""A signed-in organisation's own certificates, with their PDF and verification links."""

from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l

from certificates.owned import certificates_of
from core import workspace
from core.page_forms import current_organization_of_user, page_role_required

bp = Blueprint("own_certificate_pages", __name__, template_folder="templates")


@bp.get("/certificates")
@page_role_required()
def certificates():
    return render_template("certificates/own_certificates.html",
                           certificates=certificates_of(current_organization_of_user()))


def init_app(app) -> None:
    app.register_blueprint(bp)
    workspace.register_entry(
        app, "own_certificate_pages.certificates", _l("My certificates"),
        roles=("buyer", "seller"), order=35,
        description=_l("The certificates of your retirements: download the PDF, share the "
                       "verification link."))
