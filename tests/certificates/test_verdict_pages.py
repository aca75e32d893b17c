"""The verification pages (issue #13): one plain verdict in the reader's language, the
signed credential's claims to compare with the paper, each check in words, and a warning
whenever the document must not be relied on — for a genuine PDF, a tampered one, a
revoked certificate and an unreadable file, in Chinese and English."""

import io
import re

import pytest

from factories import give, make_lot, make_org

LANGS = {"zh": {"genuine": "真实有效", "not_genuine": "未通过验证", "revoked": "已撤销",
                "unreadable": "无法读取该文件", "warning": "请勿以其为凭",
                "claims": "签名凭证载明的内容", "purpose": "自愿注销"},
         "en": {"genuine": "Genuine", "not_genuine": "Not genuine", "revoked": "Revoked",
                "unreadable": "Cannot read this document", "warning": "Do not rely on it",
                "claims": "What the signed credential says", "purpose": "Voluntary"}}


@pytest.fixture
def certificate(client):
    seller, buyer = make_org("seller"), make_org("buyer", name="吉林银行")
    lot_id = make_lot(seller, 5_000)
    give(seller, buyer, lot_id, 5_000)
    retirement = client.post("/api/v1/retirements", headers=buyer.headers, json={
        "purpose": "voluntary", "beneficiary_name": "长春市机关事务管理局", "quantity_kg": 1_250})
    assert retirement.status_code == 201, retirement.json
    number = retirement.json["certificate_number"]
    return {"number": number, "serial": retirement.json["serials"][0],
            "pdf": client.get(f"/certificates/{number}.pdf").data}


def verify_file(client, data: bytes, lang: str, name: str = "c.pdf") -> str:
    response = client.post(f"/verify?lang={lang}",
                           data={"file": (io.BytesIO(data), name)},
                           content_type="multipart/form-data")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def verdict_of(page: str) -> str:
    return page.split('class="verdict-word">')[1].split("</h2>")[0]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_genuine_pdf_is_genuine_and_shows_what_it_says(client, certificate, lang):
    words = LANGS[lang]
    page = verify_file(client, certificate["pdf"], lang)
    assert words["genuine"] in verdict_of(page) and "✔" in verdict_of(page)
    assert words["warning"] not in page  # no contradictory note beside a genuine verdict
    assert words["claims"] in page
    for claim in ("长春市机关事务管理局", "吉林银行", certificate["number"], words["purpose"],
                  "1.250", "1,250&nbsp;kg"):
        assert claim in page, claim
    serial = certificate["serial"]
    shown = re.sub(r"<wbr>|<span class=\"code-breaks\">|</span>", "", page)  # break points
    assert f"{serial['lot_code']}-{serial['serial_start']:09d}-{serial['serial_end']:09d}" in shown
    assert page.count('class="ok"') == 4  # signature, PDF signature, status, ledger
    assert 'class="bad"' not in page


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_pdf_changed_by_one_byte_is_not_genuine(client, certificate, lang):
    data = bytearray(certificate["pdf"])
    at = data.index(b"WeasyPrint")  # the producer string, covered by the PDF signature
    data[at] ^= 0x20  # W → w: still a readable PDF with its attachment intact
    page = verify_file(client, bytes(data), lang)
    assert LANGS[lang]["not_genuine"] in verdict_of(page) and "✘" in verdict_of(page)
    assert LANGS[lang]["warning"] in page
    assert 'class="bad"' in page and ("PDF signature" in page or "PDF 签名" in page)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_revoked_certificate_says_revoked_by_number_and_by_upload(client, certificate, lang):
    admin = make_org("registry_admin")
    response = client.post(f"/api/v1/certificates/{certificate['number']}/revocation",
                           headers=admin.headers, json={"reason": "核证报告被撤回"})
    assert response.status_code == 200
    page = client.get(f"/verify/{certificate['number']}?lang={lang}").get_data(as_text=True)
    assert LANGS[lang]["revoked"] in verdict_of(page) and LANGS[lang]["warning"] in page
    assert "核证报告被撤回" in page
    assert LANGS[lang]["genuine"] not in verdict_of(page)
    uploaded = verify_file(client, certificate["pdf"], lang)
    assert LANGS[lang]["revoked"] in verdict_of(uploaded)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_unreadable_file_cannot_be_read(client, lang):
    page = verify_file(client, b"this is not a certificate at all", lang, name="x.json")
    assert LANGS[lang]["unreadable"] in verdict_of(page) and LANGS[lang]["warning"] in page
    assert 'id="verify-error"' in page and "verify-result" not in page


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pasted_json_is_verified_like_a_file(client, certificate, lang):
    credential = client.get(f"/certificates/{certificate['number']}.json").get_data(as_text=True)
    page = client.post(f"/verify?lang={lang}", data={"credential": credential}).get_data(as_text=True)
    assert LANGS[lang]["genuine"] in verdict_of(page) and "长春市机关事务管理局" in page
    forged = credential.replace("长春市机关事务管理局", "伪造示例有限公司")
    page = client.post(f"/verify?lang={lang}", data={"credential": forged}).get_data(as_text=True)
    assert LANGS[lang]["not_genuine"] in verdict_of(page)
    assert "伪造示例有限公司" not in page  # an unsigned claim is never shown as the credential's


