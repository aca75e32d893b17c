"""One text rule (core/text.py) for every text field, query parameter, path segment and
form field: NUL and other controls, bidi controls, invisible characters in names are 422
(404 in a path) with the error shape, before anything is stored, on both databases."""

import pytest
import sqlalchemy as sa

from core import text
from core.db import db
from factories import give, make_listing, make_lot, make_org
from market.models import Order, Retirement

SHAPE = {"code", "status", "message", "errors"}
EVENT = {"name": "长白山生态论坛", "kind": "forum", "venue": "长白山国际会议中心", "city": "白山",
         "start_date": "2030-08-01", "end_date": "2030-08-02", "expected_attendees": 600}


@pytest.fixture
def market(app):
    seller, buyer, admin = make_org("seller"), make_org("buyer"), make_org("registry_admin")
    lot = make_lot(seller, 10_000)
    give(seller, buyer, make_lot(seller, 5_000), 5_000)
    return {"buyer": buyer, "admin": admin, "listing": make_listing(seller, lot, 3_000, 8_000)}


def count(model) -> int:
    return db.session.execute(sa.select(sa.func.count()).select_from(model)).scalar()


BAD_NAMES = ["a\u0000b", "a\u0007b", "a\u0085b", "a\tb", "a\nb", "\u202e活动", "a\u2066b\u2069",
             "a\u200fb", "a\u200bb", "a\ufeffb", "a\u2060b", "a\u200cb", "x\u200dy", "a\ue000b"]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_a_bad_beneficiary_in_an_order_is_refused_before_anything_is_stored(client, market, name):
    response = client.post("/api/v1/orders", headers=market["buyer"].headers, json={
        "items": [{"listing_id": market["listing"], "quantity_kg": 10}],
        "payment_method": "bank_transfer",
        "retirement": {"purpose": "voluntary", "beneficiary_name": name}})
    assert response.status_code == 422 and set(response.json) == SHAPE, response.json
    assert "beneficiary_name" in response.json["errors"]["retirement"]
    assert count(Order) == 0


@pytest.mark.parametrize("name", ["a\u0000b", "\u202e活动", "a\u200bb"])
def test_retirement_and_event_names_are_refused(client, market, name):
    response = client.post("/api/v1/retirements", headers=market["buyer"].headers, json={
        "purpose": "voluntary", "beneficiary_name": name, "quantity_kg": 1})
    assert response.status_code == 422 and "beneficiary_name" in response.json["errors"]
    assert count(Retirement) == 0
    host = make_org("buyer", kind="event_host")
    event = client.post("/api/v1/events", headers=host.headers, json={**EVENT, "name": name})
    assert event.status_code == 422 and "name" in event.json["errors"]


def test_nul_anywhere_in_a_body_even_in_free_form_objects_is_refused(client, market):
    response = client.post("/api/v1/retirements", headers=market["buyer"].headers, json={
        "purpose": "voluntary", "beneficiary_name": "ok", "quantity_kg": 1, "note": "a\u0000"})
    assert response.status_code == 422 and "note" in response.json["errors"]
    seller = make_org("seller")
    request = client.post("/api/v1/issuance-requests", headers=seller.headers, json={
        "methodology_code": "TR-METRO", "vintage": 2026, "period_start": "2026-01-01",
        "period_end": "2026-06-30", "quantity_kg": 10, "evidence": {"k\u0000": "v"}})
    assert request.status_code == 422 and "evidence" in request.json["errors"]


def test_multi_line_fields_keep_line_breaks_and_names_keep_emoji_sequences(client, market):
    response = client.post("/api/v1/retirements", headers=market["buyer"].headers, json={
        "purpose": "voluntary", "beneficiary_name": "家庭 👨\u200d👩\u200d👧 𠮷野家·䶮",
        "quantity_kg": 1, "note": "第一行\n\tsecond line\r\n"})
    assert response.status_code == 201, response.json
    assert response.json["beneficiary_name"] == "家庭 👨\u200d👩\u200d👧 𠮷野家·䶮"


@pytest.mark.parametrize("url", ["/api/v1/certificates/JLC%00", "/verify/JLC%00",
                                 "/certificates/JLC%00.pdf", "/api/v1/methodologies/X%00",
                                 "/certificates/JLC%E2%80%AE.json"])
