"""Event footprint calculator: lines, half-up rounding, input validation, inputs hash."""

import hashlib
from decimal import Decimal

import pytest
from marshmallow import ValidationError

from events.factors import load_builtin
from events.footprint import Line, compute_footprint, round_half_up

FULL_EVENT = {
    "electricity_kwh": 10000,
    "heat_gj": 35.5,
    "natural_gas_m3": 120,
    "diesel_l": 50,
    "gasoline_l": 80.5,
    "travel": [
        {"mode": "air", "passenger_km": 100000},
        {"mode": "high_speed_rail", "passenger_km": 80000},
        {"mode": "metro", "passenger_km": 2000},
        {"mode": "bus", "passenger_km": 1500},
        {"mode": "taxi", "passenger_km": 300},
        {"mode": "car_petrol", "passenger_km": 1200},
        {"mode": "car_ev", "passenger_km": 500},
        {"mode": "air", "passenger_km": 50000},
    ],
    "hotel_room_nights": 240,
    "meals": 900,
    "waste_kg": 350,
}

# Worked by hand from DOMAIN.md §4 (and 1.159 for waste); quantity × factor = exact → kg.
FULL_EVENT_LINES = [
    ("purchased_electricity", "electricity", "10000", "0.4671", 4671),  # 4671.0000
    ("purchased_heat", "heat", "35.5", "110", 3905),  # 3905.0
    ("fuel", "natural_gas", "120", "2.162", 259),  # 259.440
    ("fuel", "diesel", "50", "2.60", 130),  # 130.00
    ("fuel", "gasoline", "80.5", "2.14", 172),  # 172.270
    ("travel", "air", "150000", "0.0829", 12435),  # (100 000 + 50 000) × 0.0829
    ("travel", "high_speed_rail", "80000", "0.0204", 1632),  # 1632.0000
    ("travel", "metro", "2000", "0.00881", 18),  # 17.62000
    ("travel", "bus", "1500", "0.053", 80),  # 79.500
    ("travel", "taxi", "300", "0.1667", 50),  # 50.0100
    ("travel", "car_petrol", "1200", "0.1667", 200),  # 200.0400
    ("travel", "car_ev", "500", "0.0911", 46),  # 45.5500
    ("accommodation", "hotel", "240", "66.52", 15965),  # 15964.80
    ("catering", "meal", "900", "3.09", 2781),  # 2781.00
    ("waste", "waste", "350", "1.159", 406),  # 405.650
]
FULL_EVENT_TOTAL_KG = 42750


@pytest.fixture(scope="module")
def factor_set():
    return load_builtin()


def test_domain_example_electricity(factor_set):
    footprint = compute_footprint({"electricity_kwh": 10000}, factor_set)
    assert footprint.lines == [
        Line("purchased_electricity", "electricity", "10000", "kWh", "0.4671", "kg CO2e/kWh", 4671)
    ]
    assert footprint.total_kg == 4671
    assert footprint.factor_set_version == "CN-JL-2026.1"


def test_full_event_lines_and_total(factor_set):
    footprint = compute_footprint(FULL_EVENT, factor_set)
    got = [(l.category, l.source, l.quantity, l.factor, l.kg) for l in footprint.lines]
    assert got == FULL_EVENT_LINES
    assert footprint.total_kg == FULL_EVENT_TOTAL_KG
    units = {l.source: (l.unit, l.factor_unit) for l in footprint.lines}
    assert units["natural_gas"] == ("m³", "kg CO2e/m³")
    assert units["air"] == ("passenger-km", "kg CO2e/passenger-km")
    assert units["hotel"] == ("room-night", "kg CO2e/room-night")
    assert all(type(l.kg) is int for l in footprint.lines)


@pytest.mark.parametrize(
    ("inputs", "kg"),
    [
        ({"travel": [{"mode": "bus", "passenger_km": 500}]}, 27),  # 26.5; half-even gives 26
        ({"meals": 50}, 155),  # 154.5; half-even gives 154
        ({"waste_kg": 1500}, 1739),  # 1738.5
    ],
)
def test_exact_half_rounds_up(factor_set, inputs, kg):
    assert compute_footprint(inputs, factor_set).total_kg == kg


