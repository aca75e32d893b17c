"""/admin/peers: the registry admin pins a peer in the browser (same use case as the API),
in Chinese and English; a changed key needs the confirmation box."""

import shutil

from factories import PASSWORD, make_org, make_user
from interop import witness_key

PEER_API = "https://peer.test/api/v1"


def sign_in(client, actor):
    response = client.post("/login", data={"email": make_user(actor), "password": PASSWORD})
    assert response.status_code == 303


def test_admin_pins_a_peer_on_the_page(client, admin, peer_app):
    sign_in(client, admin)
    page = client.get("/admin/peers").get_data(as_text=True)
    assert "互认登记簿" in page and "did:web:registry.test" in page and 'id="no-peers"' in page
    refused = client.post("/admin/peers", data={"api_base": "https://nobody.test/api/v1"})
    assert refused.status_code == 422
    assert "该地址没有登记簿应答" in refused.get_data(as_text=True)
    done = client.post("/admin/peers", data={"api_base": PEER_API})
    assert done.status_code == 303
    page = client.get("/admin/peers?lang=en").get_data(as_text=True)
    assert "Pinned peers" in page and "did:web:peer.test" in page and "Liaoning Registry" in page
    assert client.get("/workspace").get_data(as_text=True).count("/admin/peers") >= 1


def test_a_changed_key_asks_for_confirmation_on_the_page(client, admin, peer_app,
                                                         peer_keys_dir, tmp_path):
    sign_in(client, admin)
    assert client.post("/admin/peers", data={"api_base": PEER_API}).status_code == 303
    shutil.move(peer_keys_dir / witness_key.KEY_FILE, tmp_path / "old.pem")
    try:
        refused = client.post("/admin/peers?lang=en", data={"api_base": PEER_API})
        assert refused.status_code == 409
        html = refused.get_data(as_text=True)
        assert "keys have changed" in html and 'name="confirm_key_change"' in html
        done = client.post("/admin/peers", data={"api_base": PEER_API, "confirm_key_change": "y"})
        assert done.status_code == 303
        assert client.get("/api/v1/interop/peers").json["items"][0]["key_changes"] == 1
    finally:
        shutil.move(tmp_path / "old.pem", peer_keys_dir / witness_key.KEY_FILE)


def test_other_roles_may_not_pin(client):
    buyer = make_org("buyer")
    sign_in(client, buyer)
    assert client.get("/admin/peers").status_code == 403
