"""Issue 16, fault 3: one buyer cannot reserve the whole market with unpaid orders, and
the registry admin can release any pending order, with the reason on record."""

import pytest

from factories import make_listing, make_lot, make_org

MARKET_KG = 1_266_098  # every listing's remainder, as in the issue


@pytest.fixture
def market(app):
    seller, admin, buyer = make_org("seller"), make_org("registry_admin"), make_org("buyer")
    lot = make_lot(seller, MARKET_KG)
    listings = [make_listing(seller, lot, kg, 8_000) for kg in (600_000, 400_000, 266_098)]
    return {"seller": seller, "admin": admin, "buyer": buyer, "listings": listings}


def place(client, buyer, items, method="bank_transfer"):
    return client.post("/api/v1/orders", headers=buyer.headers, json={
        "items": [{"listing_id": lid, "quantity_kg": kg} for lid, kg in items],
        "payment_method": method})


def remaining(client, market):
    return sum(client.get(f"/api/v1/listings/{lid}").json["remaining_kg"]
               for lid in market["listings"])


def test_one_order_for_the_whole_market_is_refused(client, market):
    response = place(client, market["buyer"], zip(market["listings"], (600_000, 400_000, 266_098)))
    assert response.status_code == 409, response.json
    assert response.json["code"] == "order_too_large"
    assert set(response.json) == {"code", "status", "message", "errors"}
    assert remaining(client, market) == MARKET_KG


def test_unpaid_reservations_of_one_organisation_are_capped(client, market, app):
    first, second, third = market["listings"]
    assert place(client, market["buyer"], [(first, 200_000)]).status_code == 201
    assert place(client, market["buyer"], [(second, 200_000)]).status_code == 201
    refused = place(client, market["buyer"], [(third, 100_001)])
    assert refused.status_code == 409 and refused.json["code"] == "unpaid_reservation_limit"
    assert place(client, market["buyer"], [(third, 100_000)]).status_code == 201
    assert remaining(client, market) == MARKET_KG - 500_000
    # another buyer still finds the market open
    assert place(client, make_org("buyer"), [(third, 100_000)]).status_code == 201


def test_the_limits_are_settings(client, market, app):
    app.config.update(MAX_ORDER_KG=1_000, MAX_UNPAID_RESERVED_KG=1_500)
    first = market["listings"][0]
    assert place(client, market["buyer"], [(first, 1_001)]).json["code"] == "order_too_large"
    assert place(client, market["buyer"], [(first, 1_000)]).status_code == 201
    refused = place(client, market["buyer"], [(first, 501)]).json
    assert refused["code"] == "unpaid_reservation_limit"
    # The field message is worded in tonnes, formatted, in the reader's language (zh default).
    assert refused["errors"]["items"] == ["订单付款前最多还可预留 0.500\u00a0吨。"]
    assert place(client, market["buyer"], [(first, 500)]).status_code == 201
    full = place(client, market["buyer"], [(first, 1)]).json
    assert full["errors"]["items"] == ["订单付款前不能再预留减排量。"]


def test_the_admin_releases_any_pending_order_with_a_reason(client, market, runner):
    placed = place(client, market["buyer"], [(market["listings"][0], 200_000)]).json
    url = f"/api/v1/orders/{placed['id']}/release"
    assert client.post(url, headers=market["buyer"].headers,
                       json={"reason": "x"}).status_code == 403
    assert client.post(url, headers=market["admin"].headers, json={}).status_code == 422
    released = client.post(url, headers=market["admin"].headers,
                           json={"reason": "Blocks the market; buyer unreachable"})
    assert released.status_code == 200, released.json
    assert released.json["status"] == "cancelled"
    assert released.json["release_reason"] == "Blocks the market; buyer unreachable"
    assert released.json["released_by_id"] == market["admin"].id
    assert remaining(client, market) == MARKET_KG
    seen = client.get(f"/api/v1/orders/{placed['id']}", headers=market["buyer"].headers).json
    assert seen["status"] == "cancelled" and seen["release_reason"]
    entries = client.get("/api/v1/ledger").json["items"]
    assert [e["type"] for e in entries if e.get("ref") == placed["number"]] == [
        "reserve", "release"]
    again = client.post(url, headers=market["admin"].headers, json={"reason": "twice"})
    assert again.status_code == 409
    assert client.post("/api/v1/orders/999999/release", headers=market["admin"].headers,
                       json={"reason": "x"}).status_code == 404
    result = runner.invoke(args=["audit"])
    assert result.exit_code == 0, result.output
