"""A bounded Schemathesis run over every operation of ``GET /api/v1/openapi.json``
(issue 15), against the Flask app (WSGI): positive data without a token, with a registry
administrator's and with a buyer's token; negative data with the administrator's.
Path ids are half the time those of seeded objects, so the use cases run too.

Checks on every response: no 5xx, status code, content type and body as documented.
On positive data also: refused only with 401/403/404/409 or a 422 for a domain rule
JSON Schema cannot state, and never for the text rule (``text_rule_documented``: the
``pattern``s of core/text_patterns.py describe it). Deterministic (Hypothesis
``derandomize``, no example database), so CI sees the same cases every time.

Schemathesis' pytest plugin fails under pytest 9, so this drives Hypothesis itself: one
``@given(case=operation.as_strategy(...))`` per operation and run. Operations added later
are covered by the same loop; one Schemathesis cannot load or generate data for (it
reports an error) fails the test, naming it. Multipart bodies (the verification upload)
are generated like any other. docs/hostile-input.md has the figures and how to run it.
"""

import time
import unicodedata

import hypothesis
import pytest
import schemathesis
import sqlalchemy as sa
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from core.db import db
from factories import give, make_event, make_listing, make_lot, make_methodology, make_org

# (token, data, cases): positive data without a token and with each role's token (the
# administrator's gets past every role check to the use cases), negative data with the
# administrator's (the one token that reaches every schema).
RUNS = [("none", GenerationMode.POSITIVE, 4), ("registry_admin", GenerationMode.POSITIVE, 6),
        ("buyer", GenerationMode.POSITIVE, 3), ("registry_admin", GenerationMode.NEGATIVE, 4)]
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
# Data the document calls valid is accepted, or refused only for who asks (401/403), for
# what it names (404: no such object), for the state it is in (409) or for a domain rule
# JSON Schema cannot state (422: a leaf index below the tree size, a recipient that
# exists, a deadline not passed, a credit code's check digit). The text rule is not
# such a rule: ``text_rule_documented`` fails any 422 of positive data that cites it.
CONFIG = SchemathesisConfig.from_dict({"checks": {"positive_data_acceptance": {
    "expected-statuses": ["2xx", 401, 403, 404, 409, 422]}}})
# The text rule's refusals (core/text.py), in English: the run asks for English.
TEXT_RULE = ("which is not allowed here", "Contains an invisible character",
             "Contains a character that cannot be printed")


