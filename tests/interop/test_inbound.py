"""Receiving a peer's webhooks: only deliveries signed with the subscription's secret, from
the subscribed peer's DID, stored once per event id; anything else is 401 or 404."""

import json
import time
from datetime import datetime, timezone

import pytest
from standardwebhooks.webhooks import Webhook

from core.db import db, transaction
from interop import inbound
from interop.inbound_models import PeerReport
from interop.models import Peer

PEER_DID = "did:web:peer.test"
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


@pytest.fixture
def key(app):
    with transaction():
        return inbound.store_subscription(Peer(did=PEER_DID), "k" * 43,
                                          {"id": 7, "secret": SECRET}).inbound_key


def _event(**changes):
    return {"specversion": "1.0", "id": "e-1", "source": PEER_DID,
            "type": "cn.tanhuijilin.units.retired", "time": "2026-11-30T02:15:00Z",
            "subject": "LN-2026-TR-BUS-00003/1-500", "ledgerseq": 4, "sequence": "9",
            "data": {"quantity_kg": 500}, **changes}


def _signed(body: str, msg_id="e-1", secret=SECRET, stamp=None):
    stamp = stamp or datetime.now(timezone.utc)
    return {"webhook-id": msg_id, "webhook-timestamp": str(int(stamp.timestamp())),
            "webhook-signature": Webhook(secret).sign(msg_id, stamp, body),
            "content-type": "application/cloudevents+json"}


def _stored() -> int:
    return db.session.execute(db.select(db.func.count()).select_from(PeerReport)).scalar()


def test_a_signed_delivery_is_stored_once(client, key):
    body = json.dumps(_event())
    for _ in range(2):  # at least once: the same event again is accepted, not doubled
        response = client.post(f"/api/v1/interop/inbound/{key}", data=body,
                               headers=_signed(body))
        assert response.status_code == 204
    [report] = inbound.reports_of(PEER_DID)
    assert (report.quantity_kg, report.ledger_seq, report.subject) == \
        (500, 4, "LN-2026-TR-BUS-00003/1-500")


@pytest.mark.parametrize("case", ["wrong secret", "other source", "id mismatch", "no headers",
                                  "not json", "old timestamp"])
def test_anything_not_signed_by_the_peer_is_401(client, key, case):
    body = json.dumps(_event(source="did:web:evil.test") if case == "other source"
                      else _event())
    if case == "not json":
        body = "not json"
    headers = _signed(body, msg_id="e-2" if case == "id mismatch" else "e-1",
                      secret="whsec_" + "A" * 32 if case == "wrong secret" else SECRET,
                      stamp=datetime.fromtimestamp(time.time() - 3600, timezone.utc)
                      if case == "old timestamp" else None)
    if case == "no headers":
        headers = {}
    response = client.post(f"/api/v1/interop/inbound/{key}", data=body, headers=headers)
    assert response.status_code == 401, response.get_data(as_text=True)
    assert _stored() == 0


def test_unknown_subscription_is_404(client, key):
    body = json.dumps(_event())
    response = client.post("/api/v1/interop/inbound/nope", data=body, headers=_signed(body))
    assert response.status_code == 404
