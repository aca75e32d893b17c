"""Orders with serial-exact reservations, bank transfer, cancel, buy-and-retire."""

import pytest

from factories import make_listing, make_lot, make_org


@pytest.fixture
def market(app):
    seller, buyer, admin = make_org("seller"), make_org("buyer"), make_org("registry_admin")
    lot_a = make_lot(seller, 10_000)
    lot_b = make_lot(seller, 10_000, code="TR-BIKE")
    return {"seller": seller, "buyer": buyer, "admin": admin,
            "a": make_listing(seller, lot_a, 3_000, 8_000),
            "b": make_listing(seller, lot_b, 1_000, 7_777), "lot_a": lot_a}


def order(client, buyer, items, **extra):
    return client.post("/api/v1/orders", headers={**buyer.headers, **extra.pop("headers", {})},
                       json={"items": items, "payment_method": "bank_transfer", **extra})


def test_order_reserves_exact_serials_and_prices_half_up(client, market):
    response = order(client, market["buyer"], [{"listing_id": market["a"], "quantity_kg": 1_500},
                                               {"listing_id": market["b"], "quantity_kg": 333}])
    assert response.status_code == 201, response.json
    body = response.json
    assert body["status"] == "pending_payment" and body["currency"] == "CNY"
    assert [i["amount_fen"] for i in body["items"]] == [12_000, 2_590]  # 2589.741 → 2590
    assert body["total_fen"] == 14_590
    assert body["bank_reference"].startswith("JL") and body["bank_account"]["account_name"]
    assert body["expires_at"] > body["created_at"]
    holdings = client.get("/api/v1/holdings", headers=market["seller"].headers).json
    reserved = sorted((i["lot_code"], i["serial_start"], i["serial_end"])
                      for i in holdings["items"] if i["state"] == "reserved")
    assert reserved == [("JL-2026-TR-BIKE-00001", 1, 333), ("JL-2026-TR-METRO-00001", 1, 1_500)]
    listing = client.get(f"/api/v1/listings/{market['a']}").json
    assert listing["remaining_kg"] == 1_500


def test_order_that_cannot_be_fully_reserved_reserves_nothing(client, market):
    response = order(client, market["buyer"], [{"listing_id": market["a"], "quantity_kg": 100},
                                               {"listing_id": market["b"], "quantity_kg": 1_001}])
    assert response.status_code == 409 and response.json["code"] == "insufficient_units"
    assert client.get(f"/api/v1/listings/{market['a']}").json["remaining_kg"] == 3_000
    lot = client.get(f"/api/v1/lots/{market['lot_a']}").json
    assert lot["reserved_kg"] == 0


def test_bank_transfer_confirmation_fulfils_to_the_buyer(client, market, runner):
    placed = order(client, market["buyer"], [{"listing_id": market["a"], "quantity_kg": 1_000}]).json
    url = f"/api/v1/orders/{placed['id']}/bank-transfer-confirmation"
    short = client.post(url, headers=market["admin"].headers,
                        json={"reference": placed["bank_reference"], "amount_fen": 7_999})
    assert short.status_code == 409 and short.json["code"] == "amount_mismatch"
    wrong_ref = client.post(url, headers=market["admin"].headers,
                            json={"reference": "JL000", "amount_fen": 8_000})
    assert wrong_ref.status_code == 422
    own = client.post(url, headers=market["buyer"].headers,
                      json={"reference": placed["bank_reference"], "amount_fen": 8_000})
    assert own.status_code == 403
    done = client.post(url, headers=market["admin"].headers,
                       json={"reference": placed["bank_reference"], "amount_fen": 8_000})
    assert done.status_code == 200 and done.json["status"] == "fulfilled"
    holdings = client.get("/api/v1/holdings", headers=market["buyer"].headers).json
    assert holdings["items"] == [{"lot_id": market["lot_a"], "lot_code": "JL-2026-TR-METRO-00001",
                                  "serial_start": 1, "serial_end": 1_000, "quantity_kg": 1_000,
                                  "state": "available"}]
    twice = client.post(url, headers=market["admin"].headers,
                        json={"reference": placed["bank_reference"], "amount_fen": 8_000})
    assert twice.status_code == 409
    assert runner.invoke(args=["audit"]).exit_code == 0


def test_admin_cannot_confirm_its_own_order(client, app):
    seller, admin = make_org("seller"), make_org("registry_admin", "buyer")
    listing = make_listing(seller, make_lot(seller, 1_000), 1_000, 100)
    placed = order(client, admin, [{"listing_id": listing, "quantity_kg": 10}]).json
    response = client.post(f"/api/v1/orders/{placed['id']}/bank-transfer-confirmation",
                           headers=admin.headers,
                           json={"reference": placed["bank_reference"], "amount_fen": 1})
    assert response.status_code == 403


