"""Footprint calculator for carbon-neutral events (DOMAIN.md §4).

An event's footprint is a list of lines, one per emission source with a non-zero
quantity: ``kg = round_half_up(quantity × factor)``, all in ``Decimal``; the total is the
sum of the lines' kilograms. Travel is aggregated per mode (one line per mode, in the
order of ``TRAVEL_MODES``), so rounding happens once per mode whatever the number of
entries. The inputs are normalised (decimals as strings) and hashed with RFC 8785 so a
footprint can name exactly what it was computed from.
"""

import hashlib
from dataclasses import dataclass
from decimal import Decimal, Inexact, localcontext

import rfc8785
from flask_babel import gettext as _
from marshmallow import RAISE, Schema, ValidationError, fields, validate

from core.i18n import N_
from core.rounding import round_half_up

from .factors import ACTIVITY_UNITS, TRAVEL_MODES, factor_value

MAX_QUANTITY = Decimal(10) ** 12
MAX_DECIMALS = 6
#: Factor sources whose activity is counted in whole items (meals, room-nights): a half
#: meal is a typing mistake, refused beside the field.
WHOLE_COUNT_SOURCES = frozenset({"hotel", "meal"})
MAX_TRAVEL_ENTRIES = 1000

# (input key, category, factor source) in line order; travel lines go after the fuels.
_BEFORE_TRAVEL = (
    ("electricity_kwh", "purchased_electricity", "electricity"),
    ("heat_gj", "purchased_heat", "heat"),
    ("natural_gas_m3", "fuel", "natural_gas"),
    ("diesel_l", "fuel", "diesel"),
    ("gasoline_l", "fuel", "gasoline"),
)
_AFTER_TRAVEL = (
    ("hotel_room_nights", "accommodation", "hotel"),
    ("meals", "catering", "meal"),
    ("waste_kg", "waste", "waste"),
)


def _text(value: Decimal) -> str:
    return format(value.normalize(), "f")


class Quantity(fields.Field):
    """A non-negative JSON number (int or float) loaded as an exact ``Decimal``."""

    default_error_messages = {
        "invalid": N_("Not a valid number."),
        "special": N_("NaN and infinity are not allowed."),
        "negative": N_("Must not be negative."),
        "too_large": N_("Must be at most %(max)s."),
        "too_precise": N_("Must have at most %(decimals)s decimal places."),
        "not_whole": N_("Must be a whole number."),
    }

    def __init__(self, *, whole: bool = False, **kwargs):
        self.whole = whole  # counted in whole items: 2 meals, never 1.5
        # A plain Field is documented as any value; say it is a bounded number.
        metadata = {"type": "integer" if whole else "number", "minimum": 0, "maximum": float(MAX_QUANTITY),
                    **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def make_error(self, key: str, **kwargs) -> ValidationError:
        """The message in the reader's language, its values filled in."""
        return ValidationError(_(self.error_messages[key], max=f"{MAX_QUANTITY:f}",
                                 decimals=MAX_DECIMALS))

    def _deserialize(self, value, attr, data, **kwargs):
        # bool is an int subclass and str would be a silent conversion: refuse both.
        # Decimal is accepted so that already-loaded inputs load again unchanged.
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            raise self.make_error("invalid")
        quantity = Decimal(value) if isinstance(value, int) else Decimal(str(value))
        if not quantity.is_finite():
            raise self.make_error("special")
        if quantity < 0:
            raise self.make_error("negative")
        if quantity > MAX_QUANTITY:
            raise self.make_error("too_large")
        if quantity.normalize().as_tuple().exponent < -MAX_DECIMALS:
            raise self.make_error("too_precise")
        if self.whole and quantity != quantity.to_integral_value():
            raise self.make_error("not_whole")
        return Decimal(_text(quantity))  # canonical: 1000.0 and 1E+3 both become 1000

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else _text(value)


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class TravelEntry(_Strict):
    mode = fields.String(required=True, validate=validate.OneOf(TRAVEL_MODES))
    passenger_km = Quantity(required=True)


class FootprintInputs(_Strict):
    """The calculator's input keys (DOMAIN.md §4); all optional, all non-negative."""

    electricity_kwh = Quantity()
    heat_gj = Quantity()
    natural_gas_m3 = Quantity()
    diesel_l = Quantity()
    gasoline_l = Quantity()
    travel = fields.List(
        fields.Nested(TravelEntry), validate=validate.Length(max=MAX_TRAVEL_ENTRIES)
    )
    hotel_room_nights = Quantity(whole=True)
    meals = Quantity(whole=True)
    waste_kg = Quantity()


@dataclass(frozen=True)
class Line:
    """One emission source of a footprint: ``kg`` is ``quantity × factor`` rounded half up."""

    category: str
    source: str
    quantity: str
    unit: str
    factor: str
    factor_unit: str
    kg: int


@dataclass(frozen=True)
class Footprint:
    """A computed footprint, tied to its factor-set version and to the hash of its inputs."""

    factor_set_version: str
    lines: list[Line]
    total_kg: int
    inputs: dict
    inputs_hash: str


def hash_inputs(normalized: dict) -> str:
    """``sha256:`` + hex digest of the RFC 8785 serialisation of normalised inputs."""
    return "sha256:" + hashlib.sha256(rfc8785.dumps(normalized)).hexdigest()


def _quantities(data: dict):
    """Yield (category, source, quantity) in line order, travel summed per mode."""
    for key, category, source in _BEFORE_TRAVEL:
        yield category, source, data.get(key, Decimal(0))
    for mode in TRAVEL_MODES:
        entries = (e["passenger_km"] for e in data.get("travel", ()) if e["mode"] == mode)
        yield "travel", mode, sum(entries, Decimal(0))
    for key, category, source in _AFTER_TRAVEL:
        yield category, source, data.get(key, Decimal(0))


def compute_footprint(inputs: dict, factor_set: dict) -> Footprint:
    """Compute an event footprint from raw inputs and a validated factor set.

    Raises marshmallow ``ValidationError`` for bad inputs; ``factor_set`` is a document
    returned by ``validate_factor_set`` or ``load_builtin``.
    """
    data = FootprintInputs().load(inputs)
    lines = []
    with localcontext() as ctx:
        ctx.prec = 60  # quantities and factors are bounded, so every product is exact
        ctx.traps[Inexact] = True
        for category, source, quantity in _quantities(data):
            if quantity == 0:
                continue
            factor = factor_value(factor_set, source)
            lines.append(
                Line(
                    category=category,
                    source=source,
                    quantity=_text(quantity),
                    unit=ACTIVITY_UNITS[source],
                    factor=factor_set["factors"][source]["value"],
                    factor_unit=factor_set["factors"][source]["unit"],
                    kg=round_half_up(quantity * factor),
                )
            )
    normalized = FootprintInputs().dump(data)
    return Footprint(
        factor_set_version=factor_set["version"],
        lines=lines,
        total_kg=sum(line.kg for line in lines),
        inputs=normalized,
        inputs_hash=hash_inputs(normalized),
    )
