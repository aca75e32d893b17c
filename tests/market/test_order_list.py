"""GET /api/v1/orders: a buyer's own orders, the admin's look-up by number or 附言, the
status as read now (a lapsed reservation is expired at once) and the page envelope."""

from datetime import timedelta

import pytest

from core import clock
from factories import make_listing, make_lot, make_org


@pytest.fixture
def market(app):
    seller, admin = make_org("seller"), make_org("registry_admin")
    buyer, other = make_org("buyer"), make_org("buyer")
    return {"seller": seller, "admin": admin, "buyer": buyer, "other": other,
            "listing": make_listing(seller, make_lot(seller, 10_000), 5_000, 8_000)}


def place(client, market, buyer, kg=100, method="bank_transfer"):
    response = client.post("/api/v1/orders", headers=buyer.headers, json={
        "items": [{"listing_id": market["listing"], "quantity_kg": kg}],
        "payment_method": method})
    assert response.status_code == 201, response.json
    return response.json


def listed(client, actor, **query):
    response = client.get("/api/v1/orders", headers=actor.headers, query_string=query)
    assert response.status_code == 200, response.json
    return response.json


def test_buyer_lists_only_its_own_orders_newest_first_as_single_reads(client, market):
    buyer, other = market["buyer"], market["other"]
    first, second = place(client, market, buyer, 100), place(client, market, buyer, 200)
    place(client, market, other, 300)
    page = listed(client, buyer)
    assert (page["total"], page["page"], page["per_page"]) == (2, 1, 20)
    assert [o["id"] for o in page["items"]] == [second["id"], first["id"]]
    single = client.get(f"/api/v1/orders/{first['id']}", headers=buyer.headers).json
    assert page["items"][1] == single
    assert listed(client, buyer, organization_id=buyer.id)["total"] == 2
    foreign = client.get("/api/v1/orders", headers=buyer.headers,
                         query_string={"organization_id": other.id})
    assert foreign.status_code == 403 and foreign.json["code"] == "forbidden"
    # Another buyer's number finds nothing for this buyer.
    assert listed(client, other, number=first["number"])["items"] == []


def test_admin_sees_every_order_and_filters_by_buyer(client, market):
    admin, buyer, other = market["admin"], market["buyer"], market["other"]
    mine, theirs = place(client, market, buyer), place(client, market, other)
    everything = listed(client, admin)
    assert [o["id"] for o in everything["items"]] == [theirs["id"], mine["id"]]
    by_buyer = listed(client, admin, organization_id=other.id)
    assert [o["buyer_id"] for o in by_buyer["items"]] == [other.id]


def test_admin_looks_up_by_number_in_any_case_and_by_bank_reference(client, market):
    admin = market["admin"]
    wanted = place(client, market, market["buyer"])
    place(client, market, market["other"])
    by_number = listed(client, admin, number=wanted["number"].lower())
    assert [o["id"] for o in by_number["items"]] == [wanted["id"]]
    by_reference = listed(client, admin, reference=f" {wanted['bank_reference'].lower()} ")
    assert [o["id"] for o in by_reference["items"]] == [wanted["id"]]
    assert listed(client, admin, number="JLO-1999-000001")["total"] == 0
    assert listed(client, admin, reference="JL0000000000")["total"] == 0


def test_status_filter_reads_a_lapsed_reservation_as_expired_before_the_job(app, client,
                                                                             market):
    buyer = market["buyer"]
    window = timedelta(hours=app.config["BANK_RESERVATION_HOURS"])
    lapsing = place(client, market, buyer)
    cancelled = place(client, market, buyer)
    assert client.post(f"/api/v1/orders/{cancelled['id']}/cancel",
                       headers=buyer.headers).status_code == 200
    clock.set_now(clock.now() + window - timedelta(minutes=30))
    pending = place(client, market, buyer)
    clock.set_now(clock.now() + timedelta(hours=1))  # the first window has passed

    def ids(status):
        return [o["id"] for o in listed(client, buyer, status=status)["items"]]

    assert ids("expired") == [lapsing["id"]]
    assert ids("pending_payment") == [pending["id"]]
    assert ids("cancelled") == [cancelled["id"]]
    assert ids("fulfilled") == []
    statuses = {o["id"]: o["status"] for o in listed(client, buyer)["items"]}
    assert statuses == {lapsing["id"]: "expired", pending["id"]: "pending_payment",
                        cancelled["id"]: "cancelled"}
    single = client.get(f"/api/v1/orders/{lapsing['id']}", headers=buyer.headers).json
    assert single["status"] == "expired"


def test_pages_and_refusals_keep_the_contract(client, market):
    buyer = market["buyer"]
    made = [place(client, market, buyer)["id"] for _ in range(3)]
    second = listed(client, buyer, page=2, per_page=2)
    assert set(second) == {"items", "total", "page", "per_page"}
    assert (second["total"], second["page"], second["per_page"]) == (3, 2, 2)
    assert [o["id"] for o in second["items"]] == [made[0]]
    for query in ({"per_page": 101}, {"page": 0}, {"status": "paid"},
                  {"organization_id": "x"}, {"number": ""}):
        response = client.get("/api/v1/orders", headers=buyer.headers, query_string=query)
        assert response.status_code == 422, (query, response.json)
        assert set(response.json) == {"code", "status", "message", "errors"}
    assert client.get("/api/v1/orders").status_code == 401
    seller_only = client.get("/api/v1/orders", headers=market["seller"].headers)
    assert seller_only.status_code == 403


def test_order_list_is_documented_with_its_roles(client):
    spec = client.get("/api/v1/openapi.json").json
    operations = spec["paths"]["/api/v1/orders"]
    assert operations["get"]["x-roles"] == ["buyer", "registry_admin"]
    assert operations["post"]["x-roles"] == ["buyer"]
    assert {"status", "number", "reference", "organization_id", "page", "per_page"} <= {
        p["name"] for p in operations["get"]["parameters"]}
