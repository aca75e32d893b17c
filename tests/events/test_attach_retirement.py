"""Attaching an earlier retirement to a claim or an event (DOMAIN.md §8): it counts like a
retirement made with claim_id / event_id, completes the cover with its certificate, and is
refused (409, 403, 404) when it is not the host's, does not fit or already covers
something."""

import threading
from datetime import date

import pytest

from core.db import transaction
from core.models import Organization
from factories import give, make_event, make_lot, make_org, on_china_date
from market import units
from market.retirements import record_retirement

H1 = {"period_start": "2026-01-01", "period_end": "2026-06-30"}
Q1 = {"period_start": "2026-01-01", "period_end": "2026-03-31"}
Q2 = {"period_start": "2026-04-01", "period_end": "2026-06-30"}


@pytest.fixture
def setup(app):
    on_china_date(date(2026, 7, 15))
    seller, org, stranger = make_org("seller"), make_org("buyer", kind="agency"), make_org("buyer")
    lot = make_lot(seller, 10_000)
    give(seller, org, lot, 3_000)
    give(seller, stranger, lot, 500)
    return {"seller": seller, "org": org, "stranger": stranger}


def open_claim(client, actor, footprint_kg=1_000, **body):
    response = client.post("/api/v1/claims", headers=actor.headers, json={
        "subject": "organization", "name": "吉林省生态环境厅 2026 上半年办公运营", **H1,
        "footprint_kg": footprint_kg, **body})
    assert response.status_code == 201, response.json
    return response.json["id"]


def retire(client, actor, kg, **body):
    response = client.post("/api/v1/retirements", headers=actor.headers, json={
        "purpose": "organization_operations", "beneficiary_name": "吉林省生态环境厅", **Q1,
        "quantity_kg": kg, **body})
    assert response.status_code == 201, response.json
    return response.json


def attach(client, actor, retirement_id, claim_id=None, event_id=None):
    url = (f"/api/v1/claims/{claim_id}/retirements" if claim_id is not None
           else f"/api/v1/events/{event_id}/retirements")
    return client.post(url, headers=actor.headers, json={"retirement_id": retirement_id})


def refused(response, status, code):
    assert response.status_code == status, response.json
    assert response.json["code"] == code
    assert set(response.json) == {"code", "status", "message", "errors"}


def test_earlier_retirements_count_and_the_one_that_completes_the_cover_certifies(
        client, setup, runner):
    org = setup["org"]
    first, second = retire(client, org, 600), retire(client, org, 400, **Q2)
    claim_id = open_claim(client, org)

    partial = attach(client, org, first["id"], claim_id)
    assert partial.status_code == 200, partial.json
    body = partial.json
    assert (body["status"], body["retired_kg"], body["outstanding_kg"]) == (
        "awaiting_offset", 600, 400)
    assert [r["id"] for r in body["retirements"]] == [first["id"]]
    assert body["certificate_number"] is None

    done = attach(client, org, second["id"], claim_id).json
    assert (done["status"], done["retired_kg"], done["outstanding_kg"]) == ("neutral", 1_000, 0)
    assert client.get(f"/api/v1/claims/{claim_id}").json == done
    certificate = client.get(f"/api/v1/certificates/{done['certificate_number']}").json
    assert certificate["type"] == "claim_neutrality"
    covered = certificate["credential"]["credentialSubject"]["retirements"]
    assert [r["retirementNumber"] for r in covered] == [first["number"], second["number"]]
    verified = client.post("/api/v1/certificates/verification", json=certificate).json
    assert verified["verified"], verified
    assert client.get(f"/api/v1/retirements/{first['id']}").json["claim_id"] == claim_id
    result = runner.invoke(args=["audit"])
    assert result.exit_code == 0, result.output


def test_attaching_the_same_retirement_twice_is_refused(client, setup):
    org = setup["org"]
    retirement = retire(client, org, 300)
    claim_id, other_claim = open_claim(client, org), open_claim(client, org, name="另一声明")
    assert attach(client, org, retirement["id"], claim_id).status_code == 200
    refused(attach(client, org, retirement["id"], claim_id), 409, "retirement_already_attached")
    refused(attach(client, org, retirement["id"], other_claim), 409,
            "retirement_already_attached")
    assert client.get(f"/api/v1/claims/{claim_id}").json["retired_kg"] == 300
    assert client.get(f"/api/v1/claims/{other_claim}").json["retired_kg"] == 0


def test_a_retirement_for_another_purpose_is_refused(client, setup):
    org = setup["org"]
    claim_id = open_claim(client, org)
    voluntary = retire(client, org, 100, purpose="voluntary", period_start=None,
                       period_end=None)
    refused(attach(client, org, voluntary["id"], claim_id), 409, "retirement_purpose_mismatch")
    pilot = retire(client, org, 100, purpose="pilot_neutrality")
    refused(attach(client, org, pilot["id"], claim_id), 409, "retirement_purpose_mismatch")
    pilot_claim = open_claim(client, org, subject="pilot", name="长春新区零碳园区试点")
    assert attach(client, org, pilot["id"], pilot_claim).status_code == 200
    assert client.get(f"/api/v1/claims/{claim_id}").json["retired_kg"] == 0


def test_a_period_outside_the_claims_period_is_refused(client, setup):
    org = setup["org"]
    claim_id = open_claim(client, org)
    before = retire(client, org, 100, period_start="2025-07-01", period_end="2025-12-31")
    refused(attach(client, org, before["id"], claim_id), 409, "retirement_period_outside_claim")
    straddling = retire(client, org, 100, period_start="2026-06-01", period_end="2026-07-31")
    refused(attach(client, org, straddling["id"], claim_id), 409,
            "retirement_period_outside_claim")
    assert client.get(f"/api/v1/claims/{claim_id}").json["retired_kg"] == 0


