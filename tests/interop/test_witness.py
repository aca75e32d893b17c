"""Mutual witnessing (§6): cosign peers' checkpoints, refuse split views, serve the
cosignatures collected, and let the monitor require them."""

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from core.db import db, transaction
from factories import make_lot, make_org
from interop import witness, witness_key
from interop.witness_models import SplitView, WitnessedCheckpoint
from tlog import checkpoints, cosignature, monitor, signed_note
from tlog.log_key import load_log_key

PEER_BASE = "https://peer.test"


def _grow(kg=1000):
    make_lot(make_org("seller"), kg)


def _witness_from_peer(peer_app) -> dict:
    with peer_app.app_context():
        return witness.witness_all()


def test_peer_cosigns_our_checkpoint_and_we_serve_the_cosignature(client, peer_app, pinned):
    _grow()
    assert _witness_from_peer(peer_app) == {"https://registry.test/api/v1": "cosigned 1"}
    note = client.get("/api/v1/transparency/checkpoint").get_data(as_text=True)
    assert cosignature.count_valid(note, pinned) == list(pinned)
    # The log's own signature still verifies: cosignature lines are ignored by it.
    log_key = client.get("/api/v1/transparency/log-key").json
    key = Ed25519PublicKey.from_public_bytes(base64.b64decode(log_key["public_key"]))
    assert signed_note.open_checkpoint(note, log_key["name"], key)[1] == 1


def test_later_checkpoints_are_cosigned_after_a_consistency_proof(client, peer_app, pinned):
    _grow()
    _witness_from_peer(peer_app)
    _grow()
    _grow()
    assert _witness_from_peer(peer_app) == {"https://registry.test/api/v1": "cosigned 3"}
    with peer_app.app_context():
        sizes = db.session.execute(db.select(WitnessedCheckpoint.tree_size)).scalars().all()
    assert sorted(sizes) == [1, 3]


def test_a_forged_checkpoint_of_a_cosigned_size_is_refused_and_kept(app, client, peer_app,
                                                                    pinned, keys_dir):
    _grow()
    _witness_from_peer(peer_app)
    origin = checkpoints.log_origin()
    forged = signed_note.sign_note(signed_note.checkpoint_body(origin, 1, b"\x07" * 32),
                                   origin, load_log_key(keys_dir))
    with peer_app.app_context():
        peer = witness.peers.list_peers()[0]
        with pytest.raises(witness.SplitViewRefused):
            witness.witness_checkpoint(peer, forged)
        split = db.session.execute(db.select(SplitView)).scalar_one()
        assert (split.tree_size, split.root_hash, split.note) == (1, b"\x07" * 32, forged)
        assert db.session.execute(db.select(db.func.count()).select_from(
            WitnessedCheckpoint)).scalar_one() == 1


def test_a_forged_larger_checkpoint_fails_the_consistency_proof(app, client, peer_app, pinned,
                                                                keys_dir):
    _grow()
    _witness_from_peer(peer_app)
    _grow()
    origin = checkpoints.log_origin()
    forged = signed_note.sign_note(signed_note.checkpoint_body(origin, 2, b"\x09" * 32),
                                   origin, load_log_key(keys_dir))
    with peer_app.app_context():
        peer = witness.peers.list_peers()[0]
        with pytest.raises(witness.SplitViewRefused):
            witness.witness_checkpoint(peer, forged)


def test_cosignatures_from_unknown_witnesses_or_bad_signatures_are_refused(client, pinned):
    _grow()
    with transaction():
        note = checkpoints.latest_checkpoint().note
    body = cosignature.note_body(note)
    line = cosignature.cosign(body, "stranger.test/witness", Ed25519PrivateKey.generate(), 1)
    response = client.post("/api/v1/transparency/cosignatures",
                           json={"checkpoint": note, "cosignature": line})
    assert response.status_code == 422 and "cosignature" in response.json["errors"]
    name = next(iter(pinned))
    forged = cosignature.cosign(body, name, Ed25519PrivateKey.generate(), 1)
    response = client.post("/api/v1/transparency/cosignatures",
                           json={"checkpoint": note, "cosignature": forged})
    assert response.status_code == 422
    other = note.replace("\n1\n", "\n5\n", 1)
    response = client.post("/api/v1/transparency/cosignatures",
                           json={"checkpoint": other, "cosignature": line})
    assert response.status_code == 404


def test_monitor_requires_n_known_witnesses(client, peer_app, pinned, live_server):
    _grow()
    _witness_from_peer(peer_app)
    report = monitor.run(live_server, witnesses=pinned, required_witnesses=1)
    assert report.witnesses == tuple(pinned)
    with pytest.raises(monitor.Violation, match="1 valid cosignatures"):
        monitor.run(live_server, witnesses=pinned, required_witnesses=2)
    with pytest.raises(monitor.Violation, match="0 valid"):
        monitor.run(live_server, witnesses={"x.test/witness": next(iter(pinned.values()))},
                    required_witnesses=1)


def test_a_checkpoint_url_outside_the_peers_origin_is_not_fetched(client, peer_app, pinned):
    from interop.models import Peer

    with peer_app.app_context():
        with transaction():
            peer = db.session.execute(db.select(Peer)).scalar_one()
            peer.description = {**peer.description, "log": {
                **peer.description["log"], "checkpoint_url": "http://169.254.169.254/latest"}}
        outcome = witness.witness_all()
    assert list(outcome.values()) == [
        "refused: https://registry.test/api/v1 describes no checkpoint URL of its own origin"]


@pytest.mark.parametrize("size", ["9" * 30, "9" * 5000, "٣", "-1", "09"])
def test_a_cosigned_note_with_an_absurd_tree_size_is_404_not_500(client, size):
    """The size line of a posted note was int()-ed as it came: 30 digits overflowed the
    database column and 5,000 digits overflowed int() — both 500s."""
    _grow()
    with transaction():
        note = checkpoints.latest_checkpoint().note
    origin = note.split("\n", 1)[0]
    line = cosignature.cosign(cosignature.note_body(note), "stranger.test/witness",
                              Ed25519PrivateKey.generate(), 1)
    response = client.post("/api/v1/transparency/cosignatures", json={
        "checkpoint": f"{origin}\n{size}\nAAAA\n\n— x AAAA\n", "cosignature": line})
    assert response.status_code == 404, response.json
    assert response.json["code"] == "not_found"


def test_malformed_cosignatures_are_named_in_the_readers_language(client):
    response = client.post("/api/v1/transparency/cosignatures", json={
        "checkpoint": "hello", "cosignature": "garbage"})
    assert response.status_code == 422
    assert response.json["errors"] == {"cosignature": ["不是 C2SP 联署签名行。"],
                                       "checkpoint": ["不是已签名的检查点注记。"]}
    english = client.post("/api/v1/transparency/cosignatures", json={
        "checkpoint": "hello", "cosignature": "garbage"}, headers={"Accept-Language": "en"})
    assert english.json["errors"]["checkpoint"] == ["Not a signed checkpoint note."]
