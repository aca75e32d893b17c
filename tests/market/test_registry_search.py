"""The public registry: keyset paging, search (serial look-up included), revoked marks,
links, and exports equal to the API's list."""

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from factories import give, make_lot, make_org, on_china_date


def retire(client, actor, **body):
    payload = {"purpose": "voluntary", "beneficiary_name": "长春市民张三", "quantity_kg": 10}
    payload.update(body)
    response = client.post("/api/v1/retirements", headers=actor.headers, json=payload)
    assert response.status_code == 201, response.json
    return response.json


@pytest.fixture
def holder(app):
    seller, buyer = make_org("seller"), make_org("buyer", name="吉林碳汇贸易有限公司")
    lot_id = make_lot(seller, 100_000)
    give(seller, buyer, lot_id, 50_000)
    return buyer, lot_id


def numbers(body):
    return [item["number"] for item in body["items"]]


def test_keyset_pages_stay_stable_while_retirements_arrive(client, holder):
    buyer, _ = holder
    made = [retire(client, buyer, beneficiary_name=f"市民{i}")["number"] for i in range(7)]
    first = client.get("/api/v1/retirements?per_page=3").json
    assert numbers(first) == made[::-1][:3] and first["total"] == 7 and first["next"]
    newer = retire(client, buyer, beneficiary_name="后来者")["number"]
    second = client.get(f"/api/v1/retirements?per_page=3&after={first['next']}").json
    assert numbers(second) == made[::-1][3:6]
    third = client.get(f"/api/v1/retirements?per_page=3&after={second['next']}").json
    assert numbers(third) == made[:1] and third["next"] is None
    # Starting over shows the new one first; page numbers still work for the API.
    assert numbers(client.get("/api/v1/retirements?per_page=3").json)[0] == newer
    by_page = client.get("/api/v1/retirements?per_page=3&page=2").json
    # (an offset page does shift: the new retirement moved made[4] from page 1 to page 2)
    assert by_page["page"] == 2 and numbers(by_page) == [made[4], made[3], made[2]]
    bad = client.get("/api/v1/retirements?after=not-a-cursor")
    assert bad.status_code == 422 and "after" in bad.json["errors"]


def test_serial_lookup_finds_the_retirement_holding_that_unit(client, holder):
    buyer, _ = holder
    first = retire(client, buyer, quantity_kg=250)
    second = retire(client, buyer, quantity_kg=100)
    code = first["serials"][0]["lot_code"]
    for serial, expected in ((f"{code}-000000001", first), (f"{code}-000000250", first),
                             (f"{code}-000000251", second), (f"{code.lower()}-000000350", second)):
        body = client.get("/api/v1/retirements", query_string={"serial": serial}).json
        assert numbers(body) == [expected["number"]], serial
    assert client.get("/api/v1/retirements",
                      query_string={"serial": f"{code}-000000351"}).json["items"] == []
    bad = client.get("/api/v1/retirements", query_string={"serial": "JLR-garbage"})
    assert bad.status_code == 422 and "serial" in bad.json["errors"]
    page = client.get("/registry", query_string={"serial": f"{code}-000000300"}).text
    assert second["number"] in page and first["number"] not in page


def test_search_filters(client, holder):
    buyer, _ = holder
    on_china_date(date(2026, 3, 1), hour=1)  # 1 March in Beijing, still 28 Feb in UTC
    march = retire(client, buyer, beneficiary_name="Jilin Marathon 2026")
    on_china_date(date(2026, 4, 2))
    april = retire(client, buyer, beneficiary_name="长春市民李四", purpose="donation")
    query = lambda **q: numbers(client.get("/api/v1/retirements", query_string=q).json)  # noqa: E731
    assert query(beneficiary="marathon") == [march["number"]]
    assert query(beneficiary="李四") == [april["number"]]
    assert query(organization="碳汇贸易") == [april["number"], march["number"]]
    assert query(organization="无此机构") == []
    assert query(number=march["number"].lower()) == [march["number"]]
    assert query(number=april["certificate_number"].lower()) == [april["number"]]
    assert query(purpose="donation") == [april["number"]]
    assert query(**{"from": "2026-03-01", "to": "2026-03-01"}) == [march["number"]]
    assert query(**{"from": "2026-03-02"}) == [april["number"]]
    assert query(**{"to": "2026-02-28"}) == []
    assert query(lot_code=march["serials"][0]["lot_code"].lower()) == [april["number"],
                                                                        march["number"]]


