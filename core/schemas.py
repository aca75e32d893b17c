"""Schema building blocks shared by every domain: strict integers, pages, the base class."""

import numbers

import sqlalchemy as sa

from marshmallow import RAISE, Schema, ValidationError, fields, validate

# Large enough for any real lot (a billion tonnes), small enough for BIGINT arithmetic.
MAX_KG = 10**12
MAX_FEN = 10**13


class BaseSchema(Schema):
    """Every input schema rejects unknown fields."""

    class Meta:
        unknown = RAISE
        ordered = True


class StrictInt(fields.Integer):
    """An integer that must arrive as a JSON integer: floats, strings and booleans fail."""

    def __init__(self, *, minimum: int | None = None, maximum: int | None = None, **kwargs):
        validators = list(kwargs.pop("validate", []) or [])
        if minimum is not None or maximum is not None:
            validators.append(validate.Range(min=minimum, max=maximum))
        super().__init__(strict=True, validate=validators, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise ValidationError("Must be an integer.")
        return super()._deserialize(value, attr, data, **kwargs)


def Kg(**kwargs) -> StrictInt:
    """A positive quantity of kilograms CO2e."""
    return StrictInt(minimum=1, maximum=MAX_KG, **kwargs)


def Fen(**kwargs) -> StrictInt:
    """A positive amount of money in fen (CNY)."""
    return StrictInt(minimum=1, maximum=MAX_FEN, **kwargs)


# Row ids are 32-bit INTEGER columns; anything larger names nothing.
MAX_ID = 2**31 - 1


def Id(**kwargs) -> StrictInt:
    """A row id: a positive JSON integer that fits the id columns."""
    return StrictInt(minimum=1, maximum=MAX_ID, **kwargs)


class PageArgs(BaseSchema):
    """``?page=&per_page=`` of every list (per_page ≤ 100); list filters extend it."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10**6))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


def page_of(select, page: int, per_page: int, session) -> dict:
    """Run ``select`` for one page and count the whole: ``{items, total, page, per_page}``."""
    total = session.execute(sa.select(sa.func.count()).select_from(select.subquery())).scalar_one()
    items = session.execute(select.limit(per_page).offset((page - 1) * per_page)).scalars().all()
    return {"items": items, "total": total, "page": page, "per_page": per_page}


def page_schema(item_schema: type[Schema], name: str) -> type[Schema]:
    """The list envelope of API.md around ``item_schema``."""
    return Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item_schema)),
            "total": fields.Integer(),
            "page": fields.Integer(),
            "per_page": fields.Integer(),
        },
        name=name,
    )
