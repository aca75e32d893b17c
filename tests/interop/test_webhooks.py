"""Webhooks: Standard Webhooks signatures, sent after commit, in order, at least once."""

import json
from datetime import timedelta

import pytest
from standardwebhooks.webhooks import Webhook

from core import clock
from factories import give, make_lot, make_org, retire
from interop import delivery
from webhook_receivers import Receiver, register_endpoint

RETIRED = "cn.tanhuijilin.units.retired"


@pytest.fixture
def app_config():
    return {"WEBHOOK_ALLOW_PRIVATE_HOSTS": True}


def test_endpoint_gets_a_standard_webhooks_secret_shown_once(client):
    org = make_org("buyer")
    created = register_endpoint(client, org, "https://hooks.example/in", [RETIRED])
    assert created["secret"].startswith("whsec_")
    Webhook(created["secret"])  # a valid Standard Webhooks secret
    listed = client.get("/api/v1/webhook-endpoints", headers=org.headers).json
    assert listed == [{"id": created["id"], "url": "https://hooks.example/in",
                       "types": [RETIRED], "created_at": created["created_at"]}]


@pytest.mark.parametrize("url", ["ftp://hooks.example/in", "file:///etc/passwd",
                                 "https://user:pw@hooks.example/in", "hooks.example/in"])
def test_only_plain_http_or_https_urls(client, url):
    response = client.post("/api/v1/webhook-endpoints", headers=make_org("buyer").headers,
                           json={"url": url, "types": []})
    assert response.status_code == 422
    assert response.json["errors"]["url"]


def test_unknown_type_is_422(client):
    response = client.post("/api/v1/webhook-endpoints", headers=make_org("buyer").headers,
                           json={"url": "https://hooks.example/in", "types": ["nope"]})
    assert response.status_code == 422
    assert "types" in response.json["errors"]


def test_deliveries_arrive_signed_in_feed_order_and_are_recorded(client):
    seller, buyer = make_org("seller"), make_org("buyer")
    with Receiver() as receiver:
        hook = register_endpoint(client, buyer, receiver.url)
        lot_id = make_lot(seller, 3000)
        give(seller, buyer, lot_id, 1000)
        retire(client, buyer, 300)
        assert receiver.received == []  # nothing is sent inside the transaction
        assert delivery.deliver_until_idle() == 3
    bodies = [Webhook(hook["secret"]).verify(body, headers) for headers, body in receiver.received]
    assert [b["type"].rsplit(".", 2)[-2:] for b in bodies] == [
        ["lot", "issued"], ["units", "transferred"], ["units", "retired"]]
    assert [headers["webhook-id"] for headers, _ in receiver.received] == [b["id"] for b in bodies]
    assert receiver.received[0][0]["content-type"].startswith("application/cloudevents+json")
    feed = client.get("/api/v1/feed").json["events"]
    assert bodies == feed
    shown = client.get(f"/api/v1/webhook-endpoints/{hook['id']}/deliveries",
                       headers=buyer.headers).json["items"]
    assert [d["status"] for d in shown] == ["delivered"] * 3
    assert [len(d["attempts"]) for d in shown] == [1, 1, 1]
    assert shown[0]["attempts"][0]["status_code"] == 200


def test_a_failing_endpoint_backs_off_and_keeps_order(client):
    seller, buyer = make_org("seller"), make_org("buyer")
    with Receiver(statuses=[500, 503]) as receiver:
        hook = register_endpoint(client, buyer, receiver.url, [RETIRED])
        give(seller, buyer, make_lot(seller, 1000), 1000)
        retire(client, buyer, 100)
        retire(client, buyer, 200)
        start = clock.now()
        clock.set_now(start)
        assert delivery.deliver_until_idle() == 0  # 500: the second waits behind the first
        clock.set_now(start + timedelta(seconds=4))
        assert delivery.deliver_until_idle() == 0  # still backing off (5 s)
        clock.set_now(start + timedelta(seconds=6))
        assert delivery.deliver_until_idle() == 0  # 503 on the second attempt; then 20 s
        clock.set_now(start + timedelta(seconds=30))
        assert delivery.deliver_until_idle() == 2
    quantities = [json.loads(body)["data"]["quantity_kg"] for _, body in receiver.received]
    assert quantities == [100, 200]
    shown = client.get(f"/api/v1/webhook-endpoints/{hook['id']}/deliveries",
                       headers=buyer.headers).json["items"]
    first = shown[-1]
    assert [a["status_code"] for a in first["attempts"]] == [500, 503, 200]
    assert first["attempts"][0]["error"] == "HTTP 500"


