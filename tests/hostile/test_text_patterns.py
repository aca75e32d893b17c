"""The OpenAPI document tells the truth about what the API refuses (issue 15): the text
rule as ``pattern``s, the file formats of ``?format=``, the verification body, and the
inputs the Schemathesis run (test_schemathesis.py) found refused but undocumented."""

import re

import jsonschema_rs
from hypothesis import given, settings
from hypothesis import strategies as st

from core import text
from core.text_patterns import pattern

KINDS = (text.SINGLE_LINE, text.MULTI_LINE, text.NAME)
# BMP text without surrogates (no JSON string holds one) and without the joiner (the one
# documented difference: the names' pattern refuses every joiner).
BMP = st.text(st.characters(max_codepoint=0xFFFF, exclude_categories=("Cs",),
                            exclude_characters="\u200d"), max_size=12)


@settings(max_examples=300, derandomize=True, database=None, deadline=None)
@given(value=BMP, kind=st.sampled_from(KINDS))
def test_each_pattern_accepts_exactly_what_the_text_rule_accepts(value, kind):
    accepted = jsonschema_rs.validator_for({"type": "string", "pattern": pattern(kind)})
    assert accepted.is_valid(value) == (text.problem(value, kind) is None)


def test_the_patterns_are_ecma_262_and_python_alike():
    for kind in KINDS:
        jsonschema_rs.validator_for({"type": "string", "pattern": pattern(kind)})
        compiled = re.compile(pattern(kind))
        assert compiled.search("长春 Changchun 2026") and not compiled.search("a\x00b")
        assert not compiled.search("\u202eevil")
    assert re.search(pattern(text.MULTI_LINE), "第一行\n第二行\t")
    assert not re.search(pattern(text.NAME), "吉林\u200b碳汇")


def spec_of(client) -> dict:
    return client.get("/api/v1/openapi.json").json


def test_input_strings_carry_the_rule_and_outputs_do_not(client):
    schemas = spec_of(client)["components"]["schemas"]
    assert schemas["OrganizationIn"]["properties"]["name"]["pattern"] == pattern(text.NAME)
    assert schemas["RetirementIn"]["properties"]["note"]["pattern"] == pattern(text.MULTI_LINE)
    assert schemas["EventIn"]["properties"]["venue"]["pattern"] == pattern(text.SINGLE_LINE)
    assert "pattern" not in schemas["OrganizationOut"]["properties"]["name"]
    query = {p["name"]: p["schema"] for p in
             spec_of(client)["paths"]["/api/v1/retirements"]["get"]["parameters"]}
    assert query["beneficiary"]["pattern"] == pattern(text.NAME)
    assert re.search(query["serial"]["pattern"], "JL-2026-FOR-00001-000012345")
    assert not re.search(query["serial"]["pattern"], "engine")


# Inputs of the Schemathesis run, refused (rightly) but then allowed by the document.
def test_a_name_with_a_control_character_is_refused_and_documented_as_such(client):
    from factories import make_org

    admin = make_org("registry_admin", kind="registry")
    response = client.post("/api/v1/organizations", headers=admin.headers, json={
        "name": "\u000f\u00e6,", "roles": ["seller"], "kind": "enterprise"})
    assert response.status_code == 422 and "name" in response.json["errors"]
    assert not re.search(pattern(text.NAME), "\u000f\u00e6,")


def test_a_serial_that_is_not_one_is_refused_and_documented_as_such(client):
    response = client.get("/api/v1/retirements?serial=engine")
    assert response.status_code == 422 and "serial" in response.json["errors"]


def test_footprint_quantities_are_documented_as_numbers(client):
    schemas = spec_of(client)["components"]["schemas"]
    inputs = schemas["FootprintInputs"]["properties"]
    kwh = inputs["electricity_kwh"]
    assert kwh["type"] == "number" and kwh["minimum"] == 0
    assert re.search(schemas["Factor_electricity"]["properties"]["value"]["pattern"], "0.4671")


def test_exports_and_the_verification_body_are_documented(client):
    paths = spec_of(client)["paths"]
    for path in ("/api/v1/lots", "/api/v1/retirements"):
        content = paths[path]["get"]["responses"]["200"]["content"]
        assert {"application/json", "text/csv"} <= set(content)
    lots_csv = client.get("/api/v1/lots?format=csv")
    assert lots_csv.mimetype == "text/csv"
    body = paths["/api/v1/certificates/verification"]["post"]["requestBody"]["content"]
    assert body["multipart/form-data"]["schema"]["required"] == ["file"]
    missing = client.post("/api/v1/certificates/verification")
    assert missing.status_code == 422 and "file" in missing.json["errors"]


def test_a_nullable_nested_object_is_that_object_or_null(client):
    """Schemathesis sent ``"retirement": {"\\u001a\\u00f8": …}``: the document's any-object
    branch of the nullable ``retirement`` allowed it, the API (rightly) refused it."""
    from factories import make_org

    branches = spec_of(client)["components"]["schemas"]["OrderIn"]["properties"]["retirement"]
    assert {"type": "object", "nullable": True, "enum": [None]} in branches["anyOf"]
    buyer = make_org("buyer")
    response = client.post("/api/v1/orders", headers=buyer.headers, json={
        "payment_method": "bank_transfer", "retirement": {"\u001a\u00f8": -3.7e16},
        "items": [{"quantity_kg": 1000, "listing_id": 1}]})
    assert response.status_code == 422 and "retirement" in response.json["errors"]
