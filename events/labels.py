"""Labels of event and claim codes: event kinds, claim subjects and statuses, footprint
stages, categories, sources and activity units. See ``core.labels``."""

from flask_babel import lazy_gettext as _l

from core.labels import register

EVENT_KINDS = register("event_kind", {
    "forum": _l("Forum"),
    "exhibition": _l("Exhibition"),
    "conference": _l("Conference"),
    "performance": _l("Performance"),
    "sports": _l("Sports event"),
    "other": _l("Other"),
})

CLAIM_SUBJECTS = register("claim_subject", {
    "event": _l("Carbon-neutral event"),
    "organization": _l("Organisation neutrality claim"),
    "pilot": _l("Pilot neutrality claim"),
})

CLAIM_STATUSES = register("claim_status", {
    "planned": _l("Planned"),
    "committed": _l("Committed"),
    "awaiting_offset": _l("Awaiting offset"),
    "neutral": _l("Carbon neutral"),
    "overdue": _l("Overdue, not offset"),
})

FOOTPRINT_STAGES = register("footprint_stage", {
    "estimate": _l("Estimate"),
    "actual": _l("Actual"),
})

FOOTPRINT_CATEGORIES = register("footprint_category", {
    "purchased_electricity": _l("Purchased electricity"),
    "purchased_heat": _l("Purchased heat"),
    "fuel": _l("Fuel combustion"),
    "travel": _l("Travel"),
    "accommodation": _l("Accommodation"),
    "catering": _l("Catering"),
    "waste": _l("Waste"),
})

FOOTPRINT_SOURCES = register("footprint_source", {
    "electricity": _l("Grid electricity"),
    "heat": _l("Heat"),
    "natural_gas": _l("Natural gas"),
    "diesel": _l("Diesel"),
    "gasoline": _l("Gasoline"),
    "air": _l("Air travel"),
    "high_speed_rail": _l("High-speed rail"),
    "metro": _l("Metro"),
    "bus": _l("Bus"),
    "taxi": _l("Taxi"),
    "car_petrol": _l("Petrol car"),
    "car_ev": _l("Electric car"),
    "hotel": _l("Hotel"),
    "meal": _l("Meals"),
    "waste": _l("Waste"),
})

ACTIVITY_UNITS = register("activity_unit", {
    "kWh": _l("kWh"),
    "GJ": _l("GJ"),
    "m³": _l("m³"),
    "L": _l("L"),
    "passenger-km": _l("passenger-km"),
    "room-night": _l("room-night"),
    "meal": _l("meal"),
    "kg": _l("kg"),
})