def test_cancel_releases_the_reservation_and_payment_then_is_refused(client, market):
    placed = order(client, market["buyer"], [{"listing_id": market["a"], "quantity_kg": 500}]).json
    stranger = make_org("buyer")
    assert client.post(f"/api/v1/orders/{placed['id']}/cancel",
                       headers=stranger.headers).status_code == 404
    cancelled = client.post(f"/api/v1/orders/{placed['id']}/cancel", headers=market["buyer"].headers)
    assert cancelled.status_code == 200 and cancelled.json["status"] == "cancelled"
    assert client.get(f"/api/v1/listings/{market['a']}").json["remaining_kg"] == 3_000
    late = client.post(f"/api/v1/orders/{placed['id']}/bank-transfer-confirmation",
                       headers=market["admin"].headers,
                       json={"reference": placed["bank_reference"], "amount_fen": 4_000})
    assert late.status_code == 409
    assert client.post(f"/api/v1/orders/{placed['id']}/cancel",
                       headers=market["buyer"].headers).status_code == 409


def test_buy_and_retire_retires_the_reserved_serials_for_the_buyer(client, market):
    placed = order(client, market["buyer"], [{"listing_id": market["a"], "quantity_kg": 2_000}],
                   retirement={"purpose": "organization_operations",
                               "beneficiary_name": "长春市机关事务管理局",
                               "period_start": "2026-01-01", "period_end": "2026-12-31"}).json
    assert placed["retirement"]["quantity_kg"] == 2_000
    done = client.post(f"/api/v1/orders/{placed['id']}/bank-transfer-confirmation",
                       headers=market["admin"].headers,
                       json={"reference": placed["bank_reference"], "amount_fen": 16_000}).json
    assert done["status"] == "fulfilled" and done["retirement_id"]
    retirement = client.get(f"/api/v1/retirements/{done['retirement_id']}").json
    assert retirement["organization_id"] == market["buyer"].id
    assert retirement["order_id"] == placed["id"]
    assert retirement["serials"][0]["serial_start"] == 1
    assert retirement["serials"][0]["serial_end"] == 2_000
    assert retirement["period_start"] == "2026-01-01"
    lot = client.get(f"/api/v1/lots/{market['lot_a']}").json
    assert (lot["retired_kg"], lot["reserved_kg"]) == (2_000, 0)


def test_order_rules(client, market):
    buyer = market["buyer"]
    bad_instruction = order(client, buyer, [{"listing_id": market["a"], "quantity_kg": 10}],
                            retirement={"purpose": "event_neutrality", "beneficiary_name": "x"})
    assert bad_instruction.status_code == 422
    wrong_qty = order(client, buyer, [{"listing_id": market["a"], "quantity_kg": 10}],
                      retirement={"purpose": "voluntary", "beneficiary_name": "x", "quantity_kg": 9})
    assert wrong_qty.status_code == 422
    assert order(client, buyer, []).status_code == 422
    assert order(client, buyer, [{"listing_id": 999, "quantity_kg": 1}]).status_code == 404
    own = order(client, make_org("buyer", "seller"), [{"listing_id": market["a"], "quantity_kg": 1}])
    assert own.status_code == 201  # another organisation, fine
    seller_buying_itself = order(client, market["seller"],
                                 [{"listing_id": market["a"], "quantity_kg": 1}])
    assert seller_buying_itself.status_code == 403  # sellers lack the buyer role
    stripe = client.post("/api/v1/orders", headers=buyer.headers, json={
        "items": [{"listing_id": market["a"], "quantity_kg": 1}], "payment_method": "stripe"})
    assert stripe.status_code == 409 and stripe.json["code"] == "stripe_not_configured"
    assert client.get("/api/v1/payments/methods").json["methods"] == ["bank_transfer"]


def test_orders_are_private_and_idempotent(client, market):
    headers = {"Idempotency-Key": "po-42"}
    first = order(client, market["buyer"], [{"listing_id": market["a"], "quantity_kg": 10}],
                  headers=headers)
    again = order(client, market["buyer"], [{"listing_id": market["a"], "quantity_kg": 10}],
                  headers=headers)
    assert first.json == again.json
    assert client.get(f"/api/v1/listings/{market['a']}").json["remaining_kg"] == 2_990
    order_url = f"/api/v1/orders/{first.json['id']}"
    assert client.get(order_url, headers=market["buyer"].headers).status_code == 200
    assert client.get(order_url, headers=market["admin"].headers).status_code == 200
    assert client.get(order_url, headers=make_org("buyer").headers).status_code == 404


def test_delisting_keeps_reserved_units_until_their_order_ends(client, market):
    placed = order(client, market["buyer"], [{"listing_id": market["a"], "quantity_kg": 700}]).json
    client.delete(f"/api/v1/listings/{market['a']}", headers=market["seller"].headers)
    lot = client.get(f"/api/v1/lots/{market['lot_a']}").json
    assert (lot["reserved_kg"], lot["listed_kg"]) == (700, 0)
    client.post(f"/api/v1/orders/{placed['id']}/cancel", headers=market["buyer"].headers)
    lot = client.get(f"/api/v1/lots/{market['lot_a']}").json
    assert (lot["reserved_kg"], lot["listed_kg"], lot["available_kg"]) == (0, 0, 10_000)
