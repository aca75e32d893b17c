"""The text rule of ``core.text`` written as JSON Schema ``pattern``s, so the OpenAPI
document says which strings the API refuses (issue 15; docs/hostile-input.md).

Every string field of an input schema built on ``core.schemas.BaseSchema`` (not the
``…Out`` classes) — bodies and query parameters alike — gets the pattern of its kind
(``Text``: single line, ``MultilineText``, ``Name``; plain strings by their key, as
``BaseSchema`` decides). A string matches its pattern if and only if
``core.text.problem(value, kind)`` is ``None`` (tests/hostile/test_text_patterns.py),
but for two points a character class of BMP escapes (``\\uXXXX``: ECMA-262 and Python
``re`` alike) cannot say, both about names: the zero-width joiner between two emoji
(👨‍👩‍👧) is accepted but the pattern refuses every joiner, and private-use or unassigned
code points beyond the BMP are refused but the pattern lets them through. (Schemathesis
4.32 rewrites astral characters of a pattern into ``\\U`` escapes its own ECMA-262 check
then rejects.)
Unassigned means unassigned in this Python's Unicode database
(``unicodedata.unidata_version``).
"""

import re
import unicodedata
from functools import lru_cache

from marshmallow import fields

from core import text

_ZWJ = 0x200D


def _forbidden(kind: str) -> set[int]:
    """Code points ``core.text`` refuses anywhere in a string of ``kind`` (the joiner
    excepted: its rule depends on its neighbours)."""
    bmp = _bmp_forbidden(kind)
    if kind != text.NAME:
        return bmp
    names = set(bmp)
    names.update(cp for cp in range(0x2060, 0x2065))
    names.update((0x200B, 0x200C, 0xFEFF))
    names.update(_unprintable())
    return names


def _bmp_forbidden(kind: str) -> set[int]:
    # Surrogates are left out: no JSON string or URL holds one (the strict JSON reader
    # refuses lone ``\ud800`` escapes) and ECMA-262 patterns cannot name them.
    pattern = text._FORBIDDEN[kind]
    return {cp for cp in range(0x10000) if pattern.match(chr(cp)) and not 0xD800 <= cp <= 0xDFFF}


@lru_cache(maxsize=1)
def _unprintable() -> frozenset[int]:
    """Private-use and unassigned code points of the BMP (surrogates left out, as above)."""
    return frozenset(cp for cp in range(0x10000)
                     if not 0xD800 <= cp <= 0xDFFF
                     and unicodedata.category(chr(cp)) in ("Co", "Cn"))


def _ranges(codepoints) -> list[tuple[int, int]]:
    ranges: list[list[int]] = []
    for cp in sorted(codepoints):
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    return [(low, high) for low, high in ranges]


def _char(cp: int) -> str:
    return f"\\u{cp:04x}" if cp <= 0xFFFF else chr(cp)


def _class(ranges, negated: bool = False) -> str:
    body = "".join(_char(low) if low == high else f"{_char(low)}-{_char(high)}"
                   for low, high in ranges)
    return f"[{'^' if negated else ''}{body}]"


@lru_cache(maxsize=3)
def pattern(kind: str) -> str:
    """The anchored pattern a string of ``kind`` matches exactly when the text rule
    accepts it."""
    forbidden = _forbidden(kind) | ({_ZWJ} if kind == text.NAME else set())
    return f"^{_class(_ranges(forbidden), negated=True)}*$"


# Output classes by the house naming (STYLE.md: ``OrderIn`` / ``OrderOut``; list items and
# pages of results): they are dumped, never loaded, so the rule says nothing about them.
_OUTPUT_NAME = re.compile(r"(Out|Item|Page)$")


def _input_schema(field):
    from core.schemas import BaseSchema

    parent = field.parent
    while isinstance(parent, fields.Field):
        parent = parent.parent
    if not isinstance(parent, BaseSchema) or _OUTPUT_NAME.search(type(parent).__name__):
        return None
    return parent


def field_kind(field) -> str | None:
    """The text kind ``BaseSchema`` applies to ``field`` (a string field or a list's
    inner field), or ``None`` when the field is not text of an input schema."""
    from core.schemas import _field_kind

    if not isinstance(field, fields.String) or field.dump_only:
        return None
    if _input_schema(field) is None:
        return None
    owner = field.parent if isinstance(field.parent, fields.List) else field
    key = owner.data_key or owner.name or ""
    kind = getattr(field, "text_kind", None)
    return kind or _field_kind(key, owner)


def text_rule_property(self, field, ret, **kwargs) -> dict:
    """apispec attribute function: the text rule's ``pattern`` for input string fields."""
    kind = field_kind(field)
    if kind is None or "enum" in ret or "pattern" in ret:
        return {}
    return {"pattern": pattern(kind)}


def init_app(api) -> None:
    """Document the text rule on every input string field of ``api``'s schemas."""
    api.ma_plugin.converter.add_attribute_function(text_rule_property)
