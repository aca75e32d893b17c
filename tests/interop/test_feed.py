"""The change feed: CloudEvents 1.0, one event per change, oldest first, stable cursors."""

from datetime import datetime, timezone

import pytest

from certificates.revocation import revoke_certificate
from core.db import transaction
from factories import give, make_lot, make_org, retire


@pytest.fixture
def moves(client):
    seller, buyer = make_org("seller"), make_org("buyer")
    lot_id = make_lot(seller, 5000)
    give(seller, buyer, lot_id, 2000)
    retire(client, buyer, 700)
    return seller, buyer


def _feed(client, **params):
    response = client.get("/api/v1/feed", query_string=params)
    assert response.status_code == 200, response.json
    return response.json


def test_feed_serves_each_unit_move_as_a_cloudevent_with_its_ledger_seq(client, moves):
    seller, buyer = moves
    events = _feed(client)["events"]
    assert [e["type"] for e in events] == ["cn.tanhuijilin.lot.issued",
                                           "cn.tanhuijilin.units.transferred",
                                           "cn.tanhuijilin.units.retired"]
    ledger = client.get("/api/v1/ledger").json["items"]
    assert [e["ledgerseq"] for e in events] == [item["seq"] for item in ledger]
    for event in events:
        assert event["specversion"] == "1.0"
        assert event["source"] == "did:web:registry.test"
        assert event["datacontenttype"] == "application/json"
        assert datetime.fromisoformat(event["time"]).tzinfo is not None
    retired = events[2]
    assert retired["subject"] == f"{ledger[2]['lot_code']}/1-700"
    assert retired["data"]["quantity_kg"] == 700
    assert retired["data"]["retirement"]["purpose"] == "voluntary"
    assert retired["data"]["retirement"]["number"] == ledger[2]["ref"]
    # The retirement was made through the API with the buyer's token: the buyer acted.
    assert (retired["actor"], retired["actorname"]) == (f"organization/{buyer.id}", buyer.name)
    # Issuance and the factories' transfer ran outside any request: the system acted.
    assert events[0]["actor"] == "system" and "actorname" not in events[0]
    assert len({e["id"] for e in events}) == 3


def test_cursor_pages_oldest_first_and_is_stable(client, moves):
    first = _feed(client, limit=2)
    assert [e["sequence"] for e in first["events"]] == ["1", "2"]
    rest = _feed(client, after=first["next_after"], limit=2)
    assert [e["sequence"] for e in rest["events"]] == ["3"]
    assert _feed(client, after=rest["next_after"]) == {"events": [], "next_after": 3}
    assert _feed(client, limit=3)["events"] == first["events"] + rest["events"]


def test_a_refused_change_leaves_no_event(client, moves):
    seller, buyer = moves
    response = client.post("/api/v1/retirements", headers=buyer.headers, json={
        "purpose": "voluntary", "beneficiary_name": "公众", "quantity_kg": 10**9})
    assert response.status_code == 409
    assert len(_feed(client)["events"]) == 3


def test_revocation_is_an_event(client, moves):
    retired = _feed(client)["events"][2]["data"]["retirement"]
    with transaction():
        revoke_certificate(retired["certificate_number"], "录入错误")
    event = _feed(client, after=3)["events"][0]
    assert event["type"] == "cn.tanhuijilin.certificate.revoked"
    assert event["subject"] == retired["certificate_number"]
    assert event["data"] == {"certificate_number": retired["certificate_number"],
                             "reason": "录入错误"}
    assert "ledgerseq" not in event


@pytest.mark.parametrize("query", ["limit=0", "limit=1001", "after=-1", "after=x"])
def test_bad_cursor_or_limit_is_422(client, query):
    response = client.get(f"/api/v1/feed?{query}")
    assert response.status_code == 422
    assert response.json["code"] == "validation_error" or response.json["errors"]


def test_event_time_is_the_change_time_in_utc(client, moves):
    event = _feed(client)["events"][0]
    moment = datetime.fromisoformat(event["time"])
    assert moment.utcoffset() == timezone.utc.utcoffset(None)


def test_a_fulfilled_case_is_an_event_after_its_retirement(client):
    from factories import case_body, make_authority

    seller, obligor = make_org("seller"), make_org("buyer", name="吉林松柏林业有限公司")
    court = make_authority(name="长春市中级人民法院")
    give(seller, obligor, make_lot(seller, 20_000), 5_000)
    case = client.post("/api/v1/compensation-cases", headers=court.headers, json=case_body(
        obligor={"name": "吉林松柏林业有限公司", "organization_id": obligor.id})).json
    response = client.post("/api/v1/retirements", headers=obligor.headers, json={
        "purpose": "ecological_compensation", "beneficiary_name": "长春市中级人民法院",
        "quantity_kg": case["required_kg"], "case_id": case["id"]})
    assert response.status_code == 201, response.json
    retired, fulfilled = _feed(client, after=2)["events"]
    assert retired["type"] == "cn.tanhuijilin.units.retired"
    assert retired["actor"] == f"organization/{obligor.id}"
    assert fulfilled["type"] == "cn.tanhuijilin.case.fulfilled"
    assert fulfilled["subject"] == f"case/{case['id']}" and fulfilled["actor"] == "system"
    assert fulfilled["data"]["retired_kg"] == case["required_kg"]
    assert fulfilled["data"]["certificate_number"]
