from factories import make_methodology, make_org


def submit(client, seller, **overrides):
    body = {"methodology_code": "TR-METRO", "vintage": 2026, "period_start": "2026-01-01",
            "period_end": "2026-06-30", "quantity_kg": 5000, "evidence": {"rides": 12}}
    body.update(overrides)
    return client.post("/api/v1/issuance-requests", headers=seller.headers, json=body)


def test_full_issuance_flow_creates_lot_with_one_available_block(client):
    admin, seller = make_org("registry_admin"), make_org("seller")
    verifier = make_org("verifier", kind="verifier")
    make_methodology()
    request = submit(client, seller)
    assert request.status_code == 201 and request.json["status"] == "submitted"
    rid = request.json["id"]
    verified = client.post(f"/api/v1/issuance-requests/{rid}/verification", headers=verifier.headers,
                           json={"decision": "approved", "verified_kg": 4800, "report_ref": "JLHZ-1"})
    assert verified.status_code == 200, verified.json
    assert verified.json["status"] == "verified"
    lot = client.post(f"/api/v1/issuance-requests/{rid}/issuance", headers=admin.headers)
    assert lot.status_code == 201
    assert lot.json["code"] == "JL-2026-TR-METRO-00001"
    assert lot.json["issued_kg"] == lot.json["available_kg"] == 4800
    assert lot.json["listed_kg"] == lot.json["reserved_kg"] == lot.json["retired_kg"] == 0
    again = client.post(f"/api/v1/issuance-requests/{rid}/issuance", headers=admin.headers)
    assert again.status_code == 409
    holdings = client.get("/api/v1/holdings", headers=seller.headers).json
    assert holdings["items"] == [{"lot_id": lot.json["id"], "lot_code": "JL-2026-TR-METRO-00001",
                                  "serial_start": 1, "serial_end": 4800, "quantity_kg": 4800,
                                  "state": "available"}]
    assert client.get(f"/api/v1/lots/{lot.json['id']}").json["seller_id"] == seller.id
    ledger = client.get("/api/v1/ledger").json["items"]
    assert [(e["seq"], e["type"], e["serial_start"], e["serial_end"]) for e in ledger] == \
        [(0, "issue", 1, 4800)]


def test_verified_kg_above_claim_is_422_and_rejection_blocks_issuance(client):
    admin, seller, verifier = make_org("registry_admin"), make_org("seller"), make_org("verifier")
    make_methodology()
    rid = submit(client, seller).json["id"]
    url = f"/api/v1/issuance-requests/{rid}/verification"
    too_much = client.post(url, headers=verifier.headers,
                           json={"decision": "approved", "verified_kg": 5001, "report_ref": "r"})
    assert too_much.status_code == 422 and "verified_kg" in too_much.json["errors"]
    rejected = client.post(url, headers=verifier.headers,
                           json={"decision": "rejected", "report_ref": "r"})
    assert rejected.json["status"] == "rejected"
    issue = client.post(f"/api/v1/issuance-requests/{rid}/issuance", headers=admin.headers)
    assert issue.status_code == 409


def test_unverified_request_cannot_be_issued(client):
    admin, seller = make_org("registry_admin"), make_org("seller")
    make_methodology()
    rid = submit(client, seller).json["id"]
    assert client.post(f"/api/v1/issuance-requests/{rid}/issuance",
                       headers=admin.headers).status_code == 409


def test_issuance_request_rules(client):
    seller = make_org("seller")
    make_methodology()
    make_methodology("TR-DRAFT", status="draft")
    assert submit(client, seller, methodology_code="NOPE").status_code == 422
    assert submit(client, seller, methodology_code="TR-DRAFT").status_code == 422
    assert submit(client, seller, period_end="2025-01-01").status_code == 422
    assert submit(client, seller, vintage=2024).status_code == 422
    buyer = make_org("buyer")
    assert submit(client, buyer).status_code == 403


def test_methodologies_are_public_and_codes_unique(client):
    admin = make_org("registry_admin")
    body = {"code": "HS-SORT", "title_zh": "垃圾分类", "title_en": "Waste sorting",
            "scenario": "housing", "version": "1.0", "status": "filed"}
    assert client.post("/api/v1/methodologies", headers=admin.headers, json=body).status_code == 201
    assert client.post("/api/v1/methodologies", headers=admin.headers, json=body).status_code == 409
    bad = client.post("/api/v1/methodologies", headers=admin.headers, json={**body, "code": "x y"})
    assert bad.status_code == 422
    listed = client.get("/api/v1/methodologies").json
    assert [m["code"] for m in listed] == ["HS-SORT"]