def test_registry_page_pages_searches_marks_revoked_and_links(client, holder):
    buyer, _ = holder
    made = [retire(client, buyer)["number"] for _ in range(52)]
    revoked = retire(client, buyer, beneficiary_name="被撤销的")
    admin = make_org("registry_admin")
    assert client.post(f"/api/v1/certificates/{revoked['certificate_number']}/revocation",
                       headers=admin.headers, json={"reason": "核证报告被撤回"}).status_code == 200
    page = client.get("/registry")
    assert page.status_code == 200
    text = page.text
    assert "53" in text and revoked["number"] in text and "revoked-mark" in text
    assert f'href="/verify/{revoked["certificate_number"]}"' in text
    assert made[0] not in text  # the oldest is on the second page
    assert 'rel="next"' in text
    next_url = text.split('rel="next" href="')[1].split('"')[0].replace("&amp;", "&")
    older = client.get(next_url).text
    assert made[0] in older and revoked["number"] not in older and 'rel="next"' not in older
    searched = client.get("/registry?beneficiary=被撤销").text
    assert revoked["number"] in searched and made[1] not in searched
    assert "format=csv" in searched and "beneficiary=" in searched
    wrong = client.get("/registry?serial=nonsense")
    assert wrong.status_code == 422 and "field-errors" in wrong.text


def test_rows_link_to_the_event_page(client, app):
    from factories import make_event
    host = make_org("buyer", "event_host")
    seller = make_org("seller")
    lot_id = make_lot(seller, 10_000)
    give(seller, host, lot_id, 5_000)
    event_id = make_event(host)
    retire(client, host, purpose="event_neutrality", event_id=event_id)
    assert f'href="/events/{event_id}"' in client.get("/registry").text
    # The page's download links it too; the API's keeps the id.
    page_rows = list(csv.DictReader(io.StringIO(
        client.get("/registry?format=csv&lang=en").get_data(as_text=True).lstrip("\ufeff"))))
    assert page_rows[0]["Event page"] == f"https://registry.test/events/{event_id}"
    assert page_rows[0]["Case page"] == ""
    api_rows = list(csv.DictReader(io.StringIO(
        client.get("/api/v1/retirements?format=csv").get_data(as_text=True).lstrip("\ufeff"))))
    assert api_rows[0]["event_id"] == str(event_id)


