"""The buyer's neutrality-claim pages: the list, the form that opens a claim (a total in
tonnes or activity data through the calculator), and on the claim's page the owner's
coverage, "Offset now" and "Attach an earlier retirement" — the same use cases as the API."""

import re
from datetime import date

import pytest

from core.db import db
from events.models import NeutralityClaim
from factories import PASSWORD, give, make_listing, make_lot, make_org, make_user, on_china_date

EN = {"Accept-Language": "en"}


@pytest.fixture
def org(app, client):
    on_china_date(date(2026, 7, 15))
    buyer = make_org("buyer", kind="agency", name="吉林省机关事务管理局")
    sign_in(client, make_user(buyer))
    return buyer


def sign_in(client, email):
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 303


def text_of(response) -> str:
    """The page's text without tags, with no-break spaces as spaces."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.text)).replace("\u00a0", " ")


def claim_form(**fields) -> dict:
    return {"subject": "organization", "name": "2026 年机关办公运营", "period_start": "2026-01-01",
            "period_end": "2026-06-30", "basis": "total", "footprint_t": "12.5", **fields}


def open_claim(client, **fields) -> int:
    response = client.post("/claims/new", data=claim_form(**fields))
    assert response.status_code == 303, text_of(response)
    return int(response.location.rsplit("/", 1)[1])


def retire(client, actor, kg, purpose="organization_operations", **period):
    response = client.post("/api/v1/retirements", headers=actor.headers, json={
        "purpose": purpose, "beneficiary_name": "吉林省机关事务管理局", "quantity_kg": kg,
        **({"period_start": "2026-01-01", "period_end": "2026-03-31"} | period
           if purpose in ("organization_operations", "pilot_neutrality") else {})})
    assert response.status_code == 201, response.json
    return response.json


def test_signed_out_visitors_are_sent_to_sign_in_and_sellers_are_refused(client, app):
    assert client.get("/claims").status_code == 302
    assert client.get("/claims/new").location.startswith("/login?next=")
    sign_in(client, make_user(make_org("seller")))
    assert client.get("/claims").status_code == 403


def test_a_claim_with_a_total_in_tonnes_is_stored_to_the_kilogram_and_listed(client, org):
    form = client.get("/claims/new")
    assert form.status_code == 200
    assert "0.4671" in form.text and "生态环境部" in form.text  # factor and its source

    claim_id = open_claim(client, footprint_t="1,234.567")
    claim = db.session.get(NeutralityClaim, claim_id)
    assert (claim.subject, claim.organization_id, claim.period_end) == (
        "organization", org.id, date(2026, 6, 30))
    assert claim.footprints[0].total_kg == 1_234_567

    page = text_of(client.get(f"/claims/{claim_id}"))
    assert "您的抵消进度" in page and "1,234.567 吨" in page
    listed = text_of(client.get("/claims"))
    assert "2026 年机关办公运营" in listed and "待抵消" in listed
    assert "1,234.567 吨" in listed and "2027年6月30日" in listed
    workspace = client.get("/workspace").text
    assert "碳中和声明" in workspace and "1 项待办" in workspace


def test_a_claim_from_activity_data_shows_the_computed_lines(client, org):
    claim_id = open_claim(client, basis="inputs", footprint_t="", electricity_kwh="10000",
                          travel_high_speed_rail="1,000", meals="12")
    claim = db.session.get(NeutralityClaim, claim_id)
    footprint = claim.footprints[0]
    assert footprint.inputs == {"electricity_kwh": "10000", "meals": "12",
                                "travel": [{"mode": "high_speed_rail", "passenger_km": "1000"}]}
    assert [line["kg"] for line in footprint.lines] == [4_671, 20, 37]
    page = text_of(client.get(f"/claims/{claim_id}", headers=EN))
    assert "Grid electricity" in page and "10,000 kWh" in page and "4,671" in page
    assert "High-speed rail" in page and "4.728 t" in page


def test_the_form_puts_each_problem_beside_its_field(client, org):
    backwards = client.post("/claims/new", data=claim_form(period_end="2025-12-31"))
    assert backwards.status_code == 422
    assert re.search(r'id="period_end-errors">\s*<li>结束日期不得早于开始日期', backwards.text)

    too_precise = client.post("/claims/new", data=claim_form(footprint_t="1.2345"), headers=EN)
    assert too_precise.status_code == 422
    assert "At most three decimals: the smallest unit is one kilogram." in too_precise.text

    nothing = client.post("/claims/new", data=claim_form(basis="inputs", footprint_t=""))
    assert nothing.status_code == 422  # the use case: every source rounds to 0 kg
    assert "排放合计为 0 千克" in nothing.text

    late = client.post("/claims/new", data=claim_form(period_start="2024-01-01",
                                                      period_end="2025-06-30"))
    assert late.status_code == 422 and 'id="period_end-errors"' in late.text
    assert db.session.query(NeutralityClaim).count() == 0


def test_an_earlier_retirement_is_attached_or_refused_beside_the_field(client, org):
    seller = make_org("seller")
    give(seller, org, make_lot(seller, 10_000), 5_000)
    earlier = retire(client, org, 4_000)
    voluntary = retire(client, org, 100, purpose="voluntary")
    claim_id = open_claim(client)

    page = client.get(f"/claims/{claim_id}")
    assert earlier["number"] in page.text and voluntary["number"] not in page.text

    refused = client.post(f"/claims/{claim_id}/retirements",
                          data={"retirement_id": voluntary["id"]})
    assert refused.status_code == 409
    assert re.search(r'id="retirement_id-errors">\s*<li>注销 ' + voluntary["number"]
                     + "[^<]*“自愿注销”", refused.text)
    in_english = client.post(f"/claims/{claim_id}/retirements",
                             data={"retirement_id": voluntary["id"]}, headers=EN)
    assert in_english.status_code == 409
    assert (f"Retirement {voluntary['number']} was made for “Voluntary retirement”; this claim "
            "is covered by retirements for “Offsetting organisation operations”."
            in text_of(in_english))

    attached = client.post(f"/claims/{claim_id}/retirements",
                           data={"retirement_id": earlier["id"]})
    assert attached.status_code == 303 and attached.location == f"/claims/{claim_id}"
    page = client.get(f"/claims/{claim_id}")
    assert "该注销现已计入本声明" in page.text
    assert '<progress id="coverage" max="12500" value="4000"' in page.text
    assert "4.000 吨 / 12.500 吨 已注销（32 %）" in text_of(page)
    english = text_of(client.get(f"/claims/{claim_id}", headers=EN))
    assert "4.000 t of 12.500 t retired (32 %)." in english

    again = client.post(f"/claims/{claim_id}/retirements", data={"retirement_id": earlier["id"]},
                        headers=EN)
    assert again.status_code == 409 and "already covers an event, claim or case" in again.text


def test_offset_now_orders_the_outstanding_kilograms_for_the_claim(client, org):
    seller = make_org("seller")
    lot = make_lot(seller, 50_000)
    give(seller, org, lot, 3_000)
    make_listing(seller, lot, 20_000, 80_00)
    claim_id = open_claim(client)
    client.post(f"/claims/{claim_id}/retirements",
                data={"retirement_id": retire(client, org, 2_000)["id"]})

    page = text_of(client.get(f"/claims/{claim_id}"))
    assert "立即抵消" in page and "10.500 吨" in page and "对公转账" in page
    response = client.post(f"/claims/{claim_id}/offset", data={"payment_method": "bank_transfer"})
    assert response.status_code == 303
    number = response.location.rsplit("/", 1)[1]
    assert response.location == f"/orders/{number}" and number.startswith("JLO-")

    order = client.get(f"/api/v1/orders?number={number}", headers=org.headers).json["items"][0]
    assert order["status"] == "pending_payment" and order["payment_method"] == "bank_transfer"
    assert [item["quantity_kg"] for item in order["items"]] == [10_500]
    assert order["retirement"]["claim_id"] == claim_id
    pending = text_of(client.get(f"/claims/{claim_id}"))
    assert "10.500 吨 已在您待付款的订单中" in pending and 'id="offset-now"' not in pending

    twice = client.post(f"/claims/{claim_id}/offset", data={"payment_method": "bank_transfer"},
                        headers=EN)
    assert twice.status_code == 409
    assert "Retirements and pending orders already cover the footprint." in twice.text
    card = client.post(f"/claims/{claim_id}/offset", data={"payment_method": "stripe"})
    assert card.status_code == 422  # not offered without Stripe keys


def test_another_organisation_sees_the_public_page_but_cannot_act(client, org):
    seller = make_org("seller")
    give(seller, org, make_lot(seller, 10_000), 5_000)
    earlier = retire(client, org, 1_000)
    claim_id = open_claim(client)

    client.post("/logout")
    stranger = make_org("buyer", name="长春市某科技有限公司")
    sign_in(client, make_user(stranger))
    public = client.get(f"/claims/{claim_id}")
    assert public.status_code == 200 and "2026 年机关办公运营" in public.text
    assert 'id="coverage"' not in public.text and "立即抵消" not in public.text
    assert "2026 年机关办公运营" not in client.get("/claims").text

    assert client.post(f"/claims/{claim_id}/offset",
                       data={"payment_method": "bank_transfer"}).status_code == 404
    assert client.post(f"/claims/{claim_id}/retirements",
                       data={"retirement_id": earlier["id"]}).status_code == 404
    assert client.post("/claims/999999/retirements",
                       data={"retirement_id": earlier["id"]}).status_code == 404
    assert db.session.get(NeutralityClaim, claim_id).footprints[0].total_kg == 12_500
    assert client.get(f"/api/v1/claims/{claim_id}").json["retired_kg"] == 0


@pytest.mark.parametrize("field", ["meals", "name"])
def test_a_control_character_is_refused_beside_the_field_of_the_claim_form(client, org, field):
    """The form's redraw reads the factor set in a transaction; the offence must not turn it
    into the whole-page 422."""
    for headers, expected in (({}, "控制字符"), (EN, "control character")):
        response = client.post("/claims/new", headers=headers, data=claim_form(
            basis="inputs", footprint_t="", **({"meals": "12"} | {field: "12\x07"})))
        assert response.status_code == 422
        found = re.search(rf'id="{field}-errors">(.*?)</ul>', response.text, re.S)
        assert found and expected in found.group(1)
    assert db.session.query(NeutralityClaim).count() == 0
