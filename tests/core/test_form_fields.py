"""Tonnes typed by people become integer kilograms exactly, or a message for the field."""

import pytest

from core.form_fields import tonnes_to_kg


@pytest.mark.parametrize("text, kg", [
    ("12.5", 12_500), ("1.234", 1_234), ("0.001", 1), ("3,245.029", 3_245_029),
    ("7", 7_000), ("1.2300", 1_230), (" 2 ", 2_000), ("0.1", 100),
    ("1,234.5", 1_234_500), (" 3 ", 3_000), ("2.000", 2_000),
])
def test_tonnes_become_integer_kilograms(text, kg):
    assert tonnes_to_kg(text) == kg


@pytest.mark.parametrize("text, message", [
    ("1.2345", "At most three decimals"), ("0.0001", "At most three decimals"),
    ("0", "At least 0.001 t."), ("0.000", "At least 0.001 t."),
    ("-1", "Enter a quantity"), ("1e3", "Enter a quantity"), ("abc", "Enter a quantity"),
    ("1,00", "Enter a quantity"), ("NaN", "Enter a quantity"), ("١٢", "Enter a quantity"),
    ("2000000000", "Too large."), ("12.5004", "At most three decimals"),
    ("1e20", "Enter a quantity"),
])
def test_what_is_not_a_quantity_in_tonnes_is_refused(app, text, message):
    with app.test_request_context("/?lang=en"):
        with pytest.raises(ValueError) as refused:
            tonnes_to_kg(text)
        assert message in str(refused.value.args[0])


@pytest.mark.parametrize("value, shown", [
    ("100000", "100,000"), ("12000.5", "12,000.5"), (1234567, "1,234,567"), ("0.25", "0.25"),
    ("-1500", "-1,500"), ("999", "999"), ("n/a", "n/a"),
])
def test_activity_quantities_are_grouped_with_their_decimals_kept(value, shown):
    from core.formatting import format_decimal_text
    assert format_decimal_text(value) == shown
