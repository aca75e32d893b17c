"""What the registry administrator reads and changes in the market: what waits (bank
transfers to confirm, verified requests to issue), the admin's order search with dates,
finding an order by number or 附言, and a methodology's status.

The dashboard panels (``core.dashboard``) and the ``/admin`` pages call these; the
transitions are use cases (flush, never commit).
"""

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from core import clock
from core.db import db
from core.errors import Invalid, NotFound, WrongState
from core.formatting import format_money
from core.labels import label
from core.models import Organization
from market import orders
from market.models import IssuanceRequest, Methodology, Order

# Which status a methodology may move to from each: filing makes it claimable, suspending
# stops new claims for a while, withdrawing (retired) is for good.
METHODOLOGY_MOVES = {
    "draft": ("filed",),
    "filed": ("suspended", "retired"),
    "suspended": ("filed", "retired"),
    "retired": (),
}


def _awaiting_bank_transfer():
    return (sa.select(Order).where(Order.payment_method == "bank_transfer",
                                   Order.reads_as("pending_payment", clock.now()))
            .order_by(Order.expires_at, Order.id))


def count_awaiting_bank_transfer() -> int:
    """Bank-transfer orders still in their window, waiting for the admin's confirmation."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(
        _awaiting_bank_transfer().subquery()))


def awaiting_bank_transfers(limit: int) -> list[tuple[str, str]]:
    """The ``limit`` that expire first, as (text, link to confirm it)."""
    found = db.session.execute(_awaiting_bank_transfer().limit(limit)).scalars()
    return [(f"{order.number} · {order.bank_reference} · {format_money(order.total_fen)}",
             url_for("admin_bank.bank_transfers", q=order.bank_reference)) for order in found]


def _awaiting_issuance():
    return (sa.select(IssuanceRequest).where(IssuanceRequest.status == "verified")
            .order_by(IssuanceRequest.decided_at, IssuanceRequest.id))


def count_awaiting_issuance() -> int:
    """Verified issuance requests whose lot the registry has not issued yet."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(
        _awaiting_issuance().subquery()))


def awaiting_issuance(limit: int) -> list[tuple[str, str]]:
    """The ``limit`` verified longest ago, as (text, link to the issuance page)."""
    found = db.session.execute(_awaiting_issuance().limit(limit)).scalars()
    return [(_("Request %(id)s", id=found_request.id) + f" · {found_request.methodology.code}",
             url_for("admin_registry.issuance_list")) for found_request in found]


def verified_requests():
    """Verified requests, oldest decision first, as a select for one page."""
    return _awaiting_issuance()


def _china_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=clock.CHINA)


def search_orders_for_admin(admin, *, status=None, number=None, reference=None,
                            organization_id=None, placed_from: date | None = None,
                            placed_to: date | None = None):
    """``orders.search_orders`` for the registry admin, also by the China date the order
    was placed (``placed_from`` … ``placed_to``, both included)."""
    stmt = orders.search_orders(admin, status=status, number=number, reference=reference,
                                organization_id=organization_id)
    if placed_from is not None:
        stmt = stmt.where(Order.created_at >= _china_midnight(placed_from))
    if placed_to is not None:
        stmt = stmt.where(Order.created_at < _china_midnight(placed_to + timedelta(days=1)))
    return stmt


def find_order(admin, query: str) -> Order:
    """The order named by its number (JLO-…) or its bank reference (附言), in any case and
    with spaces around; ``NotFound`` (404) otherwise."""
    wanted = (query or "").strip().upper()
    if not wanted:
        raise Invalid(_("Enter an order number or a bank reference."),
                      {"q": [_("This field is required.")]})
    found = db.session.execute(sa.select(Order).where(
        sa.or_(Order.number == wanted, Order.bank_reference == wanted))).scalar_one_or_none()
    if found is None:
        raise NotFound(_("No order has the number or reference %(query)s.", query=wanted),
                       {"q": [_("No such order.")]})
    return orders.get_order(admin, found.id)


def buyers() -> list[Organization]:
    """Organisations that have placed an order, by name (the admin's filter)."""
    return list(db.session.execute(
        sa.select(Organization).where(Organization.id.in_(sa.select(Order.buyer_id)))
        .order_by(Organization.name)).scalars())


def change_methodology_status(code: str, status: str) -> Methodology:
    """Move methodology ``code`` to ``status``: draft → filed, filed ⇄ suspended, filed or
    suspended → retired (withdrawn, for good). Only filed methodologies take new issuance
    requests. ``WrongState`` (409) for any other move, ``NotFound`` (404) for no such code."""
    methodology = db.session.execute(sa.select(Methodology).where(
        Methodology.code == code).with_for_update()).scalar_one_or_none()
    if methodology is None:
        raise NotFound(_("No methodology %(code)s.", code=code))
    if status not in METHODOLOGY_MOVES.get(methodology.status, ()):
        raise WrongState(_("It is %(status)s and cannot become %(to)s.",
                           status=label("methodology_status", methodology.status),
                           to=label("methodology_status", status)),
                         {"status": [_("Not allowed from this status.")]})
    methodology.status = status
    db.session.flush()
    return methodology


def organization_names(ids) -> dict[int, str]:
    """``{id: name}`` of the organisations ``ids`` (for lists that show buyers)."""
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return dict(db.session.execute(
        sa.select(Organization.id, Organization.name).where(Organization.id.in_(ids))).all())