def test_control_characters_in_a_path_name_nothing(client, url):
    response = client.get(url)
    assert response.status_code == 404


@pytest.mark.parametrize("url", ["/api/v1/retirements?beneficiary=%00",
                                 "/api/v1/retirements?beneficiary=a%E2%80%AE",
                                 "/api/v1/lots?methodology_code=%00", "/api/v1/listings?sort=%01",
                                 "/api/v1/retirements?%00=1"])
def test_control_characters_in_a_query_string_are_422(client, url):
    response = client.get(url)
    assert response.status_code == 422 and set(response.json) == SHAPE, response.data[:300]


@pytest.mark.parametrize("url", ["/market?scenario=%00", "/verify?number=JLC%00"])
def test_control_characters_in_a_page_query_are_a_422_page(client, url):
    response = client.get(url, headers={"Accept": "text/html"})
    assert response.status_code == 422 and response.mimetype == "text/html"
    assert "无法处理该请求" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/api/v1/retirements?beneficiary=%FF%FE",
                                 "/api/v1/retirements?organization=%C3", "/api/v1/lots?%FF=1"])
def test_query_bytes_that_are_not_utf8_are_422_not_a_search_for_u_fffd(client, url):
    response = client.get(url, headers={"Accept-Language": "en"})
    assert response.status_code == 422 and set(response.json) == SHAPE
    assert "Not a valid utf-8 string." in str(response.json["errors"])


@pytest.mark.parametrize("query, field, message", [
    ("beneficiary=a%09b", "beneficiary", "line break or tab (U+0009)"),
    ("number=JLR%E2%80%AE", "number", "bidirectional control (U+202E"),
    ("organization=%FF", "organization", "Not a valid utf-8 string."),
    ("lot_code=%01&format=csv", "lot_code", "control character (U+0001)")])
def test_the_registry_search_shows_a_bad_character_beside_its_field(client, market, query,
                                                                     field, message):
    response = client.get(f"/registry?{query}&lang=en")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and response.mimetype == "text/html"
    assert f'id="{field}-errors"' in page and message in page
    assert 'id="retirements"' not in page  # no search ran


def test_the_paste_form_and_headers_follow_the_rule(client, market):
    pasted = client.post("/verify", data={"credential": '{"a": "\u0000"}'})
    assert pasted.status_code == 422
    key = client.post("/api/v1/retirements", json={"purpose": "voluntary",
                      "beneficiary_name": "ok", "quantity_kg": 1},
                      headers={**market["buyer"].headers, "Idempotency-Key": "k\u0001"})
    assert key.status_code == 422 and "Idempotency-Key" in key.json["errors"]
    assert count(Retirement) == 0


def test_bank_confirmation_still_works_for_a_clean_order(client, market):
    placed = client.post("/api/v1/orders", headers=market["buyer"].headers, json={
        "items": [{"listing_id": market["listing"], "quantity_kg": 10}],
        "payment_method": "bank_transfer",
        "retirement": {"purpose": "voluntary", "beneficiary_name": "𠮷野家（长春）餐饮测试店·䶮"}})
    assert placed.status_code == 201, placed.json
    done = client.post(f"/api/v1/orders/{placed.json['id']}/bank-transfer-confirmation",
                       headers=market["admin"].headers,
                       json={"reference": placed.json["bank_reference"], "amount_fen": 80})
    assert done.status_code == 200 and done.json["status"] == "fulfilled", done.json


def test_the_rule_itself():
    assert text.problem("长春市机关事务管理局") is None
    assert text.problem("line\nbreak", text.MULTI_LINE) is None
    assert "line break" in text.problem("line\nbreak")
    assert "bidirectional" in text.problem("a\u202eb", text.MULTI_LINE)
    assert "surrogate" in text.problem("a\ud800")
    assert text.problem("a\u200bb") is None  # invisible characters matter in names only
    assert "invisible" in text.problem("a\u200bb", text.NAME)
    assert text.problem("👍🏽\u200d🔥", text.NAME) is None
    assert "invisible" in text.problem("\u200d👍", text.NAME)
