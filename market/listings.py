"""Listings: a seller escrows available units at a price per tonne; delisting returns them."""

import sqlalchemy as sa
from flask_babel import gettext as _

from core.db import db
from core.errors import Forbidden, Invalid, NotFound
from core import clock
from market import ledger, units
from market.models import Listing, Lot, Methodology, SerialBlock


def list_units(seller, *, lot_id: int, quantity_kg: int, price_fen_per_tonne: int) -> Listing:
    """Move ``quantity_kg`` of the seller's available units of a lot into a new listing."""
    lot = db.session.get(Lot, lot_id)
    if lot is None:
        raise Invalid(_("Unknown lot."), {"lot_id": [_("No such lot.")]})
    blocks = units.carve(quantity_kg, what="available units of this lot",
                         owner_id=seller.id, state="available", lot_id=lot_id)
    listing = Listing(seller_id=seller.id, lot_id=lot_id, quantity_kg=quantity_kg,
                      remaining_kg=quantity_kg, price_fen_per_tonne=price_fen_per_tonne,
                      status="open", created_at=clock.now())
    db.session.add(listing)
    db.session.flush()
    units.shift_totals(blocks, "available", "listed")
    head = ledger.lock_head(len(blocks))
    ledger.append(head, "list", blocks, lot_codes={lot.id: lot.code}, to_org_id=seller.id,
                  ref=listing.ref)
    units.settle(blocks, state="listed", owner_id=seller.id, listing_id=listing.id)
    return listing


def lock_listing(listing_id: int) -> Listing:
    listing = db.session.execute(
        sa.select(Listing).where(Listing.id == listing_id).with_for_update()).scalar_one_or_none()
    if listing is None:
        raise NotFound(_("No such listing."))
    return listing


def delist(seller, listing_id: int) -> Listing:
    """Close a listing; its unreserved units return to the seller's available units.
    Units reserved by pending orders stay reserved and return when those orders end."""
    listing = lock_listing(listing_id)
    if listing.seller_id != seller.id:
        raise Forbidden(_("Only the seller can delist its listing."))
    listing.mark_closed(clock.now())
    blocks = units.carve(None, listing_id=listing.id, state="listed")
    if blocks:
        return_to_seller(blocks, listing)
    db.session.flush()
    return listing


def return_to_seller(blocks: list[SerialBlock], listing: Listing) -> None:
    """Listed blocks of a listing back to available (a ``delist`` ledger entry each)."""
    codes = units.lot_codes(blocks)
    units.shift_totals(blocks, "listed", "available")
    head = ledger.lock_head(len(blocks))
    ledger.append(head, "delist", blocks, lot_codes=codes,
                  to_org_id=listing.seller_id, ref=listing.ref)
    units.settle(blocks, state="available", owner_id=listing.seller_id, listing_id=None)


def search_listings(*, scenario=None, vintage=None, methodology_code=None,
                    max_price_fen_per_tonne=None, sort="price", seller_id=None,
                    include_closed=False):
    """Open listings with units left, filtered and sorted for the public marketplace."""
    stmt = sa.select(Listing).join(Lot, Lot.id == Listing.lot_id)
    if not include_closed:
        stmt = stmt.where(Listing.status == "open", Listing.remaining_kg > 0)
    if scenario:
        stmt = stmt.where(Lot.scenario == scenario)
    if vintage:
        stmt = stmt.where(Lot.vintage == vintage)
    if methodology_code:
        stmt = stmt.join(Methodology, Methodology.id == Lot.methodology_id).where(
            Methodology.code == methodology_code)
    if max_price_fen_per_tonne:
        stmt = stmt.where(Listing.price_fen_per_tonne <= max_price_fen_per_tonne)
    if seller_id:
        stmt = stmt.where(Listing.seller_id == seller_id)
    order = {"price": Listing.price_fen_per_tonne, "-price": Listing.price_fen_per_tonne.desc(),
             "vintage": Lot.vintage, "-vintage": Lot.vintage.desc()}[sort]
    return stmt.order_by(order, Listing.id)


def cheapest_cover(quantity_kg: int, *, exclude_seller_id: int,
                   max_listings: int) -> tuple[list[tuple[Listing, int]], int]:
    """How to buy ``quantity_kg`` from the cheapest open listings of other sellers:
    ``(listing, kg)`` pairs and the kilograms the first ``max_listings`` cannot cover."""
    stmt = search_listings(sort="price").where(Listing.seller_id != exclude_seller_id)
    takes, need = [], quantity_kg
    for listing in db.session.execute(stmt.limit(max_listings)).scalars() if need else ():
        take = min(listing.remaining_kg, need)
        takes.append((listing, take))
        need -= take
        if need == 0:
            break
    return takes, need


def get_listing(listing_id: int) -> Listing:
    listing = db.session.get(Listing, listing_id)
    if listing is None:
        raise NotFound(_("No such listing."))
    return listing
