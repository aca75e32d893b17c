"""Verification of hostile files: forged, corrupted, bombs, duplicate keys, revoked — a
clean answer online (verified false or 422, never 500) and offline (one line, exit codes
0 verified, 1 not verified, 2 unreadable, 3 status not checked)."""

import io
import json
import subprocess
import sys
import zlib

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name, pdf_string
from pyhanko.pdf_utils.writer import PdfFileWriter

from certificates import pades, verify
from certificates.pdf import credential_attachment, html_to_pdf
from factories import give, make_lot, make_org

SHAPE = {"code", "status", "message", "errors"}
BASE = "https://registry.test"


@pytest.fixture
def genuine(client, tmp_path):
    """A retirement certificate: its PDF, credential, the saved DID and signing certs."""
    seller, buyer = make_org("seller"), make_org("buyer")
    lot_id = make_lot(seller, 5_000)
    give(seller, buyer, lot_id, 5_000)
    retirement = client.post("/api/v1/retirements", headers=buyer.headers, json={
        "purpose": "voluntary", "beneficiary_name": "长春市机关事务管理局", "quantity_kg": 1_000})
    assert retirement.status_code == 201, retirement.json
    number = retirement.json["certificate_number"]
    files = {"number": number, "pdf": client.get(f"/certificates/{number}.pdf").data,
             "json": client.get(f"/certificates/{number}.json").data}
    (tmp_path / "did.json").write_bytes(client.get("/.well-known/did.json").data)
    (tmp_path / "certs.pem").write_bytes(client.get("/.well-known/pdf-signing-certificates.pem").data)
    return files


def upload(client, data: bytes):
    return client.post("/api/v1/certificates/verification",
                       data={"file": (io.BytesIO(data), "c.pdf")})


def offline(tmp_path, data: bytes, *extra: str) -> subprocess.CompletedProcess:
    path = tmp_path / "input.pdf"
    path.write_bytes(data)
    return subprocess.run([sys.executable, "-m", "certificates.verify", str(path), "--did",
                           str(tmp_path / "did.json"), "--signing-certs",
                           str(tmp_path / "certs.pem"), *extra], capture_output=True, text=True)


def forged_pdf(credential_json: bytes, key_dir) -> bytes:
    """Any HTML printed to PDF, the genuine credential attached, signed with a self-made
    certificate that carries the registry's name."""
    html = ("<html><body><h1>注销证明</h1><p>受益方 伪造示例有限公司</p>"
            "<p>注销量 999.000 t</p></body></html>")
    pades.ensure_signing_material(key_dir)
    return pades.sign_pdf(html_to_pdf(html, attachments=[credential_attachment(credential_json)]),
                          key_dir)


def test_the_signing_certificates_are_published_and_named_in_the_did_document(client, genuine):
    did = client.get("/.well-known/did.json").json
    service = did["service"][0]
    assert service["type"] == "PdfSigningCertificates"
    assert service["serviceEndpoint"] == f"{BASE}/.well-known/pdf-signing-certificates.pem"
    pem = client.get("/.well-known/pdf-signing-certificates.pem")
    assert pem.status_code == 200 and pem.data.startswith(b"-----BEGIN CERTIFICATE-----")
    assert "/.well-known/pdf-signing-certificates.pem" in client.get("/verify").get_data(as_text=True)


def test_old_signing_certificates_stay_published(client, tmp_path, keys_dir):
    old_dir = tmp_path / "old"
    pades.ensure_signing_material(old_dir)
    kept = keys_dir / pades.PREVIOUS_CERTS_FOLDER
    kept.mkdir(exist_ok=True)
    (kept / "2020.pem").write_bytes((old_dir / pades.CERT_FILE).read_bytes())
    try:
        bundle = client.get("/.well-known/pdf-signing-certificates.pem").data
        assert bundle.count(b"BEGIN CERTIFICATE") == 2
        assert (old_dir / pades.CERT_FILE).read_bytes() in bundle
    finally:
        (kept / "2020.pem").unlink()


def test_a_forged_pdf_with_the_genuine_credential_is_not_verified(client, genuine, tmp_path):
    forged = forged_pdf(genuine["json"], tmp_path / "forger")
    online = upload(client, forged)
    assert online.status_code == 200 and online.json["verified"] is False
    assert online.json["checks"]["pdf_signature"] == "failed"
    assert online.json["checks"]["signature"] == "passed"  # the credential itself is genuine
    result = offline(tmp_path, forged)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "NOT verified" in result.stdout and "published PDF signing" in result.stdout
    assert result.stderr == ""


def test_the_genuine_pdf_verifies_offline_without_noise(genuine, tmp_path):
    result = offline(tmp_path, genuine["pdf"])
    # The status list lives at https://registry.test, which the subprocess cannot reach.
    assert result.returncode == 3, result.stdout + result.stderr
    assert "status not checked (offline)" in result.stdout and result.stderr == ""


def serve_from(client, monkeypatch):
    """Let the in-process verifier's fetches reach the test app."""
    def fetch(url):
        if not url.startswith(BASE):
            raise verify.Offline(url)
        return client.get(url.removeprefix(BASE)).data
    monkeypatch.setattr(verify, "fetch", fetch)


