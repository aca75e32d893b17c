"""Reservations expire on a controllable clock, not with sleeps."""

from datetime import timedelta

from factories import make_listing, make_lot, make_org
from core import clock
from market import jobs


def test_bank_transfer_reservation_expires_after_its_window(app, client, runner):
    seller, buyer, admin = make_org("seller"), make_org("buyer"), make_org("registry_admin")
    listing = make_listing(seller, make_lot(seller, 1_000), 1_000, 5_000)
    placed = client.post("/api/v1/orders", headers=buyer.headers, json={
        "items": [{"listing_id": listing, "quantity_kg": 600}],
        "payment_method": "bank_transfer"}).json
    window = timedelta(hours=app.config["BANK_RESERVATION_HOURS"])

    clock.set_now(clock.now() + window - timedelta(minutes=1))
    assert jobs.expire_reservations() == {}
    assert client.get(f"/api/v1/listings/{listing}").json["remaining_kg"] == 400

    clock.set_now(clock.now() + timedelta(minutes=2))
    late = client.post(f"/api/v1/orders/{placed['id']}/bank-transfer-confirmation",
                       headers=admin.headers,
                       json={"reference": placed["bank_reference"], "amount_fen": 3_000})
    assert late.status_code == 409
    assert jobs.expire_reservations() == {"expired": 1}
    assert jobs.expire_reservations() == {}
    order = client.get(f"/api/v1/orders/{placed['id']}", headers=buyer.headers).json
    assert order["status"] == "expired"
    assert client.get(f"/api/v1/listings/{listing}").json["remaining_kg"] == 1_000
    types = [e["type"] for e in client.get("/api/v1/ledger").json["items"]]
    assert types == ["issue", "list", "reserve", "release"]
    assert runner.invoke(args=["audit"]).exit_code == 0


def test_jobs_run_once_cli_runs_every_job(runner):
    result = runner.invoke(args=["jobs", "run-once"])
    assert result.exit_code == 0 and "market.expire_reservations" in result.output
