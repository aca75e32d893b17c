from decimal import Decimal
from fractions import Fraction

import pytest

from core.rounding import amount_fen, round_half_up


def test_round_half_up_goes_away_from_zero_at_half():
    assert round_half_up(Decimal("2.5")) == 3
    assert round_half_up(Decimal("2.4999")) == 2
    assert round_half_up(Fraction(-5, 2)) == -3
    assert round_half_up(7) == 7
    with pytest.raises(TypeError):
        round_half_up(2.5)


def test_amount_fen_is_price_per_tonne_times_kg_rounded_up_to_the_fen():
    assert amount_fen(1_000, 8_000) == 8_000          # one tonne at ¥80.00
    assert amount_fen(1, 8_000) == 8                  # 1 kg = 8 fen
    assert amount_fen(1, 500) == 1                    # 0.5 fen → 1
    assert amount_fen(1, 499) == 1                    # 0.499 fen: at least 1 fen
    assert amount_fen(333, 7_777) == 2_590            # 2589.741 → 2590
    assert amount_fen(1, 1_400) == 2                  # 1.4 fen → 2: splitting never pays less
