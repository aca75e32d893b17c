"""Resident memory of a web worker after ``create_app()`` (issue #13's export target):

    .venv/bin/python benchmarks/app_memory.py [DATABASE_URL]

Prints one JSON line: the RSS in MB after the application is built (before any request),
and which heavy document libraries (WeasyPrint, pyHanko, segno, openpyxl) are imported at
that point. A worker that serves only pages and CSV should import none of them; they load
on the first PDF rendered, signed or verified, or XLSX written.
"""

import json
import resource
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

HEAVY = ("weasyprint", "pyhanko", "pyhanko_certvalidator", "segno", "openpyxl", "fontTools",
         "pydyf", "tinycss2", "cssselect2", "PIL")


def rss_mb() -> float:
    """Current resident set size in MB (Linux ``/proc/self/status``)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    url = sys.argv[1] if len(sys.argv) > 1 else "sqlite://"
    with tempfile.TemporaryDirectory() as keys:
        from core.app import create_app

        create_app({"SQLALCHEMY_DATABASE_URI": url, "SIGNING_KEY_DIR": keys})
        print(json.dumps({
            "rss_mb": round(rss_mb(), 1),
            "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "heavy_imported": sorted(name for name in HEAVY if name in sys.modules),
        }))


if __name__ == "__main__":
    main()
