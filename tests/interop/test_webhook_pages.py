"""/webhooks in the browser's terms: register (secret once), refusals beside the field,
deliveries with their attempts; only the organisation's own endpoints."""

import pytest
from standardwebhooks.webhooks import Webhook

from factories import PASSWORD, give, make_lot, make_org, make_user
from interop import delivery
from webhook_receivers import Receiver


@pytest.fixture
def app_config():
    return {"WEBHOOK_ALLOW_PRIVATE_HOSTS": True}


def _sign_in(client, org):
    email = make_user(org)
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 303


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/webhooks")
    assert response.status_code == 302 and response.location.startswith("/login?next=")


def test_register_shows_the_secret_once_and_lists_the_endpoint(client):
    buyer = make_org("buyer")
    _sign_in(client, buyer)
    response = client.post("/webhooks?lang=en", data={
        "url": "https://hooks.example/in", "types": "cn.tanhuijilin.units.retired"})
    assert response.status_code == 201
    page = response.get_data(as_text=True)
    secret = page.split('<code class="secret">')[1].split("<")[0]
    Webhook(secret)  # a valid Standard Webhooks secret
    assert "Units retired" in page and "https://hooks.example/in" in page
    again = client.get("/webhooks?lang=zh").get_data(as_text=True)
    assert secret not in again
    assert "减排量已注销" in again
    assert "注册端点" in again


def test_bad_url_is_refused_beside_the_field_in_the_readers_language(client):
    _sign_in(client, make_org("buyer"))
    response = client.post("/webhooks?lang=zh", data={"url": "ftp://x.example/", "types": ""})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="url-errors"' in page and "必须是 http 或 https 网址。" in page


def test_deliveries_page_shows_attempts_and_hides_others(client):
    seller, buyer = make_org("seller"), make_org("buyer")
    _sign_in(client, buyer)
    with Receiver(statuses=[503]) as receiver:
        client.post("/webhooks", data={"url": receiver.url, "types": ""})
        give(seller, buyer, make_lot(seller, 100), 100)
        delivery.deliver_until_idle()
    endpoint_id = client.get("/api/v1/webhook-endpoints", headers=buyer.headers).json[0]["id"]
    page = client.get(f"/webhooks/{endpoint_id}?lang=en").get_data(as_text=True)
    assert "Waiting to be sent" in page and "HTTP 503" in page
    other = make_org("buyer")
    client.post("/logout")
    _sign_in(client, other)
    assert client.get(f"/webhooks/{endpoint_id}").status_code == 404


def test_delete_form_asks_for_confirmation_then_stops_the_endpoint(client):
    seller, buyer = make_org("seller"), make_org("buyer")
    _sign_in(client, buyer)
    with Receiver() as receiver:
        client.post("/webhooks", data={"url": receiver.url, "types": ""})
        endpoint_id = client.get("/api/v1/webhook-endpoints",
                                 headers=buyer.headers).json[0]["id"]
        zh = client.get(f"/webhooks/{endpoint_id}?lang=zh").get_data(as_text=True)
        assert "删除此端点" in zh and "此操作无法撤销" in zh
        assert f'action="/webhooks/{endpoint_id}/delete"' in zh
        unconfirmed = client.post(f"/webhooks/{endpoint_id}/delete?lang=zh", data={})
        assert unconfirmed.status_code == 422
        page = unconfirmed.get_data(as_text=True)
        assert 'id="confirm-errors"' in page and "勾选此项才能删除端点。" in page
        assert client.get("/api/v1/webhook-endpoints", headers=buyer.headers).json != []

        give(seller, buyer, make_lot(seller, 100), 100)  # owed when the endpoint goes
        done = client.post(f"/webhooks/{endpoint_id}/delete?lang=zh", data={"confirm": "y"})
        assert done.status_code == 303 and done.location.endswith("/webhooks")
        listed = client.get("/webhooks").get_data(as_text=True)
        assert "端点 " + receiver.url + " 已删除" in listed and 'id="endpoints"' not in listed
        assert delivery.deliver_until_idle() == 0
    assert receiver.received == []
    history = client.get(f"/webhooks/{endpoint_id}?lang=en").get_data(as_text=True)
    assert "Cancelled (endpoint deleted)" in history and 'id="endpoint-deleted"' in history
    assert 'id="delete-endpoint"' not in history
    assert client.post(f"/webhooks/{endpoint_id}/delete", data={"confirm": "y"}).status_code == 404


def test_delete_form_in_english_and_only_for_the_owner(client):
    owner = make_org("buyer")
    _sign_in(client, owner)
    client.post("/webhooks", data={"url": "https://hooks.example/in", "types": ""})
    endpoint_id = client.get("/api/v1/webhook-endpoints", headers=owner.headers).json[0]["id"]
    en = client.get(f"/webhooks/{endpoint_id}?lang=en").get_data(as_text=True)
    assert "Delete this endpoint" in en and "this cannot be undone" in en
    client.post("/logout")
    _sign_in(client, make_org("buyer"))
    refused = client.post(f"/webhooks/{endpoint_id}/delete", data={"confirm": "y"})
    assert refused.status_code == 404
    client.post("/logout")
    _sign_in(client, owner)
    done = client.post(f"/webhooks/{endpoint_id}/delete?lang=en", data={"confirm": "y"},
                       follow_redirects=True)
    assert done.status_code == 200
    page = done.get_data(as_text=True)
    assert "The endpoint https://hooks.example/in is deleted: nothing more is sent to it." in page
    assert "No endpoint registered yet." in page
