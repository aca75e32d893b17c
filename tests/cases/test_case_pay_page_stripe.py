"""The payment link's page for a person when Stripe is configured: transfer (转账) or
online payment with Alipay, WeChat Pay or card through Stripe Checkout (fake Stripe)."""

import re

import pytest

from factories import case_body, make_authority, make_listing, make_lot, make_org


@pytest.fixture
def app_config(stripe_config):
    return stripe_config


def test_a_person_chooses_transfer_or_alipay_wechat_pay_and_card(client, fake):
    seller, court = make_org("seller"), make_authority()
    make_listing(seller, make_lot(seller, 5_000), 5_000, 10_000)
    case = client.post("/api/v1/compensation-cases", headers=court.headers,
                       json=case_body(obligor={"name": "谢某某"}, required_kg=800)).json
    path = case["payment_link"].removeprefix("https://registry.test")
    page = re.sub(r"<[^>]+>", " ", client.get(path).get_data(as_text=True))
    assert "转账" in page and "对公转账" not in page
    assert "支付宝" in page and "微信支付" in page
    english = client.get(path, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Alipay, WeChat Pay" in english and "Pay by transfer from your bank account" in english
    online = client.post(path, data={"payment_method": "stripe"})
    assert online.status_code == 303
    session = next(s for s in fake.sessions.values() if s["url"] == online.location)
    assert set(session["payment_method_types"]) == {"card", "alipay", "wechat_pay"}
