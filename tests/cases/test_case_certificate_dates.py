"""The compensation certificate shows the judgment date as a date people read:
2026年3月5日 in Chinese, 5 Mar 2026 in English (DOMAIN.md §8), never 2026-03-05."""

from datetime import date

from factories import case_body, give, make_authority, make_lot, make_org, on_china_date


def test_the_judgment_date_reads_as_a_chinese_and_an_english_date(client, app):
    on_china_date(date(2026, 4, 1))
    seller, court = make_org("seller"), make_authority()
    obligor = make_org("buyer", name="吉林松柏林业有限公司")
    give(seller, obligor, make_lot(seller, 10_000), 5_000)
    case = client.post("/api/v1/compensation-cases", headers=court.headers, json=case_body(
        obligor={"name": "吉林松柏林业有限公司", "organization_id": obligor.id},
        judgment_date="2026-03-05", due_date="2026-06-30")).json
    retired = client.post("/api/v1/retirements", headers=obligor.headers, json={
        "purpose": "ecological_compensation", "beneficiary_name": "长春市中级人民法院",
        "quantity_kg": 5_000, "case_id": case["id"]})
    assert retired.status_code == 201, retired.json
    number = client.get(f"/api/v1/compensation-cases/{case['id']}",
                        headers=court.headers).json["certificate_number"]
    chinese = client.get(f"/verify/{number}").get_data(as_text=True)
    english = client.get(f"/verify/{number}", headers={"Accept-Language": "en"}).get_data(
        as_text=True)
    assert "2026年3月5日" in chinese and "2026-03-05" not in chinese
    assert "5 Mar 2026" in english and "2026-03-05" not in english
