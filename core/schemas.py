"""Schema building blocks shared by every domain: strict integers, text, pages, the base class."""

import numbers
from collections.abc import Mapping

import sqlalchemy as sa

from flask_babel import gettext as _
from marshmallow import RAISE, Schema, ValidationError, fields, pre_load, validate

from core import text

# Large enough for any real lot (a billion tonnes), small enough for BIGINT arithmetic.
MAX_KG = 10**12
MAX_FEN = 10**13


class Text(fields.String):
    """Single-line text: the text rule of ``core.text`` (no controls, no bidi controls)."""

    text_kind = text.SINGLE_LINE


class MultilineText(fields.String):
    """Free text that may hold tab and line breaks (descriptions, notes, reasons)."""

    text_kind = text.MULTI_LINE


class Name(fields.String):
    """A name people read on pages and certificates: single line, no invisible characters,
    nothing no font can draw. Fields called ``name`` or ``…_name`` get this rule even when
    declared as a plain ``fields.String``."""

    text_kind = text.NAME


def _field_kind(key: str, field) -> str:
    kind = getattr(field, "text_kind", None)
    if kind is None and isinstance(field, fields.List):
        kind = getattr(field.inner, "text_kind", None)
    if kind is not None:
        return kind
    return text.NAME if text.is_name_field(key) else text.SINGLE_LINE


def _checks_itself(field) -> bool:
    """Nested input schemas built on ``BaseSchema`` apply the rule to their own fields."""
    if isinstance(field, fields.List):
        field = field.inner
    return isinstance(field, fields.Nested) and isinstance(field.schema, BaseSchema)


def text_problems(value, kind: str) -> list[str]:
    """Every text-rule problem in a JSON value: its strings and its objects' keys (walked
    without recursion; the JSON reader already bounds the depth)."""
    problems, stack = [], [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found = text.problem(item, kind)
            if found and found not in problems:
                problems.append(found)
        elif isinstance(item, Mapping):
            for key, inner in item.items():
                stack.append(inner)
                if isinstance(key, str) and (found := text.problem(key)) and found not in problems:
                    problems.append(found)
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
    return problems


class BaseSchema(Schema):
    """Every input schema rejects unknown fields and applies the text rule
    (``core.text``) to every string it is given, before any field is loaded."""

    class Meta:
        unknown = RAISE
        ordered = True

    @pre_load
    def _text_rule(self, data, **kwargs):
        if not isinstance(data, Mapping):
            return data
        by_key = {field.data_key or name: field for name, field in self.load_fields.items()}
        errors = {}
        for key in data:
            field = by_key.get(key)
            if isinstance(key, str) and (found := text.problem(key)):
                errors[key] = [found]
                continue
            if field is not None and _checks_itself(field):
                continue
            found = text_problems(data[key], _field_kind(key, field))
            if found:
                errors[key] = found
        if errors:
            raise ValidationError(errors)
        return data


class StrictInt(fields.Integer):
    """An integer that must arrive as a JSON integer: floats, strings and booleans fail."""

    def __init__(self, *, minimum: int | None = None, maximum: int | None = None, **kwargs):
        validators = list(kwargs.pop("validate", []) or [])
        if minimum is not None or maximum is not None:
            validators.append(validate.Range(min=minimum, max=maximum))
        super().__init__(strict=True, validate=validators, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise ValidationError(_("Must be an integer."))
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
    """Run ``select`` for one page and count the whole: ``{items, total, page, per_page}``.

    A page past the end is empty without asking the database, so ``?page=`` typed on a
    page (an unbounded int: ``99999999999999999999``) never overflows its OFFSET (a 500)."""
    total = session.execute(sa.select(sa.func.count()).select_from(select.subquery())).scalar_one()
    offset = (page - 1) * per_page
    items = session.execute(select.limit(per_page).offset(offset)).scalars().all() \
        if offset < total else []
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
