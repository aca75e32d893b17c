"""32 buyers race for one listing on PostgreSQL: no oversell, no overlap, audit passes."""

import threading

import pytest

from factories import make_listing, make_lot, make_org

BUYERS = 32


@pytest.mark.postgres
def test_thirty_two_buyers_race_for_one_listing(app, runner):
    seller = make_org("seller")
    listing = make_listing(seller, make_lot(seller, 50_000), 1_000, 10_000)
    buyers = [make_org("buyer") for _ in range(BUYERS)]
    barrier = threading.Barrier(BUYERS)
    results = []

    def buy(buyer):
        client = app.test_client()
        barrier.wait()
        response = client.post("/api/v1/orders", headers=buyer.headers, json={
            "items": [{"listing_id": listing, "quantity_kg": 70}],
            "payment_method": "bank_transfer"})
        results.append(response.status_code)

    threads = [threading.Thread(target=buy, args=(b,)) for b in buyers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results.count(201) == 1_000 // 70  # 14 orders fit, 18 are refused
    assert results.count(409) == BUYERS - 1_000 // 70
    client = app.test_client()
    assert client.get(f"/api/v1/listings/{listing}").json["remaining_kg"] == 1_000 - 14 * 70
    reserved = sorted((i["serial_start"], i["serial_end"]) for i in client.get(
        "/api/v1/holdings", headers=seller.headers).json["items"] if i["state"] == "reserved")
    assert sum(e - s + 1 for s, e in reserved) == 14 * 70
    assert all(a[1] < b[0] for a, b in zip(reserved, reserved[1:]))
    result = runner.invoke(args=["audit"])
    assert result.exit_code == 0, result.output
