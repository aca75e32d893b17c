"""Issue 16, faults 1 and 2: no way of retiring for a case publishes a person obligor,
and an organisation obligor is named in full on every surface."""

import pytest

from factories import case_body, give, make_authority, make_listing, make_lot, make_org

ID_NUMBER = "220102199001011239"  # the input; a valid resident ID
FAULT_1 = {"purpose": "ecological_compensation",
           "beneficiary_name": "李四（220102199001011239）生态赔偿", "note": "被告李四"}


@pytest.fixture
def person_case(client, app):
    seller, admin = make_org("seller"), make_org("registry_admin")
    court = make_org("case_authority", "buyer", kind="court")  # it buys as well
    lot = make_lot(seller, 20_000)
    give(seller, court, lot, 2_000)
    listing = make_listing(seller, lot, 10_000, 8_000)
    buyer = make_org("buyer")
    body = case_body(obligor={"name": "李四", "id_number": ID_NUMBER}, required_kg=1_000)
    response = client.post("/api/v1/compensation-cases", headers=court.headers, json=body)
    assert response.status_code == 201, response.json
    return {"court": court, "admin": admin, "buyer": buyer, "listing": listing,
            "case": response.json, "seller": seller}


def retired_nothing(client, person_case):
    registry = client.get("/api/v1/retirements?purpose=ecological_compensation").json
    assert registry["total"] == 0
    holdings = client.get("/api/v1/holdings", headers=person_case["court"].headers).json
    assert sum(h["quantity_kg"] for h in holdings["items"] if h["state"] == "available") == 2_000


def test_direct_retirement_naming_a_person_obligor_is_refused(client, person_case):
    response = client.post("/api/v1/retirements", headers=person_case["court"].headers,
                           json={**FAULT_1, "case_id": person_case["case"]["id"],
                                 "quantity_kg": 100})
    assert response.status_code == 422, response.json
    assert set(response.json["errors"]) == {"beneficiary_name", "note"}
    retired_nothing(client, person_case)


@pytest.mark.parametrize("field, text", [
    ("beneficiary_name", "赔偿义务人 李 四"),
    ("beneficiary_name", "李·四生态赔偿"),
    ("note", "身份证 220102 19900101 1239"),
    ("note", "２２０１０２１９９００１０１１２３９"),
    ("note", "证号22010219900101123"),
])
def test_spaces_punctuation_and_width_do_not_hide_the_identity(client, person_case, field,
                                                                text):
    body = {"purpose": "ecological_compensation", "beneficiary_name": "长春市中级人民法院",
            "case_id": person_case["case"]["id"], "quantity_kg": 100, field: text}
    response = client.post("/api/v1/retirements", headers=person_case["court"].headers,
                           json=body)
    assert response.status_code == 422, response.json
    assert list(response.json["errors"]) == [field]
    retired_nothing(client, person_case)


def test_masked_wording_is_still_allowed(client, person_case):
    response = client.post("/api/v1/retirements", headers=person_case["court"].headers, json={
        "purpose": "ecological_compensation", "beneficiary_name": "李某生态环境损害赔偿",
        "note": "以碳代偿 (2026)吉01民初123号", "case_id": person_case["case"]["id"],
        "quantity_kg": 100})
    assert response.status_code == 201, response.json


def test_buy_and_retire_order_is_refused_when_placed(client, person_case):
    response = client.post("/api/v1/orders", headers=person_case["court"].headers, json={
        "items": [{"listing_id": person_case["listing"], "quantity_kg": 1_000}],
        "payment_method": "bank_transfer",
        "retirement": {**FAULT_1, "case_id": person_case["case"]["id"]}})
    assert response.status_code == 422, response.json
    assert set(response.json["errors"]["retirement"]) == {"beneficiary_name", "note"}
    listing = client.get(f"/api/v1/listings/{person_case['listing']}").json
    assert listing["remaining_kg"] == 10_000  # nothing reserved


def test_payment_link_order_carries_no_identity(client, person_case):
    token = person_case["case"]["payment_link"].rsplit("/", 1)[1]
    order = client.post(f"/api/v1/public/compensation-cases/pay/{token}",
                        json={"payment_method": "bank_transfer"})
    assert order.status_code == 201, order.json
    text = str(order.json["retirement"])
    assert "李四" not in text and ID_NUMBER not in text


def test_a_case_wording_spelling_the_name_apart_is_refused(client, person_case):
    body = case_body(case_number="(2026)吉01民初124号", beneficiary_wording="李 四 赔偿",
                     obligor={"name": "李四", "id_number": ID_NUMBER})
    response = client.post("/api/v1/compensation-cases", headers=person_case["court"].headers,
                           json=body)
    assert response.status_code == 422
    assert "beneficiary_wording" in response.json["errors"]


def test_an_organisation_obligor_is_named_in_full_everywhere(client, app):
    seller, admin, court = make_org("seller"), make_org("registry_admin"), make_authority()
    company = make_org("buyer", name="吉林松柏林业有限公司")
    lot = make_lot(seller, 10_000)
    give(seller, company, lot, 1_000)
    body = case_body(obligor={"name": "松柏林业", "organization_id": company.id},
                     required_kg=1_000)
    case = client.post("/api/v1/compensation-cases", headers=court.headers, json=body).json
    retired = client.post("/api/v1/retirements", headers=company.headers, json={
        "purpose": "ecological_compensation", "beneficiary_name": "吉林松柏林业有限公司",
        "note": "被告吉林松柏林业有限公司", "case_id": case["id"], "quantity_kg": 1_000})
    assert retired.status_code == 201, retired.json  # organisations may be named

    public = client.get(f"/api/v1/public/compensation-cases/{case['id']}").json
    assert public["obligor"] == {"name": "吉林松柏林业有限公司"}
    page = client.get(f"/cases/{case['id']}").get_data(as_text=True)
    assert "吉林松柏林业有限公司" in page and "吉某" not in page
    compensation = client.get(f"/api/v1/certificates/{public['certificate_number']}").json
    subject = compensation["credential"]["credentialSubject"]
    assert subject["obligor"] == {"name": "吉林松柏林业有限公司"}
    assert "吉某" not in str(compensation)
    retirement = client.get(
        f"/api/v1/certificates/{retired.json['certificate_number']}").get_data(as_text=True)
    assert "吉林松柏林业有限公司" in retirement and "吉某" not in retirement
