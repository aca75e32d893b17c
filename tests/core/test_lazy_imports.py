"""A web worker that serves only pages, JSON and CSV does not load the PDF and XLSX
libraries (issue #13's export memory target): they are imported on first use."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_create_app_imports_no_pdf_or_xlsx_library():
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "app_memory.py")],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["heavy_imported"] == []
    assert 0 < figures["rss_mb"] < 150
