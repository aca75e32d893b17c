"""Certificate PDFs: rendering, the embedded credential, the PAdES signature, and the
renderer's refusal to load anything from outside. Checked with poppler's own tools."""

import json
import re
import subprocess
from pathlib import Path

import pytest
import segno
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from PIL import Image
from pyhanko.pdf_utils.reader import PdfFileReader

from certificates import pades
from core.formatting import format_kg, format_tonnes
from certificates.pdf import html_to_pdf, render_certificate_pdf
from core.pdf import ExternalResourceRefused

CREDENTIAL = json.dumps(
    {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:0b4e6f1a-7c1e-4f43-9d51-2b7c3f3f2a42",
        "type": ["VerifiableCredential", "RetirementCertificate"],
        "credentialSubject": {"quantity_kg": 12345, "number": "JLC-2026-000042"},
    },
    ensure_ascii=False,
    separators=(",", ":"),
).encode()

LONG_NAME = "吉林省长春市朝阳区人民政府机关事务管理局（代表长春市第十五届全民健身运动会暨东北亚青少年体育交流周组织委员会）"


def make_view(n_serials: int = 2, **overrides) -> dict:
    # n ranges adding up to 12 345 kg: 1 000 kg each after the first
    quantities = [12345 - 1000 * (n_serials - 1)] + [1000] * (n_serials - 1) if n_serials else []
    serials = [
        {
            "lot_code": f"JL-2026-TR-METRO-{i + 7:05d}",
            "serial_start": 1 + i * 100_000,
            "serial_end": i * 100_000 + kg,
            "quantity_kg": kg,
            "methodology_code": "TR-METRO",
            "vintage": "2026",
        }
        for i, kg in enumerate(quantities)
    ]
    view = {
        "certificate_type": "retirement",
        "title_zh": "碳普惠减排量注销证明",
        "title_en": "Certificate of Retirement of Carbon-Inclusion Reductions",
        "number": "JLC-2026-000042",
        "issued_at": "2026-06-18",
        "beneficiary_name": "长春市某某科技有限公司",
        "holder_name": "长春市某某科技有限公司",
        "purpose_zh": "2026 年度办公运营排放抵消",
        "purpose_en": "Offsetting office operations, 2026",
        "subject_lines": [
            {"label_zh": "组织", "label_en": "Organisation", "value": "长春市某某科技有限公司"},
            {"label_zh": "报告期", "label_en": "Period", "value": "2026-01-01 至 2026-12-31"},
        ],
        "quantity_kg": 12345,
        "serials": serials,
        "retirement_numbers": ["JLR-2026-000101"],
        "retired_at": "2026-06-17",
        "ledger_index": 48213,
        "issuer_name": "吉林省生态环境厅（碳惠吉林平台运营方）",
        "issuer_did": "did:web:registry.tanhui.jl.gov.cn",
        "key_id": "did:web:registry.tanhui.jl.gov.cn#key-2026-1",
        "verification_url": "https://registry.tanhui.jl.gov.cn/verify/JLC-2026-000042",
        "revoked": False,
    }
    view.update(overrides)
    return view


def run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def page_count(path: Path) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", run("pdfinfo", str(path)), re.M).group(1))


@pytest.fixture(scope="module")
def key_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("keys") / "pdf"
    pades.ensure_signing_material(path)
    return path


