"""A holder's pages: holdings by lot, retiring and transferring through the forms that
call the API's use cases, with refusals beside the fields in the reader's language."""

import sqlalchemy as sa

from core.credit_code import check_character
from core.db import db, transaction
from core.models import Organization
from factories import PASSWORD, give, make_lot, make_org, make_user
from market.models import Lot, Retirement, Transfer


def signed_in_holder(client, kg=5_000, name="长春市机关事务管理局"):
    seller, holder = make_org("seller"), make_org("buyer", name=name)
    lot_id = make_lot(seller, 10_000)
    give(seller, holder, lot_id, kg)
    email = make_user(holder)
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 303
    return holder, lot_id


def retire(client, **fields):
    body = {"purpose": "voluntary", "beneficiary_name": "长春马拉松组委会", "quantity": "1.234",
            "lot_id": "", "period_start": "", "period_end": "", "note": "", **fields}
    return client.post("/holdings/retirements", data=body)


def test_holdings_show_units_by_lot_with_labels_and_the_available_total(client):
    holder, lot_id = signed_in_holder(client, kg=2_500)
    page = client.get("/holdings")
    assert page.status_code == 200
    text = page.text.replace("\u00a0", " ")
    assert "JL-2026-TR-METRO" in text and "000000001–000002500" in text
    assert "可用" in text and "2.500 吨" in text  # the state's label and the total
    assert f'<dd class="mono">{holder.id}</dd>' in text  # the registry number others use
    assert 'name="purpose"' in text and "机构运营碳中和" in text
    assert "organization_operations</option>" not in text  # codes are values, never labels
    english = client.get("/holdings?lang=en").text.replace("\u00a0", " ")
    assert "Units by lot" in english and "2.500 t" in english and "Available" in english


def test_holdings_need_a_signed_in_person(client):
    response = client.get("/holdings")
    assert response.status_code == 302 and response.location.startswith("/login?next=")


def test_retiring_from_holdings_redirects_to_the_confirmation_with_serials_and_certificate(client):
    holder, lot_id = signed_in_holder(client)
    response = retire(client, quantity="1.234", note="年度自愿注销")
    assert response.status_code == 303
    retirement = db.session.execute(sa.select(Retirement)).scalar_one()
    assert response.location == f"/holdings/retirements/{retirement.number}"
    assert retirement.quantity_kg == 1_234 and retirement.organization_id == holder.id
    assert retirement.note == "年度自愿注销" and retirement.period_start is None

    page = client.get(response.location).text.replace("\u00a0", " ")
    assert retirement.number in page and "1.234 吨" in page and "自愿注销" in page
    assert "JL-2026-TR-METRO-00001-000000001-000001234" in page
    assert f'href="/verify/{retirement.certificate_number}"' in page
    assert f'href="/certificates/{retirement.certificate_number}.pdf"' in page
    assert db.session.get(Lot, lot_id).retired_kg == 1_234
    holdings = client.get("/api/v1/holdings", headers=holder.headers).json
    assert holdings["available_kg"] == 5_000 - 1_234 and holdings["retired_kg"] == 1_234


def test_tonnes_are_read_exactly_to_the_kilogram(client):
    signed_in_holder(client)
    assert retire(client, quantity="2.5").status_code == 303
    assert retire(client, quantity=" 0.001 ").status_code == 303
    kgs = db.session.execute(sa.select(Retirement.quantity_kg).order_by(Retirement.id)).scalars()
    assert list(kgs) == [2_500, 1]


def test_more_than_three_decimals_is_refused_beside_the_quantity(client):
    signed_in_holder(client)
    response = retire(client, quantity="0.0005")
    assert response.status_code == 422
    assert "最多三位小数" in response.text and 'aria-invalid="true"' in response.text
    assert db.session.scalar(sa.select(sa.func.count(Retirement.id))) == 0


