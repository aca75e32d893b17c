"""The one text rule for everything people type in (API.md "Conventions").

Refused everywhere (bodies, query strings, path segments, form fields, upload names):

* NUL and the other C0 controls, DEL and the C1 controls — except tab, line feed and
  carriage return in multi-line fields (descriptions, notes, reasons);
* bidi embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069) and the
  bidi marks U+200E, U+200F, U+061C: a registry of Chinese and English text needs none of
  them, and they make a PDF or page show a string other than the one stored;
* lone surrogates (PostgreSQL and UTF-8 cannot store them).

Refused in names as well (organisation, beneficiary, event, obligor … any field whose
name ends in ``name``, or declared with ``core.schemas.Name``): invisible characters —
U+200B, U+200C, U+200D (the zero-width joiner stays allowed *between two emoji*, as in
👨‍👩‍👧), U+2060–U+2064, U+FEFF — and characters no font can draw: private-use and
unassigned code points.

``problem(value, kind)`` names the first offence (in the reader's language; English
outside a request) or returns ``None``; the marshmallow base
schema applies it to every string of a body, the request guard to query strings, path
segments, form fields and file names.
"""

import re
import unicodedata

from flask_babel import gettext as _

SINGLE_LINE, MULTI_LINE, NAME = "single_line", "multi_line", "name"

_C0_C1 = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_SURROGATES = "\ud800-\udfff"
_FORBIDDEN = {
    MULTI_LINE: re.compile(f"[{_C0_C1}{_BIDI}{_SURROGATES}]"),
    SINGLE_LINE: re.compile(f"[\t\n\r{_C0_C1}{_BIDI}{_SURROGATES}]"),
}
_FORBIDDEN[NAME] = _FORBIDDEN[SINGLE_LINE]
_INVISIBLE = re.compile("[\u200b-\u200d\u2060-\u2064\ufeff]")
# Pictographs a zero-width joiner may join (emoji ZWJ sequences), with the variation
# selector and skin-tone modifiers that may stand between a pictograph and the joiner.
_EMOJI = re.compile("[\u00a9\u00ae\u203c\u2049\u2122-\u2b55\u3030\u303d\u3297\u3299"
                    "\U0001f000-\U0001faff]")
_EMOJI_TAIL = "\ufe0f\U0001f3fb\U0001f3fc\U0001f3fd\U0001f3fe\U0001f3ff"


def _describe(char: str) -> str:
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" {name}" if name else "")


def _joins_emoji(value: str, index: int) -> bool:
    before = value[:index].rstrip(_EMOJI_TAIL)
    after = value[index + 1:index + 2]
    return bool(before) and bool(_EMOJI.fullmatch(before[-1])) and bool(_EMOJI.fullmatch(after))


def problem(value: str, kind: str = SINGLE_LINE) -> str | None:
    """Why ``value`` is refused as text of ``kind``, or ``None`` when it is acceptable."""
    found = _FORBIDDEN[kind].search(value)
    if found:
        char = found.group()
        if char in "\t\n\r":
            return _("Contains a line break or tab (%(char)s), which is not allowed here.",
                     char=_describe(char))
        if re.fullmatch(f"[{_BIDI}]", char):
            return _("Contains a bidirectional control (%(char)s), which is not allowed here.",
                     char=_describe(char))
        if "\ud800" <= char <= "\udfff":
            return _("Contains an unpaired surrogate (%(char)s), which is not allowed here.",
                     char=_describe(char))
        return _("Contains a control character (%(char)s), which is not allowed here.",
                 char=_describe(char))
    if kind != NAME:
        return None
    for found in _INVISIBLE.finditer(value):
        if found.group() == "\u200d" and _joins_emoji(value, found.start()):
            continue
        return _("Contains an invisible character (%(char)s).", char=_describe(found.group()))
    for char in value:
        if unicodedata.category(char) in ("Co", "Cn"):
            return _("Contains a character that cannot be printed (%(char)s).",
                     char=_describe(char))
    return None


def is_name_field(key: str) -> bool:
    """Fields named ``name`` or ``…_name`` carry names (the rule's default for plain
    strings; declare ``core.schemas.Name`` to say so explicitly)."""
    return key == "name" or key.endswith("_name") or key == "beneficiary"
