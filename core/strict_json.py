"""The one JSON reader for everything that comes from outside (API.md "Conventions").

Request bodies (through ``app.json``, the request class and flask-smorest's parser, all
wired by ``init_app``), verification input (API, paste form, PDF attachments) and the
offline verifier read JSON with ``loads``: UTF-8 only, I-JSON (RFC 7493) — no duplicate
member names, no lone surrogates, no NaN/Infinity — and nesting no deeper than
``MAX_DEPTH``, checked by a flat scan *before* parsing, so ``[`` × 100 000 never reaches
the recursive parser. Failures raise ``JSONRefused`` (a ``ValueError``) with a
machine-readable ``code``; ``init_app`` turns them into 422 ``{code, status, message,
errors}``. Bodies over ``MAX_CONTENT_LENGTH`` are 413 before they are read.
"""

import json
import re
from itertools import accumulate

import flask
from flask.json.provider import DefaultJSONProvider
from flask_babel import gettext as _
from webargs import core as webargs_core
from webargs.flaskparser import FlaskParser, is_json_request

from core.errors import error_response

MAX_DEPTH = 64

# A JSON string (escapes included); what is left once they are removed holds the brackets.
# Possessive, and the closing quote optional: an unterminated string ends the scan instead
# of being retried from every later quote (which would be quadratic).
_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+"?', re.DOTALL)
_NOT_BRACKET = re.compile(rb"[^\[\]{}]+")
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


class JSONRefused(ValueError):
    """Input that is not strict JSON. ``code`` names the rule (``invalid_json``,
    ``duplicate_json_member``, ``json_too_deep``); ``message`` is in the reader's language
    (English outside a request: the offline verifier)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def nesting_depth(data: bytes) -> int:
    """The deepest bracket nesting of ``data``, brackets inside strings not counted.

    No recursion and no per-byte Python loop: strings and everything else are cut out by
    regular expressions, the remaining brackets summed by ``itertools.accumulate``."""
    brackets = _NOT_BRACKET.sub(b"", _STRING.sub(b"", data))
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


def _pairs(pairs: list) -> dict:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen = set()
        for key, _value in pairs:
            if key in seen:
                raise JSONRefused("duplicate_json_member", _(
                    "The JSON object has the member %(name)s more than once.", name=repr(key)))
            seen.add(key)
    return result


def _constant(name: str):
    raise JSONRefused("invalid_json", _("%(name)s is not a JSON number.", name=name))


def _float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise JSONRefused("invalid_json", _("The number %(number)s is too large.",
                                            number=text[:40]))
    return value


def loads(data: bytes | str, *, max_depth: int = MAX_DEPTH):
    """Parse strict JSON, or raise ``JSONRefused``."""
    if isinstance(data, str):
        raw, text = None, data
    else:
        raw = bytes(data)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise JSONRefused("invalid_json", _("The JSON text is not UTF-8.")) from error
    if text.startswith("\ufeff"):
        raise JSONRefused("invalid_json", _("The JSON text starts with a byte order mark."))
    if nesting_depth(raw if raw is not None else text.encode("utf-8", "surrogatepass")) > max_depth:
        raise JSONRefused("json_too_deep", _("The JSON is nested deeper than %(depth)s levels.",
                                             depth=max_depth))
    try:
        value = json.loads(text, object_pairs_hook=_pairs, parse_constant=_constant,
                           parse_float=_float)
    except JSONRefused:
        raise
    except json.JSONDecodeError as error:  # where, not the parser's English words
        raise JSONRefused("invalid_json", _(
            "The request body is not valid JSON (line %(line)s, column %(column)s).",
            line=error.lineno, column=error.colno)) from error
    except (ValueError, RecursionError) as error:
        raise JSONRefused("invalid_json", _("The request body is not valid JSON.")) from error
    try:  # I-JSON: strings must be valid Unicode (no lone surrogates from \\ud800 escapes)
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as error:
        raise JSONRefused("invalid_json",
                          _("The JSON holds an unpaired surrogate escape.")) from error
    return value


class StrictJSONProvider(DefaultJSONProvider):
    """``app.json``: Flask's ``request.get_json()`` reads through ``loads``."""

    def loads(self, s, **kwargs):
        return loads(s)


class StrictRequest(flask.Request):
    """A body ``loads`` refused is the caller's 422, not Flask's bare 400."""

    def on_json_loading_failed(self, e):
        if isinstance(e, JSONRefused):
            raise e
        return super().on_json_loading_failed(e)


class StrictParser(FlaskParser):
    """flask-smorest's argument parser, reading JSON bodies through ``loads``."""

    def _raw_load_json(self, req):
        if not is_json_request(req):
            return webargs_core.missing
        data = req.get_data(cache=True)
        if not data:
            return webargs_core.missing
        return loads(data)


def install_parser() -> None:
    """Make every flask-smorest blueprint parse with ``StrictParser``.

    flask-smorest reads ``ARGUMENTS_PARSER`` when a route is decorated, so this runs when
    ``core.app`` is imported, before any route module."""
    from flask_smorest import Blueprint

    if not isinstance(Blueprint.ARGUMENTS_PARSER, StrictParser):
        Blueprint.ARGUMENTS_PARSER = StrictParser()


def handle_refused(error: JSONRefused):
    return error_response(422, error.code, error.message, {"_schema": [error.message]})


def init_app(app) -> None:
    app.json = StrictJSONProvider(app)
    app.request_class = StrictRequest
    app.register_error_handler(JSONRefused, handle_refused)
