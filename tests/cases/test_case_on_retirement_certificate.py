"""A retirement for a case names the case by its 案号 — on the retirement certificate (its
PDF, the signed subject and the verification page) and in the name of the holder of record
a person obligor pays through — never by the registry's row id ("#1", "案件 1")."""

import re
import subprocess

from factories import case_body, make_authority, make_listing, make_lot, make_org

CASE_NUMBER = "(2026)吉01民初123号"


def test_a_case_retirement_certificate_names_the_case_by_its_number(client, app, tmp_path):
    seller, admin = make_org("seller"), make_org("registry_admin")
    court = make_authority(name="长春市中级人民法院")
    make_listing(seller, make_lot(seller, 20_000), 5_000, 6_000)
    case = client.post("/api/v1/compensation-cases", headers=court.headers,
                       json=case_body(obligor={"name": "张三"})).json
    pay_url = f"/api/v1/public/compensation-cases/pay/{case['payment_link'].rsplit('/', 1)[1]}"
    order = client.post(pay_url, json={"payment_method": "bank_transfer"}).json
    client.post(f"/api/v1/orders/{order['id']}/bank-transfer-confirmation",
                headers=admin.headers,
                json={"reference": order["bank_reference"], "amount_fen": order["total_fen"]})
    retirement = client.get(f"/api/v1/compensation-cases/{case['id']}",
                            headers=court.headers).json["retirements"][0]
    number = client.get(f"/api/v1/retirements/{retirement['id']}").json["certificate_number"]

    subject = client.get(f"/api/v1/certificates/{number}").json["credential"]["credentialSubject"]
    assert subject["caseId"] == case["id"] and subject["caseNumber"] == CASE_NUMBER
    assert subject["holder"]["name"] == f"以碳代偿赔偿义务人张某（{CASE_NUMBER}）"

    page = re.sub(r"<[^>]+>", " ", client.get(f"/verify/{number}").text)
    assert CASE_NUMBER in page and f"#{case['id']}" not in page

    pdf = tmp_path / "retirement.pdf"
    pdf.write_bytes(client.get(f"/certificates/{number}.pdf").data)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True).stdout
    case_line = next(line for line in text.splitlines() if "Case No." in line)
    assert CASE_NUMBER in case_line and "#" not in case_line
    assert "（案件" not in text
