import pytest

from factories import give, make_lot, make_org


@pytest.fixture
def holding(app):
    """A buyer holding 1 000 kg of a 10 000 kg lot (serials 1–1000)."""
    seller, buyer = make_org("seller"), make_org("buyer")
    lot_id = make_lot(seller, 10_000)
    give(seller, buyer, lot_id, 1_000)
    return seller, buyer, lot_id


def retire(client, actor, **body):
    payload = {"purpose": "voluntary", "beneficiary_name": "长春市民张三", "quantity_kg": 100}
    payload.update(body)
    return client.post("/api/v1/retirements", headers=actor.headers, json=payload)


def test_retirement_takes_lowest_serials_and_splits(client, holding):
    seller, buyer, lot_id = holding
    first = retire(client, buyer, quantity_kg=250)
    assert first.status_code == 201, first.json
    body = first.json
    assert body["number"].startswith("JLR-") and body["number"].endswith("-000001")
    assert body["certificate_number"].startswith("JLC-")
    assert body["serials"] == [{"lot_code": "JL-2026-TR-METRO-00001", "serial_start": 1,
                                "serial_end": 250, "quantity_kg": 250,
                                "range": "JL-2026-TR-METRO-00001-000000001-000000250"}]
    second = retire(client, buyer, quantity_kg=100).json
    assert second["serials"][0]["serial_start"] == 251
    lot = client.get(f"/api/v1/lots/{lot_id}").json
    assert lot["retired_kg"] == 350 and lot["available_kg"] == 9_650
    holdings = client.get("/api/v1/holdings", headers=buyer.headers).json
    assert holdings["available_kg"] == 650 and holdings["retired_kg"] == 350
    public = client.get(f"/api/v1/retirements/{body['id']}").json
    assert public["beneficiary_name"] == "长春市民张三" and public["ledger_seq"] == body["ledger_seq"]


def test_cannot_retire_more_than_held(client, holding):
    _, buyer, _ = holding
    response = retire(client, buyer, quantity_kg=1_001)
    assert response.status_code == 409 and response.json["code"] == "insufficient_units"
    assert client.get("/api/v1/holdings", headers=buyer.headers).json["available_kg"] == 1_000


def test_purpose_requirements(client, holding):
    _, buyer, _ = holding
    assert retire(client, buyer, purpose="event_neutrality").status_code == 422
    no_case = retire(client, buyer, purpose="ecological_compensation")
    assert no_case.status_code == 422 and "case_id" in no_case.json["errors"]
    no_period = retire(client, buyer, purpose="organization_operations")
    assert set(no_period.json["errors"]) == {"period_start", "period_end"}
    backwards = retire(client, buyer, purpose="pilot_neutrality", period_start="2026-12-31",
                       period_end="2026-01-01")
    assert backwards.status_code == 422
    ok = retire(client, buyer, purpose="organization_operations", period_start="2026-01-01",
                period_end="2026-12-31")
    assert ok.status_code == 201 and ok.json["period_end"] == "2026-12-31"


def test_idempotency_key_returns_first_result_and_does_nothing_again(client, holding):
    _, buyer, _ = holding
    headers = {**buyer.headers, "Idempotency-Key": "retire-2026-0001"}
    body = {"purpose": "voluntary", "beneficiary_name": "某单位", "quantity_kg": 300}
    first = client.post("/api/v1/retirements", headers=headers, json=body)
    again = client.post("/api/v1/retirements", headers=headers, json=body)
    assert first.status_code == again.status_code == 201
    assert again.json == first.json
    assert client.get("/api/v1/holdings", headers=buyer.headers).json["retired_kg"] == 300
    other = client.post("/api/v1/retirements", headers=headers, json={**body, "quantity_kg": 5})
    assert other.status_code == 409 and other.json["code"] == "idempotency_key_reused"


def test_retire_from_a_named_lot_only(client, holding):
    seller, buyer, lot_id = holding
    other_lot = make_lot(seller, 500, code="TR-BIKE", vintage=2025)
    give(seller, buyer, other_lot, 500)
    oldest_first = retire(client, buyer, quantity_kg=10).json
    assert oldest_first["serials"][0]["lot_code"] == "JL-2025-TR-BIKE-00001"
    named = retire(client, buyer, quantity_kg=10, lot_id=lot_id).json
    assert named["serials"][0]["lot_code"] == "JL-2026-TR-METRO-00001"
    assert retire(client, buyer, lot_id=999).status_code == 422


def test_public_registry_filters(client, holding):
    _, buyer, _ = holding
    retire(client, buyer, beneficiary_name="第十届东北亚博览会", quantity_kg=5)
    retire(client, buyer, purpose="donation", beneficiary_name="吉林省绿色发展基金会", quantity_kg=7)
    page = client.get("/api/v1/retirements?purpose=donation").json
    assert page["total"] == 1 and page["items"][0]["quantity_kg"] == 7
    assert client.get("/api/v1/retirements?beneficiary=博览会").json["total"] == 1
    assert client.get("/api/v1/retirements?lot_code=JL-2026-TR-METRO-00001").json["total"] == 2
    assert client.get("/api/v1/retirements?per_page=101").status_code == 422


def test_transfer_moves_available_units_to_another_holder(client, holding):
    seller, buyer, lot_id = holding
    other = make_org("buyer")
    response = client.post("/api/v1/transfers", headers=buyer.headers, json={
        "to_organization_id": other.id, "lot_id": lot_id, "quantity_kg": 400, "note": "捐赠"})
    assert response.status_code == 201, response.json
    assert response.json["number"].startswith("JLT-")
    assert client.get("/api/v1/holdings", headers=other.headers).json["items"][0] == {
        "lot_id": lot_id, "lot_code": "JL-2026-TR-METRO-00001", "serial_start": 1,
        "serial_end": 400, "quantity_kg": 400, "state": "available"}
    to_self = client.post("/api/v1/transfers", headers=buyer.headers, json={
        "to_organization_id": buyer.id, "lot_id": lot_id, "quantity_kg": 1})
    assert to_self.status_code == 422
    too_much = client.post("/api/v1/transfers", headers=buyer.headers, json={
        "to_organization_id": other.id, "lot_id": lot_id, "quantity_kg": 601})
    assert too_much.status_code == 409
