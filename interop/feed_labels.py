"""Labels of the kinds of change a feed reports (part B). See ``core.labels``."""

from flask_babel import lazy_gettext as _l

from core.labels import register

FEED_EVENT_TYPES = register("feed_event_type", {
    "lot.issued": _l("Lot issued"),
    "units.listed": _l("Units listed"),
    "units.delisted": _l("Units delisted"),
    "units.reserved": _l("Units reserved"),
    "units.released": _l("Units released"),
    "units.transferred": _l("Units transferred"),
    "units.retired": _l("Units retired"),
    "certificate.revoked": _l("Certificate revoked"),
    "case.fulfilled": _l("Compensation case fulfilled"),
    "event.neutral": _l("Event carbon neutral"),
    "claim.neutral": _l("Claim carbon neutral"),
})

WEBHOOK_DELIVERY_STATUSES = register("webhook_delivery_status", {
    "pending": _l("Waiting to be sent"),
    "delivered": _l("Delivered"),
    "failed": _l("Failed (gave up)"),
    "cancelled": _l("Cancelled (endpoint deleted)"),
})
