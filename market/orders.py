"""Orders: reserve units serial-exactly at order time, then fulfil, cancel or expire.

Locks are taken in one order everywhere — the buyer's organisation row (placing only),
listings (by id), then blocks, then lots, then the ledger head — so concurrent buyers
queue instead of deadlocking, and the listing's ``remaining_kg`` (checked under its row
lock) means nobody can oversell. No buyer can hold the market either: an order and an
organisation's unpaid reservations are capped (``MAX_ORDER_KG``,
``MAX_UNPAID_RESERVED_KG``), and the registry admin may release any pending order.
"""

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from core.db import db, sum_int
from core.errors import Conflict, Forbidden, Invalid, NotFound
from core.formatting import format_kg
from core.i18n import quantity_text
from core.models import Organization
from core.rounding import amount_fen
from core import clock
from market import ledger, listings, notifications, numbering, retirements, subjects, units
from core.errors import WrongState
from market.errors import InsufficientUnits
from market.models import Listing, Order, OrderItem

MAX_ITEMS = 20


class OrderTooLarge(Conflict):
    code = "order_too_large"


class UnpaidReservationLimit(Conflict):
    code = "unpaid_reservation_limit"


def _merge_items(items: list[dict]) -> dict[int, int]:
    wanted: dict[int, int] = {}
    for item in items:
        wanted[item["listing_id"]] = wanted.get(item["listing_id"], 0) + item["quantity_kg"]
    if len(wanted) > MAX_ITEMS:
        raise Invalid(_("At most %(count)s listings per order.", count=MAX_ITEMS),
                      {"items": [_("Too many.")]})
    return wanted


def bank_reference(number: str) -> str:
    """The transfer reference (附言) for an order: its digits with ISO 7064 MOD 97-10
    check digits, so a mistyped reference is caught when the admin confirms."""
    digits = "".join(c for c in number if c.isdigit())
    check = 98 - int(digits + "00") % 97
    return f"JL{digits}{check:02d}"


def check_retirement_instruction(buyer, instruction: dict | None, total_kg: int) -> dict | None:
    if instruction is None:
        return None
    if instruction.get("lot_id") is not None:
        raise Invalid(_("A buy-and-retire order retires what it buys; lot_id does not apply."),
                      {"retirement": {"lot_id": [_("Not allowed in an order.")]}})
    if instruction.get("quantity_kg") not in (None, total_kg):
        raise Invalid(_("The retirement quantity must equal the ordered quantity."),
                      {"retirement": {"quantity_kg": [_("Must be %(kg)s or absent.", kg=total_kg)]}})
    try:  # the same checks as a direct retirement, before anything is reserved
        retirements.check_instruction(instruction)
        subjects.check(buyer, instruction)
    except Invalid as error:
        error.errors = {"retirement": error.errors} if error.errors else {}
        raise
    return {**instruction, "quantity_kg": total_kg}


