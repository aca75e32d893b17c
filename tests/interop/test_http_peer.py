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


def test_a_peer_that_answers_a_byte_at_a_time_is_cut_off_at_the_timeout(app, client, admin):
    """The timeout bounds the whole answer, not each read: a peer dripping one byte every
    0.2 s (each read well inside the timeout) must not hold the administrator's request."""
    import socket
    import threading
    import time

    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def drip():
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                conn.recv(65536)
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{")
                for _ in range(100):
                    if stop.is_set():
                        break
                    try:
                        conn.sendall(b" ")
                    except OSError:
                        break
                    time.sleep(0.2)

    thread = threading.Thread(target=drip, daemon=True)
    thread.start()
    app.config.update(PEER_TRANSPORT=None, PEER_TIMEOUT_SECONDS=1)
    try:
        started = time.monotonic()
        response = client.post("/api/v1/interop/peers", headers=admin.headers, json={
            "api_base": f"http://127.0.0.1:{listener.getsockname()[1]}/api/v1"})
        elapsed = time.monotonic() - started
    finally:
        stop.set()
        listener.close()
        thread.join(timeout=5)
    assert response.status_code == 422
    assert response.json["errors"]["api_base"] == ["该地址没有登记簿应答。"]
    assert elapsed < 4
