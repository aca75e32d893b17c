"""Certificate PDF benchmark: our render + sign against a bare WeasyPrint + pyHanko run.

    .venv/bin/python benchmarks/pdf_bench.py [n]

(a) `certificates.pdf.render_certificate_pdf` + `certificates.pades.sign_pdf`: shared font
    configuration, compiled stylesheet, data-only fetcher, cached signer, reserved CMS size.
(b) The same page done the obvious way: `HTML(string=html).write_pdf()` with the stylesheet
    inlined in the HTML (so fonts and CSS are set up afresh each time), then
    `pyhanko.sign.signers.sign_pdf` with a signer loaded from the key files each time.

Runs alternate between (a) and (b) so that load on the machine affects both alike. Targets:
(a) at most 1.3 × (b), and a median of at most 150 ms.
"""

import json
import os
import statistics
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path

from markupsafe import Markup
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from weasyprint import HTML, Attachment

from certificates import pades
from certificates.pdf import STYLESHEET_PATH, render_certificate_html, render_certificate_pdf

TARGET_MS = 150
TARGET_RATIO = 1.3


def sample_view() -> dict:
    """A typical retirement certificate: three serial ranges from two lots."""
    serials = [
        {"lot_code": "JL-2026-TR-METRO-00007", "serial_start": 1, "serial_end": 6000,
         "quantity_kg": 6000, "methodology_code": "TR-METRO", "vintage": "2026"},
        {"lot_code": "JL-2026-TR-METRO-00007", "serial_start": 20001, "serial_end": 24000,
         "quantity_kg": 4000, "methodology_code": "TR-METRO", "vintage": "2026"},
        {"lot_code": "JL-2025-LV-CLOTHES-00003", "serial_start": 501, "serial_end": 2845,
         "quantity_kg": 2345, "methodology_code": "LV-CLOTHES", "vintage": "2025"},
    ]
    return {
        "certificate_type": "event_neutrality",
        "title_zh": "大型活动碳中和证明",
        "title_en": "Certificate of Carbon Neutrality of a Large-scale Event",
        "number": "JLC-2026-000042",
        "issued_at": "2026-06-18",
        "beneficiary_name": "2026 长春国际汽车博览会组织委员会",
        "holder_name": "长春国际会展中心有限公司",
        "purpose_zh": "2026 长春国际汽车博览会碳中和",
        "purpose_en": "Carbon neutrality of the 2026 Changchun International Auto Expo",
        "subject_lines": [
            {"label_zh": "活动名称", "label_en": "Event", "value": "2026 长春国际汽车博览会"},
            {"label_zh": "活动日期", "label_en": "Dates", "value": "2026-06-12 至 2026-06-16"},
            {"label_zh": "活动地点", "label_en": "Venue", "value": "长春国际会展中心"},
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


SAMPLE_CREDENTIAL = json.dumps(
    {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"],
     "credentialSubject": {"number": "JLC-2026-000042", "quantity_kg": 12345}},
    separators=(",", ":"),
).encode()


def _ours(view: dict, key_dir: Path) -> bytes:
    return pades.sign_pdf(render_certificate_pdf(view, SAMPLE_CREDENTIAL), key_dir)


def _baseline(html: str, key_dir: Path) -> bytes:
    pdf = HTML(string=html).write_pdf(
        attachments=[Attachment(string=SAMPLE_CREDENTIAL, name="credential.json")]
    )
    signer = signers.SimpleSigner.load(
        str(key_dir / pades.KEY_FILE), str(key_dir / pades.CERT_FILE)
    )
    meta = signers.PdfSignatureMetadata(
        field_name="Signature", md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES
    )
    return signers.sign_pdf(IncrementalPdfFileWriter(BytesIO(pdf)), meta, signer=signer).getvalue()


def _timed(function, *args) -> tuple[float, float]:
    """(wall-clock ms, CPU ms of this process) for one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    function(*args)
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def measure(n: int = 30) -> dict:
    """Median milliseconds over `n` runs of ours and of the baseline, and their ratio.

    `*_ms` are wall-clock medians (what the targets are about); `*_cpu_ms` are the
    process's CPU time, a steadier figure when other work shares the machine.
    """
    view = sample_view()
    css = STYLESHEET_PATH.read_text(encoding="utf-8")
    # Same page for the baseline: our HTML with the stylesheet inlined.
    html = render_certificate_html(view).replace(
        "</head>", str(Markup("<style>{}</style></head>").format(Markup(css))), 1
    )
    with tempfile.TemporaryDirectory() as tmp:
        key_dir = Path(tmp)
        pades.ensure_signing_material(key_dir)
        for _ in range(2):  # warm-up: fontconfig, imports, first-use caches
            _ours(view, key_dir)
            _baseline(html, key_dir)
        ours, baseline = [], []
        for _ in range(n):
            ours.append(_timed(_ours, view, key_dir))
            baseline.append(_timed(_baseline, html, key_dir))

    def median(samples, index):
        return round(statistics.median(sample[index] for sample in samples), 1)

    return {
        "n": n,
        "ours_ms": median(ours, 0),
        "baseline_ms": median(baseline, 0),
        "ratio": round(median(ours, 0) / median(baseline, 0), 3),
        "ours_cpu_ms": median(ours, 1),
        "baseline_cpu_ms": median(baseline, 1),
        "load_average": os.getloadavg()[0],
    }


if __name__ == "__main__":
    result = measure(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
    print(f"ours (render_certificate_pdf + sign_pdf): {result['ours_ms']:.1f} ms median"
          f" over {result['n']} runs (target ≤ {TARGET_MS} ms)")
    print(f"baseline (bare WeasyPrint + pyHanko):     {result['baseline_ms']:.1f} ms median")
    print(f"ratio ours / baseline:                    {result['ratio']:.2f}"
          f" (target ≤ {TARGET_RATIO})")
    print(f"CPU time medians: ours {result['ours_cpu_ms']:.1f} ms,"
          f" baseline {result['baseline_cpu_ms']:.1f} ms"
          f" (1-minute load average {result['load_average']:.2f})")
