"""The organisation's webhooks in the browser (``/webhooks``): register an endpoint (its
secret shown once), list them, see each one's deliveries and attempts, delete one. Same
use cases as ``/api/v1/webhook-endpoints``."""

import json

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from core.form_fields import Required
from core.page_forms import PageForm

from core import workspace
from core.db import transaction
from core.errors import DomainError
from core.labels import label
from core.page_forms import current_organization_of_user, page_role_required, show_errors
from interop import webhooks
from interop.feed import EVENT_TYPES, PREFIX

bp = Blueprint("interop_webhook_pages", __name__, template_folder="templates")


class WebhookForm(PageForm):
    url = StringField(_l("Endpoint URL"), validators=[DataRequired(), Length(max=2000)])
    types = SelectField(_l("Changes to send"), default="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.types.choices = [("", str(_l("All changes")))] + [
            (kind, label("feed_event_type", kind.removeprefix(PREFIX))) for kind in EVENT_TYPES]


class DeleteWebhookForm(PageForm):
    """Deleting cannot be undone: the reader ticks that they understand what it stops."""

    confirm = BooleanField(
        _l("I understand: changes not yet sent to this endpoint will never be sent, and "
           "this cannot be undone."),
        validators=[Required(message=_l("Tick this to delete the endpoint."))])


def _page(form, *, created=None, status=200):
    organization = current_organization_of_user()
    endpoints = [{"id": e.id, "url": e.url, "created_at": e.created_at,
                  "types": [label("feed_event_type", t.removeprefix(PREFIX))
                            for t in json.loads(e.types)]}
                 for e in webhooks.endpoints_of(organization)]
    return render_template("interop/webhooks.html", form=form, endpoints=endpoints,
                           created=created), status


@bp.get("/webhooks")
@page_role_required()
def webhooks_page():
    return _page(WebhookForm())


@bp.post("/webhooks")
@page_role_required()
def create_webhook():
    """Register the endpoint and show its secret this once."""
    form = WebhookForm()
    if not form.validate_on_submit():
        return _page(form, status=422)
    try:
        with transaction():
            endpoint, secret = webhooks.create_endpoint(
                current_organization_of_user(), url=form.url.data.strip(),
                types=[form.types.data] if form.types.data else [])
            created = {"id": endpoint.id, "url": endpoint.url, "secret": secret}
    except DomainError as error:
        show_errors(form, error)
        return _page(form, status=error.status)
    return _page(WebhookForm(formdata=None), created=created, status=201)


def _deliveries_page(endpoint_id, form=None, status=200):
    organization = current_organization_of_user()
    endpoint = webhooks.endpoint_of(organization, endpoint_id)
    shown = {"id": endpoint.id, "url": endpoint.url, "deleted_at": endpoint.deleted_at}
    deliveries = webhooks.deliveries_of(organization, endpoint_id)
    return render_template("interop/webhook_deliveries.html", endpoint_id=endpoint_id,
                           endpoint=shown, deliveries=deliveries,
                           form=form or DeleteWebhookForm(formdata=None)), status


@bp.get("/webhooks/<id:endpoint_id>")
@page_role_required()
def webhook_deliveries(endpoint_id):
    return _deliveries_page(endpoint_id)


@bp.post("/webhooks/<id:endpoint_id>/delete")
@page_role_required()
def delete_webhook(endpoint_id):
    """Delete the endpoint (``webhooks.delete_endpoint``, as ``DELETE
    /api/v1/webhook-endpoints/{id}``), then back to the list."""
    form = DeleteWebhookForm()
    if not form.validate_on_submit():
        return _deliveries_page(endpoint_id, form, status=422)
    with transaction():
        url = webhooks.delete_endpoint(current_organization_of_user(), endpoint_id).url
    flash(_("The endpoint %(url)s is deleted: nothing more is sent to it.", url=url), "info")
    return redirect(url_for("interop_webhook_pages.webhooks_page"), code=303)


def init_app(app) -> None:
    app.register_blueprint(bp)
    workspace.register_entry(
        app, "interop_webhook_pages.webhooks_page", _l("Webhooks"), order=90,
        description=_l("Have the registry's changes (retirements, issuances …) POSTed to "
                       "your system, signed (Standard Webhooks)."))
