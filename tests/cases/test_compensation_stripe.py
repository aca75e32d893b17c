"""Paying a case through its link online (Stripe Checkout against the fake Stripe) and
through the link's HTML page."""

import pytest

from factories import case_body, make_authority, make_listing, make_lot, make_org
from stripe_fixtures import deliver


@pytest.fixture
def app_config(stripe_config):
    return stripe_config


@pytest.fixture
def token(client, app):
    seller, court = make_org("seller"), make_authority()
    make_listing(seller, make_lot(seller, 5_000), 5_000, 10_000)
    case = client.post("/api/v1/compensation-cases", headers=court.headers,
                       json=case_body(obligor={"name": "谢某某"}, required_kg=800)).json
    return case["id"], case["payment_link"].rsplit("/", 1)[1]


def test_stripe_payment_through_the_link_fulfils_the_case(client, fake, token):
    case_id, secret = token
    order = client.post(f"/api/v1/public/compensation-cases/pay/{secret}",
                        json={"payment_method": "stripe"})
    assert order.status_code == 201, order.json
    session = next(s for s in fake.sessions.values() if s["url"] == order.json["checkout_url"])
    assert session["amount_total"] == order.json["total_fen"] == 8_000
    fake.complete(session["id"], paid=True)
    delivered = deliver(client, fake, session["id"], "checkout.session.completed")
    assert delivered.json["outcome"] == "fulfilled"
    case = client.get(f"/api/v1/public/compensation-cases/{case_id}").json
    assert case["status"] == "fulfilled" and case["certificate_number"]


def test_the_payment_page_offers_both_methods_and_posts_a_form(client, fake, token):
    _, secret = token
    page = client.get(f"/cases/pay/{secret}").get_data(as_text=True)
    assert 'value="bank_transfer"' in page and 'value="stripe"' in page and "谢某" in page
    online = client.post(f"/cases/pay/{secret}", data={"payment_method": "stripe"})
    assert online.status_code == 303 and online.location.startswith(fake.url)
    pending = client.get(f"/cases/pay/{secret}").get_data(as_text=True)
    assert "待支付" in pending and 'value="bank_transfer"' not in pending
    again = client.post(f"/cases/pay/{secret}", data={"payment_method": "bank_transfer"})
    assert again.status_code == 409


def test_bank_transfer_through_the_page_shows_the_reference(client, fake, token):
    _, secret = token
    response = client.post(f"/cases/pay/{secret}", data={"payment_method": "bank_transfer"})
    assert response.status_code == 201
    text = response.get_data(as_text=True)
    assert "转账附言" in text and "JL" in text and "80.00" in text
