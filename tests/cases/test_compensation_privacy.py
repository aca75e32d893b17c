"""A person obligor: full identity for the authority and the registry admin only, masked
(张某) everywhere public, the ID number encrypted at rest and in no certificate."""

import json
import subprocess

import pytest
import sqlalchemy as sa

from core.db import db
from factories import case_body, make_authority, make_listing, make_lot, make_org
from cases.privacy import (
    decrypt_id_number, is_valid_id_number, mask_name, resident_id_check,
)

ID_NUMBER = "22010219850307123" + resident_id_check("22010219850307123")
NAME = "张三丰"


@pytest.fixture
def person_case(client, app):
    seller, admin, court = make_org("seller"), make_org("registry_admin"), make_authority()
    make_listing(seller, make_lot(seller, 10_000), 10_000, 8_000)
    body = case_body(obligor={"name": NAME, "id_number": ID_NUMBER.lower()}, required_kg=1_234)
    response = client.post("/api/v1/compensation-cases", headers=court.headers, json=body)
    assert response.status_code == 201, response.json
    return {"court": court, "admin": admin, "case": response.json,
            "token": response.json["payment_link"].rsplit("/", 1)[1]}


def pay_and_confirm(client, person_case):
    order = client.post(f"/api/v1/public/compensation-cases/pay/{person_case['token']}",
                        json={"payment_method": "bank_transfer"}).json
    confirmed = client.post(f"/api/v1/orders/{order['id']}/bank-transfer-confirmation",
                            headers=person_case["admin"].headers,
                            json={"reference": order["bank_reference"],
                                  "amount_fen": order["total_fen"]})
    assert confirmed.status_code == 200, confirmed.json
    return order


def assert_no_identity(text: str):
    assert NAME not in text and ID_NUMBER not in text and ID_NUMBER[:17] not in text


def test_full_identity_only_for_the_authority_and_the_admin(client, person_case):
    case = person_case["case"]
    assert case["obligor"] == {"name": NAME, "masked_name": "张某", "organization_id": None,
                               "id_number": ID_NUMBER, "email": None}
    url = f"/api/v1/compensation-cases/{case['id']}"
    for actor in (person_case["court"], person_case["admin"]):
        assert client.get(url, headers=actor.headers).json["obligor"]["id_number"] == ID_NUMBER
    for stranger in (make_org("buyer"), make_authority(kind="procuratorate")):
        response = client.get(url, headers=stranger.headers)
        assert response.status_code == 404 and set(response.json) == {
            "code", "status", "message", "errors"}
    assert client.get(url).status_code == 401


def test_public_api_and_pages_show_the_masked_name_only(client, person_case):
    case = person_case["case"]
    public = client.get(f"/api/v1/public/compensation-cases/{case['id']}")
    assert public.status_code == 200
    assert public.json["obligor"] == {"name": "张某"}
    assert "description" not in public.json["damage"]
    assert public.json["required_kg"] == 1_234 and public.json["outstanding_kg"] == 1_234
    assert_no_identity(public.get_data(as_text=True))
    for path in (f"/cases/{case['id']}", f"/cases/pay/{person_case['token']}",
                 f"/api/v1/public/compensation-cases/pay/{person_case['token']}"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "张某" in response.get_data(as_text=True)
        assert_no_identity(response.get_data(as_text=True))
    assert client.get("/api/v1/public/compensation-cases/999").status_code == 404
    assert client.get("/cases/999").status_code == 404


def test_id_number_is_encrypted_at_rest(client, person_case):
    row = db.session.execute(sa.text(
        "SELECT * FROM compensation_cases WHERE id = :id"), {"id": person_case["case"]["id"]}
    ).mappings().one()
    raw = row["obligor_id_number_encrypted"]
    assert raw and ID_NUMBER not in raw and ID_NUMBER[:17] not in raw
    assert all(ID_NUMBER not in str(value) for value in row.values())
    assert decrypt_id_number(raw) == ID_NUMBER
    assert row["payment_token_hash"] != person_case["token"]


def test_person_pays_through_the_link_and_the_certificate_is_masked(client, person_case,
                                                                   tmp_path):
    order = pay_and_confirm(client, person_case)
    holder = client.get(f"/api/v1/organizations/{order['buyer_id']}").json
    assert holder["kind"] == "individual" and holder["roles"] == []
    assert "张某" in holder["name"]
    assert_no_identity(json.dumps(holder, ensure_ascii=False))
    case = client.get(f"/api/v1/public/compensation-cases/{person_case['case']['id']}").json
    assert case["status"] == "fulfilled" and case["retired_kg"] == 1_234

    certificate = client.get(f"/api/v1/certificates/{case['certificate_number']}")
    assert certificate.json["credential"]["credentialSubject"]["obligor"] == {"name": "张某"}
    assert_no_identity(certificate.get_data(as_text=True))
    registry = client.get("/api/v1/retirements?purpose=ecological_compensation")
    assert_no_identity(registry.get_data(as_text=True))
    retirement = client.get(f"/api/v1/retirements/{case['retirements'][0]['id']}").json
    assert_no_identity(client.get(f"/api/v1/certificates/{retirement['certificate_number']}")
                       .get_data(as_text=True))

    pdf = tmp_path / "case.pdf"
    pdf.write_bytes(client.get(f"/certificates/{case['certificate_number']}.pdf").data)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "以碳代偿履行证明" in text and "张某" in text and "(2026)吉01民初123号" in text
    assert "1.234" in text
    assert_no_identity(text)


@pytest.mark.parametrize("name, masked", [
    ("张三丰", "张某"), ("张", "张某"), ("欧阳娜娜", "欧某"), ("  谢某某", "谢某"),
    ("John Smith", "J某"), ("émile zola", "É某"), ("（化名）李四", "化某"), ("...", "某"),
])
def test_masking_keeps_the_first_character_only(name, masked):
    assert mask_name(name) == masked


def test_id_numbers_are_checked():
    assert is_valid_id_number(ID_NUMBER)
    wrong = ID_NUMBER[:17] + ("0" if ID_NUMBER[17] != "0" else "1")
    assert not is_valid_id_number(wrong)
    assert is_valid_id_number("E12345678")  # a passport
    assert not is_valid_id_number("12")
