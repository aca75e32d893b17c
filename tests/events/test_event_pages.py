"""The event host's pages: the list of its events, the registration form, and on the
event's page the stepper with the form of each step (estimate, commitment, actual,
offset by buying, by retiring from holdings, by attaching) — the same use cases as the
API, with bad input refused beside the field (422) in Chinese and English."""

import re
from datetime import date

import pytest

from core.db import db
from events.models import Event
from factories import (PASSWORD, give, make_event, make_listing, make_lot, make_org, make_user,
                       on_china_date)
from market.models import Order

EN = {"Accept-Language": "en"}


@pytest.fixture
def host(app, client):
    on_china_date(date(2026, 5, 1))
    organization = make_org("buyer", kind="event_host", name="吉林省会展中心")
    sign_in(client, make_user(organization))
    return organization


def sign_in(client, email):
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 303


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.text)).replace("\u00a0", " ")


def event_form(**fields) -> dict:
    return {"name": "第二届长白山生态论坛", "kind": "forum", "venue": "长白山国际会议中心",
            "city": "白山", "start_date": "2026-08-01", "end_date": "2026-08-02",
            "expected_attendees": "1,200", **fields}


def errors_beside(response, field_id: str) -> str:
    """The text of the error list beside ``field_id`` (empty when there is none)."""
    found = re.search(rf'<ul class="field-errors" id="{field_id}-errors">(.*?)</ul>',
                      response.text, re.S)
    return re.sub(r"<[^>]+>", "", found.group(1)).strip() if found else ""


def current_step(response) -> str:
    return re.search(r'id="step-(\w+)" aria-current="step"', response.text).group(1)


def test_signed_out_visitors_go_to_sign_in_and_sellers_are_refused(client, app):
    assert client.get("/events").location.startswith("/login?next=")
    assert client.get("/events/new").location.startswith("/login?next=")
    sign_in(client, make_user(make_org("seller")))
    assert client.get("/events").status_code == 403
    assert client.post("/events/new", data=event_form()).status_code == 403


def test_registering_an_event_lists_it_with_its_status_and_counts_it_in_the_workspace(
        client, host):
    form = client.get("/events/new")
    assert form.status_code == 200 and "活动名称" in form.text and 'value="forum"' in form.text
    response = client.post("/events/new", data=event_form())
    assert response.status_code == 303, text_of(response)
    event_id = int(response.location.rsplit("/", 1)[1])
    event = db.session.get(Event, event_id)
    assert (event.kind, event.expected_attendees, event.claim.organization_id) == (
        "forum", 1_200, host.id)

    listed = text_of(client.get("/events"))
    assert "第二届长白山生态论坛" in listed and "筹备中" in listed and "2027年8月2日" in listed
    assert "论坛" in listed
    filtered = client.get("/events?status=neutral")
    assert 'id="no-events"' in filtered.text and "第二届长白山生态论坛" not in filtered.text
    workspace = client.get("/workspace").text
    assert 'href="/events"' in workspace and "1 项待办" in workspace
    english = text_of(client.get("/events", headers=EN))
    assert "Planned" in english and "Register an event" in english


BAD_EVENTS = [
    ({"name": ""}, "name", "此项必填。", "This field is required."),
    ({"end_date": "2026-07-31"}, "end_date", "结束日期不得早于开始日期。",
     "The end must not be before the start."),
    ({"expected_attendees": "十二"}, "expected_attendees", "请输入整数。", "Enter a whole number."),
    ({"expected_attendees": "0"}, "expected_attendees", "1", "1 to 100,000,000"),
    ({"start_date": "2026-02-30"}, "start_date", "", ""),
    ({"start_date": "2025-01-01", "end_date": "2025-01-02"}, "end_date", "2026年1月2日",
     "2 Jan 2026"),  # its offset deadline has passed: the use case refuses, beside the date
    ({"venue": "会议中心\u200b"}, "venue", "U+200B", "U+200B"),
]


@pytest.mark.parametrize("change, field, chinese, english", BAD_EVENTS)
def test_bad_registrations_are_refused_beside_the_field_in_both_languages(
        client, host, change, field, chinese, english):
    for headers, expected in (({}, chinese), (EN, english)):
        response = client.post("/events/new", data=event_form(**change), headers=headers)
        assert response.status_code == 422, (change, text_of(response))
        beside = errors_beside(response, field)
        assert beside and expected in beside, (change, beside)
    assert db.session.query(Event).count() == 0


