"""Decompression bombs in the streams pyHanko inflates itself (an object stream here: the
catalog lives inside it, so merely opening the document inflates it): refused as 422
online and exit 2 offline, quickly, with memory bounded (peak RSS measured in a fresh
interpreter, so earlier tests do not hide the growth)."""

import io
import json
import subprocess
import sys
import time
import zlib

from certificates import pdf_files

MiB = 1024 * 1024


def object_stream_bomb(inflated_mib: int = 512) -> bytes:
    """A small PDF whose catalog (object 3) sits in an object stream that inflates to
    ``inflated_mib`` MiB, found through a cross-reference stream."""
    compressor, parts = zlib.compressobj(9), []
    parts.append(compressor.compress(b"3 0 << /Type /Catalog >>" + b" " * 1000))
    blank = b" " * MiB
    for _ in range(inflated_mib):
        parts.append(compressor.compress(blank))
    parts.append(compressor.flush())
    packed = b"".join(parts)
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    objstm_at = out.tell()
    out.write(b"1 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\n"
              b"stream\n" % len(packed) + packed + b"\nendstream\nendobj\n")
    xref_at = out.tell()
    rows = [(0, 0, 65535), (1, objstm_at, 0), (1, xref_at, 0), (2, 1, 0)]
    table = b"".join(kind.to_bytes(1, "big") + field.to_bytes(4, "big") + gen.to_bytes(2, "big")
                     for kind, field, gen in rows)
    out.write(b"2 0 obj\n<< /Type /XRef /Size 4 /W [1 4 2] /Root 3 0 R /Length %d >>\n"
              b"stream\n" % len(table) + table + b"\nendstream\nendobj\n")
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref_at)
    return out.getvalue()


# Reads the file named by argv[1] as the verifier does, in a fresh interpreter, and
# prints what it cost: seconds, peak RSS growth in MiB and the outcome.
MEASURE = """
import json, resource, sys, time
from pyhanko.pdf_utils.decode_limits import DecodeLimits
from certificates import pdf_files
if sys.argv[2] == "pyhanko-defaults":
    pdf_files.DECODE_LIMITS = DecodeLimits()
elif sys.argv[2] == "unlimited":  # as pyHanko before 0.38 read every file
    pdf_files.DECODE_LIMITS = DecodeLimits.for_trusted_input()
data = open(sys.argv[1], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.monotonic()
try:
    pdf_files.embedded_credential(pdf_files.read_pdf(data))
    outcome = "read"
except pdf_files.NotACertificatePdf as error:
    outcome = str(error)
grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
print(json.dumps({"seconds": time.monotonic() - started, "rss_mib": grown, "outcome": outcome}))
"""


def measure(path, limits: str = "registry") -> dict:
    done = subprocess.run([sys.executable, "-c", MEASURE, str(path), limits],
                          capture_output=True, text=True, timeout=120, check=True)
    return json.loads(done.stdout)


def test_an_object_stream_bomb_is_refused_quickly_with_memory_bounded(tmp_path):
    bomb = object_stream_bomb()
    assert len(bomb) < 1 * MiB  # 512 MiB inflated, well inside the 10 MiB upload limit
    path = tmp_path / "bomb.pdf"
    path.write_bytes(bomb)
    cost = measure(path)
    assert "decompression bomb" in cost["outcome"], cost
    assert cost["rss_mib"] < 3 * pdf_files.MAX_OBJECT_STREAM_BYTES / MiB + 16, cost
    assert cost["seconds"] < 5, cost


def test_the_bomb_is_a_422_online_and_exit_2_offline(client, tmp_path):
    bomb = object_stream_bomb(64)
    started = time.monotonic()
    online = client.post("/api/v1/certificates/verification",
                         data={"file": (io.BytesIO(bomb), "bomb.pdf")})
    assert online.status_code == 422, online.data[:300]
    assert set(online.json) == {"code", "status", "message", "errors"}
    assert "解压缩炸弹" in online.json["message"]  # zh, the default language
    assert time.monotonic() - started < 5
    english = client.post("/api/v1/certificates/verification", headers={"Accept-Language": "en"},
                          data={"file": (io.BytesIO(bomb), "bomb.pdf")})
    assert "decompression bomb" in english.json["errors"]["file"][0]
    path = tmp_path / "bomb.pdf"
    path.write_bytes(bomb)
    result = subprocess.run([sys.executable, "-m", "certificates.verify", str(path)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "decompression bomb" in result.stdout and "Traceback" not in result.stderr


def test_a_genuine_certificate_still_reads_within_the_limits(client):
    from factories import give, make_lot, make_org

    seller, buyer = make_org("seller"), make_org("buyer")
    lot_id = make_lot(seller, 5_000)
    give(seller, buyer, lot_id, 5_000)
    retirement = client.post("/api/v1/retirements", headers=buyer.headers, json={
        "purpose": "voluntary", "beneficiary_name": "长春市机关事务管理局", "quantity_kg": 1_000})
    number = retirement.json["certificate_number"]
    pdf = client.get(f"/certificates/{number}.pdf").data
    reader = pdf_files.read_pdf(pdf)
    assert pdf_files.embedded_credential(reader)["credentialSubject"]["certificateNumber"] == number
    answer = client.post("/api/v1/certificates/verification",
                         data={"file": (io.BytesIO(pdf), "c.pdf")})
    assert answer.status_code == 200 and answer.json["verified"] is True, answer.json


def test_evidence_and_case_documents_read_a_pdf_with_the_same_bounds():
    """Issuance evidence and case documents open an upload to see that it is a PDF: the
    same bounded reader, so the bomb is refused, not inflated (it had no bound there)."""
    from core import pdf_reading
    from market.evidence import kind_of

    started = time.monotonic()
    assert kind_of(object_stream_bomb(64)) is None
    assert time.monotonic() - started < 5
    from pyhanko.pdf_utils.misc import PdfDecodeLimitError

    reader = pdf_reading.open_pdf(object_stream_bomb(64))  # the catalog is read lazily
    try:
        reader.root
    except PdfDecodeLimitError:
        pass
    else:
        raise AssertionError("the bomb was inflated")