def place_order(buyer, *, items: list[dict], payment_method: str,
                retirement: dict | None = None) -> Order:
    """Reserve every requested quantity or nothing (409) and price it once.

    The hottest locks come last: the listings and their blocks first, then the order's
    number, rows and the blocks' new state, and only then the lot totals and the ledger
    head, which every use case on the lot (and, for the head, on the registry) queues for.
    """
    wanted = _merge_items(items)
    instruction = check_retirement_instruction(buyer, retirement, sum(wanted.values()))
    _check_reservation_limits(buyer, sum(wanted.values()))
    locked = {lid: _take_from_listing(lid, wanted[lid]) for lid in sorted(wanted)}
    for listing_id, listing in locked.items():
        if listing.seller_id == buyer.id:
            raise Invalid(_("A seller cannot buy its own listing."),
                          {"items": [_("Listing %(id)s is yours.", id=listing_id)]})
    carved = {lid: units.carve(wanted[lid], what="listed units", listing_id=lid, state="listed")
              for lid in sorted(wanted)}
    # Only placing an order takes this counter, so taking it before the lots cannot invert
    # anyone's lock order; it still holds until commit, so numbers stay gapless.
    number = numbering.next_number("JLO", "order")
    hold = (timedelta(hours=current_app.config["BANK_RESERVATION_HOURS"])
            if payment_method == "bank_transfer"
            else timedelta(minutes=current_app.config["CARD_RESERVATION_MINUTES"]))
    order = Order(number=number, buyer_id=buyer.id, payment_method=payment_method,
                  status="pending_payment", currency="CNY", expires_at=clock.now() + hold,
                  retirement=_jsonable(instruction), created_at=clock.now(),
                  case_id=(instruction or {}).get("case_id"),
                  bank_reference=bank_reference(number) if payment_method == "bank_transfer"
                  else None, total_fen=0)
    for lid in sorted(wanted):
        listing = locked[lid]
        order.items.append(OrderItem(
            listing_id=lid, lot_id=listing.lot_id, quantity_kg=wanted[lid],
            price_fen_per_tonne=listing.price_fen_per_tonne,
            amount_fen=amount_fen(wanted[lid], listing.price_fen_per_tonne)))
    order.total_fen = sum(item.amount_fen for item in order.items)
    db.session.add(order)
    db.session.flush()
    for lid in sorted(carved):  # reserved units stay the seller's until the order is paid
        units.settle(carved[lid], state="reserved", owner_id=locked[lid].seller_id,
                     order_id=order.id)
    all_blocks = [b for lid in sorted(carved) for b in carved[lid]]
    codes = units.lot_codes(all_blocks)
    units.shift_totals(all_blocks, "listed", "reserved")
    head = ledger.lock_head(len(all_blocks))
    for lid in sorted(carved):
        ledger.append(head, "reserve", carved[lid], lot_codes=codes,
                      to_org_id=locked[lid].seller_id, ref=number)
    return order


def unpaid_reserved_kg(buyer_id: int) -> int:
    """What the buyer holds reserved in orders still awaiting payment in their window."""
    return db.session.execute(
        sa.select(sum_int(OrderItem.quantity_kg))
        .join(Order, Order.id == OrderItem.order_id)
        .where(Order.buyer_id == buyer_id, Order.status == "pending_payment",
               Order.expires_at > clock.now())).scalar_one()


def _check_reservation_limits(buyer, kg: int) -> None:
    """One buyer must not empty the market with orders it never pays (409): an order
    reserves at most ``MAX_ORDER_KG``, and an organisation's unpaid reservations stay
    within ``MAX_UNPAID_RESERVED_KG``. The buyer's row is locked first (before any
    listing), so its own concurrent orders are counted one after the other."""
    config = current_app.config
    if kg > config["MAX_ORDER_KG"]:
        raise OrderTooLarge(
            _("One order reserves at most %(max)s kg; %(kg)s kg were asked for. Split the "
              "purchase into several orders and pay each.", max=config["MAX_ORDER_KG"], kg=kg),
            {"items": [_("At most %(quantity)s in one order.",
                         quantity=quantity_text(config["MAX_ORDER_KG"]))]})
    db.session.execute(sa.select(Organization.id).where(Organization.id == buyer.id)
                       .with_for_update())
    held = unpaid_reserved_kg(buyer.id)
    if held + kg > config["MAX_UNPAID_RESERVED_KG"]:
        raise UnpaidReservationLimit(
            _("Your unpaid orders already reserve %(held)s kg; at most %(max)s kg may wait "
              "for payment at once. Pay or cancel an order first.",
              held=held, max=config["MAX_UNPAID_RESERVED_KG"]),
            {"items": [_unpaid_room_message(max(config["MAX_UNPAID_RESERVED_KG"] - held, 0))]})


def _unpaid_room_message(left_kg: int) -> str:
    """The field message for the room left under the unpaid-reservation limit, in tonnes."""
    if left_kg <= 0:
        return _("No more units until your orders are paid.")
    return _("At most %(quantity)s more until your orders are paid.",
             quantity=quantity_text(left_kg))


