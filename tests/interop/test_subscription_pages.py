"""/admin/peers: the registry admin subscribes to a pinned peer's change feed in the
browser (same use cases as ``POST /api/v1/interop/subscriptions``), sees what was received
and unsubscribes; bad input is answered beside the field with 422, never a 500."""

import json
from datetime import datetime, timezone

from standardwebhooks.webhooks import Webhook

from core.db import db
from factories import PASSWORD, make_org, make_user
from interop import inbound
from interop.feed_models import WebhookEndpoint
from interop.inbound_models import PeerSubscription
from interop.models import Peer

PEER_API = "https://peer.test/api/v1"
RETIRED = "cn.tanhuijilin.units.retired"
REVOKED = "cn.tanhuijilin.certificate.revoked"


def sign_in(client, actor):
    response = client.post("/login", data={"email": make_user(actor), "password": PASSWORD})
    assert response.status_code == 303


def _pinned(client, admin) -> int:
    sign_in(client, admin)
    assert client.post("/admin/peers", data={"api_base": PEER_API}).status_code == 303
    return db.session.execute(db.select(Peer.id)).scalar_one()


def _token_at_peer(peer_app) -> str:
    with peer_app.app_context():
        return make_org("buyer", kind="registry", name="吉林省碳普惠登记簿").token


def test_admin_subscribes_sees_reports_and_unsubscribes(client, admin, peer_app):
    peer_id = _pinned(client, admin)
    page = client.get("/admin/peers").get_data(as_text=True)
    assert f'id="feed-{peer_id}-none"' in page and "注销" in page  # labelled checkboxes
    [checked] = [line for line in page.splitlines() if "checked" in line and "types" in line]
    assert f'value="{RETIRED}"' in checked  # retirements are ticked by default
    token = _token_at_peer(peer_app)
    done = client.post(f"/admin/peers/{peer_id}/subscriptions", data={
        f"peer{peer_id}-token": token, f"peer{peer_id}-types": [RETIRED, REVOKED]})
    assert done.status_code == 303
    [subscription] = db.session.execute(db.select(PeerSubscription)).scalars().all()
    assert inbound.subscribed_types(subscription) == [RETIRED, REVOKED]
    with peer_app.app_context():  # the peer holds the endpoint, for exactly these types
        endpoint = db.session.get(WebhookEndpoint, subscription.remote_endpoint_id)
        assert json.loads(endpoint.types) == sorted([RETIRED, REVOKED])
        assert endpoint.url.endswith(subscription.inbound_key)

    # The peer delivers a retirement: it shows under the last changes received.
    body = json.dumps({"specversion": "1.0", "id": "e-1", "source": "did:web:peer.test",
                       "type": RETIRED, "time": "2026-11-30T02:15:00Z",
                       "subject": "LN-2026-TR-BUS-00003/1-500", "data": {"quantity_kg": 1500}})
    stamp = datetime.now(timezone.utc)
    headers = {"webhook-id": "e-1", "webhook-timestamp": str(int(stamp.timestamp())),
               "webhook-signature": Webhook(subscription.secret).sign("e-1", stamp, body)}
    assert client.post(f"/api/v1/interop/inbound/{subscription.inbound_key}", data=body,
                       headers=headers).status_code == 204
    zh = client.get("/admin/peers").get_data(as_text=True)
    assert "LN-2026-TR-BUS-00003/1-500" in zh and "1.500\xa0吨" in zh and "2026年11月30日 10:15" in zh
    en = client.get("/admin/peers?lang=en").get_data(as_text=True)
    assert "Units retired" in en and "Certificate revoked" in en and "Unsubscribe" in en

    gone = client.post(f"/admin/peers/subscriptions/{subscription.id}/delete")
    assert gone.status_code == 303
    assert db.session.execute(db.select(PeerSubscription)).first() is None
    assert client.post(f"/api/v1/interop/inbound/{subscription.inbound_key}", data=body,
                       headers=headers).status_code == 404
    page = client.get("/admin/peers").get_data(as_text=True)
    assert f'id="feed-{peer_id}-none"' in page and "LN-2026-TR-BUS-00003/1-500" in page
    assert client.post(f"/admin/peers/subscriptions/{subscription.id}/delete").status_code == 404


def test_bad_input_is_answered_beside_the_field(client, admin, peer_app):
    peer_id = _pinned(client, admin)
    empty = client.post(f"/admin/peers/{peer_id}/subscriptions?lang=en", data={})
    assert empty.status_code == 422
    html = empty.get_data(as_text=True)
    assert "This field is required." in html and "Choose at least one." in html
    forged = client.post(f"/admin/peers/{peer_id}/subscriptions?lang=en", data={
        f"peer{peer_id}-token": "x", f"peer{peer_id}-types": ["cn.tanhuijilin.nothing"]})
    assert forged.status_code == 422 and "Not a valid choice." in forged.get_data(as_text=True)
    refused = client.post(f"/admin/peers/{peer_id}/subscriptions?lang=zh", data={
        f"peer{peer_id}-token": "not-a-token", f"peer{peer_id}-types": [RETIRED]})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "对方登记簿未接受订阅" in html and f'id="peer{peer_id}-token-errors"' in html
    assert db.session.execute(db.select(PeerSubscription)).first() is None
    assert client.post("/admin/peers/999/subscriptions", data={}).status_code == 404


def test_other_roles_may_not_subscribe(client, admin, peer_app):
    peer_id = _pinned(client, admin)
    client.post("/logout")
    sign_in(client, make_org("buyer"))
    assert client.post(f"/admin/peers/{peer_id}/subscriptions", data={}).status_code == 403


