"""Gapless yearly numbers: one counter per sequence and year, taken under its row lock."""

import re
from datetime import date

import pytest

from factories import on_china_date
from core.db import transaction
from market import numbering


def number(prefix="JLR", sequence="retirement"):
    with transaction():
        return numbering.next_number(prefix, sequence)


def test_numbers_count_up_from_one_in_the_documented_format(app):
    on_china_date(date(2026, 3, 1))
    assert [number() for _ in range(3)] == ["JLR-2026-000001", "JLR-2026-000002",
                                            "JLR-2026-000003"]
    assert re.fullmatch(r"JLT-2026-\d{6}", number("JLT", "transfer"))


def test_each_year_starts_again_at_one(app):
    on_china_date(date(2025, 12, 31), hour=23)
    assert number() == "JLR-2025-000001"
    on_china_date(date(2026, 1, 1), hour=0)  # still 2025 in UTC: the year is China's
    assert number() == "JLR-2026-000001"
    on_china_date(date(2025, 6, 1))
    assert number() == "JLR-2025-000002"


def test_sequences_are_independent(app):
    on_china_date(date(2026, 3, 1))
    assert number("JLR", "retirement") == "JLR-2026-000001"
    assert number("JLC", "certificate") == "JLC-2026-000001"
    assert number("JLR", "retirement") == "JLR-2026-000002"


def test_a_rolled_back_transaction_leaves_no_gap(app):
    on_china_date(date(2026, 3, 1))
    with pytest.raises(RuntimeError), transaction():
        assert numbering.next_number("JLR", "retirement") == "JLR-2026-000001"
        raise RuntimeError("the retirement failed after taking its number")
    assert number() == "JLR-2026-000001"
    with transaction():
        assert numbering.next_value("plain") == 1
        assert numbering.next_value("plain") == 2
