"""Organisation and pilot neutrality claims: declared or calculated footprints, covered by
retirements with claim_id (direct or buy-and-retire), with their certificate."""

from datetime import date

import pytest

from factories import give, make_event, make_listing, make_lot, make_org, on_china_date

PERIOD = {"period_start": "2026-01-01", "period_end": "2026-06-30"}


@pytest.fixture
def setup(app):
    on_china_date(date(2026, 7, 15))
    seller, org, admin = make_org("seller"), make_org("buyer", kind="agency"), make_org(
        "registry_admin")
    lot = make_lot(seller, 10_000)
    give(seller, org, lot, 2_000)
    return {"seller": seller, "org": org, "admin": admin,
            "listing": make_listing(seller, lot, 5_000, 9_000)}


def open_claim(client, actor, **body):
    return client.post("/api/v1/claims", headers=actor.headers, json={
        "subject": "organization", "name": "吉林省生态环境厅 2026 上半年办公运营", **PERIOD, **body})


def retire(client, actor, **body):
    return client.post("/api/v1/retirements", headers=actor.headers, json={
        "purpose": "organization_operations", "beneficiary_name": "吉林省生态环境厅",
        **PERIOD, **body})


def test_declared_organisation_claim_covered_by_retirements(client, setup):
    org = setup["org"]
    created = open_claim(client, org, footprint_kg=1_500)
    assert created.status_code == 201, created.json
    claim = created.json
    assert (claim["status"], claim["required_kg"], claim["deadline"]) == (
        "awaiting_offset", 1_500, "2027-06-30")
    assert claim["footprint"]["basis"] == "declared" and claim["footprint"]["factor_set"] is None
    first = retire(client, org, claim_id=claim["id"], quantity_kg=600)
    assert first.status_code == 201, first.json
    assert client.get(f"/api/v1/claims/{claim['id']}").json["outstanding_kg"] == 900
    second = retire(client, org, claim_id=claim["id"], quantity_kg=900)
    assert second.status_code == 201
    done = client.get(f"/api/v1/claims/{claim['id']}").json
    assert (done["status"], done["retired_kg"], done["outstanding_kg"]) == ("neutral", 1_500, 0)
    certificate = client.get(f"/api/v1/certificates/{done['certificate_number']}").json
    assert certificate["type"] == "claim_neutrality"
    subject = certificate["credential"]["credentialSubject"]
    assert subject["period"] == {"start": "2026-01-01", "end": "2026-06-30"}
    assert subject["host"]["name"] == org.name and subject["footprint"]["totalKg"] == 1_500
    result = client.post("/api/v1/certificates/verification", json=certificate).json
    assert result["verified"] and result["checks"]["ledger"] == "passed"
    page = client.get(f"/claims/{claim['id']}").get_data(as_text=True)
    assert done["certificate_number"] in page


def test_pilot_claim_from_inputs_neutralized_by_a_buy_and_retire_order(client, setup):
    org, admin = setup["org"], setup["admin"]
    created = open_claim(client, org, subject="pilot", name="长春新区零碳园区试点",
                         inputs={"natural_gas_m3": 1_000, "electricity_kwh": 5_000})
    assert created.status_code == 201, created.json
    claim = created.json
    assert claim["required_kg"] == 2_162 + 2_336  # 2 335.5 rounds half up
    assert claim["footprint"]["factor_set"] == "CN-JL-2026.1"
    order = client.post(f"/api/v1/claims/{claim['id']}/neutralize", headers=org.headers,
                        json={"payment_method": "bank_transfer"})
    assert order.status_code == 201, order.json
    instruction = order.json["retirement"]
    assert (instruction["purpose"], instruction["claim_id"], instruction["period_end"]) == (
        "pilot_neutrality", claim["id"], "2026-06-30")
    assert order.json["quantity_kg"] == 4_498
    paid = client.post(f"/api/v1/orders/{order.json['id']}/bank-transfer-confirmation",
                       headers=admin.headers, json={"reference": order.json["bank_reference"],
                                                    "amount_fen": order.json["total_fen"]})
    assert paid.status_code == 200
    assert client.get(f"/api/v1/claims/{claim['id']}").json["status"] == "neutral"


def test_claim_needs_exactly_one_footprint_and_strict_integers(client, setup):
    org = setup["org"]
    for body in ({}, {"footprint_kg": 10, "inputs": {"meals": 10}}, {"footprint_kg": 1.5},
                 {"footprint_kg": "100"}, {"footprint_kg": 0}, {"footprint_kg": None},
                 {"footprint_kg": 10, "subject": "event"},
                 {"footprint_kg": 10, "period_end": "2025-12-31"},
                 {"inputs": {"meals": -5}}, {"inputs": {"fuel": 5}}):
        response = open_claim(client, org, **body)
        assert response.status_code == 422, (body, response.json)
        assert set(response.json) == {"code", "status", "message", "errors"}
    assert client.get("/api/v1/claims/999999").status_code == 404


def test_retirements_must_fit_the_claim(client, setup):
    org, stranger = setup["org"], make_org("buyer")
    give(setup["seller"], stranger, make_lot(setup["seller"], 100), 100)
    claim_id = open_claim(client, org, footprint_kg=1_000).json["id"]
    foreign = retire(client, stranger, claim_id=claim_id, quantity_kg=10)
    assert foreign.status_code == 403
    purpose = retire(client, org, claim_id=claim_id, quantity_kg=10, purpose="pilot_neutrality")
    assert purpose.status_code == 422 and "purpose" in purpose.json["errors"]
    period = retire(client, org, claim_id=claim_id, quantity_kg=10, period_end="2026-03-31")
    assert period.status_code == 422 and "period_end" in period.json["errors"]
    unknown = retire(client, org, claim_id=999_999, quantity_kg=10)
    assert unknown.status_code == 422 and "claim_id" in unknown.json["errors"]
    neutralize = client.post(f"/api/v1/claims/{claim_id}/neutralize", headers=stranger.headers,
                             json={"payment_method": "bank_transfer"})
    assert neutralize.status_code == 403
    # An event's claim is covered through its event_id.
    event_id = make_event(org, start_date=date(2026, 9, 1), end_date=date(2026, 9, 2))
    event_claim = client.get(f"/api/v1/events/{event_id}").json["claim_id"]
    via_claim = retire(client, org, claim_id=event_claim, quantity_kg=10)
    assert via_claim.status_code == 422 and "event_id" in via_claim.json["errors"]
    assert client.get("/api/v1/holdings", headers=org.headers).json["available_kg"] == 2_000


def test_one_year_after_is_the_same_date_next_year(app):
    """Issue 16, fault 7: a calendar year, not 365 days, across 29 February."""
    from datetime import date

    from events.claims import add_years, offset_deadline

    assert offset_deadline(date(2027, 8, 26)) == date(2028, 8, 26)  # 2028 has 29 Feb
    assert offset_deadline(date(2028, 2, 29)) == date(2029, 2, 28)
    assert offset_deadline(date(2026, 8, 2)) == date(2027, 8, 2)
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)
    app.config["EVENT_OFFSET_DEADLINE_DAYS"] = 30  # the older setting still works
    assert offset_deadline(date(2027, 8, 26)) == date(2027, 9, 25)
