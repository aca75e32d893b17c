"""Eight clicks on one payment link at once, on PostgreSQL: one order, seven refusals."""

import threading

import pytest

from factories import case_body, make_authority, make_listing, make_lot, make_org

CLICKS = 8


@pytest.mark.postgres
def test_simultaneous_payments_through_one_link_buy_the_rest_once(app, runner):
    seller, court = make_org("seller"), make_authority()
    lot = make_lot(seller, 50_000)
    listing = make_listing(seller, lot, 40_000, 6_000)
    case = app.test_client().post("/api/v1/compensation-cases", headers=court.headers,
                                  json=case_body(obligor={"name": "李四"}, required_kg=3_000)).json
    url = f"/api/v1/public/compensation-cases/pay/{case['payment_link'].rsplit('/', 1)[1]}"
    barrier = threading.Barrier(CLICKS)
    results = []

    def click():
        client = app.test_client()
        barrier.wait()
        response = client.post(url, json={"payment_method": "bank_transfer"})
        results.append((response.status_code, response.json["code"] if response.status_code
                        != 201 else None))

    threads = [threading.Thread(target=click) for _ in range(CLICKS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results, key=str) == sorted(
        [(201, None)] + [(409, "payment_pending")] * (CLICKS - 1), key=str)
    client = app.test_client()
    assert client.get(f"/api/v1/listings/{listing}").json["remaining_kg"] == 40_000 - 3_000
    history = client.get(f"/api/v1/compensation-cases/{case['id']}/history",
                         headers=court.headers).json
    assert [e["action"] for e in history].count("payment_order_placed") == 1
    result = runner.invoke(args=["audit"])
    assert result.exit_code == 0, result.output
