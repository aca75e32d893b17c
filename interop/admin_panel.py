"""The registry administrator's dashboard panel of interop (``core.dashboard``): peers
pinned, split views refused, webhook deliveries that failed for good, and the newest
cosignature received (a peer witnessed this registry's log) and given (this registry
witnessed a peer's).

What *waits* for the operator is the split views (a peer showed two different trees of
one size: tell its operator) plus the deliveries given up on (a subscriber missed them).
"""

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _, lazy_gettext as _l

from core import dashboard
from core.db import db
from core.i18n import datetime_filter
from interop.feed_models import WebhookDelivery
from interop.models import Peer
from interop.witness_models import Cosignature, SplitView, WitnessedCheckpoint


def _count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def interop_figures() -> dict:
    """``{peers, split_views, failed_deliveries}`` (counts) and ``last_cosignature_received``
    / ``last_cosignature_given`` (UTC datetimes or None)."""
    return {
        "peers": _count(Peer),
        "split_views": _count(SplitView),
        "failed_deliveries": _count(WebhookDelivery, WebhookDelivery.status == "failed"),
        "last_cosignature_received": db.session.scalar(sa.select(sa.func.max(Cosignature.received_at))),
        "last_cosignature_given": db.session.scalar(
            sa.select(sa.func.max(WitnessedCheckpoint.cosigned_at))),
    }


def count_attention() -> int:
    """Split views refused plus webhook deliveries failed for good."""
    return _count(SplitView) + _count(WebhookDelivery, WebhookDelivery.status == "failed")


def items(_limit: int) -> list[tuple[str, str]]:
    """The figures as (text, page) lines, in the reader's language, Beijing time."""
    figures = interop_figures()
    never = _("never")
    peers_url, view_url = url_for("interop_pages.peer_list"), url_for("interop_peer_pages.peers_page")
    received, given = figures["last_cosignature_received"], figures["last_cosignature_given"]
    return [
        (_("Peers pinned: %(n)d", n=figures["peers"]), peers_url),
        (_("Split views refused: %(n)d", n=figures["split_views"]), view_url),
        (_("Webhook deliveries failed for good: %(n)d", n=figures["failed_deliveries"]),
         peers_url),
        (_("Last cosignature received: %(time)s",
           time=datetime_filter(received) if received else never), view_url),
        (_("Last cosignature given: %(time)s",
           time=datetime_filter(given) if given else never), view_url),
    ]


def init_app(app) -> None:
    dashboard.register_panel(
        app, "interop", _l("Peer registries"), count=count_attention, items=items,
        endpoint="interop_pages.peer_list", order=90,
        description=_l("Split views a witness refused and webhook deliveries given up on "
                       "need the operator: tell the peer's or the subscriber's operator."))