def test_exports_equal_the_api_list(client, holder):
    buyer, _ = holder
    for i in range(5):
        retire(client, buyer, beneficiary_name=f"导出{i}" if i % 2 else f"other{i}",
               quantity_kg=1_000 + i)
    api = client.get("/api/v1/retirements?beneficiary=导出&per_page=100").json["items"]
    assert len(api) == 2
    exported = client.get("/api/v1/retirements?beneficiary=导出&format=csv")
    assert exported.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert [r["number"] for r in rows] == [a["number"] for a in api]
    for row, item in zip(rows, api):
        assert int(row["quantity_kg"]) == item["quantity_kg"]
        assert row["beneficiary_name"] == item["beneficiary_name"]
        assert row["certificate_number"] == item["certificate_number"]
        assert row["serials"] == " ".join(s["range"] for s in item["serials"])
        assert row["retired_at"] and row["revoked"] == "false"
    xlsx = client.get("/api/v1/retirements?beneficiary=导出&format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data), read_only=True).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:2] == ("number", "certificate_number")
    assert [v[0] for v in values[1:]] == [a["number"] for a in api]
    # The page's download: the same rows, headers in the reader's language.
    zh = client.get("/registry?beneficiary=导出&format=csv").get_data(as_text=True)
    assert next(csv.reader(io.StringIO(zh.lstrip("\ufeff"))))[0] == "注销编号"
    en = client.get("/registry?beneficiary=导出&format=csv&lang=en").get_data(as_text=True)
    header = next(csv.reader(io.StringIO(en.lstrip("\ufeff"))))
    assert header[0] == "Retirement No." and "Quantity (t)" in header
    assert len(en.strip().splitlines()) == 3
    assert "1.003" in en and "1.001" in en


def test_lot_exports(client, holder):
    api = client.get("/api/v1/lots").json["items"]
    rows = list(csv.DictReader(io.StringIO(
        client.get("/api/v1/lots?format=csv").get_data(as_text=True).lstrip("\ufeff"))))
    assert [r["code"] for r in rows] == [lot["code"] for lot in api]
    assert [int(r["issued_kg"]) for r in rows] == [lot["issued_kg"] for lot in api]
    sheet = load_workbook(io.BytesIO(client.get("/api/v1/lots?format=xlsx").data),
                          read_only=True).active
    assert list(sheet.iter_rows(values_only=True))[1][0] == api[0]["code"]


FORMULAS = ['=HYPERLINK("http://evil.example","click")', "+86 431 1234", "-2+3", "@SUM(A1)"]


@pytest.mark.parametrize("url", ["/registry?format={fmt}&lang=en",
                                 "/api/v1/retirements?format={fmt}"])
def test_a_beneficiary_written_as_a_formula_is_exported_as_text(client, holder, url):
    buyer, _ = holder
    for name in FORMULAS:
        retire(client, buyer, beneficiary_name=name)
    sheet = load_workbook(io.BytesIO(client.get(url.format(fmt="xlsx")).data)).active
    rows = list(sheet.iter_rows(min_row=2))
    column = [c.value for c in next(sheet.iter_rows(max_row=1))].index(
        "beneficiary_name" if "api" in url else "Beneficiary")
    cells = [row[column] for row in rows]
    assert sorted(c.value for c in cells) == sorted(FORMULAS)
    assert all(c.data_type == "s" for c in cells)  # text, never a formula
    text = client.get(url.format(fmt="csv")).get_data(as_text=True).lstrip("\ufeff")
    exported = [row[column] for row in list(csv.reader(io.StringIO(text)))[1:]]
    assert sorted(exported) == sorted("'" + name for name in FORMULAS)


@pytest.mark.parametrize("lang, words", [("en", ("has the serials 1 to 100,000", "No lot JL-")),
                                         ("zh", ("的序列号为 1 至 100,000", "本登记簿中没有批次 JL-"))])
def test_a_serial_no_lot_has_is_refused_beside_the_field(client, holder, lang, words):
    buyer, _ = holder
    code = retire(client, buyer)["serials"][0]["lot_code"]
    beyond, unknown = f"{code}-100000001", "JL-1999-NONE-00001-000000001"
    for serial, message in ((beyond, words[0]), (unknown, words[1])):
        api = client.get("/api/v1/retirements", query_string={"serial": serial},
                         headers={"Accept-Language": lang})
        assert api.status_code == 422 and message in api.json["errors"]["serial"][0]
        page = client.get("/registry", query_string={"serial": serial, "lang": lang}).text
        assert 'id="serial-errors"' in page and message in page and 'id="retirements"' not in page
    assert client.get("/api/v1/retirements",
                      query_string={"serial": f"{code}-100000"}).json["items"] == []


@pytest.mark.parametrize("typed", ["ｗｉ", "ＷＩ", "école", "Ωμέγα"])
def test_a_search_ignores_case_beyond_ascii_on_both_databases(client, holder, typed):
    buyer, _ = holder
    for name in ("Ｗｉｄｅ长春", "ÉCOLE 吉林", "ωμέγα 公司"):
        retire(client, buyer, beneficiary_name=name)
    found = client.get("/api/v1/retirements", query_string={"beneficiary": typed}).json
    assert len(found["items"]) == 1, (typed, found)