def test_backoff_grows_exponentially_and_is_capped():
    assert [delivery.backoff(n).total_seconds() for n in (1, 2, 3)] == [5, 20, 80]
    assert delivery.backoff(30) == timedelta(hours=10)


def test_private_destinations_are_refused_unless_allowed(client, app):
    app.config["WEBHOOK_ALLOW_PRIVATE_HOSTS"] = False
    buyer = make_org("buyer")
    response = client.post("/api/v1/webhook-endpoints", headers=buyer.headers,
                           json={"url": "http://127.0.0.1:9/hook", "types": []})
    assert response.status_code == 422
    # A name is checked again on every send (its addresses may change after registration).
    app.config["WEBHOOK_ALLOW_PRIVATE_HOSTS"] = True
    hook = register_endpoint(client, buyer, "http://localhost:9/hook")
    app.config["WEBHOOK_ALLOW_PRIVATE_HOSTS"] = False
    seller = make_org("seller")
    give(seller, buyer, make_lot(seller, 100), 100)
    assert delivery.deliver_until_idle() == 0
    shown = client.get(f"/api/v1/webhook-endpoints/{hook['id']}/deliveries",
                       headers=buyer.headers).json["items"]
    assert "refused destination address" in shown[-1]["attempts"][0]["error"]


def test_another_organisations_deliveries_are_not_found(client):
    hook = register_endpoint(client, make_org("buyer"), "https://hooks.example/in")
    response = client.get(f"/api/v1/webhook-endpoints/{hook['id']}/deliveries",
                          headers=make_org("buyer").headers)
    assert response.status_code == 404


def test_flask_interop_deliver_sends_what_is_due(client, runner):
    seller, buyer = make_org("seller"), make_org("buyer")
    with Receiver() as receiver:
        register_endpoint(client, buyer, receiver.url)
        give(seller, buyer, make_lot(seller, 100), 100)
        result = runner.invoke(args=["interop", "deliver", "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "2 deliveries made"
    assert len(receiver.received) == 2


def test_the_scheduler_knows_the_delivery_and_witness_jobs(app):
    ids = {job["id"] for job in app.extensions["registry_jobs"]}
    assert {"interop.deliver_webhooks", "interop.witness_peers"} <= ids


@pytest.mark.parametrize("url", [
    "http://127.1/hook", "http://2130706433/hook", "http://0x7f000001/hook", "http://0/hook",
    "http://017700000001/hook", "http://169.254.169.254/latest/meta-data",
    "http://[::ffff:127.0.0.1]/hook", "http://[fe80::1%25eth0]/hook", "http://localhost/hook",
    "http://api.localhost/hook", "http://[::1]/hook", "http://10.0.0.1/hook"])
def test_loopback_and_private_hosts_in_any_spelling_are_refused_when_registered(client, app,
                                                                                url):
    """127.0.0.1 spelled as the resolver also reads it (127.1, a single decimal or hex
    number, 0) used to be registered and only refused at send time."""
    app.config["WEBHOOK_ALLOW_PRIVATE_HOSTS"] = False
    response = client.post("/api/v1/webhook-endpoints", headers=make_org("buyer").headers,
                           json={"url": url, "types": []})
    assert response.status_code == 422, response.json
    assert response.json["errors"]["url"] == ["必须是公网地址。"]


def test_a_host_with_a_space_is_not_a_url(client):
    response = client.post("/api/v1/webhook-endpoints", headers=make_org("buyer").headers,
                           json={"url": "http://hooks .example/in", "types": []})
    assert response.status_code == 422
    assert response.json["errors"]["url"]


def test_the_delivery_session_checks_the_address_it_connects_to(app):
    """The check before each send resolves the name once; the connection resolves it
    again (DNS rebinding). The session checks the address it actually connected to: the
    receiver on 127.0.0.1 is reached only while private hosts are allowed, and nothing
    arrives when they are not."""
    import requests

    from interop.guarded_http import guarded_session

    with Receiver() as receiver, guarded_session() as http:
        assert http.post(receiver.url, data=b"{}", timeout=(3, 3)).status_code == 200
        app.config["WEBHOOK_ALLOW_PRIVATE_HOSTS"] = False
        with pytest.raises(requests.ConnectionError,
                           match="refused destination address 127.0.0.1"):
            http.post(receiver.url.replace("127.0.0.1", "localhost"), data=b"{}",
                      timeout=(3, 3))
        assert len(receiver.received) == 1
