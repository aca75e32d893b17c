"""Registering events and entering footprints through the API: the calculator's figures,
the host-only rule, the timing rules and bad input (always 422, never 500)."""

from datetime import date

import pytest

from factories import make_event, make_org, on_china_date

SHAPE = {"code", "status", "message", "errors"}
EVENT = {"name": "第二届长白山生态论坛", "kind": "forum", "venue": "长白山国际会议中心",
         "city": "白山", "start_date": "2026-08-01", "end_date": "2026-08-02",
         "expected_attendees": 600}


@pytest.fixture
def host(app):
    on_china_date(date(2026, 5, 1))
    return make_org("buyer", kind="event_host")


def footprint(client, actor, event_id, inputs, stage="estimate"):
    return client.post(f"/api/v1/events/{event_id}/footprints", headers=actor.headers,
                       json={"stage": stage, "inputs": inputs})


def test_domain_example_through_the_api(client, host):
    created = client.post("/api/v1/events", headers=host.headers, json=EVENT)
    assert created.status_code == 201, created.json
    assert created.json["status"] == "planned" and created.json["claim_id"]
    assert created.json["deadline"] == "2027-08-02"
    assert (created.json["required_kg"], created.json["outstanding_kg"]) == (None, None)
    response = footprint(client, host, created.json["id"], {"electricity_kwh": 10_000})
    assert response.status_code == 201, response.json
    body = response.json
    assert body["stage"] == "estimate" and body["factor_set"] == "CN-JL-2026.1"
    assert body["total_kg"] == 4_671
    assert body["lines"] == [{"category": "purchased_electricity", "source": "electricity",
                              "quantity": "10000", "unit": "kWh", "factor": "0.4671",
                              "factor_unit": "kg CO2e/kWh", "kg": 4_671}]
    assert body["inputs_hash"].startswith("sha256:")
    event = client.get(f"/api/v1/events/{created.json['id']}").json
    assert (event["required_kg"], event["retired_kg"], event["outstanding_kg"]) == (4_671, 0, 4_671)
    assert event["footprint"]["id"] == body["id"] and event["certificate_number"] is None
    listed = client.get(f"/api/v1/events/{created.json['id']}/footprints").json
    assert listed["total"] == 1 and listed["items"][0]["total_kg"] == 4_671
    page = client.get(f"/events/{created.json['id']}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)  # the line with its factor's provenance
    assert EVENT["name"] in html and "CN-JL-2026.1" in html and "4,671" in html
    assert "0.4671" in html and "公告2025年第47号" in html


BAD_EVENTS = [
    ({"end_date": "2026-07-31"}, "end_date"),
    ({"kind": "wedding"}, "kind"),
    ({"expected_attendees": 600.0}, "expected_attendees"),
    ({"expected_attendees": "600"}, "expected_attendees"),
    ({"expected_attendees": 0}, "expected_attendees"),
    ({"start_date": "2026-02-30"}, "start_date"),
    ({"start_date": "9999-01-01", "end_date": "9999-12-31"}, "start_date"),
    ({"start_date": "2025-04-01", "end_date": "2025-04-02"}, "end_date"),  # deadline passed
    ({"name": ""}, "name"),
    ({"sponsor": "x"}, "sponsor"),
]


def test_bad_event_registrations_are_refused(client, host):
    for change, field in BAD_EVENTS:
        response = client.post("/api/v1/events", headers=host.headers, json={**EVENT, **change})
        assert response.status_code == 422, (change, response.json)
        assert set(response.json) == SHAPE and field in response.json["errors"], change
    for body in ([], "x", None):
        assert client.post("/api/v1/events", headers=host.headers, json=body).status_code == 422
    assert client.post("/api/v1/events", json=EVENT).status_code == 401
    seller = make_org("seller")
    assert client.post("/api/v1/events", headers=seller.headers, json=EVENT).status_code == 403


BAD_INPUTS = [
    ({"electricity_kwh": -1}, "electricity_kwh"),
    ({"electricity_kwh": "100"}, "electricity_kwh"),
    ({"electricity_kwh": True}, "electricity_kwh"),
    ({"coal_t": 5}, "coal_t"),
    ({"travel": [{"mode": "rocket", "passenger_km": 10}]}, "travel"),
    ({"travel": [{"mode": "air", "passenger_km": 10, "class": "first"}]}, "travel"),
    ({"meals": 1e300}, "meals"),
    ({"meals": 0.1234567}, "meals"),
]


def test_bad_footprints_are_422(client, host):
    event_id = make_event(host)
    for inputs, where in BAD_INPUTS:
        response = footprint(client, host, event_id, inputs)
        assert response.status_code == 422, (inputs, response.json)
        assert where in response.json["errors"]["inputs"], inputs
    url = f"/api/v1/events/{event_id}/footprints"
    for body in ({"stage": "forecast", "inputs": {"meals": 1}}, {"stage": "estimate"},
                 {"stage": "estimate", "inputs": [1]}, {"stage": "estimate", "inputs": {}},
                 {"stage": "estimate", "inputs": {"electricity_kwh": 1}}):  # 0.4671 → 0 kg
        response = client.post(url, headers=host.headers, json=body)
        assert response.status_code == 422 and set(response.json) == SHAPE, body
    assert client.get(f"/api/v1/events/{event_id}/footprints").json["total"] == 0


def test_only_the_host_may_change_its_event(client, host):
    event_id = make_event(host)
    other = make_org("buyer")
    assert footprint(client, other, event_id, {"meals": 10}).status_code == 403
    assert client.post(f"/api/v1/events/{event_id}/commitment",
                       headers=other.headers).status_code == 403
    assert footprint(client, host, 999_999, {"meals": 10}).status_code == 404
    assert client.get("/api/v1/events/999999").status_code == 404
    assert client.get("/events/999999").status_code == 404


def test_commitment_needs_an_estimate_and_comes_once_before_the_end(client, host):
    event_id = make_event(host)
    url = f"/api/v1/events/{event_id}/commitment"
    none_yet = client.post(url, headers=host.headers)
    assert none_yet.status_code == 409 and none_yet.json["code"] == "no_estimate"
    footprint(client, host, event_id, {"meals": 500})
    on_china_date(date(2026, 6, 10))  # opening day: still allowed, recorded as such
    first = client.post(url, headers=host.headers)
    assert first.status_code == 200 and first.json["status"] == "committed"
    subject = client.get(f"/api/v1/certificates/{first.json['commitment_certificate_number']}"
                         ).json["credential"]["credentialSubject"]
    assert subject["publishedBeforeStart"] is False and subject["estimate"]["totalKg"] == 1_545
    assert client.post(url, headers=host.headers).status_code == 409

    late_event = make_event(host, start_date=date(2026, 6, 1), end_date=date(2026, 6, 2))
    footprint(client, host, late_event, {"meals": 500})
    late = client.post(f"/api/v1/events/{late_event}/commitment", headers=host.headers)
    assert late.status_code == 409 and late.json["code"] == "too_late"
