"""The buyer's pages: the buy form on /market, the order list and page, the payment
notice and its PDF, cancelling, and who may read an order."""

import subprocess

import pytest
import sqlalchemy as sa

from core.db import db
from factories import PASSWORD, make_listing, make_lot, make_org, make_user
from market.models import Listing, Order


def sign_in(client, org):
    email = make_user(org)
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 303
    return email


@pytest.fixture
def market(client):
    """Two open listings of two sellers' lots, and a signed-in buyer."""
    seller = make_org("seller", name="长春公交集团")
    other = make_org("seller", name="吉林市地铁")
    first = make_listing(seller, make_lot(seller, 30_000), 20_000, 12_000)  # ¥120.00/t
    second = make_listing(other, make_lot(other, 30_000, vintage=2025), 20_000, 8_050)
    buyer = make_org("buyer", kind="agency", name="长春市机关事务管理局")
    sign_in(client, buyer)
    return buyer, first, second


def buy(client, data, **query):
    body = {"payment_method": "bank_transfer", "idempotency_key": "k-1", **data}
    return client.post("/market", data=body, query_string=query)


def only_order():
    return db.session.execute(sa.select(Order)).scalar_one()


def test_public_marketplace_leads_to_sign_in(client):
    seller = make_org("seller")
    make_listing(seller, make_lot(seller, 5_000), 5_000, 10_000)
    page = client.get("/market").get_data(as_text=True)
    assert 'id="sign-in-to-buy"' in page and "/login?next=/market" in page
    assert 'id="buy-form"' not in page


def test_buyer_sees_a_quantity_field_per_listing(client, market):
    _, first, second = market
    page = client.get("/market").get_data(as_text=True)
    assert f'name="quantity_{first}"' in page and f'name="quantity_{second}"' in page
    assert 'value="bank_transfer"' in page and 'value="stripe"' not in page
    assert 'name="idempotency_key"' in page


def test_signed_out_buy_goes_to_sign_in(client):
    response = client.post("/market", data={"quantity_1": "1"})
    assert response.status_code == 302 and "/login" in response.location


def test_buy_from_two_listings_places_one_order_with_exact_kilograms(client, market):
    _, first, second = market
    response = buy(client, {f"quantity_{first}": "12.5", f"quantity_{second}": "0.25",
                            "purpose": "organization_operations",
                            "beneficiary_name": "长春市机关事务管理局",
                            "period_start": "2026-01-01", "period_end": "2026-12-31"})
    order = only_order()
    assert response.status_code == 303 and response.location.endswith(f"/orders/{order.number}")
    assert sorted((i.listing_id, i.quantity_kg) for i in order.items) == [
        (first, 12_500), (second, 250)]
    assert order.total_fen == 150_000 + 2_013  # 12.5 t × ¥120 + 0.25 t × ¥80.50 (half up)
    assert order.retirement["purpose"] == "organization_operations"
    assert order.retirement["period_start"] == "2026-01-01"
    assert db.session.get(Listing, first).remaining_kg == 20_000 - 12_500
    page = client.get(response.location).get_data(as_text=True)
    assert "12.750" in page and "待支付" in page


def test_a_double_submit_places_the_order_once(client, market):
    _, first, _ = market
    data = {f"quantity_{first}": "1"}
    one, two = buy(client, data), buy(client, data)
    assert one.location == two.location
    assert db.session.scalar(sa.select(sa.func.count(Order.id))) == 1


