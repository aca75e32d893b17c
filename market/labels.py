"""Labels of the market's codes (purposes, scenarios, statuses, unit states, payment
methods). See ``core.labels``."""

from flask_babel import lazy_gettext as _l

from core.labels import register

PURPOSES = register("purpose", {
    "organization_operations": _l("Offsetting organisation operations"),
    "event_neutrality": _l("Carbon-neutral event"),
    "ecological_compensation": _l("Ecological-damage compensation"),
    "pilot_neutrality": _l("Pilot neutrality"),
    "voluntary": _l("Voluntary retirement"),
    "donation": _l("Donation on behalf of a beneficiary"),
})

SCENARIOS = register("scenario", {
    "clothing": _l("Clothing"),
    "food": _l("Food"),
    "housing": _l("Housing"),
    "transport": _l("Transport"),
    "shopping": _l("Shopping"),
    "tourism": _l("Tourism"),
})

METHODOLOGY_STATUSES = register("methodology_status", {
    "draft": _l("Draft"),
    "filed": _l("Filed"),
    "suspended": _l("Suspended"),
    "retired": _l("Withdrawn"),
})

ISSUANCE_REQUEST_STATUSES = register("issuance_request_status", {
    "submitted": _l("Submitted"),
    "verified": _l("Verified"),
    "rejected": _l("Rejected"),
    "issued": _l("Issued"),
})

LISTING_STATUSES = register("listing_status", {
    "open": _l("Open"),
    "closed": _l("Closed"),
})

ORDER_STATUSES = register("order_status", {
    "pending_payment": _l("Awaiting payment"),
    "fulfilled": _l("Fulfilled"),
    "cancelled": _l("Cancelled"),
    "expired": _l("Expired"),
})

UNIT_STATES = register("unit_state", {
    "available": _l("Available"),
    "listed": _l("Listed"),
    "reserved": _l("Reserved"),
    "retired": _l("Retired"),
})

PAYMENT_METHODS = register("payment_method", {
    "stripe": _l("Online payment (card, Alipay, WeChat Pay)"),
    "bank_transfer": _l("Bank transfer"),
})

# What importing one bank-statement line did (the admin's reconciliation page).
STATEMENT_LINE_RESULTS = register("statement_line", {
    "confirmed": _l("Confirmed"),
    "unknown_reference": _l("Unknown reference"),
    "amount_mismatch": _l("Amount differs"),
    "already_confirmed": _l("Already confirmed"),
    "wrong_state": _l("Order not pending"),
    "forbidden": _l("Not allowed"),
    "validation_error": _l("Reference differs"),
    "malformed": _l("Unreadable line"),
})
