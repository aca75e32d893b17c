"""A peer over real HTTP (the default HttpTransport, urllib): pinning and the gate's claim
check, the answer size cap, and an address where nothing answers."""

from factories import make_org
from interop_scopes import issue, make_operator, verified_request


def test_pin_and_ask_a_peer_over_http(app, client, admin, http_peer):
    response = client.post("/api/v1/interop/peers", headers=admin.headers,
                           json={"api_base": http_peer + "/api/v1"})
    assert response.status_code == 201, response.json
    assert response.json["region"] == "230000"
    assert response.json["did"] == "did:web:127.0.0.1%3A" + http_peer.rsplit(":", 1)[1]
    verifier = make_org("verifier", kind="verifier")
    issued = issue(client, admin, verified_request(client, make_operator(), verifier))
    assert issued.status_code == 201, issued.json
    [asked] = issued.json["claim_check"]["registries"]
    assert asked["status"] == "answered" and asked["answer"]["proof"]["proofValue"]

    # An answer larger than the cap is not read: the peer counts as unreachable.
    app.config["PEER_MAX_RESPONSE_BYTES"] = 200
    issued = issue(client, admin, verified_request(client, make_operator("91440300708461136T"),
                                                   verifier))
    [asked] = issued.json["claim_check"]["registries"]
    assert asked["status"] == "unreachable" and "larger than 200 bytes" in asked["error"]


def test_pinning_an_address_where_nothing_listens_is_422(app, client, admin, http_peer):
    response = client.post("/api/v1/interop/peers", headers=admin.headers,
                           json={"api_base": "http://127.0.0.1:9/api/v1"})
    assert response.status_code == 422
    assert "api_base" in response.json["errors"]