def _subscribed(client, admin, peer_app, types=(RETIRED,)):
    """Pin the peer, subscribe with a token of 吉林's organisation there; returns
    (peer id, the subscription, the token)."""
    peer_id = _pinned(client, admin)
    token = _token_at_peer(peer_app)
    assert client.post(f"/admin/peers/{peer_id}/subscriptions", data={
        f"peer{peer_id}-token": token, f"peer{peer_id}-types": list(types)}).status_code == 303
    subscription = db.session.execute(db.select(PeerSubscription)).scalar_one()
    return peer_id, subscription, token


def _endpoint_at(peer_app, endpoint_id):
    with peer_app.app_context():
        endpoint = db.session.get(WebhookEndpoint, endpoint_id)
        db.session.expunge(endpoint)
        return endpoint


def test_unsubscribing_with_the_peers_token_deletes_its_endpoint(client, admin, peer_app):
    from factories import give, make_lot
    from interop.feed_models import WebhookDelivery

    peer_id, subscription, token = _subscribed(
        client, admin, peer_app, types=(RETIRED, "cn.tanhuijilin.lot.issued"))
    page = client.get("/admin/peers?lang=zh").get_data(as_text=True)
    assert f'name="sub{subscription.id}-token"' in page and "重试用尽后停止" in page
    with peer_app.app_context():  # a change at the peer: a delivery owed to 吉林
        seller, holder = make_org("seller"), make_org("buyer")
        give(seller, holder, make_lot(seller, 100), 100)
    done = client.post(f"/admin/peers/subscriptions/{subscription.id}/delete",
                       data={f"sub{subscription.id}-token": token})
    assert done.status_code == 303
    assert db.session.execute(db.select(PeerSubscription)).first() is None
    assert _endpoint_at(peer_app, subscription.remote_endpoint_id).deleted_at is not None
    with peer_app.app_context():  # what the peer still owed will never be sent
        statuses = set(db.session.execute(db.select(WebhookDelivery.status).where(
            WebhookDelivery.endpoint_id == subscription.remote_endpoint_id)).scalars())
        assert statuses == {"cancelled"}
    page = client.get("/admin/peers?lang=zh").get_data(as_text=True)
    assert "订阅已取消；对方登记簿已删除其端点。" in page
    assert f'id="feed-{peer_id}-none"' in page
    assert token not in page  # never stored, never shown back


def test_a_peer_that_refuses_keeps_the_subscription(client, admin, peer_app, network):
    peer_id, subscription, _token = _subscribed(client, admin, peer_app)
    field = f"sub{subscription.id}-token"
    with peer_app.app_context():  # a valid token at the peer, of another organisation
        stranger = make_org("buyer").token
    for token, lang, message in [
            ("not-a-token", "zh", "对方登记簿未删除其端点；订阅予以保留。"),
            (stranger, "en", "The peer did not delete its endpoint; the subscription is kept.")]:
        refused = client.post(f"/admin/peers/subscriptions/{subscription.id}/delete?lang={lang}",
                              data={field: token})
        assert refused.status_code == 422
        html = refused.get_data(as_text=True)
        assert message in html and f'id="{field}-errors"' in html
        assert token not in html
    network.apps.pop(PEER_API.removesuffix("/api/v1"))  # the peer cannot be reached
    unreachable = client.post(f"/admin/peers/subscriptions/{subscription.id}/delete?lang=en",
                              data={field: "whatever"})
    assert unreachable.status_code == 422
    assert "The peer did not delete its endpoint" in unreachable.get_data(as_text=True)
    assert db.session.execute(db.select(PeerSubscription)).scalar_one().id == subscription.id
    assert _endpoint_at(peer_app, subscription.remote_endpoint_id).deleted_at is None


def test_unsubscribing_without_a_token_stays_one_sided(client, admin, peer_app):
    peer_id, subscription, _token = _subscribed(client, admin, peer_app)
    done = client.post(f"/admin/peers/subscriptions/{subscription.id}/delete?lang=en",
                       data={f"sub{subscription.id}-token": ""}, follow_redirects=True)
    assert done.status_code == 200
    assert "The subscription is cancelled here; the peer stops sending after its retries." \
        in done.get_data(as_text=True)
    assert db.session.execute(db.select(PeerSubscription)).first() is None
    assert _endpoint_at(peer_app, subscription.remote_endpoint_id).deleted_at is None


def test_two_sided_unsubscribe_over_http(client, admin, http_peer, network):
    """The same against a registry served over real HTTP (the default HttpTransport)."""
    other = network.apps[http_peer]  # the served registry, for its tokens and rows
    sign_in(client, admin)
    assert client.post("/admin/peers", data={"api_base": http_peer + "/api/v1"}).status_code == 303
    peer_id = db.session.execute(db.select(Peer.id)).scalar_one()
    token = _token_at_peer(other)
    assert client.post(f"/admin/peers/{peer_id}/subscriptions", data={
        f"peer{peer_id}-token": token, f"peer{peer_id}-types": [RETIRED]}).status_code == 303
    subscription = db.session.execute(db.select(PeerSubscription)).scalar_one()
    field = f"sub{subscription.id}-token"
    refused = client.post(f"/admin/peers/subscriptions/{subscription.id}/delete",
                          data={field: "not-a-token"})
    assert refused.status_code == 422
    done = client.post(f"/admin/peers/subscriptions/{subscription.id}/delete",
                       data={field: token})
    assert done.status_code == 303
    assert db.session.execute(db.select(PeerSubscription)).first() is None
    assert _endpoint_at(other, subscription.remote_endpoint_id).deleted_at is not None
