"""以碳代偿 end to end: a court opens a case, the obligor's organisation covers part from
its holdings, the rest is bought and retired through the payment link by bank transfer,
and the fulfilled case gets a compensation certificate that verifies."""

import pytest

from factories import case_body, give, make_authority, make_listing, make_lot, make_org

DOCUMENTS = [
    {"kind": "commitment_letter", "title": "认购碳汇承诺书", "reference": "(2026)吉01民初123号-1"},
    {"kind": "loss_assessment_opinion", "title": "碳汇损失评估意见书",
     "reference": "吉林调评〔2026〕12号"},
]


@pytest.fixture
def world(app):
    seller, admin = make_org("seller"), make_org("registry_admin")
    court = make_authority(name="长春市中级人民法院")
    obligor = make_org("buyer", name="吉林松柏林业有限公司")
    lot = make_lot(seller, 20_000)
    give(seller, obligor, lot, 2_000)
    dear = make_listing(seller, lot, 5_000, 9_000)
    cheap = make_listing(seller, lot, 2_000, 6_000)
    return {"seller": seller, "admin": admin, "court": court, "obligor": obligor,
            "cheap": cheap, "dear": dear, "lot": lot}


def open_case(client, world, **overrides):
    body = case_body(obligor={"name": "吉林松柏林业有限公司",
                              "organization_id": world["obligor"].id},
                     documents=DOCUMENTS, **overrides)
    response = client.post("/api/v1/compensation-cases", headers=world["court"].headers, json=body)
    assert response.status_code == 201, response.json
    return response.json


def retire_for(client, actor, case_id, kg, **extra):
    return client.post("/api/v1/retirements", headers=actor.headers, json={
        "purpose": "ecological_compensation", "beneficiary_name": "长春市中级人民法院（(2026)吉01民初123号）",
        "quantity_kg": kg, "case_id": case_id, **extra})


def test_a_case_is_covered_in_two_steps_and_certified(client, world, runner):
    case = open_case(client, world)
    assert case["status"] == "open" and case["required_kg"] == 5_000
    assert case["payment_link"].startswith("https://registry.test/cases/pay/")
    assert case["damage"]["multiplier"] == "2" and case["damage"]["measured_loss_kg"] == 2_500
    assert [d["kind"] for d in case["documents"]] == [d["kind"] for d in DOCUMENTS]
    token = case["payment_link"].rsplit("/", 1)[1]

    partial = retire_for(client, world["obligor"], case["id"], 2_000)
    assert partial.status_code == 201, partial.json
    case_url = f"/api/v1/compensation-cases/{case['id']}"
    seen = client.get(case_url, headers=world["obligor"].headers).json
    assert (seen["retired_kg"], seen["outstanding_kg"], seen["status"]) == (2_000, 3_000, "open")
    assert "id_number" not in seen["obligor"]

    page = client.get(f"/api/v1/public/compensation-cases/pay/{token}").json
    assert page["quantity_kg"] == 3_000 and page["cheapest_price_fen_per_tonne"] == 6_000
    assert [(i["listing_id"], i["quantity_kg"]) for i in page["items"]] == [
        (world["cheap"], 2_000), (world["dear"], 1_000)]
    assert page["total_fen"] == 12_000 + 9_000

    pay_url = f"/api/v1/public/compensation-cases/pay/{token}"
    order = client.post(pay_url, json={"payment_method": "bank_transfer"})
    assert order.status_code == 201, order.json
    order = order.json
    assert order["bank_reference"] and order["total_fen"] == 21_000
    assert order["buyer_id"] == world["obligor"].id  # the obligor's organisation holds of record
    assert order["retirement"]["case_id"] == case["id"]
    assert order["retirement"]["purpose"] == "ecological_compensation"
    assert order["retirement"]["beneficiary_name"] == "长春市中级人民法院（(2026)吉01民初123号）生态环境损害赔偿"
    twice = client.post(pay_url, json={"payment_method": "bank_transfer"})
    assert twice.status_code == 409 and twice.json["code"] == "payment_pending"

    confirmed = client.post(f"/api/v1/orders/{order['id']}/bank-transfer-confirmation",
                            headers=world["admin"].headers,
                            json={"reference": order["bank_reference"], "amount_fen": 21_000})
    assert confirmed.status_code == 200 and confirmed.json["status"] == "fulfilled"

    done = client.get(case_url, headers=world["court"].headers).json
    assert (done["retired_kg"], done["outstanding_kg"], done["status"]) == (5_000, 0, "fulfilled")
    assert done["certificate_number"].startswith("JLC-")
    assert len(done["retirements"]) == 2

    certificate = client.get(f"/api/v1/certificates/{done['certificate_number']}").json
    assert certificate["type"] == "compensation" and certificate["status"] == "valid"
    subject = certificate["credential"]["credentialSubject"]
    assert subject["caseNumber"] == "(2026)吉01民初123号"
    assert subject["authority"]["name"] == "长春市中级人民法院"
    assert subject["judgmentDate"] == case["judgment_date"]
    assert subject["obligor"] == {"name": "吉林松柏林业有限公司"}  # organisations are named
    assert (subject["orderedKg"], subject["retiredKg"]) == (5_000, 5_000)
    assert [r["quantityKg"] for r in subject["retirements"]] == [2_000, 3_000]
    assert "EcologicalCompensationCredential" in certificate["credential"]["type"]
    result = client.post("/api/v1/certificates/verification", json=certificate["credential"]).json
    assert result["verified"] is True, result
    assert result["checks"] == {"signature": "passed", "status": "valid", "ledger": "passed"}

    page = client.get(f"/verify/{done['certificate_number']}")
    assert page.status_code == 200 and "以碳代偿履行证明" in page.get_data(as_text=True)
    assert "✔" in page.get_data(as_text=True)

    forged = {**certificate["credential"], "credentialSubject": {**subject, "retiredKg": 6_000}}
    assert client.post("/api/v1/certificates/verification", json=forged).json["verified"] is False

    history = client.get(f"/api/v1/compensation-cases/{case['id']}/history",
                         headers=world["court"].headers).json
    placed = next(e for e in history if e["action"] == "payment_order_placed")
    assert placed["actor"] == "payment_link"
    assert placed["details"]["order_number"] == order["number"]
    assert [e["action"] for e in history][-3:] == [
        "payment_order_placed", "retirement_counted", "fulfilled"]

    late = retire_for(client, world["obligor"], case["id"], 1)
    assert late.status_code == 409
    assert client.post(pay_url, json={"payment_method": "bank_transfer"}).status_code == 409
    assert runner.invoke(args=["audit"]).exit_code == 0