def test_round_half_up():
    assert round_half_up(Decimal("2.5")) == 3
    assert round_half_up(Decimal("2.4999999")) == 2
    assert round_half_up(Decimal("0.5")) == 1
    assert round_half_up(Decimal("3")) == 3
    with pytest.raises(TypeError):
        round_half_up(2.5)


def test_zero_and_absent_inputs_have_no_line(factor_set):
    footprint = compute_footprint(
        {"electricity_kwh": 0, "meals": 10, "travel": [{"mode": "air", "passenger_km": 0}]},
        factor_set,
    )
    assert [l.source for l in footprint.lines] == ["meal"]
    assert footprint.total_kg == 31  # 30.90
    empty = compute_footprint({"travel": []}, factor_set)
    assert (empty.lines, empty.total_kg) == ([], 0)


def test_small_quantity_keeps_its_line_at_zero_kg(factor_set):
    (line,) = compute_footprint({"travel": [{"mode": "metro", "passenger_km": 10}]}, factor_set).lines
    assert (line.quantity, line.kg) == ("10", 0)  # 0.0881


def test_float_inputs_are_read_as_their_decimal_text(factor_set):
    footprint = compute_footprint({"gasoline_l": 0.1, "heat_gj": 1.15}, factor_set)
    assert footprint.inputs == {"gasoline_l": "0.1", "heat_gj": "1.15"}
    assert [l.kg for l in footprint.lines] == [127, 0]  # 126.50 and 0.214


def _errors(inputs, factor_set):
    with pytest.raises(ValidationError) as excinfo:
        compute_footprint(inputs, factor_set)
    return excinfo.value.messages


@pytest.mark.parametrize(
    "value",
    [-1, -0.5, "100", "", True, False, None, float("nan"), float("inf"), float("-inf"), 10**12 + 1, 1e300, 0.1234567, [1], {}],
)
def test_bad_quantity_is_rejected(factor_set, value):
    assert list(_errors({"electricity_kwh": value}, factor_set)) == ["electricity_kwh"]


def test_bad_travel_is_rejected(factor_set):
    errors = _errors(
        {"travel": [{"mode": "rocket", "passenger_km": 1}, {"mode": "air"}, {"mode": "air", "passenger_km": -3}]},
        factor_set,
    )
    assert list(errors["travel"][0]) == ["mode"]
    assert list(errors["travel"][1]) == ["passenger_km"]
    assert list(errors["travel"][2]) == ["passenger_km"]
    assert list(_errors({"travel": {"mode": "air", "passenger_km": 1}}, factor_set)) == ["travel"]
    extra = _errors({"travel": [{"mode": "air", "passenger_km": 1, "class": "business"}]}, factor_set)
    assert extra == {"travel": {0: {"class": ["Unknown field."]}}}


def test_unknown_key_is_rejected(factor_set):
    assert _errors({"electricity_kwh": 1, "coal_t": 5}, factor_set) == {"coal_t": ["Unknown field."]}


def test_inputs_are_normalised_and_hashed_with_jcs(factor_set):
    footprint = compute_footprint({"meals": 3, "electricity_kwh": 12.50}, factor_set)
    assert footprint.inputs == {"electricity_kwh": "12.5", "meals": "3"}
    canonical = b'{"electricity_kwh":"12.5","meals":"3"}'
    assert footprint.inputs_hash == "sha256:" + hashlib.sha256(canonical).hexdigest()


def test_inputs_hash_is_stable_across_key_order_and_number_spelling(factor_set):
    a = {"meals": 900, "travel": [{"mode": "air", "passenger_km": 100}], "electricity_kwh": 10000}
    b = {"electricity_kwh": 10000.0, "travel": [{"passenger_km": 100.0, "mode": "air"}], "meals": 900}
    c = dict(a, meals=901)
    hash_a, hash_b, hash_c = (compute_footprint(x, factor_set).inputs_hash for x in (a, b, c))
    assert hash_a == hash_b != hash_c
    assert hash_a.startswith("sha256:") and len(hash_a) == len("sha256:") + 64


@pytest.mark.parametrize("key", ["meals", "hotel_room_nights"])
def test_items_counted_whole_refuse_fractions(factor_set, key):
    assert list(_errors({key: 1.5}, factor_set)) == [key]
    assert compute_footprint({key: 2.0}, factor_set).inputs == {key: "2"}
