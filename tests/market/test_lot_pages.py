"""The public lot page ``/lots/{code}`` (issue #13): provenance, units by state with a
text equivalent, the lot's retirements linking to their certificates, links from the
registry and the marketplace, and the 404 page for an unknown code."""

from datetime import date

import pytest

from factories import give, make_listing, make_lot, make_methodology, make_org, on_china_date
from market.pages import lots as lot_pages


@pytest.fixture
def lot(client):
    with_title = make_methodology("TR-METRO", "transport")  # 城市轨道交通出行 / Metro ridership
    assert with_title
    seller = make_org("seller", name="长春市轨道交通集团")
    verifier = make_org("verifier", kind="verifier", name="吉林省低碳核证中心")
    buyer = make_org("buyer", name="吉林银行")
    on_china_date(date(2026, 12, 1), hour=7)  # 23:00 UTC on 30 Nov
    lot_id = make_lot(seller, 20_000, verifier=verifier)
    make_listing(seller, lot_id, 5_000, 8_000)
    give(seller, buyer, lot_id, 6_000)
    code = client.get(f"/api/v1/lots/{lot_id}").json["code"]
    numbers = []
    for kg in (1_000, 234, 100):
        response = client.post("/api/v1/retirements", headers=buyer.headers, json={
            "purpose": "voluntary", "beneficiary_name": "长春市民", "quantity_kg": kg})
        assert response.status_code == 201
        numbers.append(response.json["certificate_number"])
    return {"code": code, "certificates": numbers}


def test_lot_page_shows_provenance_states_and_retirements_in_chinese(client, lot):
    page = client.get(f"/lots/{lot['code']}?lang=zh")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    for expected in ("城市轨道交通出行", "出行", "长春市轨道交通集团", "吉林省低碳核证中心", "R-1",
                     "2026年12月1日",  # issued on the Beijing date, not 30 Nov
                     "2026年1月1日", "2026年6月30日", "2026"):
        assert expected in text, expected
    # Units by state: 13,666 available (20,000 − 5,000 listed − 1,334 retired), the bar
    # and its table.
    assert '<svg viewBox="0 0 360 24" role="img"' in text and 'id="lot-states"' in text
    assert "13.666" in text and "5.000" in text and "1.334" in text and "68.3%" in text
    for number in lot["certificates"]:
        assert f'href="/verify/{number}"' in text
    assert "lot_checks" not in text  # the hook is a template block, never shown


def test_lot_page_in_english_and_any_case(client, lot):
    text = client.get(f"/lots/{lot['code'].lower()}?lang=en").get_data(as_text=True)
    assert "Metro ridership" in text and "Transport" in text and "Units by state" in text
    assert "1 Dec 2026" in text and "Retirements from this lot" in text
    assert "Available" in text and "Listed" in text and "Retired" in text


def test_lot_retirements_page_by_keyset(client, lot, monkeypatch):
    monkeypatch.setattr(lot_pages, "PER_PAGE", 2)
    first = client.get(f"/lots/{lot['code']}?lang=en").get_data(as_text=True)
    newest, middle, oldest = lot["certificates"][::-1]
    assert newest in first and middle in first and oldest not in first
    next_url = first.split('rel="next" href="')[1].split('"')[0].replace("&amp;", "&")
    second = client.get(next_url).get_data(as_text=True)
    assert oldest in second and newest not in second and "Back to the newest" in second


def test_unknown_lot_is_the_404_page_in_both_languages(client):
    chinese = client.get("/lots/JL-2026-NOPE-00001?lang=zh")
    assert chinese.status_code == 404 and "<html" in chinese.get_data(as_text=True)
    english = client.get("/lots/JL-2026-NOPE-00001?lang=en")
    assert english.status_code == 404 and "No such lot." in english.get_data(as_text=True)


def test_registry_rows_and_the_marketplace_link_to_the_lot(client, lot):
    href = f'href="/lots/{lot["code"]}"'
    assert href in client.get("/registry").get_data(as_text=True)
    assert href in client.get("/market").get_data(as_text=True)