def test_certificate_numbers_are_found_in_any_case(client, certificate):
    number = certificate["number"]
    lower = client.get(f"/verify/{number.lower()}")
    assert lower.status_code == 302 and lower.headers["Location"].endswith(f"/verify/{number}")
    lookup = client.get(f"/verify?number=%20{number.lower()}%20")
    assert lookup.status_code == 302 and lookup.headers["Location"].endswith(f"/verify/{number}")
    page = client.get(f"/verify/{number.lower()}?lang=en", follow_redirects=True)
    assert page.status_code == 200 and "Genuine" in verdict_of(page.get_data(as_text=True))
    assert client.get("/verify/jlc-2026-999999").status_code in (302, 404)
    assert client.get("/verify/JLC-2026-999999").status_code == 404


@pytest.mark.parametrize("lang, words", [("zh", "文件超过 10 MB"), ("en", "larger than 10 MB")])
@pytest.mark.parametrize("size", [10 * 1024 * 1024 + 1, 50 * 1024 * 1024])
def test_an_oversized_upload_is_refused_beside_the_file_field(client, lang, words, size):
    """Just over the page's 10 MB (read, not truncated into a "not genuine") and far over
    the request limit (refused before it is read): the form again, 413, not an error page."""
    # The body is built here: the test client spools a large multipart body to a
    # temporary file it never closes.
    body = (b'--b\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n'
            b"Content-Type: application/pdf\r\n\r\n%PDF-1.7\n" + b"0" * size + b"\r\n--b--\r\n")
    response = client.post(f"/verify?lang={lang}", data=body,
                           content_type="multipart/form-data; boundary=b")
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert LANGS[lang]["unreadable"] in verdict_of(page)
    assert 'id="verify-error"' in page and words in page
    file_input = page.split('id="verify-file"')[1].split(">")[0]
    assert 'aria-describedby="verify-error"' in file_input


def test_pasted_text_that_cannot_be_read_is_kept_with_the_reason_beside_it(client):
    page = client.post("/verify?lang=en", data={"credential": "{not json"}).get_data(as_text=True)
    assert ">{not json</textarea>" in page
    textarea = page.split("<textarea")[1].split(">")[0]
    assert 'aria-describedby="verify-error"' in textarea and 'id="verify-error"' in page


def test_the_offline_note_is_punctuated_in_the_readers_language(client):
    chinese = client.get("/verify?lang=zh").get_data(as_text=True)
    assert "</a>；PDF 签名证书" in chinese and "pdf-signing-certificates.pem</a>。" in chinese
    english = client.get("/verify?lang=en").get_data(as_text=True)
    assert "</a>; the PDF signing certificates" in english
