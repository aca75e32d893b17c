"""The neutralize helper: one buy-and-retire order for what a claim still needs.

Two steps, like ``market.order_flow``: the plan is read in its own transaction (what is
outstanding, the cheapest open listings that cover it), then the order is placed through
``order_flow.create_order``, which reserves under the listings' row locks. A listing
taken by someone else in between makes the order fail with 409 and nothing reserved; the
host simply asks again.

Outstanding = footprint in force − retired − already ordered: pending buy-and-retire
orders of the host for the same subject count as on their way, so asking twice does not
buy twice (the second request is 409 while the first order is pending).
"""

import sqlalchemy as sa
from flask_babel import gettext as _

from core.db import db
from core.errors import Conflict
from events import claims
from events.models import NeutralityClaim
from market import order_flow
from core.errors import WrongState
from market.listings import cheapest_cover
from market.models import Order
from market.orders import MAX_ITEMS


class MarketCannotCover(Conflict):
    code = "market_cannot_cover"


class NothingOutstanding(WrongState):
    code = "nothing_outstanding"


class NoFootprint(WrongState):
    code = "no_footprint"


def _names_subject(order: Order, claim: NeutralityClaim) -> bool:
    instruction = order.retirement or {}
    if claim.subject == "event":
        return instruction.get("event_id") == claim.event.id
    return instruction.get("claim_id") == claim.id


def ordered_kg(organization, claim: NeutralityClaim) -> int:
    """Kilograms on their way: the host's pending buy-and-retire orders for the subject."""
    pending = db.session.execute(sa.select(Order).where(
        Order.buyer_id == organization.id, Order.status == "pending_payment")).scalars()
    return sum(order.quantity_kg for order in pending if _names_subject(order, claim))


def cheapest_items(organization, quantity_kg: int) -> list[dict]:
    """Order items for ``quantity_kg`` from the cheapest open listings (not the buyer's
    own), split across listings as needed; 409 when the market cannot cover it."""
    takes, missing = cheapest_cover(quantity_kg, exclude_seller_id=organization.id,
                                    max_listings=MAX_ITEMS)
    if missing:
        raise MarketCannotCover(
            _("The %(count)s cheapest open listings hold %(held)s kg; %(kg)s kg are needed. "
              "Nothing was ordered.", count=MAX_ITEMS, held=quantity_kg - missing, kg=quantity_kg))
    return [{"listing_id": listing.id, "quantity_kg": kg} for listing, kg in takes]


def beneficiary_of(claim: NeutralityClaim) -> str:
    """Whom a retirement for ``claim`` is made on behalf of, as its certificate names it:
    the event or the pilot by its name, an organisation's own operations by the
    organisation's name (not the claim's title, such as "2026 office operations")."""
    if claim.subject == "organization":
        return claim.organization.name
    return claim.name


def plan_neutralization(organization, claim: NeutralityClaim) -> dict:
    """The items and retirement instruction of the order that covers what is outstanding."""
    claims.check_host(organization, claim)
    if claim.is_neutral:
        raise claims.AlreadyNeutral(_("The claim is already carbon neutral."))
    footprint = claims.footprint_in_force(claim)
    if footprint is None:
        raise NoFootprint(_("Enter a footprint first; there is nothing to offset yet."))
    need = footprint.total_kg - claims.retired_kg(claim) - ordered_kg(organization, claim)
    if need <= 0:
        raise NothingOutstanding(_("Retirements and pending orders already cover the footprint."))
    instruction = {"purpose": claim.purpose, "beneficiary_name": beneficiary_of(claim),
                   "note": f"碳中和 neutralize: {claim.subject} claim #{claim.id}"}
    if claim.subject == "event":
        instruction["event_id"] = claim.event.id
    else:
        instruction.update(claim_id=claim.id, period_start=claim.period_start,
                           period_end=claim.period_end)
    return {"items": cheapest_items(organization, need), "retirement": instruction}


def place(organization, plan: dict, payment_method: str) -> Order:
    """Place the planned order (its own transactions); returns the order."""
    return order_flow.create_order(organization, payment_method=payment_method, **plan)
