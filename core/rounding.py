"""Rounding, written once: half up (away from zero) to an integer."""

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
    """What ``quantity_kg`` costs at a price per tonne, to the fen (API.md)."""
    return round_half_up(Fraction(quantity_kg * price_fen_per_tonne, 1000))
