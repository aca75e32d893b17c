"""Rounding, written once: half up (away from zero) to an integer for quantities, and up
to the fen for what a buyer pays."""

from decimal import Decimal
from fractions import Fraction
from math import floor


def round_half_up(value: Decimal | Fraction | int) -> int:
    """Round an exact number half away from zero: 2.5 → 3, -2.5 → -3. Floats are refused."""
    if isinstance(value, float):
        raise TypeError("round_half_up takes exact numbers, not floats")
    exact = Fraction(value)
    if exact < 0:
        return -floor(-exact + Fraction(1, 2))
    return floor(exact + Fraction(1, 2))


def amount_fen(quantity_kg: int, price_fen_per_tonne: int) -> int:
    """What ``quantity_kg`` costs at a price per tonne: the exact price rounded **up** to
    the next fen (docs/money.md).

    Rounding each order item half-up let an item cost 0 fen (1 kg at 100 fen/t) and let
    a buyer underpay by splitting a purchase into small orders (1 kg at 1,400 fen/t cost
    1 fen instead of 1.4). Rounded up, every item of a positive quantity costs at least
    1 fen, and since ⌈a⌉ + ⌈b⌉ ≥ ⌈a + b⌉ no split ever pays less than the whole; the buyer
    pays less than one fen more than the exact price per item.
    """
    if quantity_kg <= 0 or price_fen_per_tonne <= 0:
        raise ValueError("an order item has a positive quantity and price")
    return -(-quantity_kg * price_fen_per_tonne // 1000)
