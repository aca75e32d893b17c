"""Concurrent retirements from one holding never retire more than was held."""

import threading

import pytest

from factories import give, make_lot, make_org

THREADS = 16


@pytest.mark.postgres
def test_sixteen_threads_retiring_from_one_holding(app, runner):
    seller, buyer = make_org("seller"), make_org("buyer")
    lot_id = make_lot(seller, 100_000)
    give(seller, buyer, lot_id, 1_000)
    barrier = threading.Barrier(THREADS)
    statuses = []

    def retire():
        client = app.test_client()
        barrier.wait()
        for _ in range(3):
            response = client.post("/api/v1/retirements", headers=buyer.headers, json={
                "purpose": "voluntary", "beneficiary_name": "并发测试", "quantity_kg": 30})
            statuses.append(response.status_code)

    threads = [threading.Thread(target=retire) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(set(statuses)) == [201, 409]
    assert statuses.count(201) == 1_000 // 30  # 33 fit into 1 000 kg, the rest are refused
    holdings = app.test_client().get("/api/v1/holdings", headers=buyer.headers).json
    retired = sorted((i["serial_start"], i["serial_end"]) for i in holdings["items"]
                     if i["state"] == "retired")
    assert sum(e - s + 1 for s, e in retired) == 33 * 30 <= 1_000
    for (_, end), (start, _) in zip(retired, retired[1:]):
        assert end < start  # no overlap
    result = runner.invoke(args=["audit"])
    assert result.exit_code == 0, result.output
