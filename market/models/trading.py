"""Listings (sell orders), orders with reserved units, payments and Stripe events."""

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import db, one_of
from core.errors import WrongState
from core.i18n import current_locale
from core.formatting import format_datetime
from core.labels import label
from core.models import HasStatus, UTCDateTime, utcnow

LISTING_STATUSES = ("open", "closed")
ORDER_STATUSES = ("pending_payment", "fulfilled", "cancelled", "expired")
PAYMENT_METHODS = ("stripe", "bank_transfer")
# "applied" fulfilled the order; "unmatched" arrived for an order no longer pending and
# waits for a refund by hand.
PAYMENT_STATUSES = ("applied", "unmatched")
# Money that went back after an order was paid: a refund, or a dispute (chargeback) opened.
REVERSAL_KINDS = ("refund", "dispute")


class Listing(HasStatus, db.Model):
    """A seller's offer of escrowed (listed) units of one lot at a price per tonne.

    ``remaining_kg`` is what is still listed and not reserved by an order.
    """

    status_labels = "listing_status"

    __tablename__ = "listings"
    __table_args__ = (
        sa.CheckConstraint("quantity_kg > 0", name="quantity_positive"),
        sa.CheckConstraint("remaining_kg >= 0 AND remaining_kg <= quantity_kg",
                           name="remaining_within_quantity"),
        sa.CheckConstraint("price_fen_per_tonne > 0", name="price_positive"),
        one_of("status", LISTING_STATUSES, name="status_known"),
        sa.Index("ix_listings_open_price", "status", "price_fen_per_tonne"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    seller_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    lot_id: Mapped[int] = mapped_column(sa.ForeignKey("lots.id"), index=True)
    quantity_kg: Mapped[int] = mapped_column(sa.BigInteger)
    remaining_kg: Mapped[int] = mapped_column(sa.BigInteger)
    price_fen_per_tonne: Mapped[int] = mapped_column(sa.BigInteger)
    status: Mapped[str] = mapped_column(sa.String(16), default="open")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    lot = relationship("Lot")

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @property
    def ref(self) -> str:
        return f"LST-{self.id}"

    def mark_closed(self, moment: datetime) -> None:
        """Delisted: nothing more can be reserved from it."""
        self._move("closed", ("open",))
        self.remaining_kg, self.closed_at = 0, moment


class Order(HasStatus, db.Model):
    """A buyer's order: units reserved serial-exactly until paid, cancelled or expired."""

    status_labels = "order_status"

    __tablename__ = "orders"
    __table_args__ = (sa.CheckConstraint("total_fen >= 0", name="total_non_negative"),
                      one_of("status", ORDER_STATUSES, name="status_known"),
                      sa.Index("ix_orders_status_expires", "status", "expires_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(32), unique=True)
    buyer_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    status: Mapped[str] = mapped_column(sa.String(20), default="pending_payment")
    payment_method: Mapped[str] = mapped_column(sa.String(20))
    total_fen: Mapped[int] = mapped_column(sa.BigInteger)
    currency: Mapped[str] = mapped_column(sa.String(3), default="CNY")
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    bank_reference: Mapped[str | None] = mapped_column(sa.String(32), unique=True)
    stripe_session_id: Mapped[str | None] = mapped_column(sa.String(255), unique=True)
    checkout_url: Mapped[str | None] = mapped_column(sa.String(1000))
    retirement: Mapped[dict | None] = mapped_column(sa.JSON)
    retirement_id: Mapped[int | None] = mapped_column(sa.ForeignKey("retirements.id"))
    case_id: Mapped[int | None] = mapped_column(sa.Integer, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # An order the registry admin released (cancelled on the buyer's behalf): who and why.
    released_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organizations.id"))
    release_reason: Mapped[str | None] = mapped_column(sa.Text)

    items = relationship("OrderItem", order_by="OrderItem.id", back_populates="order")
    reversals = relationship("PaymentReversal", order_by="PaymentReversal.id",
                             back_populates="order", viewonly=True)

    @property
    def is_pending(self) -> bool:
        return self.status == "pending_payment"

    @property
    def quantity_kg(self) -> int:
        return sum(item.quantity_kg for item in self.items)

    def status_at(self, moment: datetime) -> str:
        """The status as of ``moment``: a pending order past ``expires_at`` reads as
        expired at once, whether or not the expiry job has released its units yet."""
        if self.is_pending and self.expires_at <= moment:
            return "expired"
        return self.status

    @classmethod
    def reads_as(cls, status: str, moment: datetime):
        """SQL condition for orders whose ``status_at(moment)`` is ``status``."""
        lapsed = sa.and_(cls.status == "pending_payment", cls.expires_at <= moment)
        if status == "expired":
            return sa.or_(cls.status == "expired", lapsed)
        if status == "pending_payment":
            return sa.and_(cls.status == "pending_payment", cls.expires_at > moment)
        return cls.status == status

    def mark_fulfilled(self, moment: datetime) -> None:
        """Paid: the reserved units go to the buyer (or are retired for it)."""
        self._move("fulfilled", ("pending_payment",))
        self.closed_at = moment

    def mark_cancelled(self, moment: datetime) -> None:
        """The buyer gave up the order before paying."""
        self._move("cancelled", ("pending_payment",))
        self.closed_at = moment

    def mark_released(self, moment: datetime, admin_id: int, reason: str) -> None:
        """The registry admin cancelled the pending order (a reservation that blocks the
        market, a buyer who will not pay); the reason stays on record."""
        self._move("cancelled", ("pending_payment",))
        self.closed_at, self.released_by_id, self.release_reason = moment, admin_id, reason

    def mark_expired(self, now: datetime) -> None:
        """The reservation window passed unpaid; refused while it is still open."""
        if self.is_pending and self.expires_at > now:
            raise WrongState(_("Order %(number)s is reserved until %(deadline)s; it cannot "
                               "expire yet.", number=self.number,
                               deadline=format_datetime(self.expires_at, current_locale())))
        self._move("expired", ("pending_payment",))
        self.closed_at = now

    def close_window(self, now: datetime) -> None:
        """The payment provider ended the checkout early (its session expired or the
        payment failed): the reservation window ends ``now``, so the order may expire."""
        if not self.is_pending:
            raise WrongState(_("Order %(number)s is %(status)s; its window is closed.",
                               number=self.number, status=label(self.status_labels, self.status)))
        self.expires_at = min(self.expires_at, now)


class OrderItem(db.Model):
    """One listing's share of an order, priced once when the order is placed."""

    __tablename__ = "order_items"
    __table_args__ = (sa.CheckConstraint("quantity_kg > 0", name="quantity_positive"),
                      sa.CheckConstraint("amount_fen >= 0", name="amount_non_negative"))

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    listing_id: Mapped[int] = mapped_column(sa.ForeignKey("listings.id"), index=True)
    lot_id: Mapped[int] = mapped_column(sa.ForeignKey("lots.id"))
    quantity_kg: Mapped[int] = mapped_column(sa.BigInteger)
    price_fen_per_tonne: Mapped[int] = mapped_column(sa.BigInteger)
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger)

    order = relationship("Order", back_populates="items")
    lot = relationship("Lot")


class Payment(db.Model):
    """Money received for an order: a confirmed bank transfer or a paid Stripe session."""

    __tablename__ = "payments"
    __table_args__ = (sa.CheckConstraint("amount_fen >= 0", name="amount_non_negative"),
                      one_of("status", PAYMENT_STATUSES, name="status_known"))

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    method: Mapped[str] = mapped_column(sa.String(20))
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger)
    currency: Mapped[str] = mapped_column(sa.String(3), default="CNY")
    reference: Mapped[str] = mapped_column(sa.String(255))
    # Stripe's PaymentIntent (pi_…): how a later refund or dispute finds the order.
    stripe_payment_intent: Mapped[str | None] = mapped_column(sa.String(255), index=True)
    status: Mapped[str] = mapped_column(sa.String(16), default="applied")
    confirmed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organizations.id"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PaymentReversal(db.Model):
    """Money of a paid order going back: a Stripe refund or a dispute (chargeback).

    Recorded for the registry admin to act on; the order stays fulfilled and retired
    units stay retired (retirement is irreversible) — the admin may revoke the
    certificate. ``stripe_id`` is the refund's or dispute's id (``re_…``, ``dp_…``), or
    the charge's when Stripe reports a refund without one.
    """

    __tablename__ = "payment_reversals"
    __table_args__ = (sa.CheckConstraint("amount_fen >= 0", name="amount_non_negative"),
                      one_of("kind", REVERSAL_KINDS, name="kind_known"),
                      sa.UniqueConstraint("kind", "stripe_id",
                                          name="uq_payment_reversals_kind_stripe_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger)
    currency: Mapped[str] = mapped_column(sa.String(3), default="CNY")
    stripe_id: Mapped[str] = mapped_column(sa.String(255))
    charge_id: Mapped[str | None] = mapped_column(sa.String(255))
    reason: Mapped[str | None] = mapped_column(sa.String(64))
    event_id: Mapped[str] = mapped_column(sa.String(255))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    order = relationship("Order", back_populates="reversals")


class StripeEvent(db.Model):
    """A webhook event already handled; its id makes a replay change nothing."""

    __tablename__ = "stripe_events"

    id: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    type: Mapped[str] = mapped_column(sa.String(64))
    order_number: Mapped[str | None] = mapped_column(sa.String(32))
    outcome: Mapped[str] = mapped_column(sa.String(64))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