# Hot writes name the table, not the mapped class: a Core statement skips the ORM's bulk
# UPDATE machinery (session synchronisation), which costs more than the statement itself.
LISTINGS = Listing.__table__
TAKE_FROM_LISTING = (
    sa.update(LISTINGS).where(LISTINGS.c.id == sa.bindparam("listing_id"),
                              LISTINGS.c.status == "open",
                              LISTINGS.c.remaining_kg >= sa.bindparam("kg"))
    .values(remaining_kg=LISTINGS.c.remaining_kg - sa.bindparam("kg"))
    .returning(LISTINGS.c.seller_id, LISTINGS.c.lot_id, LISTINGS.c.price_fen_per_tonne))
# The order row locked, its items read in the same statement (every caller needs them).
LOCK_ORDER = (sa.select(Order).options(joinedload(Order.items))
              .where(Order.id == sa.bindparam("order_id")).with_for_update(of=Order))


def _take_from_listing(listing_id: int, kg: int):
    """Lock an open listing and take ``kg`` off its remaining quantity in one statement;
    the row lock holds until commit, so two buyers can never both take the last units."""
    taken = db.session.execute(TAKE_FROM_LISTING,
                               {"listing_id": listing_id, "kg": kg}).one_or_none()
    if taken is None:
        listing = listings.get_listing(listing_id)  # 404 when it does not exist
        left = listing.remaining_kg if listing.is_open else 0
        raise InsufficientUnits(
            _("Listing %(id)s has %(left)s kg left; %(kg)s kg were asked for. Nothing was "
              "reserved.", id=listing_id, left=format_kg(left), kg=format_kg(kg)),
            {"items": [_("Listing %(id)s: not enough remaining.", id=listing_id)]},
            listing_id=listing_id)
    cached = db.session.identity_map.get(db.session.identity_key(Listing, listing_id))
    if cached is not None:
        db.session.expire(cached)
    return taken


def _jsonable(instruction: dict | None) -> dict | None:
    if instruction is None:
        return None
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in instruction.items()
            if v is not None}


def lock_order(order_id: int) -> Order:
    order = db.session.execute(LOCK_ORDER, {"order_id": order_id}).unique().scalar_one_or_none()
    if order is None:
        raise NotFound(_("No such order."))
    return order


def release_reservation(order: Order) -> None:
    """Reserved units go back to their listing, or to the seller if it has closed."""
    for item in order.items:
        listing = listings.lock_listing(item.listing_id)
        blocks = units.carve(None, order_id=order.id, listing_id=item.listing_id,
                             state="reserved")
        if not blocks:
            continue
        codes = units.lot_codes(blocks)
        units.shift_totals(blocks, "reserved", "listed")
        head = ledger.lock_head(len(blocks))
        ledger.append(head, "release", blocks, lot_codes=codes,
                      to_org_id=listing.seller_id, ref=order.number)
        units.settle(blocks, state="listed", owner_id=listing.seller_id, order_id=None)
        if listing.is_open:
            listing.remaining_kg += units.total_kg(blocks)
        else:
            listings.return_to_seller(blocks, listing)
    db.session.flush()


def cancel_order(buyer, order_id: int) -> Order:
    """The buyer gives up a pending order; its units are released at once."""
    order = lock_order(order_id)
    if order.buyer_id != buyer.id:
        raise NotFound(_("No such order."))
    order.mark_cancelled(clock.now())
    release_reservation(order)
    return order


def release_order(admin, order_id: int, reason: str) -> Order:
    """The registry admin releases any pending order (a reservation nobody will pay,
    one that blocks the market): the units go back to their listings as on a cancel,
    recorded in the ledger, and the reason stays on the order."""
    order = lock_order(order_id)
    order.mark_released(clock.now(), admin.id, reason)
    release_reservation(order)
    return order


def expire_order(order: Order) -> Order:
    """Release a pending order whose reservation window has passed (the caller locked it);
    409 while the window is open or when the order is no longer pending."""
    order.mark_expired(clock.now())
    release_reservation(order)
    return order


