"""Hostile input on the event host's and the claim owner's pages, found by trying them:
absurd dates (year 1, year 9999 — the offset deadline overflowed into a 500), an id too
large for the id columns (a 500 on the database), and quantities whose precise refusal
was replaced by "This field is required." Each is refused beside its field, in Chinese
and English, and nothing is stored."""

import re
from datetime import date

import pytest

from core.db import db
from events.models import Event, NeutralityClaim
from factories import PASSWORD, give, make_event, make_lot, make_org, make_user, on_china_date
from market.models import Retirement

EN = {"Accept-Language": "en"}


def sign_in(client, email):
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 303


def errors_beside(response, field_id: str) -> str:
    found = re.search(rf'<ul class="field-errors" id="{field_id}-errors">(.*?)</ul>',
                      response.text, re.S)
    return re.sub(r"<[^>]+>", "", found.group(1)).strip() if found else ""


@pytest.fixture
def host(app, client):
    on_china_date(date(2026, 5, 1))
    organization = make_org("buyer", kind="event_host", name="东北亚博览会执行委员会办公室")
    sign_in(client, make_user(organization))
    return organization


def event_form(**fields) -> dict:
    return {"name": "第二届长白山生态论坛", "kind": "forum", "venue": "长白山国际会议中心",
            "city": "白山", "start_date": "2026-08-01", "end_date": "2026-08-02",
            "expected_attendees": "1200", **fields}


@pytest.mark.parametrize("start, end, field_id", [
    ("9999-12-30", "9999-12-31", "start_date"),   # the deadline was year 10000: a 500
    ("2026-08-01", "9999-12-31", "end_date"),
    ("0001-01-01", "0001-01-02", "start_date"),   # was "Offsets were due by 2 Jan 2."
    ("2026-08-01", "2101-01-01", "end_date"),
])
def test_dates_outside_the_horizon_are_refused_beside_the_field(client, host, start, end,
                                                                 field_id):
    for headers, expected in (({}, "须为 2000 年至 2100 年之间的日期"),
                              (EN, "Must be a date between 2000 and 2100")):
        response = client.post("/events/new", data=event_form(start_date=start, end_date=end),
                               headers=headers)
        assert response.status_code == 422, response.text
        assert expected in errors_beside(response, field_id)
    assert db.session.query(Event).count() == 0


def test_an_organisation_claim_with_a_year_9999_period_is_refused_not_a_500(client, app):
    on_china_date(date(2026, 7, 15))
    sign_in(client, make_user(make_org("buyer", kind="agency")))
    response = client.post("/claims/new", headers=EN, data={
        "subject": "organization", "name": "2026 年机关办公运营", "period_start": "2026-01-01",
        "period_end": "9999-12-31", "basis": "total", "footprint_t": "12.5"})
    assert response.status_code == 422
    assert "between 2000 and 2100" in errors_beside(response, "period_end")
    assert db.session.query(NeutralityClaim).count() == 0


@pytest.mark.parametrize("typed, zh, en", [
    ("99999999999999999999", "请选择一笔注销", "Choose a retirement"),  # was a 500
    ("abc", "请选择一笔注销", "Choose a retirement"),  # was "Invalid Choice: could not coerce."
])
def test_a_retirement_id_that_is_no_id_is_refused_beside_the_field(client, host, typed, zh,
                                                                   en):
    event_id = make_event(host)
    for headers, expected in (({}, zh), (EN, en)):
        response = client.post(f"/events/{event_id}/retirements",
                               data={"retirement_id": typed}, headers=headers)
        assert response.status_code == 422
        assert expected in errors_beside(response, "retirement_id")


@pytest.mark.parametrize("typed, zh, en", [
    ("1.2345", "最多三位小数", "At most three decimals"),
    ("-1", "请以吨为单位填写数量", "Enter a quantity in tonnes"),
    ("abc", "请以吨为单位填写数量", "Enter a quantity in tonnes"),
    ("0", "至少 0.001 吨", "At least 0.001 t"),
])
def test_a_quantity_to_retire_is_refused_with_its_own_reason(client, host, typed, zh, en):
    """``DataRequired`` used to wipe the reason and say "This field is required."."""
    seller = make_org("seller")
    give(seller, host, make_lot(seller, 5_000), 2_000)
    event_id = make_event(host)
    for headers, expected in (({}, zh), (EN, en)):
        response = client.post(f"/events/{event_id}/retire", data={"quantity": typed},
                               headers=headers)
        assert response.status_code == 422
        beside = errors_beside(response, "quantity")
        assert expected in beside and "必填" not in beside and "required" not in beside
    assert db.session.query(Retirement).count() == 0


