"""Interop's pages: the registry admin's peer registries (``/admin/peers``: this
registry's own description, the pinned peers and their keys, the form that pins one), and
the template part ``interop/_claim_check.html`` (the double-claim check of an issuance
request or a lot) that market's issuance request page, the admin's issuance pages and the
public lot page render with a ``claim_check`` dict. Same use cases as the API."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _, lazy_gettext as _l

from core import workspace
from core.db import transaction
from core.errors import DomainError
from core.page_forms import current_organization_of_user, page_role_required, show_errors
from interop import describe, peers
from interop.forms import PeerForm

bp = Blueprint("interop_pages", __name__, template_folder="templates")


def _peers_page(form=None, status=200, key_changed=False):
    return render_template("interop/peers.html", own=describe.describe_registry(),
                           peers=peers.list_peers(), form=form or PeerForm(formdata=None),
                           key_changed=key_changed), status


@bp.get("/admin/peers")
@page_role_required("registry_admin")
def peer_list():
    return _peers_page()


@bp.post("/admin/peers")
@page_role_required("registry_admin")
def pin_peer():
    form = PeerForm()
    if not form.validate_on_submit():
        return _peers_page(form, 422)
    try:
        fetched = peers.fetch_peer(form.api_base.data.strip())
        with transaction():
            peer = peers.pin_peer(current_organization_of_user(), fetched,
                                  confirm_key_change=form.confirm_key_change.data)
            name = peer.name_zh
    except DomainError as error:
        changed = isinstance(error, peers.PeerKeyChanged)
        if changed:
            form.form_errors.append(error.message)
        else:
            show_errors(form, error)
        return _peers_page(form, error.status, key_changed=changed)
    flash(_("%(name)s is pinned.", name=name), "info")
    return redirect(url_for("interop_pages.peer_list"), code=303)


def init_app(app) -> None:
    app.register_blueprint(bp)
    # The public lot page (market) includes "market/lot_checks.html", which this package
    # provides: the lot's double-claim check, read through this global.
    from interop.gate import claim_check_of
    app.add_template_global(claim_check_of, "claim_check_of")
    workspace.register_entry(
        app, "interop_pages.peer_list", _l("Peer registries"), roles=("registry_admin",),
        order=90, description=_l("Pin other carbon-inclusion registries: their keys, and "
                                 "the double-claim checks asked of them."))
