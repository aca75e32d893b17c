import pytest

from factories import make_listing, make_lot, make_org


@pytest.fixture
def seller_lot(app):
    seller = make_org("seller")
    return seller, make_lot(seller, 10_000)


def test_listing_escrows_units_and_delisting_returns_the_rest(client, seller_lot):
    seller, lot_id = seller_lot
    response = client.post("/api/v1/listings", headers=seller.headers, json={
        "lot_id": lot_id, "quantity_kg": 4_000, "price_fen_per_tonne": 8_000})
    assert response.status_code == 201, response.json
    listing = response.json
    assert listing["status"] == "open" and listing["remaining_kg"] == 4_000
    lot = client.get(f"/api/v1/lots/{lot_id}").json
    assert (lot["available_kg"], lot["listed_kg"]) == (6_000, 4_000)
    states = {i["state"]: (i["serial_start"], i["serial_end"])
              for i in client.get("/api/v1/holdings", headers=seller.headers).json["items"]}
    assert states == {"listed": (1, 4_000), "available": (4_001, 10_000)}
    closed = client.delete(f"/api/v1/listings/{listing['id']}", headers=seller.headers)
    assert closed.status_code == 200 and closed.json["status"] == "closed"
    lot = client.get(f"/api/v1/lots/{lot_id}").json
    assert (lot["available_kg"], lot["listed_kg"]) == (10_000, 0)
    again = client.delete(f"/api/v1/listings/{listing['id']}", headers=seller.headers)
    assert again.status_code == 409


def test_only_the_seller_may_delist_and_only_held_units_can_be_listed(client, seller_lot):
    seller, lot_id = seller_lot
    other = make_org("seller")
    listing_id = make_listing(seller, lot_id, 1_000, 9_000)
    assert client.delete(f"/api/v1/listings/{listing_id}", headers=other.headers).status_code == 403
    too_much = client.post("/api/v1/listings", headers=seller.headers, json={
        "lot_id": lot_id, "quantity_kg": 9_001, "price_fen_per_tonne": 1})
    assert too_much.status_code == 409
    not_mine = client.post("/api/v1/listings", headers=other.headers, json={
        "lot_id": lot_id, "quantity_kg": 1, "price_fen_per_tonne": 1})
    assert not_mine.status_code == 409
    bad_price = client.post("/api/v1/listings", headers=seller.headers, json={
        "lot_id": lot_id, "quantity_kg": 1, "price_fen_per_tonne": 80.5})
    assert bad_price.status_code == 422


def test_public_search_filters_sorts_and_pages(client, app):
    seller = make_org("seller")
    metro = make_lot(seller, 5_000, code="TR-METRO", vintage=2025)
    bike = make_lot(seller, 5_000, code="TR-BIKE", vintage=2026)
    make_listing(seller, metro, 1_000, 7_000)
    make_listing(seller, bike, 1_000, 9_000)
    make_listing(seller, bike, 500, 6_000)
    cheap_first = client.get("/api/v1/listings").json
    assert [i["price_fen_per_tonne"] for i in cheap_first["items"]] == [6_000, 7_000, 9_000]
    assert cheap_first["total"] == 3 and cheap_first["per_page"] == 20
    newest = client.get("/api/v1/listings?sort=-vintage").json["items"]
    assert newest[0]["vintage"] == 2026
    assert client.get("/api/v1/listings?methodology_code=TR-METRO").json["total"] == 1
    assert client.get("/api/v1/listings?max_price_fen_per_tonne=7000").json["total"] == 2
    assert client.get("/api/v1/listings?vintage=2025").json["items"][0]["lot_code"] == \
        "JL-2025-TR-METRO-00001"
    assert client.get("/api/v1/listings?per_page=1&page=2").json["items"][0][
        "price_fen_per_tonne"] == 7_000
    assert client.get("/api/v1/listings?sort=cheap").status_code == 422