def test_not_enough_units_is_refused_beside_the_quantity_and_nothing_changes(client):
    holder, lot_id = signed_in_holder(client, kg=1_000)
    response = retire(client, quantity="1.001")
    assert response.status_code == 409
    assert 'id="quantity-errors"' in response.text and "最多 1.000\u00a0吨" in response.text
    assert db.session.scalar(sa.select(sa.func.count(Retirement.id))) == 0
    assert client.get("/api/v1/holdings", headers=holder.headers).json["available_kg"] == 1_000
    english = client.post("/holdings/retirements?lang=en", data={
        "purpose": "voluntary", "beneficiary_name": "X", "quantity": "2"})
    assert english.status_code == 409 and "At most 1.000\u00a0t." in english.text


def test_organization_operations_without_a_period_is_refused_beside_the_period(client):
    signed_in_holder(client)
    response = retire(client, purpose="organization_operations")
    assert response.status_code == 422
    assert 'id="period_start-errors"' in response.text and 'id="period_end-errors"' in response.text
    assert "用途“机构运营碳中和”须填写。" in response.text
    assert db.session.scalar(sa.select(sa.func.count(Retirement.id))) == 0

    done = retire(client, purpose="organization_operations", period_start="2026-01-01",
                  period_end="2026-12-31")
    assert done.status_code == 303
    page = client.get(done.location).text
    assert "2026年1月1日 — 2026年12月31日" in page


def test_transfer_by_credit_code_or_registry_number(client):
    holder, lot_id = signed_in_holder(client)
    code17 = "91220101MA0000001"
    recipient = make_org("buyer", name="吉林省青少年发展基金会")
    with transaction() as session:
        session.get(Organization, recipient.id).credit_code = code17 + check_character(code17)
    response = client.post("/holdings/transfers", data={
        "recipient": (code17 + check_character(code17)).lower(), "lot_id": str(lot_id),
        "quantity": "2", "note": "捐赠"})
    assert response.status_code == 303 and response.location == "/holdings"
    transfer = db.session.execute(sa.select(Transfer).where(
        Transfer.from_org_id == holder.id)).scalar_one()
    assert (transfer.to_org_id, transfer.quantity_kg, transfer.note) == (recipient.id, 2_000, "捐赠")
    page = client.get("/holdings").text.replace("\u00a0", " ")
    assert transfer.number in page and "2.000 吨" in page and "吉林省青少年发展基金会" in page

    by_number = client.post("/holdings/transfers", data={
        "recipient": str(recipient.id), "lot_id": str(lot_id), "quantity": "0.5"})
    assert by_number.status_code == 303
    received = client.get("/api/v1/holdings", headers=recipient.headers).json
    assert received["available_kg"] == 2_500


def test_an_unknown_recipient_is_refused_beside_the_recipient_field(client):
    holder, lot_id = signed_in_holder(client)
    response = client.post("/holdings/transfers", data={
        "recipient": "999999", "lot_id": str(lot_id), "quantity": "1"})
    assert response.status_code == 422
    assert 'id="recipient-errors"' in response.text
    assert "没有使用该统一社会信用代码或登记编号的机构。" in response.text
    assert db.session.scalar(sa.select(sa.func.count(Transfer.id))) == 1  # the factory's gift only

    own = client.post("/holdings/transfers?lang=en", data={
        "recipient": str(holder.id), "lot_id": str(lot_id), "quantity": "1"})
    assert own.status_code == 422 and "Must not be your own organisation." in own.text


def test_another_organisations_retirement_is_not_found(client):
    signed_in_holder(client)
    other = make_org("buyer")
    seller = make_org("seller")
    give(seller, other, make_lot(seller, 1_000, code="TR-BUS"), 1_000)
    number = client.post("/api/v1/retirements", headers=other.headers, json={
        "purpose": "voluntary", "beneficiary_name": "某", "quantity_kg": 10}).json["number"]
    response = client.get(f"/holdings/retirements/{number}")
    assert response.status_code == 404 and "页面不存在" in response.text
