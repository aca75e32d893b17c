"""What a retirement may be *for*: events, claims and cases register their checks here.

``market`` cannot import the events package, so a higher layer registers a validator for
its reference field (``event_id``, ``claim_id``); compensation cases register ``case_id``.
A validator gets the retiring organisation and the instruction and raises a DomainError
to refuse. A field with no validator yet is accepted as given.
"""

from collections.abc import Callable

_validators: dict[str, Callable] = {}


def register(field: str, validator: Callable) -> None:
    _validators[field] = validator


def check(organization, instruction: dict) -> None:
    for field, validator in _validators.items():
        if instruction.get(field) is not None:
            validator(organization, instruction)