def _messages(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for inner in value.values():
            yield from _messages(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _messages(inner)


@schemathesis.check
def text_rule_documented(ctx, response, case):
    """Schema-valid data is never refused for the text rule: the OpenAPI ``pattern``s
    (core/text_patterns.py) describe it."""
    if response.status_code != 422 or case.meta is None \
            or not case.meta.generation.mode.is_positive:
        return None
    errors = response.json().get("errors") or {}
    cited = [message for message in _messages(errors) if any(rule in message for rule in TEXT_RULE)]
    if cited:
        raise AssertionError(f"schema-valid data refused by the text rule: {cited}")
    return None


@pytest.fixture
def app_config():
    """No rate limits: the run sends hundreds of requests a minute from one address."""
    return {"RATELIMIT_ENABLED": False}


def _seed(client) -> tuple[dict, dict]:
    """A little of everything, so path ids also name real objects: the headers of each
    run (English, so ``text_rule_documented`` can read the messages) and the seeded
    value(s) of each path parameter name."""
    admin = make_org("registry_admin", kind="registry")
    buyer = make_org("buyer")
    seller = make_org("seller")
    make_methodology()
    lot = make_lot(seller, 50_000)
    give(seller, buyer, lot, 5_000)
    listing = make_listing(seller, lot, 10_000, 12_000)
    event = make_event(make_org("event_host"))
    retirement = client.post("/api/v1/retirements", headers=buyer.headers, json={
        "purpose": "voluntary", "beneficiary_name": "长春市机关事务管理局", "quantity_kg": 1_000})
    assert retirement.status_code == 201, retirement.json
    english = {"Accept-Language": "en"}
    tokens = {"none": english, "registry_admin": {**admin.headers, **english},
              "buyer": {**buyer.headers, **english}}
    ids = {"org_id": [admin.id, buyer.id, seller.id], "lot_id": [lot], "listing_id": [listing],
           "event_id": [event], "code": ["TR-METRO"], "retirement_id": [retirement.json["id"]],
           "number": [retirement.json["certificate_number"]], "list_id": [1],
           "request_id": [_first_id("issuance_requests")]}
    return tokens, ids


def _first_id(table: str) -> int:
    return db.session.execute(sa.text(f"SELECT min(id) FROM {table}")).scalar_one()


def _operations(schema):
    """Every operation, the token routes last (a DELETE of a token may sign us out)."""
    operations, errors = [], []
    for result in schema.get_all_operations():
        try:
            operations.append(result.ok())
        except Exception as error:  # schemathesis reports a schema it cannot load
            errors.append(error)
    assert not errors, errors
    return sorted(operations, key=lambda op: (op.path.startswith("/api/v1/tokens"),
                                              op.method.upper() == "DELETE"))


def _printable(value):
    """``value`` (a JSON value) with each private-use or unassigned code point beyond the
    BMP replaced by 字. Names refuse them, but the names' ``pattern`` cannot say so
    (core/text_patterns.py: Schemathesis rewrites astral characters of a pattern into
    ``\\U`` escapes its own ECMA-262 check rejects), so positive data must not hold them."""
    if isinstance(value, str):
        return "".join("字" if ord(char) > 0xFFFF and unicodedata.category(char) in ("Co", "Cn")
                       else char for char in value)
    if isinstance(value, dict):
        return {_printable(key): _printable(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [_printable(inner) for inner in value]
    return value


def _printable_case(case):
    if isinstance(case.body, (dict, list, str)):
        case.body = _printable(case.body)
    if case.query:
        case.query = _printable(case.query)
    return case


def _strategy(operation, mode: GenerationMode, ids: dict):
    """Generated cases, and as many again whose path parameters name seeded objects."""
    generated = operation.as_strategy(generation_mode=mode)
    if mode is not GenerationMode.POSITIVE:
        return generated
    names = [parameter.name for parameter in operation.path_parameters]
    if names and all(name in ids for name in names):
        seeded = st.fixed_dictionaries({name: st.sampled_from(ids[name]) for name in names})
        generated = st.one_of(generated, seeded.flatmap(
            lambda values: operation.as_strategy(generation_mode=mode, path_parameters=values)))
    return generated.map(_printable_case)


def _negatable(operation) -> bool:
    """Whether the operation takes a body or query parameters: negative data elsewhere
    (path segments) is only ever a 404, and for a free string segment Hypothesis spends
    seconds proving that no segment is invalid."""
    return "requestBody" in operation.definition.raw or bool(operation.query)


def run_operation(operation, mode: GenerationMode, headers: dict, ids: dict,
                  examples: int) -> int:
    """Run one operation's cases; the number of cases sent."""
    sent = []
    if mode is GenerationMode.NEGATIVE and not _negatable(operation):
        return 0

    @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
              print_blob=False)
    @given(case=_strategy(operation, mode, ids))
    def check(case):
        response = case.call(headers=headers)
        sent.append(response.status_code)
        checks = CHECKS + ([positive_data_acceptance, text_rule_documented]
                           if mode is GenerationMode.POSITIVE else [])
        case.validate_response(response, checks=checks, headers=headers)

    try:
        check()
    except hypothesis.errors.Unsatisfiable:
        # Nothing in this operation can be made invalid (no parameters, free strings).
        assert mode is GenerationMode.NEGATIVE and not sent
    return len(sent)


def test_every_operation_conforms_and_never_fails(app, client):
    tokens, ids = _seed(client)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=CONFIG)
    started, cpu = time.monotonic(), time.process_time()
    cases, operations, failures = 0, _operations(schema), []
    for operation in operations:
        for role, mode, examples in RUNS:
            try:
                cases += run_operation(operation, mode, tokens[role], ids, examples)
            except (Exception, BaseExceptionGroup) as failure:  # report every operation's
                failures.append(f"{operation.method.upper()} {operation.path} "
                                f"({role}, {mode.value}): {failure}")
    assert not failures, "\n\n".join(failures)
    # The figures of docs/hostile-input.md (pytest -s shows them).
    print(f"\nschemathesis {schemathesis.SCHEMATHESIS_VERSION}: {len(operations)} operations, "
          f"{cases} cases, 0 failures, {time.monotonic() - started:.1f} s "
          f"({time.process_time() - cpu:.1f} s CPU)")
    assert len(operations) >= 60 and cases >= len(operations) * 10
