"""The registry administrator's organisations (``/admin/organizations``): the list with
kinds and roles, registering an organisation (the use case of
``POST /api/v1/organizations``), and one organisation's people and API tokens — inviting
a user (its one-time invitation link is shown once), deactivating a user (they cannot
sign in and their sessions end) and revoking a token."""

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user

from core import dashboard, workspace
from core.db import db, transaction
from core.errors import DomainError
from core.models import Organization
from core.page_forms import page_role_required, show_errors
from core.people import tokens, users
from core.people.admin_forms import InviteForm, OrganizationForm
from core.people.labels import role_labels, token_state_label
from core.people.models import User
from core.routes import create_organization, get_organization

bp = Blueprint("admin_organizations", __name__, template_folder="templates")


def _organizations():
    counts = dict(db.session.execute(sa.select(User.organization_id, sa.func.count(User.id))
                                     .where(User.is_active).group_by(User.organization_id)).all())
    found = db.session.execute(sa.select(Organization).order_by(Organization.name)).scalars()
    return [(org, counts.get(org.id, 0)) for org in found]


def _list_page(form=None, status=200):
    return render_template("people/admin/organizations.html", organizations=_organizations(),
                           form=form or OrganizationForm(formdata=None),
                           role_labels=role_labels), status


@bp.get("/admin/organizations")
@page_role_required("registry_admin")
def organizations():
    return _list_page()


@bp.post("/admin/organizations")
@page_role_required("registry_admin")
def create():
    form = OrganizationForm()
    if not form.validate_on_submit():
        return _list_page(form, 422)
    try:
        with transaction():
            org_id = create_organization(form.name.data.strip(), form.kind.data,
                                         form.roles.data or [], form.credit_code.data).id
    except DomainError as error:
        show_errors(form, error)
        return _list_page(form, error.status)
    flash(_("The organisation is registered. Invite its first user below."), "info")
    return redirect(url_for("admin_organizations.organization", org_id=org_id), code=303)


def _organization_or_404(org_id: int) -> Organization:
    try:
        return get_organization(org_id)
    except DomainError:
        abort(404)


def _org_page(org, form=None, invitation=None, status=200):
    return render_template("people/admin/organization.html", org=org,
                           people=users.users_of(org), tokens=tokens.list_tokens(org),
                           form=form or InviteForm(formdata=None), invitation=invitation,
                           role_labels=role_labels, state_label=token_state_label), status


@bp.get("/admin/organizations/<int:org_id>")
@page_role_required("registry_admin")
def organization(org_id):
    return _org_page(_organization_or_404(org_id))


@bp.post("/admin/organizations/<int:org_id>/users")
@page_role_required("registry_admin")
def invite(org_id):
    org = _organization_or_404(org_id)
    form = InviteForm()
    if not form.validate_on_submit():
        return _org_page(org, form, status=422)
    try:
        with transaction():
            invited = users.invite_user(org, email=form.email.data, name=form.name.data)
            shown = {"email": invited.user.email,
                     "url": f"{current_app.config['BASE_URL']}/invitations/{invited.token}"}
    except DomainError as error:
        show_errors(form, error)
        return _org_page(org, form, status=error.status)
    # Shown this once (never flashed: the session cookie would carry the link).
    return _org_page(_organization_or_404(org_id), invitation=shown, status=201)


@bp.post("/admin/organizations/<int:org_id>/users/<int:user_id>/deactivation")
@page_role_required("registry_admin")
def deactivate(org_id, user_id):
    org = _organization_or_404(org_id)
    try:
        with transaction():
            name = users.deactivate_user(org, user_id, by=current_user._get_current_object()).name
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("%(name)s is deactivated: they can no longer sign in.", name=name), "info")
    return redirect(url_for("admin_organizations.organization", org_id=org_id), code=303)


@bp.post("/admin/organizations/<int:org_id>/tokens/<int:token_id>/revocation")
@page_role_required("registry_admin")
def revoke_token(org_id, token_id):
    org = _organization_or_404(org_id)
    try:
        with transaction():
            token = tokens.revoke_token(token_id, by=current_user.organization)
            if token.organization_id != org.id:
                abort(404)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("The token has been revoked."), "info")
    return redirect(url_for("admin_organizations.organization", org_id=org_id), code=303)


def init_app(app) -> None:
    app.register_blueprint(bp)
    description = _l("Register organisations with their roles; invite and deactivate "
                     "users; revoke API tokens.")
    workspace.register_entry(app, "admin_organizations.organizations",
                             _l("Organisations and users"), roles=("registry_admin",),
                             order=12, description=description)
    dashboard.register_panel(app, "organizations", _l("Organisations and users"),
                             endpoint="admin_organizations.organizations", order=80,
                             description=description)