def test_offline_reads_the_status_list_and_refuses_a_revoked_certificate(
        client, genuine, tmp_path, monkeypatch, capsys):
    (tmp_path / "c.pdf").write_bytes(genuine["pdf"])
    serve_from(client, monkeypatch)
    # DID document, signing certificates and status list all fetched from their addresses.
    assert verify.main([str(tmp_path / "c.pdf")]) == verify.VERIFIED
    assert "revocation status: valid" in capsys.readouterr().out
    admin = make_org("registry_admin")
    revoked = client.post(f"/api/v1/certificates/{genuine['number']}/revocation",
                          headers=admin.headers, json={"reason": "以测试为目的撤销"})
    assert revoked.status_code == 200
    assert verify.main([str(tmp_path / "c.pdf")]) == verify.NOT_VERIFIED
    out = capsys.readouterr().out
    assert "revocation status: revoked" in out and "NOT verified" in out


def flip_inside_attachment(pdf: bytes) -> bytes:
    data = bytearray(pdf)
    start = data.index(b"stream", data.index(b"/EmbeddedFile")) + len(b"stream\n") + 40
    data[start] ^= 0x10
    return bytes(data)


def bad_hex_in_contents(pdf: bytes) -> bytes:
    data = bytearray(pdf)
    at = data.index(b"/Contents <") + len(b"/Contents <") + 30
    data[at] = ord("g")
    return bytes(data)


@pytest.mark.parametrize("damage", [flip_inside_attachment, bad_hex_in_contents])
def test_corrupted_pdfs_get_a_clean_answer(client, genuine, tmp_path, damage):
    broken = damage(genuine["pdf"])
    online = upload(client, broken)
    assert online.status_code in (200, 422), online.data[:300]
    if online.status_code == 200:
        assert online.json["verified"] is False
    else:
        assert set(online.json) == SHAPE
    result = offline(tmp_path, broken)
    assert result.returncode in (1, 2) and "Traceback" not in result.stdout + result.stderr
    assert result.stderr == "" and result.stdout.strip().endswith(("NOT verified", "damaged.",
                                                                   "corrupted."))


def bomb_pdf(inflated_mib: int = 256) -> bytes:
    """A small PDF whose credential.json attachment inflates to ``inflated_mib`` MiB."""
    compressor, chunk, parts = zlib.compressobj(9), bytes(1024 * 1024), []
    for _ in range(inflated_mib):
        parts.append(compressor.compress(chunk))
    parts.append(compressor.flush())
    writer = PdfFileWriter()
    stream = generic.StreamObject({pdf_name("/Type"): pdf_name("/EmbeddedFile"),
                                   pdf_name("/Filter"): pdf_name("/FlateDecode")},
                                  encoded_data=b"".join(parts))
    spec = generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/Filespec"), pdf_name("/F"): pdf_string("credential.json"),
        pdf_name("/EF"): generic.DictionaryObject({pdf_name("/F"): writer.add_object(stream)})})
    writer.root[pdf_name("/Names")] = generic.DictionaryObject({
        pdf_name("/EmbeddedFiles"): generic.DictionaryObject({pdf_name("/Names"): generic.ArrayObject(
            [pdf_string("credential.json"), writer.add_object(spec)])})})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_decompression_bomb_is_refused_without_inflating_it(client, genuine, tmp_path):
    bomb = bomb_pdf()
    assert len(bomb) < 400 * 1024
    online = upload(client, bomb)
    assert online.status_code == 422 and "大于" in online.json["message"]  # zh: the default
    result = offline(tmp_path, bomb)
    assert result.returncode == 2 and "larger than" in result.stdout


def duplicated(credential_json: bytes) -> bytes:
    """The genuine credential with a second quantityKg: readers take the last, the proof
    covers the first."""
    text = credential_json.decode()
    return text.replace('"quantityKg":', '"quantityKg":1,"quantityKg":', 1).encode()


def test_duplicate_keys_never_verify(client, genuine, tmp_path, keys_dir):
    body = duplicated(genuine["json"])
    api = client.post("/api/v1/certificates/verification", data=body,
                      content_type="application/json")
    assert api.status_code == 422 and api.json["code"] == "duplicate_json_member"
    form = client.post("/verify", data={"credential": body.decode()},
                       headers={"Accept-Language": "en"})
    page = form.get_data(as_text=True)
    assert form.status_code == 200 and "more than once" in page and "verify-result" not in page
    chinese = client.post("/verify", data={"credential": body.decode()}).get_data(as_text=True)
    assert "不止一次" in chinese and "verify-result" not in chinese
    (tmp_path / "dup.json").write_bytes(body)
    result = subprocess.run([sys.executable, "-m", "certificates.verify", str(tmp_path / "dup.json"),
                             "--did", str(tmp_path / "did.json")], capture_output=True, text=True)
    assert result.returncode == 1 and "more than once" in result.stdout
    # Even inside a PDF signed with the registry's own certificate.
    signed = pades.sign_pdf(html_to_pdf("<p>x</p>", attachments=[credential_attachment(body)]),
                            keys_dir)
    inside = upload(client, signed)
    assert inside.status_code == 422 and inside.json["code"] == "duplicate_json_member"


def test_unreadable_input_is_exit_2_with_one_line(tmp_path, genuine):
    for name, data in (("empty.pdf", b""), ("junk.pdf", b"%PDF-1.7\n garbage"),
                       ("broken.json", b'{"a": ')):
        (tmp_path / name).write_bytes(data)
        result = subprocess.run([sys.executable, "-m", "certificates.verify", str(tmp_path / name),
                                 "--did", str(tmp_path / "did.json")], capture_output=True, text=True)
        assert result.returncode == 2 and len(result.stdout.strip().splitlines()) == 1, result
    missing = subprocess.run([sys.executable, "-m", "certificates.verify",
                              str(tmp_path / "nope.pdf")], capture_output=True, text=True)
    assert missing.returncode == 2 and missing.stderr == ""