def test_history_records_who_did_what_and_when(client, world):
    case = open_case(client, world)
    give(world["seller"], world["obligor"], world["lot"], 3_000)
    assert retire_for(client, world["obligor"], case["id"], 5_000).status_code == 201
    history = client.get(f"/api/v1/compensation-cases/{case['id']}/history",
                         headers=world["court"].headers)
    assert history.status_code == 200
    actions = [(e["action"], e["actor"], e["actor_organization_id"]) for e in history.json]
    court, obligor = world["court"].id, world["obligor"].id
    assert actions == [("opened", "organization", court),
                       ("payment_link_issued", "organization", court),
                       ("document_added", "organization", court),
                       ("document_added", "organization", court),
                       ("retirement_counted", "organization", obligor),
                       ("fulfilled", "system", None)]
    assert all(e["created_at"] for e in history.json)
    assert history.json[4]["details"]["quantity_kg"] == 5_000
    admin = client.get(f"/api/v1/compensation-cases/{case['id']}/history",
                       headers=world["admin"].headers)
    assert admin.status_code == 200
    url = f"/api/v1/compensation-cases/{case['id']}/history"
    assert client.get(url, headers=world["obligor"].headers).status_code == 403
    assert client.get(url, headers=make_authority().headers).status_code == 404


def test_documents_and_payment_links_are_managed_by_the_authority(client, world):
    case = open_case(client, world)
    url = f"/api/v1/compensation-cases/{case['id']}/documents"
    document = {"kind": "payment_notice", "title": "缴款通知书", "reference": "CC-2026-7"}
    added = client.post(url, headers=world["court"].headers, json=document)
    assert added.status_code == 201 and added.json["kind_zh"].startswith("缴款")
    assert client.post(url, headers=make_authority().headers, json=document).status_code == 404
    assert client.post(url, headers=world["court"].headers,
                       json={**document, "kind": "selfie"}).status_code == 422
    kinds = client.get(f"/api/v1/public/compensation-cases/{case['id']}").json["document_kinds"]
    assert kinds == ["commitment_letter", "loss_assessment_opinion", "payment_notice"]

    old_token = case["payment_link"].rsplit("/", 1)[1]
    fresh = client.post(f"/api/v1/compensation-cases/{case['id']}/payment-link",
                        headers=world["court"].headers)
    assert fresh.status_code == 201
    new_token = fresh.json["payment_link"].rsplit("/", 1)[1]
    assert client.get(f"/api/v1/public/compensation-cases/pay/{old_token}").status_code == 404
    assert client.get(f"/api/v1/public/compensation-cases/pay/{new_token}").status_code == 200
    assert client.get(f"/cases/pay/{old_token}").status_code == 404


def test_cases_are_listed_for_their_parties_only(client, world):
    case = open_case(client, world)
    for actor in (world["court"], world["obligor"], world["admin"]):
        listed = client.get("/api/v1/compensation-cases", headers=actor.headers).json
        assert [c["id"] for c in listed["items"]] == [case["id"]] and listed["total"] == 1
    assert client.get("/api/v1/compensation-cases", headers=make_authority().headers).json[
        "items"] == []
    open_only = client.get("/api/v1/compensation-cases?status=fulfilled",
                           headers=world["court"].headers).json
    assert open_only["total"] == 0
