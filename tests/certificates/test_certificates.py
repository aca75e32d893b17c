"""Retirement certificates end to end: credential, DID, verification, tampering,
revocation, key rotation, PDF and the offline verifier."""

import copy
import json
import subprocess
import sys

import pytest

from factories import give, make_lot, make_org


@pytest.fixture
def retired(client):
    seller, buyer = make_org("seller"), make_org("buyer")
    lot_id = make_lot(seller, 20_000)
    give(seller, buyer, lot_id, 5_000)
    response = client.post("/api/v1/retirements", headers=buyer.headers, json={
        "purpose": "organization_operations", "beneficiary_name": "长春市机关事务管理局",
        "quantity_kg": 12_345 // 5, "period_start": "2026-01-01", "period_end": "2026-12-31"})
    assert response.status_code == 201, response.json
    return buyer, response.json


def credential_of(client, number):
    return client.get(f"/api/v1/certificates/{number}").json["credential"]


def leaf_paths(node, path=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from leaf_paths(value, path + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from leaf_paths(value, path + (index,))
    else:
        yield path


def changed(value):
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    return f"{value}x"


def test_every_retirement_gets_a_signed_vc(client, retired):
    _, retirement = retired
    body = client.get(f"/api/v1/certificates/{retirement['certificate_number']}").json
    assert body["status"] == "valid" and body["type"] == "retirement"
    credential = body["credential"]
    assert credential["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert credential["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    assert credential["proof"]["type"] == "DataIntegrityProof"
    assert credential["issuer"]["id"] == "did:web:registry.test"
    subject = credential["credentialSubject"]
    assert subject["quantityKg"] == 2_469 and isinstance(subject["quantityKg"], int)
    assert subject["retirementNumber"] == retirement["number"]
    assert subject["ledgerIndex"] == retirement["ledger_seq"]
    assert subject["serials"][0]["range"] == retirement["serials"][0]["range"]
    assert credential["credentialStatus"]["type"] == "BitstringStatusListEntry"
    did = client.get("/.well-known/did.json").json
    method = credential["proof"]["verificationMethod"]
    assert method in [m["id"] for m in did["verificationMethod"]]
    assert all(m["type"] == "Multikey" for m in did["verificationMethod"])


def test_verification_accepts_the_credential_and_the_envelope(client, retired):
    _, retirement = retired
    number = retirement["certificate_number"]
    for body in (credential_of(client, number), client.get(f"/api/v1/certificates/{number}").json):
        result = client.post("/api/v1/certificates/verification", json=body).json
        assert result == {"verified": True, "errors": [], "certificate_number": number,
                          "checks": {"signature": "passed", "status": "valid", "ledger": "passed"}}


def test_any_change_to_the_credential_fails_verification(client, retired):
    _, retirement = retired
    credential = credential_of(client, retirement["certificate_number"])
    paths = list(leaf_paths(credential))
    assert len(paths) > 30
    for path in paths:
        forged = copy.deepcopy(credential)
        node = forged
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = changed(node[path[-1]])
        result = client.post("/api/v1/certificates/verification", json=forged).json
        assert result["verified"] is False, path
    extra = {**credential, "credentialSubject": {**credential["credentialSubject"], "x": 1}}
    assert client.post("/api/v1/certificates/verification", json=extra).json["verified"] is False


def test_revocation_sets_the_status_bit_and_says_why(client, retired):
    buyer, retirement = retired
    number = retirement["certificate_number"]
    admin = make_org("registry_admin")
    url = f"/api/v1/certificates/{number}/revocation"
    assert client.post(url, headers=buyer.headers, json={"reason": "x" * 10}).status_code == 403
    response = client.post(url, headers=admin.headers, json={"reason": "核证报告被撤回"})
    assert response.status_code == 200 and response.json["status"] == "revoked"
    assert client.post(url, headers=admin.headers, json={"reason": "again"}).status_code == 409
    credential = credential_of(client, number)
    result = client.post("/api/v1/certificates/verification", json=credential).json
    assert result["verified"] is False and result["checks"]["status"] == "revoked"
    assert "核证报告被撤回" in result["errors"][0]
    from certificates.status_lists import decode_list, is_set

    entry = credential["credentialStatus"]
    status_list = client.get(entry["statusListCredential"].replace("https://registry.test", "")).json
    assert status_list["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    bits = decode_list(status_list["credentialSubject"]["encodedList"])
    assert len(bits) * 8 >= 131_072
    assert is_set(bits, int(entry["statusListIndex"]))
    assert status_list["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    page = client.get(f"/verify/{number}")
    assert "已撤销" in page.get_data(as_text=True)


def test_key_rotation_keeps_old_certificates_verifying(client, retired, runner):
    buyer, first = retired
    result = runner.invoke(args=["keys", "rotate"])
    assert result.exit_code == 0, result.output
    second = client.post("/api/v1/retirements", headers=buyer.headers, json={
        "purpose": "voluntary", "beneficiary_name": "x", "quantity_kg": 1}).json
    old, new = (credential_of(client, r["certificate_number"]) for r in (first, second))
    assert old["proof"]["verificationMethod"] != new["proof"]["verificationMethod"]
    methods = [m["id"] for m in client.get("/.well-known/did.json").json["verificationMethod"]]
    assert {old["proof"]["verificationMethod"], new["proof"]["verificationMethod"]} <= set(methods)
    for credential in (old, new):
        assert client.post("/api/v1/certificates/verification",
                           json=credential).json["verified"] is True


def test_unknown_certificate_is_404_and_garbage_is_422(client):
    assert client.get("/api/v1/certificates/JLC-2026-999999").status_code == 404
    assert client.get("/verify/JLC-2026-999999").status_code == 404
    assert client.post("/api/v1/certificates/verification", data=b"{",
                       content_type="application/json").status_code == 422
    garbage = client.post("/api/v1/certificates/verification",
                          data={"file": (__import__("io").BytesIO(b"hello"), "x.txt")})
    assert garbage.status_code == 422
    weird = client.post("/api/v1/certificates/verification", json=[1, 2]).json
    assert weird["verified"] is False


def test_pdf_is_signed_embeds_the_credential_and_verifies(client, retired, tmp_path):
    _, retirement = retired
    number = retirement["certificate_number"]
    response = client.get(f"/certificates/{number}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = tmp_path / "cert.pdf"
    pdf.write_bytes(response.data)
    assert client.get(f"/certificates/{number}.pdf").data == response.data  # cached
    sig = subprocess.run(["pdfsig", str(pdf)], capture_output=True, text=True).stdout
    assert "Signature is Valid" in sig
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert number in text and "注销证明" in text and "2.469" in text
    upload = client.post("/api/v1/certificates/verification",
                         data={"file": (pdf.open("rb"), "cert.pdf")}).json
    assert upload["verified"] is True and upload["checks"]["pdf_signature"] == "passed"
    forged = bytearray(response.data)
    at = forged.find(b"/Contents") - 200
    forged[at] = ord("x") if forged[at] != ord("x") else ord("y")
    bad = client.post("/api/v1/certificates/verification",
                      data={"file": (__import__("io").BytesIO(bytes(forged)), "f.pdf")})
    assert bad.status_code == 422 or bad.json["verified"] is False


def test_offline_verifier_checks_pdf_and_json_with_a_saved_did(client, retired, tmp_path):
    _, retirement = retired
    number = retirement["certificate_number"]
    (tmp_path / "did.json").write_text(client.get("/.well-known/did.json").get_data(as_text=True))
    (tmp_path / "c.pdf").write_bytes(client.get(f"/certificates/{number}.pdf").data)
    (tmp_path / "c.json").write_bytes(client.get(f"/certificates/{number}.json").data)
    credential = json.loads((tmp_path / "c.json").read_text())
    credential["credentialSubject"]["quantityKg"] += 1
    (tmp_path / "forged.json").write_text(json.dumps(credential))
    (tmp_path / "certs.pem").write_bytes(
        client.get("/.well-known/pdf-signing-certificates.pem").data)
    status_url = credential["credentialStatus"]["statusListCredential"]
    (tmp_path / "status.json").write_bytes(
        client.get(status_url.removeprefix("https://registry.test")).data)

    def run(name):
        return subprocess.run([sys.executable, "-m", "certificates.verify", str(tmp_path / name),
                               "--did", str(tmp_path / "did.json"),
                               "--signing-certs", str(tmp_path / "certs.pem"),
                               "--status-list", str(tmp_path / "status.json")],
                              capture_output=True, text=True)

    for name in ("c.pdf", "c.json"):
        result = run(name)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "✔ verified" in result.stdout and "revocation status: valid" in result.stdout
        assert result.stderr == ""  # no library noise on a genuine file
    forged = run("forged.json")
    assert forged.returncode == 1 and "NOT verified" in forged.stdout


def test_verify_pages_show_the_certificate(client, retired):
    _, retirement = retired
    number = retirement["certificate_number"]
    page = client.get(f"/verify/{number}").get_data(as_text=True)
    assert number in page and "长春市机关事务管理局" in page and "2.469\u00a0吨" in page
    english = client.get(f"/verify/{number}?lang=en").get_data(as_text=True)
    assert "2.469\u00a0t" in english and "Valid: signature, status and ledger verified" in english
    assert "有效" in page
    form = client.get("/verify")
    assert form.status_code == 200
    lookup = client.get(f"/verify?number={number}")
    assert lookup.status_code == 302