def test_the_public_sees_the_disclosure_but_not_the_host_steps(client, app):
    on_china_date(date(2026, 5, 1))
    event_id = make_event(make_org("buyer"))
    page = client.get(f"/events/{event_id}")
    assert page.status_code == 200 and 'id="disclosure"' in page.text
    assert 'id="steps"' not in page.text and "自我声明" in page.text
    other = make_org("buyer")
    sign_in(client, make_user(other))
    assert 'id="steps"' not in client.get(f"/events/{event_id}").text
    assert client.post(f"/events/{event_id}/commitment").status_code == 404
    assert client.post("/events/999999/commitment").status_code == 404


def test_the_host_walks_from_estimate_to_commitment_to_actual(client, host):
    event_id = make_event(host, start_date=date(2026, 6, 10), end_date=date(2026, 6, 12))
    url = f"/events/{event_id}"
    page = client.get(url)
    assert current_step(page) == "estimate"
    assert "0.4671" in page.text and "公告2025年第47号" in page.text  # factor and source
    assert "千瓦时" in text_of(page) or "kWh" in text_of(page)

    bad = client.post(f"{url}/footprints", data={"stage": "estimate",
                                                  "electricity_kwh": "lots"})
    assert bad.status_code == 422
    assert "请填写数字" in errors_beside(bad, "estimate-electricity_kwh")
    bad_en = client.post(f"{url}/footprints", headers=EN, data={"stage": "estimate",
                                                                "electricity_kwh": "lots"})
    assert "Enter a number" in errors_beside(bad_en, "estimate-electricity_kwh")
    empty = client.post(f"{url}/footprints", data={"stage": "estimate"})
    assert empty.status_code == 422
    assert errors_beside(empty, "estimate-electricity_kwh")  # "every source rounds to 0 kg"

    done = client.post(f"{url}/footprints", data={"stage": "estimate",
                                                   "electricity_kwh": "10,000"})
    assert done.status_code == 303, text_of(done)
    page = client.get(url)
    assert current_step(page) == "commitment"
    assert 'id="commitment-preview"' in page.text and "4.671 吨" in text_of(page)
    assert "4,671" in page.text  # the result line in the disclosure

    early = client.post(f"{url}/footprints", data={"stage": "actual", "meals": "300"})
    assert early.status_code == 409 and "2026年6月12日" in text_of(early)

    assert client.post(f"{url}/commitment").status_code == 303
    page = client.get(url)
    assert current_step(page) == "held"
    event = db.session.get(Event, event_id)
    assert event.claim.commitment_certificate_number in page.text
    again = client.post(f"{url}/commitment", headers=EN)
    assert again.status_code == 409 and "already published" in again.text

    on_china_date(date(2026, 6, 13))
    assert current_step(client.get(url)) == "actual"
    response = client.post(f"{url}/footprints", data={"stage": "actual", "meals": "1,000",
                                                       "travel_high_speed_rail": "20000"})
    assert response.status_code == 303, text_of(response)
    page = client.get(url)
    assert current_step(page) == "offset" and "待抵消" in text_of(page)
    assert 'id="offset-now"' in page.text and 'role="progressbar"' not in page.text
    assert re.search(r'<progress id="coverage" max="3498" value="0"', page.text)


@pytest.fixture
def held(client, host):
    """An event of the host that ended, with an actual footprint of 3,090 kg, a listing
    to buy from and 2 t of the host's own units."""
    event_id = make_event(host, start_date=date(2026, 6, 10), end_date=date(2026, 6, 12))
    seller = make_org("seller", name="长春地铁集团")
    lot = make_lot(seller, 20_000)
    make_listing(seller, lot, 10_000, 50_00)
    give(seller, host, lot, 2_000)
    on_china_date(date(2026, 6, 20))
    response = client.post(f"/events/{event_id}/footprints",
                           data={"stage": "actual", "meals": "1000"})
    assert response.status_code == 303
    return event_id


def test_offset_now_orders_the_outstanding_for_the_event_by_bank_transfer(client, host, held):
    bad = client.post(f"/events/{held}/offset", data={"payment_method": "cash"})
    assert bad.status_code == 422 and "field-errors" in bad.text
    response = client.post(f"/events/{held}/offset", data={"payment_method": "bank_transfer"})
    assert response.status_code == 303 and response.location.startswith("/orders/JLO-")
    order = db.session.query(Order).one()
    assert order.quantity_kg == 3_090 and order.payment_method == "bank_transfer"
    assert order.retirement["beneficiary_name"] == db.session.get(Event, held).name
    assert order.retirement["event_id"] == held
    page = text_of(client.get(f"/events/{held}"))
    assert "3.090 吨" in page and 'id="offset-now"' not in page  # nothing left to order


