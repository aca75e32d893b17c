"""§2: a lot exported as CDOP v2 documents validates against the CDOP JSON Schemas
(vendored in tests/data/cdop, draft 2020-12)."""

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from factories import give, make_listing, make_lot, make_org

SCHEMAS = Path(__file__).resolve().parents[1] / "data" / "cdop"


def _validator(name: str) -> Draft202012Validator:
    """A validator for one schema, with every vendored schema in the registry so a
    ``$ref`` from one file to another resolves offline; formats (dates) are checked."""
    resources = []
    for path in SCHEMAS.glob("*.schema.json"):
        contents = json.loads(path.read_text("utf-8"))
        resources.append((path.name, Resource.from_contents(contents, DRAFT202012)))
    registry = Registry().with_resources(resources)
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text("utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, registry=registry,
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


def assert_valid(name: str, document: dict):
    errors = sorted(_validator(name).iter_errors(document), key=lambda e: list(e.path))
    assert errors == [], [f"{list(e.path)}: {e.message}" for e in errors]


@pytest.fixture
def exported(client):
    seller = make_org("seller", name="长春地铁集团")
    buyer = make_org("buyer", name="吉林某机关")
    lot_id = make_lot(seller, 1000)
    make_listing(seller, lot_id, 300, 50_000)
    give(seller, buyer, lot_id, 200)
    assert client.post("/api/v1/retirements", headers=buyer.headers, json={
        "purpose": "voluntary", "beneficiary_name": "张三", "quantity_kg": 100,
        "lot_id": lot_id}).status_code == 201
    code = client.get(f"/api/v1/lots/{lot_id}").json["code"]
    response = client.get(f"/api/v1/exports/cdop/lots/{code}")
    assert response.status_code == 200
    return code, response.json


def test_cdop_export_validates_against_the_cdop_schemas(exported):
    code, body = exported
    assert set(body) == {"project_approach_details", "issuances", "units"}
    assert_valid("Project_Approach_Details", body["project_approach_details"])
    assert_valid("Issuances", body["issuances"])
    for unit in body["units"]:
        assert_valid("Unit_Description", unit)


def test_cdop_export_maps_blocks_retirements_and_issuance(exported):
    code, body = exported
    [issuance] = body["issuances"]["issuance"]["issuance"]
    assert issuance["batch_identifier"] == code
    assert issuance["batch_issued_volume"] == 1000 and issuance["x-tanhui-unit"] == "kgCO2e"
    units = {u["unit"]["x-tanhui-state"]: u["unit"] for u in body["units"]}
    assert set(units) == {"listed", "retired", "available"}
    assert [u["unit"]["credit_block"][0]["quantity"] for u in body["units"]] == [300, 100, 100, 500]
    retired = units["retired"]
    assert retired["status"] == [{"status": "Retired", "is_current": True}]
    assert retired["retirement"][0]["retirement_beneficiary"] == "张三"
    assert retired["retirement"][0]["x-tanhui-retirement"]["number"].startswith("JLR-")
    assert retired["reference"][0]["serial_number"] == f"{code}-000000301-000000400"
    assert units["listed"]["status"][0]["status"] == "Active"
    # Every Chinese-specific member is an x- extension, never a CDOP field renamed.
    details = body["project_approach_details"]
    assert details["x-tanhui-registry"]["region"] == "220000"
    assert details["project"]["project_id"] == body["units"][0]["project"][
        "current_registry_project_id"]


def test_cdop_export_of_an_unknown_lot_is_404(client):
    response = client.get("/api/v1/exports/cdop/lots/JL-2026-NONE-00001")
    assert response.status_code == 404 and response.json["code"] == "not_found"


def test_the_gate_record_travels_in_the_export(client, exported):
    code, body = exported
    assert body["issuances"]["issuance"]["issuance"][0]["x-tanhui-claim-check"] is None


def test_a_fully_retired_lot_exports_valid_cdop_by_its_code_in_any_case(client):
    """An outside registry may type the code in lower case (the lot pages accept it); a lot
    whose every unit is retired still exports documents the CDOP schemas accept."""
    seller = make_org("seller", name="长春地铁集团")
    lot_id = make_lot(seller, 500)
    assert client.post("/api/v1/retirements", headers=seller.headers, json={
        "purpose": "voluntary", "beneficiary_name": "李四", "quantity_kg": 500,
        "lot_id": lot_id}).status_code == 201
    code = client.get(f"/api/v1/lots/{lot_id}").json["code"]
    response = client.get(f"/api/v1/exports/cdop/lots/{code.lower()}")
    assert response.status_code == 200, response.json
    body = response.json
    assert body == client.get(f"/api/v1/exports/cdop/lots/{code}").json
    assert_valid("Project_Approach_Details", body["project_approach_details"])
    assert_valid("Issuances", body["issuances"])
    for unit in body["units"]:
        assert_valid("Unit_Description", unit)
    assert [u["unit"]["x-tanhui-state"] for u in body["units"]] == ["retired"]
    claim = client.get(f"/api/v1/interop/claim-checks/lots/{code.lower()}")
    assert claim.status_code == 200 and claim.json["claim_check"] is None
