"""A certificate's date is the Beijing date of the retirement (DOMAIN.md §8)."""

import subprocess
from datetime import datetime, timezone

from certificates.credentials import get_certificate
from certificates.pdf import render_certificate_html
from certificates.rendering import ensure_pdf
from core import clock
from factories import give, make_lot, make_org


def retire_at(client, moment):
    seller, buyer = make_org("seller"), make_org("buyer")
    give(seller, buyer, make_lot(seller, 10_000), 5_000)
    clock.set_now(moment)
    response = client.post("/api/v1/retirements", headers=buyer.headers, json={
        "purpose": "voluntary", "beneficiary_name": "深夜注销", "quantity_kg": 116_775 // 100})
    assert response.status_code == 201, response.json
    return response.json


def test_a_retirement_late_in_the_utc_day_carries_the_next_beijing_date(client, tmp_path):
    retirement = retire_at(client, datetime(2026, 11, 30, 23, 30, tzinfo=timezone.utc))
    number = retirement["certificate_number"]
    certificate = get_certificate(number)
    assert certificate.view["issued_at"] == "2026-12-01"
    credential_time = certificate.view["retired_at"]
    assert credential_time == "2026-11-30T23:30:00Z"  # the moment itself stays UTC

    html = render_certificate_html(certificate.view)
    assert "2026年12月1日" in html and "1 Dec 2026" in html and "2026年11月30日" not in html
    assert "2026年12月1日 07:30" in html and "1 Dec 2026, 07:30 CST" in html

    pdf, _ = ensure_pdf(number)
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    assert "2026年12月1日" in text and "1 Dec 2026" in text

    registry = client.get("/registry").get_data(as_text=True)
    assert "2026年12月1日" in registry and "2026年11月30日" not in registry
    verify = client.get(f"/verify/{number}").get_data(as_text=True)
    assert "2026年12月1日 07:30" in verify
    english = client.get(f"/verify/{number}?lang=en").get_data(as_text=True)
    assert "1 Dec 2026, 07:30 CST" in english, english
    assert "1,167&nbsp;kg" in english
