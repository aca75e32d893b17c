"""Business-rule refusals of the market domain."""

from core.errors import Conflict, Invalid


class InsufficientUnits(Conflict):
    code = "insufficient_units"

    def __init__(self, message: str, errors: dict | None = None, *,
                 listing_id: int | None = None):
        super().__init__(message, errors)
        self.listing_id = listing_id  # the listing that fell short, for a page's field


class AlreadyIssued(Conflict):
    code = "already_issued"


class MethodologyNotFiled(Invalid):
    code = "methodology_not_filed"
