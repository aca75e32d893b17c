"""The /admin dashboard's interop panel: peers pinned, split views refused, webhook
deliveries failed for good, the newest cosignature received and given — in Chinese and
English, Beijing time."""

import pytest
import sqlalchemy as sa

from core.db import db, transaction
from factories import PASSWORD, make_lot, make_org, make_user
from interop import admin_panel, witness
from interop.feed_models import WebhookDelivery
from tlog import checkpoints, signed_note
from tlog.log_key import load_log_key

PEER_BASE = "https://peer.test"


def _panel(client, lang):
    html = client.get(f"/admin?lang={lang}").get_data(as_text=True)
    start = html.index('id="panel-interop"')
    end = html.find('<li class="card"', start)
    return html[start:end if end > 0 else len(html)]


def test_the_panel_before_anything_happened(client, admin):
    client.post("/login", data={"email": make_user(admin), "password": PASSWORD})
    assert admin_panel.interop_figures() == {
        "peers": 0, "split_views": 0, "failed_deliveries": 0,
        "last_cosignature_received": None, "last_cosignature_given": None}
    en = _panel(client, "en")
    assert "Peers pinned: 0" in en and "Last cosignature received: never" in en
    assert "0 waiting" in en


def test_the_panel_shows_witnessing_and_what_waits(client, app, peer_app, pinned, admin,
                                                   peer_keys_dir):
    seller = make_org("seller")
    hook = client.post("/api/v1/webhook-endpoints", headers=seller.headers, json={
        "url": "https://subscriber.test/hook", "types": []})
    assert hook.status_code == 201
    make_lot(seller, 1000)  # our log grows; the feed owes the endpoint a delivery
    with peer_app.app_context():
        make_lot(make_org("seller"), 500)  # so does the peer's
        assert witness.witness_all() == {"https://registry.test/api/v1": "cosigned 1"}
        origin = checkpoints.log_origin()
        forged = signed_note.sign_note(signed_note.checkpoint_body(origin, 1, b"\x07" * 32),
                                       origin, load_log_key(peer_keys_dir))
    assert witness.witness_all() == {PEER_BASE + "/api/v1": "cosigned 1"}
    with pytest.raises(witness.SplitViewRefused):
        witness.witness_checkpoint(witness.peers.list_peers()[0], forged)
    with transaction():  # the subscriber never answered: the delivery was given up on
        assert db.session.execute(sa.update(WebhookDelivery).values(status="failed")).rowcount >= 1

    figures = admin_panel.interop_figures()
    assert (figures["peers"], figures["split_views"]) == (1, 1)
    assert figures["failed_deliveries"] >= 1
    assert figures["last_cosignature_received"] and figures["last_cosignature_given"]
    assert admin_panel.count_attention() == 1 + figures["failed_deliveries"]

    client.post("/login", data={"email": make_user(admin), "password": PASSWORD})
    zh = _panel(client, "zh")
    assert "已固定的互认登记簿：1" in zh and "已拒绝的分叉视图：1" in zh
    assert "最近收到的联署签名：20" in zh and "最近给出的联署签名：20" in zh
    en = _panel(client, "en")
    assert "Peers pinned: 1" in en and "Split views refused: 1" in en
    assert f"Webhook deliveries failed for good: {figures['failed_deliveries']}" in en
    assert 'href="/admin/peers"' in en and 'href="/interop"' in en
