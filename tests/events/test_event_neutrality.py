"""A carbon-neutral event end to end: estimate, commitment, actual footprint, partial cover
from holdings, full cover by a buy-and-retire order paid by bank transfer, the achievement
certificate verified; and the deadline, flagged by the daily job."""

import io
from datetime import date

import pytest

from events import jobs
from factories import give, make_event, make_listing, make_lot, make_org, on_china_date


@pytest.fixture
def market(app):
    """A seller with two listings (the cheaper one smaller) and a host holding 1 000 kg."""
    seller, host, admin = make_org("seller"), make_org("buyer"), make_org("registry_admin")
    lot = make_lot(seller, 20_000)
    give(seller, host, lot, 1_000)
    return {"seller": seller, "host": host, "admin": admin,
            "dear": make_listing(seller, lot, 5_000, 8_000),
            "cheap": make_listing(seller, lot, 3_000, 6_000)}


def post(client, actor, url, body=None):
    return client.post(url, headers=actor.headers, json=body if body is not None else {})


def test_full_event_becomes_neutral_with_a_verifiable_certificate(client, market, runner):
    host, admin = market["host"], market["admin"]
    on_china_date(date(2026, 4, 1))
    created = post(client, host, "/api/v1/events", {
        "name": "2026 长春国际汽车博览会", "kind": "exhibition", "venue": "长春国际会展中心",
        "city": "长春", "start_date": "2026-06-10", "end_date": "2026-06-12",
        "expected_attendees": 80_000})
    assert created.status_code == 201, created.json
    event = created.json
    assert event["status"] == "planned" and event["claim_id"] and event["deadline"] == "2027-06-12"
    url = f"/api/v1/events/{event['id']}"

    estimate = post(client, host, f"{url}/footprints",
                    {"stage": "estimate", "inputs": {"electricity_kwh": 10_000, "meals": 900}})
    assert estimate.status_code == 201 and estimate.json["total_kg"] == 4_671 + 2_781
    committed = post(client, host, f"{url}/commitment")
    assert committed.status_code == 200 and committed.json["status"] == "committed"
    commitment = client.get(
        f"/api/v1/certificates/{committed.json['commitment_certificate_number']}").json
    assert commitment["type"] == "commitment"
    assert commitment["credential"]["credentialSubject"]["committedKg"] == 7_452
    assert commitment["credential"]["credentialSubject"]["publishedBeforeStart"] is True
    checked = client.post("/api/v1/certificates/verification", json=commitment).json
    assert checked["verified"] and checked["checks"]["ledger"] == "not_applicable"

    on_china_date(date(2026, 6, 12))  # the last day: actuals may come in
    actual = post(client, host, f"{url}/footprints", {"stage": "actual", "inputs": {
        "electricity_kwh": 8_000, "meals": 1_000}})  # 3 736.8 → 3 737, 3 090
    assert actual.status_code == 201 and actual.json["total_kg"] == 6_827
    status = client.get(url).json
    assert (status["status"], status["required_kg"], status["outstanding_kg"]) == (
        "awaiting_offset", 6_827, 6_827)

    partial = post(client, host, "/api/v1/retirements", {
        "purpose": "event_neutrality", "beneficiary_name": "2026 长春国际汽车博览会",
        "event_id": event["id"], "quantity_kg": 1_000})
    assert partial.status_code == 201, partial.json
    status = client.get(url).json
    assert (status["status"], status["retired_kg"], status["outstanding_kg"]) == (
        "awaiting_offset", 1_000, 5_827)

    order = post(client, host, f"{url}/neutralize", {"payment_method": "bank_transfer"})
    assert order.status_code == 201, order.json
    order = order.json
    assert {i["listing_id"]: i["quantity_kg"] for i in order["items"]} == {
        market["cheap"]: 3_000, market["dear"]: 2_827}  # the cheaper listing emptied first
    assert order["total_fen"] == 18_000 + 22_616
    assert order["retirement"]["event_id"] == event["id"]
    again = post(client, host, f"{url}/neutralize", {"payment_method": "bank_transfer"})
    assert again.status_code == 409 and again.json["code"] == "nothing_outstanding"

    paid = post(client, admin, f"/api/v1/orders/{order['id']}/bank-transfer-confirmation",
                {"reference": order["bank_reference"], "amount_fen": order["total_fen"]})
    assert paid.status_code == 200 and paid.json["status"] == "fulfilled"
    done = client.get(url).json
    assert (done["status"], done["retired_kg"], done["outstanding_kg"]) == ("neutral", 6_827, 0)
    assert len(done["retirements"]) == 2

    certificate = client.get(f"/api/v1/certificates/{done['certificate_number']}").json
    assert certificate["type"] == "event_neutrality"
    subject = certificate["credential"]["credentialSubject"]
    assert subject["event"]["venue"] == "长春国际会展中心"
    assert subject["period"] == {"start": "2026-06-10", "end": "2026-06-12"}
    assert subject["footprint"]["factorSet"] == "CN-JL-2026.1"
    assert subject["footprint"]["inputsHash"] == actual.json["inputs_hash"]
    assert subject["commitmentCertificate"] == committed.json["commitment_certificate_number"]
    assert [r["quantityKg"] for r in subject["retirements"]] == [1_000, 5_827]
    assert subject["withinDeadline"] is True
    result = client.post("/api/v1/certificates/verification", json=certificate).json
    assert result["verified"], result
    assert result["checks"] == {"signature": "passed", "status": "valid", "ledger": "passed"}
    pdf = client.get(f"/certificates/{done['certificate_number']}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    upload = client.post("/api/v1/certificates/verification", content_type="multipart/form-data",
                         data={"file": (io.BytesIO(pdf.data), "certificate.pdf")}).json
    assert upload["verified"] and upload["checks"]["pdf_signature"] == "passed"
    pdf.close()
    for number in (done["certificate_number"], done["commitment_certificate_number"]):
        assert client.get(f"/verify/{number}").status_code == 200

    late = post(client, host, "/api/v1/retirements", {
        "purpose": "event_neutrality", "beneficiary_name": "x", "event_id": event["id"],
        "quantity_kg": 1})
    assert late.status_code == 409 and late.json["code"] == "already_neutral"
    closed = post(client, host, f"{url}/footprints", {"stage": "actual", "inputs": {"meals": 1}})
    assert closed.status_code == 409
    page = client.get(f"/events/{event['id']}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert done["certificate_number"] in html and "公告2025年第47号" in html
    assert committed.json["commitment_certificate_number"] in html
    audit = runner.invoke(args=["audit"])
    assert audit.exit_code == 0, audit.output


def test_retirements_made_before_the_actual_footprint_count_when_it_arrives(client, market):
    host = market["host"]
    on_china_date(date(2026, 6, 1))
    event_id = make_event(host)
    url = f"/api/v1/events/{event_id}"
    post(client, host, f"{url}/footprints", {"stage": "estimate", "inputs": {"meals": 300}})
    early = post(client, host, "/api/v1/retirements", {
        "purpose": "event_neutrality", "beneficiary_name": "x", "event_id": event_id,
        "quantity_kg": 950})
    assert early.status_code == 201
    assert client.get(url).json["status"] == "planned"  # covered estimate ≠ neutral
    too_soon = post(client, host, f"{url}/footprints", {"stage": "actual", "inputs": {"meals": 1}})
    assert too_soon.status_code == 409 and too_soon.json["code"] == "too_early"
    on_china_date(date(2026, 6, 13))
    actual = post(client, host, f"{url}/footprints", {"stage": "actual", "inputs": {"meals": 300}})
    assert actual.status_code == 201 and actual.json["total_kg"] == 927
    body = client.get(url).json
    assert body["status"] == "neutral" and body["certificate_number"]
    estimate = post(client, host, f"{url}/footprints",
                    {"stage": "estimate", "inputs": {"meals": 1}})
    assert estimate.status_code == 409


def test_deadline_passes_uncovered_and_the_daily_job_flags_it(client, market, app):
    host = market["host"]
    on_china_date(date(2026, 6, 1))
    event_id = make_event(host)
    url = f"/api/v1/events/{event_id}"
    post(client, host, f"{url}/footprints", {"stage": "estimate", "inputs": {"meals": 100}})
    assert "events.flag_due_claims" in [j["id"] for j in app.extensions["registry_jobs"]]

    on_china_date(date(2026, 6, 13))
    assert client.get(url).json["status"] == "awaiting_offset"  # ended; shown at once
    assert jobs.flag_due_claims() == {"overdue": 0, "awaiting_offset": 1}
    on_china_date(date(2027, 6, 12))  # the deadline day itself is still in time
    assert jobs.flag_due_claims() == {"overdue": 0, "awaiting_offset": 0}
    on_china_date(date(2027, 6, 13))
    assert client.get(url).json["status"] == "overdue"
    assert jobs.flag_due_claims() == {"overdue": 1, "awaiting_offset": 0}
    assert jobs.flag_due_claims() == {"overdue": 0, "awaiting_offset": 0}  # idempotent
    assert client.get(url).json["status"] == "overdue"

    # Late offsetting is still recorded, and the certificate says it was late.
    post(client, host, f"{url}/footprints", {"stage": "actual", "inputs": {"meals": 100}})
    retired = post(client, host, "/api/v1/retirements", {
        "purpose": "event_neutrality", "beneficiary_name": "x", "event_id": event_id,
        "quantity_kg": 309})
    assert retired.status_code == 201
    body = client.get(url).json
    assert body["status"] == "neutral"
    subject = client.get(f"/api/v1/certificates/{body['certificate_number']}").json[
        "credential"]["credentialSubject"]
    assert subject["withinDeadline"] is False


def test_retiring_for_someone_elses_event_is_refused(client, market):
    host, stranger = market["host"], make_org("buyer")
    give(market["seller"], stranger, make_lot(market["seller"], 500), 500)
    event_id = make_event(host)
    base = {"purpose": "event_neutrality", "beneficiary_name": "x", "quantity_kg": 10}
    foreign = post(client, stranger, "/api/v1/retirements", {**base, "event_id": event_id})
    assert foreign.status_code == 403
    unknown = post(client, host, "/api/v1/retirements", {**base, "event_id": 999_999})
    assert unknown.status_code == 422 and "event_id" in unknown.json["errors"]
    wrong_purpose = post(client, host, "/api/v1/retirements",
                         {**base, "purpose": "voluntary", "event_id": event_id})
    assert wrong_purpose.status_code == 422 and "purpose" in wrong_purpose.json["errors"]
    order = post(client, stranger, "/api/v1/orders", {
        "items": [{"listing_id": market["cheap"], "quantity_kg": 10}],
        "payment_method": "bank_transfer", "retirement": {**base, "event_id": event_id}})
    assert order.status_code == 403
    holdings = client.get("/api/v1/holdings", headers=stranger.headers).json
    assert holdings["available_kg"] == 500


def test_neutralize_refuses_what_the_market_cannot_cover(client, market):
    host = market["host"]
    on_china_date(date(2026, 6, 1))
    event_id = make_event(host)
    url = f"/api/v1/events/{event_id}"
    nothing = post(client, host, f"{url}/neutralize", {"payment_method": "bank_transfer"})
    assert nothing.status_code == 409 and nothing.json["code"] == "no_footprint"
    post(client, host, f"{url}/footprints", {"stage": "estimate",
                                             "inputs": {"electricity_kwh": 20_000}})  # 9 342 kg
    short = post(client, host, f"{url}/neutralize", {"payment_method": "bank_transfer"})
    assert short.status_code == 409 and short.json["code"] == "market_cannot_cover"
    assert client.get(f"/api/v1/listings/{market['cheap']}").json["remaining_kg"] == 3_000
    card = post(client, host, f"{url}/neutralize", {"payment_method": "stripe"})
    assert card.status_code == 409 and card.json["code"] == "stripe_not_configured"
    bad = post(client, host, f"{url}/neutralize", {"payment_method": "cash"})
    assert bad.status_code == 422
    stranger = post(client, make_org("buyer"), f"{url}/neutralize",
                    {"payment_method": "bank_transfer"})
    assert stranger.status_code == 403


@pytest.mark.postgres
def test_concurrent_retirements_issue_one_achievement_certificate(app, market):
    import threading

    import sqlalchemy as sa

    from certificates.models import Certificate
    from core.db import db

    host = market["host"]
    on_china_date(date(2026, 6, 12))
    event_id = make_event(host)
    client = app.test_client()
    post(client, host, f"/api/v1/events/{event_id}/footprints",
         {"stage": "actual", "inputs": {"meals": 50}})  # 155 kg
    barrier, statuses = threading.Barrier(8), []

    def retire():
        barrier.wait()
        statuses.append(post(app.test_client(), host, "/api/v1/retirements", {
            "purpose": "event_neutrality", "beneficiary_name": "x", "event_id": event_id,
            "quantity_kg": 60}).status_code)

    threads = [threading.Thread(target=retire) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses.count(201) >= 3 and set(statuses) <= {201, 409}
    body = client.get(f"/api/v1/events/{event_id}").json
    assert body["status"] == "neutral" and body["retired_kg"] == 60 * statuses.count(201)
    issued = db.session.execute(sa.select(sa.func.count()).select_from(Certificate).where(
        Certificate.type == "event_neutrality")).scalar_one()
    assert issued == 1
