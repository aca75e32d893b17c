"""Issue 16, fault 4: every item and order costs at least 1 fen (amounts round up to the
fen, docs/money.md), splitting never pays less, and a Stripe failure leaves no reserved
units behind: 502 with the error shape and the order's id."""

import pytest

from core.rounding import amount_fen
from factories import make_listing, make_lot, make_org


@pytest.fixture
def app_config(stripe_config):
    return stripe_config


@pytest.fixture
def market(app):
    seller, buyer, admin = make_org("seller"), make_org("buyer"), make_org("registry_admin")
    lot = make_lot(seller, 10_000)
    return {"buyer": buyer, "admin": admin, "cheap": make_listing(seller, lot, 3_000, 100),
            "dear": make_listing(seller, lot, 3_000, 1_400)}


def order(client, buyer, listing, kg, method="bank_transfer", **headers):
    return client.post("/api/v1/orders", headers={**buyer.headers, **headers}, json={
        "items": [{"listing_id": listing, "quantity_kg": kg}], "payment_method": method})


def test_one_kg_at_100_fen_per_tonne_costs_one_fen_and_can_be_confirmed(client, market):
    placed = order(client, market["buyer"], market["cheap"], 1)
    assert placed.status_code == 201, placed.json
    assert placed.json["items"][0]["amount_fen"] == 1 and placed.json["total_fen"] == 1
    confirmed = client.post(f"/api/v1/orders/{placed.json['id']}/bank-transfer-confirmation",
                            headers=market["admin"].headers,
                            json={"reference": placed.json["bank_reference"], "amount_fen": 1})
    assert confirmed.status_code == 200 and confirmed.json["status"] == "fulfilled"


def test_one_kg_at_100_fen_per_tonne_opens_a_stripe_checkout(client, market, fake):
    placed = order(client, market["buyer"], market["cheap"], 1, method="stripe")
    assert placed.status_code == 201, placed.json
    assert placed.json["total_fen"] == 1 and placed.json["checkout_url"]
    session = next(iter(fake.sessions.values()))
    assert session["amount_total"] == 1


def test_split_orders_never_pay_less_than_one_order(client, market):
    one_kg = order(client, market["buyer"], market["dear"], 1).json
    assert one_kg["total_fen"] == 2  # 1.4 fen rounds up, not down to 1
    split = sum(order(client, market["buyer"], market["dear"], 1).json["total_fen"]
                for _ in range(9)) + one_kg["total_fen"]
    whole = order(client, market["buyer"], market["dear"], 10).json["total_fen"]
    assert whole == 14 and split == 20 >= whole


@pytest.mark.parametrize("kg, price, fen", [
    (1, 100, 1), (1, 1_400, 2), (1, 499, 1), (1, 500, 1), (1_000, 8_000, 8_000),
    (333, 7_777, 2_590), (1_250, 12_000, 15_000), (3, 333, 1),
])
def test_amounts_round_up_to_the_fen(kg, price, fen):
    assert amount_fen(kg, price) == fen


def test_rounding_up_never_rewards_splitting():
    for price in (1, 99, 100, 1_399, 1_400, 7_777):
        for a in range(1, 40):
            for b in range(1, 40):
                assert amount_fen(a, price) + amount_fen(b, price) >= amount_fen(a + b, price)


def test_a_gateway_failure_releases_the_reservation_and_names_the_order(client, market, fake):
    fake.stop()  # Stripe unreachable
    failed = order(client, market["buyer"], market["dear"], 500, method="stripe",
                   **{"Idempotency-Key": "first-try"})
    assert failed.status_code == 502, failed.json
    assert failed.json["code"] == "payment_gateway_error" and failed.json["status"] == 502
    assert {"message", "errors", "order_id", "order_number"} <= set(failed.json)
    assert client.get(f"/api/v1/listings/{market['dear']}").json["remaining_kg"] == 3_000
    seen = client.get(f"/api/v1/orders/{failed.json['order_id']}",
                      headers=market["buyer"].headers).json
    assert seen["number"] == failed.json["order_number"] and seen["status"] == "cancelled"
    assert seen["checkout_url"] is None
    # The idempotency key was freed: the same key tries again instead of replaying.
    retried = order(client, market["buyer"], market["dear"], 500, method="stripe",
                    **{"Idempotency-Key": "first-try"})
    assert retried.status_code == 502
    assert retried.json["order_number"] != failed.json["order_number"]
    assert client.get(f"/api/v1/listings/{market['dear']}").json["remaining_kg"] == 3_000
