"""Business-rule refusals of the market domain."""

from core.errors import Conflict, Invalid


class InsufficientUnits(Conflict):
    code = "insufficient_units"


class AlreadyIssued(Conflict):
    code = "already_issued"


class MethodologyNotFiled(Invalid):
    code = "methodology_not_filed"