@pytest.fixture(scope="module")
def signed_pdf(key_dir, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "certificate.pdf"
    path.write_bytes(pades.sign_pdf(render_certificate_pdf(make_view(), CREDENTIAL), key_dir))
    return path


def test_signed_certificate_is_valid_for_pdfsig(signed_pdf):
    report = run("pdfsig", str(signed_pdf))
    assert "Signature Validation: Signature is Valid." in report
    assert "Signer Certificate Common Name: 碳惠吉林 Carbon-Inclusion Registry" in report
    assert "Signing Hash Algorithm: SHA-256" in report
    assert "ETSI.CAdES.detached" in report  # PAdES subfilter
    assert "Total document signed" in report


def test_changing_one_signed_byte_invalidates_the_signature(signed_pdf, tmp_path):
    data = bytearray(signed_pdf.read_bytes())
    data[10] ^= 0x01  # the binary comment after %PDF-1.7, inside the first signed range
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(bytes(data))
    report = run("pdfsig", str(tampered))
    assert "Signature is Valid." not in report
    assert "Digest Mismatch" in report


def test_text_shows_number_title_quantity_and_fields(signed_pdf):
    text = run("pdftotext", "-enc", "UTF-8", str(signed_pdf), "-").replace("\u00a0", " ")
    assert "JLC-2026-000042" in text
    assert "碳普惠减排量注销证明" in text
    assert "Certificate of Retirement of Carbon-Inclusion Reductions" in text
    assert "12.345 t" in text
    assert "12,345 kg" in text
    for expected in (
        "JL-2026-TR-METRO-00007-000000001-000011345",
        "TR-METRO", "JLR-2026-000101", "2026年6月17日", "17 Jun 2026", "#48213",
        "did:web:registry.tanhui.jl.gov.cn#key-2026-1",
        "本证书经电子签名，可离线验证", "Digitally signed; verifiable offline",
    ):
        assert expected in text
    assert "https://registry.tanhui.jl.gov.cn/verify/JLC-2026-000042" in re.sub(r"\s", "", text)
    assert "已撤销" not in text


def test_certificate_is_one_page(signed_pdf):
    assert page_count(signed_pdf) == 1


@pytest.mark.parametrize("overrides", [
    {},
    {"beneficiary_name": LONG_NAME, "holder_name": LONG_NAME, "purpose_zh": LONG_NAME * 2,
     "subject_lines": [{"label_zh": "活动名称", "label_en": "Event", "value": LONG_NAME}] * 4},
], ids=["ten-ranges", "ten-ranges-long-names"])
def test_ten_serial_ranges_still_fit_on_one_page(overrides, tmp_path):
    path = tmp_path / "ten.pdf"
    path.write_bytes(render_certificate_pdf(make_view(10, **overrides), CREDENTIAL))
    assert page_count(path) == 1
    assert "JL-2026-TR-METRO-00016-000900001-000901000" in run("pdftotext", str(path), "-")


def test_more_ranges_than_fit_end_in_a_summary_row(tmp_path):
    path = tmp_path / "thirteen.pdf"
    path.write_bytes(render_certificate_pdf(make_view(13), CREDENTIAL))
    text = run("pdftotext", str(path), "-")
    assert "另有 2 个序列号范围" in text and "2.000" in text
    assert page_count(path) == 1


def test_revoked_certificate_shows_the_band_and_optional_parts_can_be_missing(tmp_path):
    view = make_view(0, certificate_type="commitment", revoked=True, retirement_numbers=[],
                     retired_at=None, ledger_index=None, subject_lines=[])
    del view["issuer_did"]
    path = tmp_path / "revoked.pdf"
    path.write_bytes(render_certificate_pdf(view, CREDENTIAL))
    text = run("pdftotext", str(path), "-")
    assert "已撤销" in text and "REVOKED" in text
    assert "Ledger index" not in text and "Serial range" not in text
    assert page_count(path) == 1


def test_credential_is_attached_as_json_and_survives_signing(signed_pdf, tmp_path):
    assert "credential.json" in run("pdfdetach", "-list", str(signed_pdf))
    extracted = tmp_path / "credential.json"
    run("pdfdetach", "-save", "1", "-o", str(extracted), str(signed_pdf))
    assert extracted.read_bytes() == CREDENTIAL

    with signed_pdf.open("rb") as handle:
        root = PdfFileReader(handle).root
        names = root["/Names"]["/EmbeddedFiles"]["/Names"]
        assert names[0] == "credential.json"
        assert names[1]["/EF"]["/F"]["/Subtype"] == "/application/json"


def test_qr_code_encodes_the_verification_url(signed_pdf, tmp_path):
    # Rasterise the bottom-right corner and compare every module with segno's matrix.
    prefix = tmp_path / "corner"
    run("pdftoppm", "-png", "-r", "200", "-singlefile", "-x", "1150", "-y", "1850",
        "-W", "400", "-H", "330", str(signed_pdf), str(prefix))
    image = Image.open(f"{prefix}.png").convert("L")
    pixels = image.load()
    # QR modules are near-black (#111); the frame, captions and URL are lighter.
    dark = [(x, y) for y in range(image.height) for x in range(image.width) if pixels[x, y] < 40]
    left, top = min(x for x, _ in dark), min(y for _, y in dark)
    matrix = segno.make(make_view()["verification_url"], error="m", micro=False).matrix
    size = len(matrix)
    right = max(x for x, y in dark if y < top + 3)
    module = (right - left + 1) / size
    wrong = sum(
        (pixels[int(left + (c + 0.5) * module), int(top + (r + 0.5) * module)] < 128) != bool(bit)
        for r, row in enumerate(matrix) for c, bit in enumerate(row)
    )
    assert wrong == 0


# --- the renderer loads nothing from outside -------------------------------------------

@pytest.mark.parametrize("snippet", [
    '<img src="file:///etc/passwd">',
    '<img src="http://example.com/x.png">',
    '<link rel="stylesheet" href="http://example.com/x.css">',
    '<style>@import url("file:///etc/passwd");</style>',
    '<p style="background: url(http://example.com/x.png)">x</p>',
    '<a rel="attachment" href="file:///etc/passwd">passwd</a>',
    '<svg width="10" height="10"><image href="file:///etc/passwd" width="10" height="10"/></svg>',
])
def test_html_referencing_files_or_urls_is_refused(snippet, opened_urls):
    with pytest.raises(ExternalResourceRefused):
        html_to_pdf(f"<!DOCTYPE html><html><body><p>证书</p>{snippet}</body></html>")
    assert opened_urls == []


def test_view_values_cannot_inject_resources(opened_urls, tmp_path):
    hostile = '<img src="file:///etc/passwd"><link rel=stylesheet href="http://example.com/x.css">'
    view = make_view(1, beneficiary_name=hostile, verification_url="file:///etc/passwd")
    path = tmp_path / "hostile.pdf"
    path.write_bytes(render_certificate_pdf(view, CREDENTIAL))
    assert opened_urls == []
    text = re.sub(r"\s", "", run("pdftotext", str(path), "-"))
    assert '<imgsrc="file:///etc/passwd">' in text


# --- signing material -----------------------------------------------------------------

def test_signing_material_is_a_p256_key_and_a_self_signed_certificate(key_dir):
    key_path, cert_path = key_dir / pades.KEY_FILE, key_dir / pades.CERT_FILE
    assert key_path.stat().st_mode & 0o777 == 0o600
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    assert isinstance(cert.public_key(), ec.EllipticCurvePublicKey)
    assert cert.public_key().curve.name == "secp256r1"
    assert cert.subject == cert.issuer
    assert [(attr.oid, attr.value) for attr in cert.subject] == [
        (NameOID.COUNTRY_NAME, "CN"),
        (NameOID.ORGANIZATION_NAME, "吉林省生态环境厅"),
        (NameOID.COMMON_NAME, "碳惠吉林 Carbon-Inclusion Registry"),
    ]
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment and not usage.key_cert_sign
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
    lifetime = cert.not_valid_after_utc - cert.not_valid_before_utc
    assert 3650 <= lifetime.days <= 3654


def test_ensure_signing_material_never_overwrites(key_dir):
    before = {p.name: p.read_bytes() for p in key_dir.iterdir()}
    pades.ensure_signing_material(key_dir)
    assert {p.name: p.read_bytes() for p in key_dir.iterdir()} == before


def test_a_key_without_its_certificate_gets_one_a_certificate_without_key_is_an_error(tmp_path):
    pades.ensure_signing_material(tmp_path)
    key = (tmp_path / pades.KEY_FILE).read_bytes()
    (tmp_path / pades.CERT_FILE).unlink()
    pades.ensure_signing_material(tmp_path)
    assert (tmp_path / pades.KEY_FILE).read_bytes() == key
    assert (tmp_path / pades.CERT_FILE).exists()

    (tmp_path / pades.KEY_FILE).unlink()
    with pytest.raises(pades.SigningMaterialError):
        pades.ensure_signing_material(tmp_path)


# --- formatting -------------------------------------------------------------------------

@pytest.mark.parametrize(("kg", "tonnes"), [
    (12345, "12.345"), (5, "0.005"), (0, "0.000"), (999, "0.999"), (1000, "1.000"),
    (1234567, "1,234.567"), (100_000_000, "100,000.000"), (-1500, "-1.500"),
])
def test_format_tonnes_uses_integer_arithmetic(kg, tonnes):
    assert format_tonnes(kg) == tonnes


def test_format_kg_groups_thousands():
    assert format_kg(12345) == "12,345"
    assert format_kg(5) == "5"
    assert format_kg(1234567) == "1,234,567"


@pytest.mark.parametrize("value", [12.345, True, "12345"])
def test_formatting_refuses_non_integer_quantities(value):
    with pytest.raises(TypeError):
        format_tonnes(value)