def test_retiring_from_holdings_counts_for_the_event_and_refuses_bad_quantities(
        client, host, held):
    for typed, headers, expected in (("abc", {}, "吨"), ("1.2345", EN, "3 decimals"),
                                     ("", {}, "必填")):
        bad = client.post(f"/events/{held}/retire", data={"quantity": typed}, headers=headers)
        assert bad.status_code == 422, typed
        assert errors_beside(bad, "quantity"), typed
    too_much = client.post(f"/events/{held}/retire", data={"quantity": "5"}, headers=EN)
    assert too_much.status_code == 409 and errors_beside(too_much, "quantity")
    response = client.post(f"/events/{held}/retire", data={"quantity": "1.5"})
    assert response.status_code == 303, text_of(response)
    page = client.get(f"/events/{held}")
    assert "JLR-" in text_of(page) and 'value="1500"' in page.text
    event = db.session.get(Event, held)
    from market.models import Retirement
    retirement = db.session.query(Retirement).one()
    assert (retirement.event_id, retirement.beneficiary_name) == (held, event.name)


def test_attaching_a_retirement_that_does_not_fit_is_refused_beside_the_field(
        client, host, held):
    missing = client.post(f"/events/{held}/retirements", data={"retirement_id": "999999"})
    assert missing.status_code == 404 and errors_beside(missing, "retirement_id")
    blank = client.post(f"/events/{held}/retirements", data={})
    assert blank.status_code == 422 and errors_beside(blank, "retirement_id")


def test_a_covered_event_is_neutral_with_its_certificate_link(client, host):
    event_id = make_event(host, start_date=date(2026, 6, 10), end_date=date(2026, 6, 12))
    seller = make_org("seller")
    give(seller, host, make_lot(seller, 5_000), 5_000)
    on_china_date(date(2026, 6, 20))
    assert client.post(f"/events/{event_id}/footprints",
                       data={"stage": "actual", "meals": "1000"}).status_code == 303
    assert client.post(f"/events/{event_id}/retire", data={"quantity": "3.09"}).status_code == 303
    page = client.get(f"/events/{event_id}")
    number = db.session.get(Event, event_id).claim.certificate_number
    assert number and f'href="/verify/{number}"' in page.text
    assert 'id="neutral-notice"' in page.text
    assert 'aria-current="step"' not in page.text  # every step is done
    assert client.get("/workspace").text.count("项待办") == 0


def test_the_public_registry_lists_committed_and_neutral_events_only(client, app):
    on_china_date(date(2026, 5, 1))
    host = make_org("buyer", name="吉林省体育局")
    planned = make_event(host, name="只登记的活动")
    committed = make_event(host, name="长春马拉松")
    with_estimate = client.post(f"/api/v1/events/{committed}/footprints", headers=host.headers,
                                json={"stage": "estimate", "inputs": {"meals": 500}})
    assert with_estimate.status_code == 201
    assert client.post(f"/api/v1/events/{committed}/commitment",
                       headers=host.headers).status_code == 200
    page = client.get("/registry/events")
    assert page.status_code == 200
    assert f'href="/events/{committed}"' in page.text and "已承诺" in text_of(page)
    assert f'href="/events/{planned}"' not in page.text
    assert "长春马拉松" not in client.get("/registry/events?q=论坛").text
    assert "长春马拉松" in client.get("/registry/events?q=马拉松", headers=EN).text
    assert client.get("/registry/events?page=abc").status_code == 200
    assert 'href="/registry/events"' in client.get("/registry").text
    assert 'href="/registry/events"' in client.get("/").text


def test_card_payment_without_stripe_is_refused_beside_the_choice_and_strangers_are_404(
        client, host, held):
    card = client.post(f"/events/{held}/offset", data={"payment_method": "stripe"},
                       headers=EN)
    assert card.status_code in (409, 422) and "field-errors" in card.text
    assert db.session.query(Order).count() == 0
    stranger = make_org("buyer")
    sign_in(client, make_user(stranger))
    for action, data in (("offset", {"payment_method": "bank_transfer"}),
                         ("retire", {"quantity": "1"}), ("footprints", {"stage": "actual"}),
                         ("retirements", {"retirement_id": "1"})):
        assert client.post(f"/events/{held}/{action}", data=data).status_code == 404, action
    assert db.session.query(Order).count() == 0
