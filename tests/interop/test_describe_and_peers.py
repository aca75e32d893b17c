"""§1: the well-known self-description and pinned peers (INTEROP.md §1)."""

import base64
import shutil

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from interop import witness_key

PEER_BASE = "https://peer.test"  # tests/interop/conftest.py serves the peer there


def test_well_known_describes_the_registry(client, keys_dir):
    body = client.get("/.well-known/carbon-registry.json").json
    assert body["region"] == "220000"
    assert body["did"] == "did:web:registry.test"
    assert body["api_base"] == "https://registry.test/api/v1"
    assert body["name_zh"] and body["name_en"]
    log_key = client.get("/api/v1/transparency/log-key").json
    assert body["log"] == {"origin": log_key["origin"], "key_name": log_key["name"],
                           "public_key": log_key["public_key"],
                           "checkpoint_url": "https://registry.test/api/v1/transparency/checkpoint"}
    assert body["pdf_certificates_url"] == \
        "https://registry.test/.well-known/pdf-signing-certificates.pem"
    assert body["witness"]["name"] == "registry.test/witness"
    # The witness key is a key of its own, not the log's.
    witness = base64.b64decode(body["witness"]["public_key"])
    Ed25519PublicKey.from_public_bytes(witness)
    assert body["witness"]["public_key"] != log_key["public_key"]
    assert (keys_dir / witness_key.KEY_FILE).stat().st_mode & 0o777 == 0o600
    assert body["peers"] == []


def test_admin_pins_a_peer_and_everyone_sees_it(client, peer_app, admin):
    response = client.post("/api/v1/interop/peers", headers=admin.headers,
                           json={"api_base": PEER_BASE + "/api/v1/"})
    assert response.status_code == 201, response.json
    peer = response.json
    assert (peer["did"], peer["api_base"], peer["region"]) == \
        ("did:web:peer.test", PEER_BASE + "/api/v1", "210000")
    with peer_app.app_context():
        from certificates import keys
        assert peer["keys"]["did_keys"] == [keys.current_key().multibase]
        assert peer["keys"]["witness_public_key"] == witness_key.public_key_base64()
    listed = client.get("/api/v1/interop/peers").json
    assert listed["total"] == 1 and listed["items"][0]["did"] == "did:web:peer.test"
    assert client.get("/.well-known/carbon-registry.json").json["peers"] == [
        {"did": "did:web:peer.test", "api_base": PEER_BASE + "/api/v1", "region": "210000"}]


def test_pinning_needs_the_registry_admin(client, peer_app):
    from factories import make_org

    seller = make_org("seller")
    response = client.post("/api/v1/interop/peers", headers=seller.headers,
                           json={"api_base": PEER_BASE + "/api/v1"})
    assert response.status_code == 403
    assert client.post("/api/v1/interop/peers", json={"api_base": PEER_BASE}).status_code == 401


def test_an_address_without_a_registry_is_refused_beside_the_field(client, peer_app, admin):
    for api_base, status in (("https://nobody.test/api/v1", 422), ("ftp://peer.test", 422),
                             ("https://registry.test/api/v1", 422)):
        response = client.post("/api/v1/interop/peers", headers=admin.headers,
                               json={"api_base": api_base})
        assert response.status_code == status, (api_base, response.json)
        assert "api_base" in response.json["errors"]
    assert client.get("/api/v1/interop/peers").json["total"] == 0


def test_a_changed_key_is_refused_until_the_admin_confirms(client, peer_app, admin,
                                                           peer_keys_dir, tmp_path):
    url = PEER_BASE + "/api/v1"
    assert client.post("/api/v1/interop/peers", headers=admin.headers,
                       json={"api_base": url}).status_code == 201
    # Pinning again with the same keys just refreshes.
    assert client.post("/api/v1/interop/peers", headers=admin.headers,
                       json={"api_base": url}).status_code == 201
    old = client.get("/api/v1/interop/peers").json["items"][0]["keys"]
    # The peer's witness key is replaced (the file moved away, a new one generated).
    shutil.move(peer_keys_dir / witness_key.KEY_FILE, tmp_path / "old-witness.pem")
    try:
        response = client.post("/api/v1/interop/peers", headers=admin.headers,
                               json={"api_base": url}, environ_base={"HTTP_ACCEPT_LANGUAGE": "en"})
        assert response.status_code == 409
        assert response.json["code"] == "peer_key_changed"
        assert list(response.json["errors"]) == ["witness_public_key"]
        assert "changed" in response.json["message"]
        assert client.get("/api/v1/interop/peers").json["items"][0]["keys"] == old
        response = client.post("/api/v1/interop/peers", headers=admin.headers,
                               json={"api_base": url, "confirm_key_change": True})
        assert response.status_code == 201
        assert response.json["key_changes"] == 1
        assert response.json["keys"]["witness_public_key"] != old["witness_public_key"]
    finally:
        shutil.move(tmp_path / "old-witness.pem", peer_keys_dir / witness_key.KEY_FILE)
