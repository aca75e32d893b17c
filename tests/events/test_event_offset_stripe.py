"""With Stripe configured, the host may offset its event by card, Alipay or WeChat Pay:
"offset now" offers the choice, places the buy-and-retire order and sends the host on to
Stripe Checkout; the paid webhook retires the units for the event and makes it neutral."""

from datetime import date

import pytest

from core.db import db
from events.models import Event
from factories import PASSWORD, make_event, make_listing, make_lot, make_org, make_user, on_china_date
from market.models import Order
from stripe_fixtures import deliver


@pytest.fixture
def app_config(stripe_config):
    return stripe_config


def test_offset_now_by_stripe_goes_to_checkout_and_the_paid_order_makes_the_event_neutral(
        app, client, fake):
    on_china_date(date(2026, 5, 1))
    host = make_org("buyer", kind="event_host", name="吉林省会展中心")
    seller = make_org("seller")
    make_listing(seller, make_lot(seller, 20_000), 20_000, 60_00)
    event_id = make_event(host)
    response = client.post("/login", data={"email": make_user(host), "password": PASSWORD})
    assert response.status_code == 303
    on_china_date(date(2026, 6, 20))
    assert client.post(f"/events/{event_id}/footprints",
                       data={"stage": "actual", "meals": "1000"}).status_code == 303
    page = client.get(f"/events/{event_id}").text
    assert 'value="stripe"' in page and 'value="bank_transfer"' in page

    response = client.post(f"/events/{event_id}/offset", data={"payment_method": "stripe"})
    assert response.status_code == 303 and response.location.startswith(fake.url)
    order = db.session.query(Order).one()
    assert (order.payment_method, order.quantity_kg) == ("stripe", 3_090)
    fake.complete(order.stripe_session_id)  # the host pays on Stripe's page
    assert deliver(client, fake, order.stripe_session_id,
                   "checkout.session.completed").status_code == 200
    db.session.expire_all()
    assert db.session.get(Event, event_id).claim.status == "neutral"
