"""Factor sets: the built-in CN-JL-2026.1 and the validation of administrator-made sets."""

import copy
from decimal import Decimal

import pytest
from marshmallow import ValidationError

from events.factors import factor_value, load_builtin, validate_factor_set
from events.footprint import compute_footprint

# DOMAIN.md §4, copied by hand: the data file must say exactly this.
DOMAIN_VALUES = {
    "electricity": ("0.4671", "kg CO2e/kWh"),
    "heat": ("110", "kg CO2e/GJ"),
    "natural_gas": ("2.162", "kg CO2e/m³"),
    "diesel": ("2.60", "kg CO2e/L"),
    "gasoline": ("2.14", "kg CO2e/L"),
    "air": ("0.0829", "kg CO2e/passenger-km"),
    "high_speed_rail": ("0.0204", "kg CO2e/passenger-km"),
    "metro": ("0.00881", "kg CO2e/passenger-km"),
    "bus": ("0.053", "kg CO2e/passenger-km"),
    "taxi": ("0.1667", "kg CO2e/passenger-km"),
    "car_petrol": ("0.1667", "kg CO2e/passenger-km"),
    "car_ev": ("0.0911", "kg CO2e/passenger-km"),
    "hotel": ("66.52", "kg CO2e/room-night"),
    "meal": ("3.09", "kg CO2e/meal"),
    "waste": ("1.159", "kg CO2e/kg"),
}


@pytest.fixture
def builtin():
    return load_builtin()


def test_builtin_set_validates_and_matches_domain_table(builtin):
    assert builtin["version"] == "CN-JL-2026.1"
    assert validate_factor_set(copy.deepcopy(builtin)) == builtin
    got = {source: (f["value"], f["unit"]) for source, f in builtin["factors"].items()}
    assert got == DOMAIN_VALUES


def test_builtin_set_keeps_provenance_and_flags_unconfirmed_factors(builtin):
    factors = builtin["factors"]
    for factor in factors.values():
        assert factor["basis"] and factor["publisher"] and factor["document"]
        assert isinstance(factor["year"], int)
    assert "公告2025年第47号" in factors["electricity"]["document"]
    assert "IPCC" in factors["waste"]["document"]
    flagged = {source for source, f in factors.items() if f["verify"]}
    assert flagged == {"heat", "diesel", "gasoline", "bus", "taxi", "car_petrol", "meal", "waste"}


def test_factor_value_is_exact_decimal(builtin):
    assert factor_value(builtin, "electricity") == Decimal("0.4671")
    assert factor_value(builtin, "diesel") == Decimal("2.60")
    with pytest.raises(KeyError):
        factor_value(builtin, "coal")


def test_load_builtin_rejects_unknown_or_malformed_version():
    with pytest.raises(LookupError):
        load_builtin("CN-JL-1999.1")
    with pytest.raises(LookupError):
        load_builtin("../../etc/passwd")


def test_modified_set_validates_and_computes_differently(builtin):
    modified = copy.deepcopy(builtin)
    modified["version"] = "CN-JL-2026.2"
    modified["factors"]["electricity"]["value"] = "0.5122"  # Northeast grid instead
    modified = validate_factor_set(modified)

    old = compute_footprint({"electricity_kwh": 10000}, builtin)
    new = compute_footprint({"electricity_kwh": 10000}, modified)
    assert (old.factor_set_version, old.total_kg) == ("CN-JL-2026.1", 4671)
    assert (new.factor_set_version, new.total_kg) == ("CN-JL-2026.2", 5122)
    assert new.inputs_hash == old.inputs_hash


def _errors(doc):
    with pytest.raises(ValidationError) as excinfo:
        validate_factor_set(doc)
    return excinfo.value.messages


def test_set_missing_a_source_is_rejected_at_its_path(builtin):
    del builtin["factors"]["waste"]
    assert _errors(builtin) == {"factors": {"waste": ["Missing data for required field."]}}


@pytest.mark.parametrize("value", ["abc", "-0.4671", "0", "0.0", "0.1234567", "1e-3", " 1", "١", 0.4671])
def test_set_with_bad_value_is_rejected_at_its_path(builtin, value):
    builtin["factors"]["electricity"]["value"] = value
    assert list(_errors(builtin)) == ["factors"]
    assert list(_errors(builtin)["factors"]["electricity"]) == ["value"]


@pytest.mark.parametrize(
    ("source", "field", "bad"),
    [
        ("heat", "unit", "t CO2e/GJ"),
        ("air", "publisher", ""),
        ("meal", "year", "2024"),
        ("meal", "verify", "yes"),
        ("hotel", "url", "not a url"),
    ],
)
def test_set_with_bad_provenance_is_rejected_at_its_path(builtin, source, field, bad):
    builtin["factors"][source][field] = bad
    errors = _errors(builtin)
    assert list(errors) == ["factors"]
    assert list(errors["factors"]) == [source]
    assert list(errors["factors"][source]) == [field]


def test_set_missing_provenance_or_with_unknown_keys_is_rejected(builtin):
    del builtin["factors"]["metro"]["document"]
    builtin["factors"]["coal"] = dict(builtin["factors"]["diesel"])
    builtin["factors"]["bus"]["colour"] = "green"
    builtin["owner"] = "me"
    errors = _errors(builtin)
    assert errors["factors"]["metro"] == {"document": ["Missing data for required field."]}
    assert errors["factors"]["coal"] == ["Unknown field."]
    assert errors["factors"]["bus"] == {"colour": ["Unknown field."]}
    assert errors["owner"] == ["Unknown field."]


@pytest.mark.parametrize("version", ["", "2026.1", "CN-JL-2026", "cn-jl-2026.1", "CN-JL-2026.0"])
def test_set_with_bad_version_is_rejected(builtin, version):
    builtin["version"] = version
    assert list(_errors(builtin)) == ["version"]