@pytest.mark.parametrize("path", ["/events", "/registry/events"])
def test_a_page_number_too_large_for_the_database_is_an_empty_page(client, host, path):
    make_event(host)
    response = client.get(f"{path}?page=99999999999999999999")  # was a 500 (OFFSET overflow)
    assert response.status_code == 200
    assert "第二届长白山生态论坛" not in response.text and "2026 东北亚博览会" not in response.text


def test_a_factor_unit_reads_in_the_readers_language(client, host):
    event_id = make_event(host)
    assert client.post(f"/events/{event_id}/footprints", data={
        "stage": "estimate", "hotel_room_nights": "40", "travel_air": "1000"}).status_code == 303
    page = client.get(f"/events/{event_id}").text
    assert "kg CO₂e/间·夜" in page and "kg CO₂e/人·公里" in page and "room-night" not in page
    english = client.get(f"/events/{event_id}", headers=EN).text
    assert "kg CO₂e/room-night" in english


def test_the_activity_data_hash_is_labelled_not_a_code(client, host):
    event_id = make_event(host)
    assert client.post(f"/events/{event_id}/footprints", data={
        "stage": "estimate", "meals": "100"}).status_code == 303
    page = client.get(f"/events/{event_id}").text
    assert re.search(r'活动数据 <span class="mono">sha256:[0-9a-f]{64}</span>', page)
    assert ">inputs " not in page


def test_registering_the_same_event_twice_is_refused_beside_the_name(client, host):
    """A double submit (same name and dates) made two events."""
    assert client.post("/events/new", data=event_form()).status_code == 303
    for headers, expected in (({}, "已被注册"), (EN, "Already registered")):
        again = client.post("/events/new", data=event_form(), headers=headers)
        assert again.status_code == 409 and expected in errors_beside(again, "name")
    assert db.session.query(Event).count() == 1
    other_dates = client.post("/events/new", data=event_form(start_date="2027-08-01",
                                                             end_date="2027-08-02"))
    assert other_dates.status_code == 303 and db.session.query(Event).count() == 2


@pytest.mark.parametrize("field", ["meals", "hotel_room_nights"])
def test_half_a_meal_or_room_night_is_refused_beside_the_field(client, host, field):
    event_id = make_event(host)
    for headers, expected in (({}, "请输入整数"), (EN, "Enter a whole number.")):
        response = client.post(f"/events/{event_id}/footprints",
                               data={"stage": "estimate", field: "1.5"}, headers=headers)
        assert response.status_code == 422
        assert expected in errors_beside(response, f"estimate-{field}")
    assert client.post(f"/events/{event_id}/footprints",
                       data={"stage": "estimate", field: "2"}).status_code == 303


def test_a_tampered_stage_shows_an_error_at_the_top_of_the_page(client, host):
    event_id = make_event(host)
    for headers, expected in (({}, "请刷新页面后重新提交"), (EN, "reload the page")):
        response = client.post(f"/events/{event_id}/footprints",
                               data={"stage": "later", "meals": "2"}, headers=headers)
        assert response.status_code == 422
        summary = re.search(r'id="error-summary">(.*?)</div>', response.text, re.S)
        assert summary and expected in summary.group(1)


@pytest.mark.parametrize("query, message", [
    ("q=a%00b", "Contains a control character (U+0000)"),
    ("q=%E2%80%AE%E8%AE%BA%E5%9D%9B", "bidirectional control (U+202E"),
    ("q=%FF", "Not a valid utf-8 string."),
    ("q=" + "x" * 201, "200")])
def test_the_public_event_search_shows_a_refused_name_beside_its_box(client, app, query,
                                                                      message):
    """It was a whole-page 422 (or, past 200 characters, a silently shortened search)."""
    response = client.get(f"/registry/events?{query}&lang=en")
    assert response.status_code == 422
    assert message in errors_beside(response, "q")
    assert 'id="public-events"' not in response.text and 'id="result-count"' not in response.text


@pytest.mark.parametrize("typed", ["5\x00", "5\x07", "5\u202e"])
def test_a_control_character_in_an_activity_quantity_is_refused_beside_the_field(
        client, host, typed):
    event_id = make_event(host)
    code = f"U+{ord(typed[-1]):04X}"
    for headers, expected in (({}, "此处不允许"), (EN, code)):
        response = client.post(f"/events/{event_id}/footprints",
                               data={"stage": "estimate", "waste_kg": typed}, headers=headers)
        assert response.status_code == 422
        assert expected in errors_beside(response, "estimate-waste_kg")
    assert db.session.get(Event, event_id).claim.footprints == []
