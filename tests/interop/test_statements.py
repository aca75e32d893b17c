"""§4: status statements — signed, verifiable offline, tampering detected."""

import json

import pytest

from factories import give, make_listing, make_lot, make_org
from interop import verify


@pytest.fixture
def mixed_lot(client):
    """A lot of 1,000 kg: 1–300 listed by the seller, 301–400 retired by a buyer for 张三,
    401–1000 available (the buyer holds 401–500, the seller the rest)."""
    seller = make_org("seller", name="长春地铁集团")
    buyer = make_org("buyer", name="吉林某机关")
    lot_id = make_lot(seller, 1000)
    make_listing(seller, lot_id, 300, 50_000)
    give(seller, buyer, lot_id, 200)
    response = client.post("/api/v1/retirements", headers=buyer.headers, json={
        "purpose": "voluntary", "beneficiary_name": "张三", "quantity_kg": 100,
        "lot_id": lot_id})
    assert response.status_code == 201, response.json
    lot_code = client.get(f"/api/v1/lots/{lot_id}").json["code"]
    return lot_code, response.json


def test_statement_describes_each_piece_and_verifies_offline(client, mixed_lot, tmp_path,
                                                             capsys):
    lot_code, retirement = mixed_lot
    response = client.post("/api/v1/interop/statements", json={"ranges": [
        {"lot_code": lot_code, "serial_start": 250, "serial_end": 1200},
        {"lot_code": "JL-2026-NOPE-00001", "serial_start": 1, "serial_end": 5}]})
    assert response.status_code == 200, response.json
    statement = response.json
    assert statement["type"] == ["VerifiableCredential", "UnitStatusStatement"]
    assert statement["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    subject = statement["credentialSubject"]
    first, unknown = subject["ranges"]
    assert unknown == {"lot_code": "JL-2026-NOPE-00001", "serial_start": 1, "serial_end": 5,
                       "lot_found": False, "pieces": []}
    states = [(p["serial_start"], p["serial_end"], p["state"]) for p in first["pieces"]]
    assert states == [(250, 300, "listed"), (301, 400, "retired"), (401, 500, "available"),
                      (501, 1000, "available"), (1001, 1200, "not_issued")]
    retired = first["pieces"][1]
    assert retired["holder_name"] == "吉林某机关"
    assert retired["retirement"] == {
        "number": retirement["number"], "purpose": "voluntary", "beneficiary_masked": "张某",
        "certificate_number": retirement["certificate_number"],
        "ledger_seq": retirement["ledger_seq"]}
    assert "张三" not in json.dumps(statement, ensure_ascii=False)
    assert first["pieces"][0]["holder_name"] == "长春地铁集团"
    assert subject["tree_size"] > retired["ledger_seq"]
    assert subject["checkpoint"].split("\n")[1] == str(subject["tree_size"])
    # An inclusion proof of the retirement's entry can be asked against that tree size.
    proof = client.get(f"/api/v1/transparency/proofs/inclusion?index={retired['ledger_seq']}"
                       f"&tree_size={subject['tree_size']}")
    assert proof.status_code == 200

    (tmp_path / "did.json").write_text(client.get("/.well-known/did.json").get_data(as_text=True))
    (tmp_path / "statement.json").write_text(json.dumps(statement, ensure_ascii=False))
    assert verify.main([str(tmp_path / "statement.json"), "--did", str(tmp_path / "did.json")]) \
        == verify.VERIFIED
    assert "VERIFIED UnitStatusStatement" in capsys.readouterr().out

    # Changing what the statement says breaks its signature.
    retired["retirement"]["certificate_number"] = "JLC-2026-999999"
    (tmp_path / "tampered.json").write_text(json.dumps(statement, ensure_ascii=False))
    assert verify.main([str(tmp_path / "tampered.json"), "--did", str(tmp_path / "did.json")]) \
        == verify.NOT_VERIFIED
    assert "NOT VERIFIED" in capsys.readouterr().out
    (tmp_path / "broken.json").write_text("{")
    assert verify.main([str(tmp_path / "broken.json"), "--did", str(tmp_path / "did.json")]) \
        == verify.UNREADABLE


def test_statement_requests_are_bounded(client, mixed_lot):
    lot_code, _ = mixed_lot
    one = {"lot_code": lot_code, "serial_start": 1, "serial_end": 2}
    for body in ({"ranges": [one] * 21}, {"ranges": []},
                 {"ranges": [{**one, "serial_start": 5, "serial_end": 4}]},
                 {"ranges": [{**one, "serial_start": "1"}]},
                 {"ranges": [{**one, "serial_end": 10**13}]}):
        response = client.post("/api/v1/interop/statements", json=body)
        assert response.status_code == 422, body
        assert response.json["code"] == "validation_error"


def test_statement_finds_a_lot_by_its_code_in_any_case(client, mixed_lot):
    lot_code, _ = mixed_lot
    response = client.post("/api/v1/interop/statements", json={"ranges": [
        {"lot_code": lot_code.lower(), "serial_start": 301, "serial_end": 400}]})
    assert response.status_code == 200, response.json
    [described] = response.json["credentialSubject"]["ranges"]
    assert described["lot_found"] is True
    assert [(p["serial_start"], p["serial_end"], p["state"]) for p in described["pieces"]] \
        == [(301, 400, "retired")]
