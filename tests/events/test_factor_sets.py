"""Factor sets as versioned data: the built-in set on first use, new versions from the
registry administrator (API and CLI), immutability, and footprints and certificates that
keep the version they were made with."""

import copy
import json
from datetime import date

import pytest
import sqlalchemy as sa

from core.db import db
from events.factors import load_builtin
from factories import make_event, make_org, on_china_date


def new_version(version="CN-JL-2026.2", electricity="0.5"):
    document = copy.deepcopy(load_builtin())
    document.update(version=version, published="2026-12-01")
    document["factors"]["electricity"]["value"] = electricity
    return document


def test_builtin_set_is_current_on_a_fresh_registry(client, app):
    body = client.get("/api/v1/factor-sets/current").json
    assert body["version"] == "CN-JL-2026.1" and body["current"] is True
    factor = body["document"]["factors"]["electricity"]
    assert factor["value"] == "0.4671" and factor["publisher"].startswith("生态环境部")
    assert body["document_hash"].startswith("sha256:")
    assert client.get("/api/v1/factor-sets").json["total"] == 1  # stored once
    assert client.get("/api/v1/factor-sets/CN-JL-2099.9").status_code == 404
    for statement in ("UPDATE factor_sets SET document_hash = 'x'", "DELETE FROM factor_sets"):
        with pytest.raises(sa.exc.DBAPIError):  # versions are immutable in the database too
            with db.engine.begin() as connection:
                connection.execute(sa.text(statement))


def test_admin_publishes_a_version_that_becomes_current(client, app):
    admin, buyer = make_org("registry_admin"), make_org("buyer")
    document = new_version()
    assert client.post("/api/v1/factor-sets", json=document).status_code == 401
    assert client.post("/api/v1/factor-sets", headers=buyer.headers,
                       json=document).status_code == 403
    created = client.post("/api/v1/factor-sets", headers=admin.headers, json=document)
    assert created.status_code == 201, created.json
    assert client.get("/api/v1/factor-sets/current").json["version"] == "CN-JL-2026.2"
    old = client.get("/api/v1/factor-sets/CN-JL-2026.1").json
    assert old["current"] is False
    assert old["document"]["factors"]["electricity"]["value"] == "0.4671"
    again = client.post("/api/v1/factor-sets", headers=admin.headers,
                        json=new_version(electricity="0.6"))
    assert again.status_code == 409 and again.json["code"] == "factor_set_exists"
    builtin = client.post("/api/v1/factor-sets", headers=admin.headers, json=load_builtin())
    assert builtin.status_code == 409
    assert client.get("/api/v1/factor-sets").json["total"] == 2


INVALID = [
    lambda d: d["factors"]["electricity"].update(value=0.5),  # a float, not decimal text
    lambda d: d["factors"]["electricity"].update(value="-1"),
    lambda d: d["factors"]["electricity"].update(unit="t CO2e/kWh"),
    lambda d: d["factors"].pop("waste"),
    lambda d: d.update(version="2026.2"),
    lambda d: d.update(extra=True),
]


def test_invalid_factor_sets_are_422(client, app):
    admin = make_org("registry_admin")
    for change in INVALID:
        document = new_version()
        change(document)
        response = client.post("/api/v1/factor-sets", headers=admin.headers, json=document)
        assert response.status_code == 422, response.json
    assert client.post("/api/v1/factor-sets", headers=admin.headers, json=[]).status_code == 422
    assert client.get("/api/v1/factor-sets/current").json["version"] == "CN-JL-2026.1"


def test_new_set_changes_no_existing_footprint_or_certificate(client, app):
    admin, host = make_org("registry_admin"), make_org("buyer")
    on_china_date(date(2026, 5, 1))
    event_id = make_event(host)
    url = f"/api/v1/events/{event_id}"
    first = client.post(f"{url}/footprints", headers=host.headers,
                        json={"stage": "estimate", "inputs": {"electricity_kwh": 10_000}}).json
    number = client.post(f"{url}/commitment", headers=host.headers).json[
        "commitment_certificate_number"]
    before = client.get(f"/api/v1/certificates/{number}").json["credential"]

    client.post("/api/v1/factor-sets", headers=admin.headers, json=new_version())

    listed = client.get(f"{url}/footprints").json["items"]
    assert listed[0] == first and first["factor_set"] == "CN-JL-2026.1"
    assert client.get(f"/api/v1/certificates/{number}").json["credential"] == before
    assert client.post("/api/v1/certificates/verification", json=before).json["verified"]
    second = client.post(f"{url}/footprints", headers=host.headers,
                         json={"stage": "estimate", "inputs": {"electricity_kwh": 10_000}}).json
    assert (second["factor_set"], second["total_kg"]) == ("CN-JL-2026.2", 5_000)
    assert client.get(url).json["required_kg"] == 5_000


def test_cli_loads_a_version_and_refuses_bad_files(runner, app, tmp_path):
    good = tmp_path / "good.json"
    good.write_text(json.dumps(new_version(), ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(args=["factors", "load", str(good)])
    assert result.exit_code == 0, result.output
    assert "CN-JL-2026.2" in result.output
    assert runner.invoke(args=["factors", "load", str(good)]).exit_code == 1  # immutable
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"version": "CN-JL-2026.3"}), encoding="utf-8")
    refused = runner.invoke(args=["factors", "load", str(bad)])
    assert refused.exit_code == 1 and "factors" in refused.output
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    assert runner.invoke(args=["factors", "load", str(broken)]).exit_code == 1
    listing = runner.invoke(args=["factors", "list"])
    assert listing.output.splitlines()[0].startswith("CN-JL-2026.2")
