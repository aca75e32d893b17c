"""Bad input gets a clear 422 in the contract's error shape, never a 500."""

import pytest

from factories import give, make_lot, make_org

SHAPE = {"code", "status", "message", "errors"}


@pytest.fixture
def buyer(app):
    seller, buyer = make_org("seller"), make_org("buyer")
    give(seller, buyer, make_lot(seller, 1000), 1000)
    return buyer


@pytest.mark.parametrize("quantity", [1.5, 100.0, "100", -1, 0, True, None, 10**30, [], {}])
def test_bad_quantities_are_422(client, buyer, quantity):
    response = client.post("/api/v1/retirements", headers=buyer.headers, json={
        "purpose": "voluntary", "beneficiary_name": "x", "quantity_kg": quantity})
    assert response.status_code == 422, response.json
    assert set(response.json) == SHAPE and "quantity_kg" in response.json["errors"]


@pytest.mark.parametrize("raw", [b"{", b"not json", b"[1,2", b"\xff\xfe", b'{"a": NaN'])
def test_broken_json_is_422(client, buyer, raw):
    response = client.post("/api/v1/retirements", data=raw, content_type="application/json",
                           headers=buyer.headers)
    assert response.status_code == 422 and set(response.json) == SHAPE


@pytest.mark.parametrize("body", [[], 5, "x", None])
def test_non_object_bodies_are_422(client, buyer, body):
    response = client.post("/api/v1/retirements", json=body, headers=buyer.headers)
    assert response.status_code == 422 and set(response.json) == SHAPE


def test_unknown_fields_and_bad_enums_are_422(client, buyer):
    base = {"purpose": "voluntary", "beneficiary_name": "x", "quantity_kg": 1}
    unknown = client.post("/api/v1/retirements", headers=buyer.headers, json={**base, "foo": 1})
    assert unknown.status_code == 422 and "foo" in unknown.json["errors"]
    purpose = client.post("/api/v1/retirements", headers=buyer.headers,
                          json={**base, "purpose": "fun"})
    assert purpose.status_code == 422
    date = client.post("/api/v1/retirements", headers=buyer.headers,
                       json={**base, "purpose": "pilot_neutrality", "period_start": "2026-13-01",
                             "period_end": "x"})
    assert date.status_code == 422


@pytest.mark.parametrize("url", ["/api/v1/lots?vintage=abc", "/api/v1/lots?page=0",
                                 "/api/v1/ledger?limit=100000", "/api/v1/ledger?after=x",
                                 "/api/v1/retirements?purpose=nope"])
def test_bad_query_strings_are_422(client, url):
    response = client.get(url)
    assert response.status_code == 422 and set(response.json) == SHAPE


def test_unknown_ids_are_404(client):
    for url in ("/api/v1/lots/99999", "/api/v1/retirements/99999", "/api/v1/methodologies/X"):
        response = client.get(url)
        assert response.status_code == 404 and set(response.json) == SHAPE


def test_huge_path_ids_do_not_crash(client):
    assert client.get(f"/api/v1/lots/{10**30}").status_code == 404


@pytest.mark.parametrize("body_id", [2**31, 2**62, 10**30])
def test_ids_beyond_the_id_columns_are_422_not_500(client, buyer, body_id):
    response = client.post("/api/v1/transfers", headers=buyer.headers, json={
        "to_organization_id": body_id, "lot_id": 1, "quantity_kg": 1})
    assert response.status_code == 422 and "to_organization_id" in response.json["errors"]


@pytest.mark.parametrize("path_id", [2**31, 3_000_000_000, 2**63])
def test_path_ids_beyond_the_id_columns_are_404(client, path_id):
    assert client.get(f"/api/v1/lots/{path_id}").status_code == 404
    assert client.get(f"/api/v1/lots?seller_id={path_id}").status_code == 422
