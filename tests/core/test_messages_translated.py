"""Every message a person or an API client reads follows its language (API.md
"Conventions"; STYLE.md "Pages and forms"): the ``code`` never changes, the ``message`` and
the field messages are Chinese by default and English on ``Accept-Language: en``.

Two checks: a sample of real API errors from every package, asked in both languages; and a
scan of the sources that no error a person can read is raised with a bare English literal.
"""

import ast
import io
import re
from pathlib import Path

from tests.factories import make_org

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("core", "market", "tlog", "certificates", "events", "cases", "interop")
CJK = re.compile("[\u3400-\u9fff]")
EN = {"Accept-Language": "en"}


def both(client, method: str, path: str, headers=None, **kwargs):
    """The same request in Chinese (the default) and in English."""
    call = getattr(client, method)
    return call(path, headers=headers or {}, **kwargs), call(path, headers={**(headers or {}), **EN},
                                                             **kwargs)


def assert_translated(zh: str, en: str):
    assert CJK.search(zh), zh
    assert not CJK.search(en), en
    assert zh != en


def assert_answer_translated(zh, en, status: int, code: str):
    assert zh.status_code == en.status_code == status, (zh.json, en.json)
    assert zh.json["code"] == en.json["code"] == code
    assert_translated(zh.json["message"], en.json["message"])


def test_core_strict_json_and_text_rule(client):
    buyer = make_org("buyer")
    zh, en = both(client, "post", "/api/v1/retirements", buyer.headers,
                  data=b'{"quantity_kg": 1, "quantity_kg": 2}', content_type="application/json")
    assert_answer_translated(zh, en, 422, "duplicate_json_member")
    zh, en = both(client, "post", "/api/v1/retirements", buyer.headers,
                  data=b'{"quantity_kg": ', content_type="application/json")
    assert_answer_translated(zh, en, 422, "invalid_json")
    zh, en = both(client, "get", "/api/v1/lots?q=a%01b", buyer.headers)
    assert_answer_translated(zh, en, 422, "validation_error")
    assert_translated(zh.json["errors"]["q"][0], en.json["errors"]["q"][0])


def test_marshmallow_messages_with_values(client):
    """OneOf, Range and Length are formatted by marshmallow; they still come out in the
    reader's language, the allowed codes listed as codes."""
    buyer = make_org("buyer")
    body = {"purpose": "nope", "quantity_kg": 0, "beneficiary_name": "x" * 500}
    zh, en = both(client, "post", "/api/v1/retirements", buyer.headers, json=body)
    assert_answer_translated(zh, en, 422, "validation_error")
    for field in ("purpose", "quantity_kg", "beneficiary_name"):
        assert_translated(zh.json["errors"][field][0], en.json["errors"][field][0])
    assert en.json["errors"]["purpose"][0].startswith("Must be one of: ")
    assert zh.json["errors"]["purpose"][0].startswith("须为以下之一：")
    assert "voluntary" in zh.json["errors"]["purpose"][0]  # the codes a client may send
    assert zh.json["errors"]["quantity_kg"] == ["须大于等于 1 且小于等于 1000000000000。"]


def test_market_errors(client):
    buyer = make_org("buyer")
    zh, en = both(client, "get", "/api/v1/retirements/999999", buyer.headers)
    assert_answer_translated(zh, en, 404, "not_found")


def test_cases_errors(client):
    court = make_org("case_authority", kind="court")
    zh, en = both(client, "get", "/api/v1/compensation-cases/999999", court.headers)
    assert_answer_translated(zh, en, 404, "not_found")
    bureau = make_org("case_authority", kind="enterprise")
    zh, en = both(client, "post", "/api/v1/compensation-cases", bureau.headers, json={
        "case_number": "（2026）吉0102民初1号", "authority_name": "某法院",
        "judgment_date": "2026-01-05", "due_date": "2026-01-01", "required_kg": 1000,
        "obligor": {"name": "张三", "id_number": "12345"},
        "damage": {"description": "砍伐", "measured_loss_kg": 500, "measuring_agency": "某所",
                   "report_number": "R-1", "multiplier": "x"}})
    assert_answer_translated(zh, en, 422, "validation_error")
    for field in ("id_number",):
        assert_translated(zh.json["errors"]["obligor"][field][0],
                          en.json["errors"]["obligor"][field][0])
    assert_translated(zh.json["errors"]["damage"]["multiplier"][0],
                      en.json["errors"]["damage"]["multiplier"][0])


def test_events_errors(client):
    zh, en = both(client, "get", "/api/v1/factor-sets/XX-XX-2026.9")
    assert_answer_translated(zh, en, 404, "not_found")
    host = make_org("buyer", kind="event_host")
    zh, en = both(client, "post", "/api/v1/events", host.headers, json={
        "name": "会", "kind": "conference", "venue": "馆", "city": "长春",
        "start_date": "2026-05-02", "end_date": "2026-05-01", "expected_attendees": 10})
    assert_answer_translated(zh, en, 422, "validation_error")
    assert_translated(zh.json["errors"]["end_date"][0], en.json["errors"]["end_date"][0])


