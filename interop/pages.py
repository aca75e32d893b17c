"""Interop's pages: the registry admin's peer registries (``/admin/peers``: this
registry's own description, the pinned peers and their keys, the form that pins one —
with an explicit confirmation when a peer's keys changed —, and per peer the
subscriptions to its change feed with the newest events received), and
the template part ``interop/_claim_check.html`` (the double-claim check of an issuance
request or a lot) that market's issuance request page, the admin's issuance pages and the
public lot page render with a ``claim_check`` dict. Same use cases as the API."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _, lazy_gettext as _l

from core import workspace
from core.db import db, transaction
from core.errors import DomainError
from core.page_forms import current_organization_of_user, page_role_required, show_errors
from interop import describe, inbound, peers
from interop.forms import PeerForm, SubscriptionForm, UnsubscribeForm
from interop.models import Peer

bp = Blueprint("interop_pages", __name__, template_folder="templates")


def _feed_view(peer, form=None, unsubscribe_form=None, unsubscribing=None) -> dict:
    """A pinned peer's feed subscriptions (each with its unsubscribe form), its newest
    reports and the subscribe form."""
    return {"subscriptions": [{"id": s.id, "types": inbound.subscribed_types(s),
                               "remote_endpoint_id": s.remote_endpoint_id,
                               "created_at": s.created_at,
                               "form": unsubscribe_form if s.id == unsubscribing
                               else UnsubscribeForm(formdata=None, prefix=f"sub{s.id}")}
                              for s in inbound.subscriptions_of(peer.did)],
            "reports": inbound.reports_of(peer.did, limit=5),
            "form": form or SubscriptionForm(formdata=None, prefix=f"peer{peer.id}")}


def _peers_page(form=None, status=200, key_changed=False, subscription_form=None,
                subscribing=None, unsubscribe_form=None, unsubscribing=None):
    pinned = peers.list_peers()
    feeds = {p.id: _feed_view(p, subscription_form if p.id == subscribing else None,
                              unsubscribe_form, unsubscribing)
             for p in pinned}
    return render_template("interop/peers.html", own=describe.describe_registry(),
                           peers=pinned, feeds=feeds, form=form or PeerForm(formdata=None),
                           key_changed=key_changed), status


def _pinned(peer_id: int) -> Peer:
    peer = db.session.get(Peer, peer_id)
    if peer is None:
        abort(404)
    return peer


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


@bp.post("/admin/peers/<int:peer_id>/subscriptions")
@page_role_required("registry_admin")
def subscribe(peer_id: int):
    """Subscribe to a pinned peer's change feed (same use cases as
    ``POST /api/v1/interop/subscriptions``): the peer is asked outside any transaction,
    the granted subscription stored in one."""
    peer = _pinned(peer_id)
    form = SubscriptionForm(prefix=f"peer{peer.id}")
    if not form.validate_on_submit():
        return _peers_page(status=422, subscription_form=form, subscribing=peer.id)
    did = peer.did
    try:
        key, answer = inbound.request_subscription(peer, form.token.data.strip(),
                                                   form.types.data)
        with transaction():
            inbound.store_subscription(inbound.peer_by_did(did), key, answer, form.types.data)
    except DomainError as error:
        show_errors(form, error)
        return _peers_page(status=error.status, subscription_form=form, subscribing=peer_id)
    flash(_("Subscribed to the change feed of %(name)s.", name=peer.name_zh), "info")
    return redirect(url_for("interop_pages.peer_list", _anchor=f"feed-{peer_id}"), code=303)


@bp.post("/admin/peers/subscriptions/<int:subscription_id>/delete")
@page_role_required("registry_admin")
def unsubscribe(subscription_id: int):
    """Unsubscribe. With the peer's API token, the peer is asked first (outside any
    transaction) to delete its endpoint, and a refusal keeps the subscription (422 beside
    the token); then the subscription is forgotten here (``inbound.unsubscribe``)."""
    try:
        subscription = inbound.subscription_of(subscription_id)
    except DomainError as error:
        abort(error.status)
    form = UnsubscribeForm(prefix=f"sub{subscription_id}")
    if not form.validate_on_submit():
        return _peers_page(status=422, unsubscribe_form=form, unsubscribing=subscription_id)
    token = (form.token.data or "").strip()
    try:
        if token:
            inbound.request_unsubscription(inbound.peer_by_did(subscription.peer_did),
                                           subscription.remote_endpoint_id, token)
        with transaction():
            inbound.unsubscribe(subscription_id)
    except DomainError as error:
        if error.status == 404:
            abort(404)  # unsubscribed meanwhile
        show_errors(form, error)
        return _peers_page(status=error.status, unsubscribe_form=form,
                           unsubscribing=subscription_id)
    if token:
        flash(_("The subscription is cancelled; the peer deleted its endpoint."), "info")
    else:
        flash(_("The subscription is cancelled here; the peer stops sending after its "
                "retries."), "info")
    return redirect(url_for("interop_pages.peer_list"), code=303)


def init_app(app) -> None:
    from interop import admin_panel

    app.register_blueprint(bp)
    admin_panel.init_app(app)
    # The public lot page (market) includes "market/lot_checks.html", which this package
    # provides: the lot's double-claim check, read through this global.
    from interop.gate import claim_check_of
    app.add_template_global(claim_check_of, "claim_check_of")
    workspace.register_entry(
        app, "interop_pages.peer_list", _l("Peer registries"), roles=("registry_admin",),
        order=90, description=_l("Pin other carbon-inclusion registries: their keys, and "
                                 "the double-claim checks asked of them."))