def fulfil_order(order: Order) -> Order:
    """Paid: move the reserved units to the buyer, or retire them for the buyer when the
    order carries a retirement instruction (buy-and-retire). The caller locked the order."""
    order.mark_fulfilled(clock.now())
    blocks = units.carve(None, order_id=order.id, state="reserved")
    if units.total_kg(blocks) != order.quantity_kg:
        raise WrongState(_("The order's reservation is incomplete."))
    if order.retirement:
        buyer = db.session.get(Organization, order.buyer_id)
        instruction = retirements.parse_stored_instruction(order.retirement)
        retirement = retirements.record_retirement(buyer, instruction, blocks,
                                                   from_state="reserved", order_id=order.id)
        order.retirement_id = retirement.id
    else:
        # The blocks and the order first; the lot totals and the ledger head, which other
        # use cases queue for, only for the last statements before commit.
        moves = ledger.describe("transfer", blocks, lot_codes=units.lot_codes(blocks),
                                to_org_id=order.buyer_id, ref=order.number)
        units.settle(blocks, state="available", owner_id=order.buyer_id, listing_id=None,
                     order_id=None)
        units.shift_totals(blocks, "reserved", "available")
        ledger.record(ledger.lock_head(len(blocks)), moves)
    db.session.flush()
    notifications.order_fulfilled(order)
    return order


def overdue_orders(limit: int = 100) -> list[int]:
    """Ids of pending orders past their reservation window, oldest first."""
    return list(db.session.execute(
        sa.select(Order.id).where(Order.status == "pending_payment",
                                  Order.expires_at <= clock.now())
        .order_by(Order.expires_at).limit(limit)).scalars())


def get_order(organization, order_id: int) -> Order:
    order = db.session.get(Order, order_id)
    if order is None or not (order.buyer_id == organization.id
                             or organization.has_role("registry_admin")):
        raise NotFound(_("No such order."))
    return order


def get_order_by_number(organization, number: str) -> Order:
    """The order numbered ``number`` (JLO-…) if ``organization`` may read it: its buyer,
    or the registry admin; anyone else is told it does not exist."""
    order = db.session.execute(
        sa.select(Order).where(Order.number == number.strip().upper())).scalar_one_or_none()
    if order is None or not (order.buyer_id == organization.id
                             or organization.has_role("registry_admin")):
        raise NotFound(_("No such order."))
    return order


def is_case_order(number: str) -> bool:
    """Whether the order numbered ``number`` pays a compensation case (its payer may have
    no account: a case's payment link places it)."""
    return db.session.scalar(sa.select(Order.case_id).where(
        Order.number == number.strip().upper())) is not None


def count_awaiting_payment(organization) -> int:
    """How many of the organisation's orders wait for its payment now (for the workspace)."""
    return db.session.scalar(sa.select(sa.func.count(Order.id)).where(
        Order.buyer_id == organization.id, Order.reads_as("pending_payment", clock.now())))


def search_orders(organization, *, status: str | None = None, number: str | None = None,
                  reference: str | None = None, organization_id: int | None = None):
    """The orders ``organization`` may see, newest first, as a select for one page.

    The registry admin sees every order (or one buyer's, by ``organization_id``); anyone
    else only its own, and asking for another organisation's orders is 403. ``number``
    (JLO-…) and ``reference`` (the bank-transfer 附言) match in any case. ``status`` is
    the status as read now, so a pending order past its window counts as expired.
    """
    stmt = sa.select(Order).options(selectinload(Order.items)).order_by(Order.id.desc())
    if organization.has_role("registry_admin"):
        if organization_id is not None:
            stmt = stmt.where(Order.buyer_id == organization_id)
    elif organization_id not in (None, organization.id):
        raise Forbidden(_("An organisation sees only its own orders."),
                        {"organization_id": [_("Only your own organisation.")]})
    else:
        stmt = stmt.where(Order.buyer_id == organization.id)
    if status is not None:
        stmt = stmt.where(Order.reads_as(status, clock.now()))
    if number is not None:
        stmt = stmt.where(Order.number == number.strip().upper())
    if reference is not None:
        stmt = stmt.where(Order.bank_reference == reference.strip().upper())
    return stmt