def test_tlog_errors(client):
    zh, en = both(client, "get", "/api/v1/transparency/proofs/inclusion?index=5&tree_size=2")
    assert_answer_translated(zh, en, 422, "validation_error")
    assert_translated(zh.json["errors"]["index"][0], en.json["errors"]["index"][0])
    zh, en = both(client, "get", "/api/v1/transparency/proofs/inclusion?index=0&tree_size=9999")
    assert_answer_translated(zh, en, 404, "not_found")


def test_certificates_errors(client):
    zh, en = (client.post("/api/v1/certificates/verification", headers=headers,
                          data={"file": (io.BytesIO(b"neither"), "x.txt")},
                          content_type="multipart/form-data") for headers in ({}, EN))
    assert_answer_translated(zh, en, 422, "validation_error")
    zh, en = both(client, "post", "/api/v1/certificates/verification", json=[1])
    assert zh.status_code == en.status_code == 200
    assert_translated(zh.json["errors"][0], en.json["errors"][0])


def test_people_errors(client):
    zh, en = both(client, "get", "/api/v1/holdings", {"Authorization": "Bearer nope"})
    assert_answer_translated(zh, en, 401, "unauthorized")


# -- No bare English raised where a person reads it ---------------------------------------

#: Errors whose message reaches a person: every DomainError subclass (found below by
#: walking class definitions), marshmallow's ValidationError, and the refusals turned into
#: answers by hand (``JSONRefused``: its message is the second argument;
#: ``NotACertificatePdf``: re-raised as ``Invalid(str(error))``).
MESSAGE_ARGUMENT = {"ValidationError": 0, "JSONRefused": 1, "NotACertificatePdf": 0}

#: Files whose literal raises are known and left, with why. Internal errors that never
#: reach a person (``market.replay.IllegalHistory``, ``tlog.monitor`` ``Violation`` /
#: ``Unreadable``, ``tlog.signed_note`` ``ValueError``s, the offline verifier's ``Offline`` /
#: ``Unreadable``) are not DomainErrors and so are not scanned at all.
ALLOWED: dict[str, str] = {}


def _sources():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            yield rel, ast.parse(path.read_text("utf-8"))


def _error_classes(trees) -> set[str]:
    """Names of DomainError and every class deriving from it, across the packages."""
    bases = {}
    for _, tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                bases.setdefault(node.name, set()).update(
                    b.id if isinstance(b, ast.Name) else b.attr
                    for b in node.bases if isinstance(b, (ast.Name, ast.Attribute)))
    found, grew = {"DomainError"}, True
    while grew:
        grew = False
        for name, parents in bases.items():
            if name not in found and parents & found:
                found.add(name)
                grew = True
    return found


def _is_literal(node) -> bool:
    """English text written in place: a string, an f-string, or text glued or formatted."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _is_literal(node.left) or _is_literal(node.right)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
            and node.func.attr == "format":
        return _is_literal(node.func.value)
    return False


def _literals_in_errors(node) -> list:
    """Field messages written in place in an ``errors`` dict (nested dicts too)."""
    found = []
    if isinstance(node, ast.Dict):
        for value in node.values:
            if isinstance(value, (ast.List, ast.Tuple)):
                found += [item for item in value.elts if _is_literal(item)]
            found += _literals_in_errors(value)
    return found


def bare_raises(allowed=ALLOWED) -> list[str]:
    trees = list(_sources())
    classes = _error_classes(trees)
    offences = []
    for rel, tree in trees:
        if rel in allowed:
            continue
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            func = node.exc.func
            name = func.id if isinstance(func, ast.Name) else \
                func.attr if isinstance(func, ast.Attribute) else None
            if name not in classes and name not in MESSAGE_ARGUMENT:
                continue
            args = node.exc.args
            position = MESSAGE_ARGUMENT.get(name, 0)
            message = args[position] if len(args) > position else next(
                (k.value for k in node.exc.keywords if k.arg == "message"), None)
            rest = args[position + 1:]
            if message is not None and (_is_literal(message) or _literals_in_errors(message)) \
                    or any(_literals_in_errors(arg) for arg in rest):
                offences.append(f"{rel}:{node.lineno}: raise {name}(…English literal…)")
    return offences


def test_no_error_a_person_reads_is_raised_with_bare_english():
    assert bare_raises() == []


def test_the_scan_finds_what_it_looks_for():
    tree = ast.parse('raise Invalid("Plain.", {"f": [_("ok")]})\n'
                     'raise Invalid(_("ok"), {"f": {"g": ["Plain."]}})\n'
                     'raise JSONRefused("invalid_json", f"{x} broke.")\n'
                     'raise JSONRefused("invalid_json", _("ok"))\n'
                     'raise ValidationError(_("ok"), "field")\n')
    raises = [node.exc for node in ast.walk(tree) if isinstance(node, ast.Raise)]
    assert _is_literal(raises[0].args[0]) and not _is_literal(raises[1].args[0])
    assert _literals_in_errors(raises[1].args[1])
    assert _is_literal(raises[2].args[1]) and not _is_literal(raises[3].args[1])
    assert not _is_literal(raises[4].args[0])
    # No stale allowance: each allowed file still holds what it is allowed for.
    unallowed = bare_raises(allowed={})
    assert all(any(line.startswith(f"{rel}:") for line in unallowed) for rel in ALLOWED)
