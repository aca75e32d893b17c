"""Emission-factor sets for carbon-neutral events (DOMAIN.md §4).

A factor set is a versioned document: one factor per emission source, each kept as an
exact decimal string in kg CO2e per unit of activity, with its provenance (basis, year,
publisher, document, url). A changed factor means a new version; footprints and the
certificates built on them keep the version they used. This module is pure: it reads the
sets shipped in ``events/data/`` and validates documents; storing versions is elsewhere.
"""

import json
import re
from decimal import Decimal
from importlib import resources

from flask_babel import gettext as _
from marshmallow import Schema, ValidationError, fields, post_load, validate

from core.schemas import BaseSchema

BUILTIN_VERSION = "CN-JL-2026.1"

TRAVEL_MODES = ("air", "high_speed_rail", "metro", "bus", "taxi", "car_petrol", "car_ev")

# Every source a set must cover, in display order, with its unit of activity; the
# factor's unit must read "kg CO2e/<unit>" so a set published in tonnes cannot slip in.
ACTIVITY_UNITS = {
    "electricity": "kWh",
    "heat": "GJ",
    "natural_gas": "m³",
    "diesel": "L",
    "gasoline": "L",
    **{mode: "passenger-km" for mode in TRAVEL_MODES},
    "hotel": "room-night",
    "meal": "meal",
    "waste": "kg",
}

MAX_FACTOR = Decimal(100_000)
VERSION_PATTERN = r"[A-Z]{2}-[A-Z]{2}-[0-9]{4}\.[1-9][0-9]*"  # country-province-year.revision
_VALUE_PATTERN = re.compile(r"(0|[1-9][0-9]*)(\.[0-9]{1,6})?")  # ASCII digits only


def _check_value(value: str) -> None:
    if not _VALUE_PATTERN.fullmatch(value):
        raise ValidationError(
            _('Must be a decimal string such as "0.4671" with at most 6 decimals.'))
    if not 0 < Decimal(value) <= MAX_FACTOR:
        raise ValidationError(_("Must be greater than 0 and at most %(max)s.", max=MAX_FACTOR))


def _check_url(value: str) -> None:
    # Empty is allowed on purpose: better no link than an invented one.
    if value:
        validate.URL(schemes={"http", "https"})(value)


class _StrictBool(fields.Boolean):
    """Only JSON true/false; marshmallow would otherwise also take 1, "yes", "on"..."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class _Strict(BaseSchema):
    """Unknown members refused; every string under the text rule (``core.text``): a
    factor's basis or a description is shown on pages and in claims."""


def _text(**kwargs) -> fields.String:
    return fields.String(validate=validate.Length(min=1), **kwargs)


def _factor_schema(source: str) -> type[Schema]:
    unit = f"kg CO2e/{ACTIVITY_UNITS[source]}"
    return _Strict.from_dict(
        {
            "value": fields.String(required=True, validate=_check_value, metadata={
                "pattern": f"^{_VALUE_PATTERN.pattern}$"}),
            "unit": fields.String(required=True, validate=validate.Equal(unit)),
            "basis": _text(required=True),
            "year": fields.Integer(required=True, strict=True, validate=validate.Range(1990, 2100)),
            "publisher": _text(required=True),
            "document": _text(required=True),
            "url": fields.String(required=True, validate=_check_url),
            "note": _text(),
            "verify": _StrictBool(load_default=False),
        },
        name=f"Factor_{source}",  # OpenAPI component names allow [A-Za-z0-9._-] only
    )


_FactorsSchema = _Strict.from_dict(
    {source: fields.Nested(_factor_schema(source), required=True) for source in ACTIVITY_UNITS},
    name="Factors",
)


class FactorSetSchema(_Strict):
    """Shape of a factor-set document; errors are keyed by path (factors → source → field)."""

    version = fields.String(required=True, validate=validate.Regexp(f"^{VERSION_PATTERN}$"))
    published = fields.Date(required=True)
    description_zh = _text(required=True)
    description_en = _text(required=True)
    factors = fields.Nested(_FactorsSchema, required=True)

    @post_load
    def _published_as_text(self, data, **kwargs):
        data["published"] = data["published"].isoformat()
        return data


def validate_factor_set(doc: dict) -> dict:
    """Check a factor-set document and return it normalised (JSON-ready, ``verify`` filled in).

    Raises marshmallow ``ValidationError`` whose ``messages`` follow the document's paths,
    e.g. ``{"factors": {"waste": {"value": [...]}}}``.
    """
    return FactorSetSchema().load(doc)


def load_builtin(version: str = BUILTIN_VERSION) -> dict:
    """Load and validate a factor set shipped with the code; ``LookupError`` if there is none."""
    if not re.fullmatch(VERSION_PATTERN, version):
        raise LookupError(f"not a factor-set version: {version!r}")
    resource = resources.files(__package__) / "data" / f"{version}.json"
    try:
        text = resource.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LookupError(f"no built-in factor set {version}") from None
    return validate_factor_set(json.loads(text))


def factor_value(doc: dict, source: str) -> Decimal:
    """The exact factor for ``source`` (kg CO2e per unit of activity) in a validated set."""
    try:
        return Decimal(doc["factors"][source]["value"])
    except KeyError:
        raise KeyError(f"factor set {doc.get('version')} has no factor {source!r}") from None