def test_a_retirement_that_already_covers_a_claim_or_an_event_is_refused(client, setup):
    org = setup["org"]
    first_claim, second_claim = open_claim(client, org), open_claim(client, org, name="第二")
    direct = retire(client, org, 200, claim_id=first_claim, **H1)
    refused(attach(client, org, direct["id"], second_claim), 409, "retirement_already_attached")
    event_id = make_event(org, start_date=date(2026, 9, 1), end_date=date(2026, 9, 2))
    for_event = retire(client, org, 200, purpose="event_neutrality", event_id=event_id,
                       period_start=None, period_end=None)
    refused(attach(client, org, for_event["id"], second_claim), 409,
            "retirement_already_attached")
    other_event = make_event(org, name="另一活动", start_date=date(2026, 9, 5),
                             end_date=date(2026, 9, 6))
    refused(attach(client, org, for_event["id"], event_id=other_event), 409,
            "retirement_already_attached")
    assert client.get(f"/api/v1/claims/{second_claim}").json["retired_kg"] == 0


def test_only_the_host_attaches_only_its_own_retirements(client, setup):
    org, stranger = setup["org"], setup["stranger"]
    claim_id = open_claim(client, org)
    theirs = retire(client, stranger, 100)
    refused(attach(client, org, theirs["id"], claim_id), 403, "retirement_not_owned")
    mine = retire(client, org, 100)
    refused(attach(client, stranger, mine["id"], claim_id), 403, "forbidden")
    refused(attach(client, org, 999_999, claim_id), 404, "not_found")
    refused(attach(client, org, mine["id"], 999_999), 404, "not_found")
    refused(attach(client, org, mine["id"], event_id=999_999), 404, "not_found")
    for bad in ("1", 1.0, None, 0):
        response = client.post(f"/api/v1/claims/{claim_id}/retirements", headers=org.headers,
                                json={"retirement_id": bad})
        assert response.status_code == 422, (bad, response.json)
    assert client.post(f"/api/v1/claims/{claim_id}/retirements",
                       json={"retirement_id": mine["id"]}).status_code == 401
    seller = client.post(f"/api/v1/claims/{claim_id}/retirements",
                         headers=setup["seller"].headers, json={"retirement_id": mine["id"]})
    assert seller.status_code == 403
    assert client.get(f"/api/v1/claims/{claim_id}").json["retired_kg"] == 0


def retire_naming_no_event(holder, kg: int, **fields) -> int:
    """An event_neutrality retirement that names no event. The API no longer records one
    (event_neutrality needs event_id), so it is recorded through the market's use case."""
    with transaction() as session:
        blocks = units.carve(kg, what="available units", owner_id=holder.id, state="available")
        return record_retirement(session.get(Organization, holder.id), {
            "purpose": "event_neutrality", "beneficiary_name": "2026 东北亚博览会", **fields},
            blocks, from_state="available").id


def test_an_event_takes_an_event_neutrality_retirement_that_names_no_event(client, setup):
    org = setup["org"]
    event_id = make_event(org)  # 10–12 June 2026, ended
    actual = client.post(f"/api/v1/events/{event_id}/footprints", headers=org.headers,
                         json={"stage": "actual", "inputs": {"electricity_kwh": 2_000}})
    assert actual.status_code == 201 and actual.json["total_kg"] == 934
    organisation = retire(client, org, 934)
    refused(attach(client, org, organisation["id"], event_id=event_id), 409,
            "retirement_purpose_mismatch")
    outside = retire_naming_no_event(org, 10, period_start=date(2026, 6, 1),
                                     period_end=date(2026, 6, 30))
    refused(attach(client, org, outside, event_id=event_id), 409,
            "retirement_period_outside_claim")
    fits = retire_naming_no_event(org, 934)
    done = attach(client, org, fits, event_id=event_id)
    assert done.status_code == 200, done.json
    assert (done.json["id"], done.json["status"], done.json["retired_kg"]) == (
        event_id, "neutral", 934)
    certificate = client.get(f"/api/v1/certificates/{done.json['certificate_number']}").json
    assert certificate["type"] == "event_neutrality"
    assert client.get(f"/api/v1/retirements/{fits}").json["event_id"] == event_id


def test_attach_routes_are_documented_with_their_roles(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path in ("/api/v1/claims/{claim_id}/retirements", "/api/v1/events/{event_id}/retirements"):
        assert paths[path]["post"]["x-roles"] == ["buyer"]


@pytest.mark.postgres
def test_two_simultaneous_attaches_of_one_retirement_let_one_through(app, setup):
    org = setup["org"]
    client = app.test_client()
    retirement = retire(client, org, 500)
    claim_ids = [open_claim(client, org, name=f"声明{n}") for n in range(2)]
    barrier = threading.Barrier(len(claim_ids))
    results = []

    def attach_to(claim_id):
        own = app.test_client()
        barrier.wait()
        response = attach(own, org, retirement["id"], claim_id)
        results.append((response.status_code, response.json["code"]
                        if response.status_code != 200 else None))

    threads = [threading.Thread(target=attach_to, args=(c,)) for c in claim_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results, key=str) == [(200, None), (409, "retirement_already_attached")]
    retired = [client.get(f"/api/v1/claims/{c}").json["retired_kg"] for c in claim_ids]
    assert sorted(retired) == [0, 500]
