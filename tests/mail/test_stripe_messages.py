"""A card order's message carries its Stripe Checkout link (the fake Stripe server) and
no attachment; it is told once, when the session is attached."""

import pytest

from core.mail.sending import send_pending
from factories import make_listing, make_lot, make_org, make_user
from stripe_fixtures import deliver
from tests.mail.conftest import html_of, text_of


@pytest.fixture
def app_config(stripe_config, smtp):
    return {**stripe_config, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp.port,
            "MAIL_DEFAULT_SENDER": "no-reply@registry.test"}


def test_a_stripe_order_sends_its_checkout_link_then_its_fulfilment(client, fake, smtp):
    seller, buyer = make_org("seller"), make_org("buyer")
    listing = make_listing(seller, make_lot(seller, 5_000), 5_000, 10_000)
    email = make_user(buyer, "pay@firm.example.cn")
    placed = client.post("/api/v1/orders", headers={**buyer.headers, "Accept-Language": "en"},
                         json={"items": [{"listing_id": listing, "quantity_kg": 800}],
                               "payment_method": "stripe"})
    assert placed.status_code == 201, placed.json
    send_pending()
    [awaiting] = smtp.to(email)
    assert awaiting["Subject"] == f"订单 {placed.json['number']} 待付款"  # the user's language
    assert placed.json["checkout_url"] in text_of(awaiting)
    assert placed.json["checkout_url"] in html_of(awaiting)
    assert list(awaiting.iter_attachments()) == []

    session = next(s for s in fake.sessions.values() if s["url"] == placed.json["checkout_url"])
    fake.complete(session["id"], paid=True)
    assert deliver(client, fake, session["id"], "checkout.session.completed").json[
        "outcome"] == "fulfilled"
    send_pending()
    assert [m["Subject"] for m in smtp.to(email)][1:] == [
        f"订单 {placed.json['number']} 已付款并完成"]
    assert "已计入您的持有减排量" in text_of(smtp.to(email)[1])