def test_more_than_remaining_is_refused_beside_that_listing_and_nothing_reserved(client, market):
    _, first, second = market
    response = buy(client, {f"quantity_{first}": "1", f"quantity_{second}": "20.001"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert f'id="quantity_{second}-errors"' in page and f'id="quantity_{first}-errors"' not in page
    assert db.session.scalar(sa.select(sa.func.count(Order.id))) == 0
    assert db.session.get(Listing, first).remaining_kg == 20_000
    assert db.session.get(Listing, second).remaining_kg == 20_000


def test_more_than_three_decimals_is_a_field_error(client, market):
    _, first, _ = market
    response = buy(client, {f"quantity_{first}": "12.5004"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="quantity_{first}-errors"' in page and "最小单位是 1 千克" in page
    assert 'value="12.5004"' in page  # what was typed stays, to be corrected
    assert db.session.scalar(sa.select(sa.func.count(Order.id))) == 0


def test_an_empty_order_and_a_retirement_without_its_period_are_refused(client, market):
    _, first, _ = market
    assert buy(client, {}).status_code == 422
    response = buy(client, {f"quantity_{first}": "1", "purpose": "organization_operations",
                            "beneficiary_name": "长春市机关事务管理局"})
    assert response.status_code == 422
    assert 'id="period_start-errors"' in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Order.id))) == 0


def test_payment_notice_on_the_page_and_in_the_pdf(client, market):
    _, first, _ = market
    number = buy(client, {f"quantity_{first}": "12.5"}).location.rsplit("/", 1)[1]
    order = only_order()
    page = client.get(f"/orders/{number}").get_data(as_text=True)
    assert order.bank_reference in page and "人民币壹仟伍佰元整" in page
    assert "吉林省碳普惠服务中心" in page and "<svg" in page and "附言" in page
    pdf = client.get(f"/orders/{number}/payment-notice.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf.data, capture_output=True,
                          check=True).stdout.decode()
    assert "人民币壹仟伍佰元整" in text and order.bank_reference in text


def test_order_list_shows_own_orders_newest_first_and_filters_by_status(client, market):
    _, first, second = market
    older = buy(client, {f"quantity_{first}": "1"}).location.rsplit("/", 1)[1]
    newer = buy(client, {f"quantity_{second}": "2", "idempotency_key": "k-2"}).location \
        .rsplit("/", 1)[1]
    client.post(f"/orders/{older}/cancel")
    page = client.get("/orders").get_data(as_text=True)
    table = page[page.index('id="orders"'):]
    assert table.index(newer) < table.index(older)
    pending = client.get("/orders?status=pending_payment").get_data(as_text=True)
    assert newer in pending and older not in pending


def test_cancel_releases_the_units(client, market):
    _, first, _ = market
    number = buy(client, {f"quantity_{first}": "3"}).location.rsplit("/", 1)[1]
    response = client.post(f"/orders/{number}/cancel")
    assert response.status_code == 303
    assert only_order().status == "cancelled"
    assert db.session.get(Listing, first).remaining_kg == 20_000
    assert "已取消" in client.get(f"/orders/{number}").get_data(as_text=True)


def test_another_organisations_order_is_not_found(client, app, market):
    _, first, _ = market
    number = buy(client, {f"quantity_{first}": "1"}).location.rsplit("/", 1)[1]
    client.post("/logout")
    sign_in(client, make_org("buyer"))
    for path in (f"/orders/{number}", f"/orders/{number}/payment-notice.pdf",
                 f"/orders/{number}/paid", f"/orders/{number}/cancelled"):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/orders/{number}/cancel").status_code == 404
    assert only_order().status == "pending_payment"


def test_signed_out_visitors_are_sent_to_sign_in(client, market):
    _, first, _ = market
    number = buy(client, {f"quantity_{first}": "1"}).location.rsplit("/", 1)[1]
    client.post("/logout")
    for path in ("/orders", f"/orders/{number}", f"/orders/{number}/paid",
                 f"/orders/{number}/payment-notice.pdf"):
        response = client.get(path)
        assert response.status_code in (302, 303) and "/login" in response.location, path
    assert number not in client.get(f"/orders/{number}/paid",
                                    follow_redirects=True).get_data(as_text=True).split("next=")[0]


def test_owner_returning_from_stripe_lands_on_the_order(client, market):
    _, first, _ = market
    number = buy(client, {f"quantity_{first}": "1"}).location.rsplit("/", 1)[1]
    response = client.get(f"/orders/{number}/paid")
    assert response.status_code == 303 and response.location.endswith(f"/orders/{number}")


def test_workspace_counts_orders_waiting_for_payment(client, market):
    _, first, _ = market
    buy(client, {f"quantity_{first}": "1"})
    page = client.get("/workspace").get_data(as_text=True)
    assert "我的订单" in page and "1 项待办" in page
