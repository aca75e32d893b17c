"""What compensation cases refuse, and how they fall overdue on a controllable clock."""

from datetime import timedelta

import pytest

from factories import case_body, give, make_authority, make_listing, make_lot, make_org
from core import clock
from cases import jobs as case_jobs

SHAPE = {"code", "status", "message", "errors"}


@pytest.fixture
def court(app):
    return make_authority()


def open_case(client, authority, **overrides):
    return client.post("/api/v1/compensation-cases", headers=authority.headers,
                       json=case_body(**overrides))


def test_only_courts_procuratorates_and_bureaus_open_cases(client, court):
    assert open_case(client, make_org("buyer")).status_code == 403
    firm_with_role = make_org("case_authority", kind="enterprise")
    refused = open_case(client, firm_with_role)
    assert refused.status_code == 403 and set(refused.json) == SHAPE
    for kind in ("court", "procuratorate", "eco_bureau"):
        assert open_case(client, make_authority(kind=kind)).status_code == 201
    assert client.post("/api/v1/compensation-cases", json=case_body()).status_code == 401


def test_duplicate_case_number_for_the_same_authority_is_409(client, court):
    assert open_case(client, court).status_code == 201
    again = open_case(client, court)
    assert again.status_code == 409 and "case_number" in again.json["errors"]
    assert open_case(client, court, case_number=" (2026)吉01民初123号 ").status_code == 409
    assert open_case(client, make_authority()).status_code == 201  # another court's 案号


def test_required_quantity_is_stored_exactly_as_ordered(client, court):
    body = case_body(required_kg=96_000)
    body["damage"].update(measured_loss_kg=47_070, multiplier="2.0")
    response = client.post("/api/v1/compensation-cases", headers=court.headers, json=body)
    assert response.status_code == 201
    assert response.json["required_kg"] == 96_000  # not 47 070 × 2 = 94 140
    assert response.json["damage"]["multiplier"] == "2.0"


def set_path(body, path, value):
    node = body
    for key in path[:-1]:
        node = node[key]
    if value is KeyError:
        del node[path[-1]]
    else:
        node[path[-1]] = value


BAD_INPUTS = [
    (("required_kg",), 1.5), (("required_kg",), 5000.0), (("required_kg",), "5000"),
    (("required_kg",), -1), (("required_kg",), 0), (("required_kg",), True),
    (("required_kg",), KeyError), (("damage", "measured_loss_kg"), 2.5),
    (("damage", "measured_loss_kg"), -2), (("damage", "multiplier"), 2),
    (("damage", "multiplier"), 1.5), (("damage", "multiplier"), "abc"),
    (("damage", "multiplier"), "0"), (("damage", "multiplier"), "-1"),
    (("damage", "multiplier"), "1e3"), (("surprise",), 1), (("obligor", "surprise"), 1),
    (("damage", "surprise"), 1), (("obligor", "id_number"), "220102198503071230"),
    (("obligor", "id_number"), "12"), (("obligor", "organization_id"), 1.0),
    (("obligor", "name"), ""), (("obligor",), "张三"), (("case_number",), "  "),
    (("judgment_date",), "2026-02-30"), (("due_date",), 20260601),
    (("documents",), [{"kind": "selfie", "title": "x", "reference": "y"}]),
    (("documents",), [{"kind": "payment_notice", "title": "x"}]),
]


def test_bad_inputs_are_422(client, court):
    # One database for all of them: each request is refused before anything is written.
    for path, value in BAD_INPUTS:
        body = case_body(obligor={"name": "张三"})
        set_path(body, path, value)
        response = client.post("/api/v1/compensation-cases", headers=court.headers, json=body)
        assert response.status_code == 422, (path, value, response.json)
        assert set(response.json) == SHAPE
        assert path[0] in response.json["errors"], (path, response.json["errors"])
    assert client.get("/api/v1/compensation-cases", headers=court.headers).json["total"] == 0


def test_dates_and_references_are_checked(client, court):
    body = case_body()
    early = {**body, "due_date": "2020-01-01"}
    response = client.post("/api/v1/compensation-cases", headers=court.headers, json=early)
    assert response.status_code == 422 and "due_date" in response.json["errors"]
    future = (clock.today_in_china() + timedelta(days=3)).isoformat()
    assert open_case(client, court, judgment_date=future).status_code == 422
    for missing in (999, 2**62):
        unknown_org = open_case(client, court, obligor={"name": "某公司", "organization_id": missing})
        assert unknown_org.status_code == 422
    for url in (f"/api/v1/compensation-cases/{2**40}", f"/api/v1/public/compensation-cases/{2**40}",
                f"/cases/{2**40}", f"/api/v1/compensation-cases/{2**40}/history"):
        assert client.get(url, headers=court.headers).status_code == 404, url
    itself = open_case(client, court, obligor={"name": "法院", "organization_id": court.id})
    assert itself.status_code == 422
    leaky = open_case(client, court, obligor={"name": "张三丰"}, beneficiary_wording="张三丰生态赔偿")
    assert leaky.status_code == 422 and "beneficiary_wording" in leaky.json["errors"]
    for raw in (b"{", b"[]", b"null"):
        response = client.post("/api/v1/compensation-cases", headers=court.headers, data=raw,
                               content_type="application/json")
        assert response.status_code == 422 and set(response.json) == SHAPE


@pytest.fixture
def holder_case(client, court):
    seller, obligor, bystander = make_org("seller"), make_org("buyer"), make_org("buyer")
    lot = make_lot(seller, 10_000)
    for holder in (obligor, bystander, court):
        give(seller, holder, lot, 1_000)
    case = open_case(client, court, obligor={"name": "某某公司", "organization_id": obligor.id},
                     required_kg=1_500).json
    return {"case": case, "obligor": obligor, "bystander": bystander, "seller": seller,
            "lot": lot}


def retire(client, actor, **instruction):
    body = {"purpose": "ecological_compensation", "beneficiary_name": "长春市中级人民法院",
            "quantity_kg": 100, **instruction}
    return client.post("/api/v1/retirements", headers=actor.headers, json=body)


def test_who_may_retire_for_a_case(client, court, holder_case):
    case_id = holder_case["case"]["id"]
    no_case = retire(client, holder_case["obligor"])
    assert no_case.status_code == 422 and "case_id" in no_case.json["errors"]
    stranger = retire(client, holder_case["bystander"], case_id=case_id)
    assert stranger.status_code == 403
    wrong_purpose = retire(client, holder_case["obligor"], case_id=case_id, purpose="voluntary")
    assert wrong_purpose.status_code == 422
    for missing in (999_999, 2**62):
        unknown = retire(client, holder_case["obligor"], case_id=missing)
        assert unknown.status_code == 422 and "case_id" in unknown.json["errors"]
    too_much = retire(client, holder_case["obligor"], case_id=case_id, quantity_kg=1_501)
    assert too_much.status_code == 422
    assert retire(client, holder_case["obligor"], case_id=case_id).status_code == 201
    assert retire(client, court, case_id=case_id).status_code == 201  # the authority may too
    seen = client.get(f"/api/v1/public/compensation-cases/{case_id}").json
    assert seen["retired_kg"] == 200 and seen["status"] == "open"
    lots = client.get(f"/api/v1/lots/{holder_case['lot']}").json
    assert lots["retired_kg"] == 200  # the refusals retired nothing


def test_buy_and_retire_orders_for_someone_elses_case_are_refused(client, holder_case):
    listing = make_listing(holder_case["seller"], holder_case["lot"], 1_000, 5_000)
    response = client.post("/api/v1/orders", headers=holder_case["bystander"].headers, json={
        "items": [{"listing_id": listing, "quantity_kg": 10}], "payment_method": "bank_transfer",
        "retirement": {"purpose": "ecological_compensation", "beneficiary_name": "x",
                       "case_id": holder_case["case"]["id"]}})
    assert response.status_code == 403
    own = client.post("/api/v1/orders", headers=holder_case["obligor"].headers, json={
        "items": [{"listing_id": listing, "quantity_kg": 10}], "payment_method": "bank_transfer",
        "retirement": {"purpose": "ecological_compensation", "beneficiary_name": "x",
                       "case_id": holder_case["case"]["id"]}})
    assert own.status_code == 201
    assert client.get(f"/api/v1/listings/{listing}").json["remaining_kg"] == 990


def test_a_case_falls_overdue_when_its_due_date_passes_uncovered(client, court, holder_case):
    case_id = holder_case["case"]["id"]
    due = clock.today_in_china() + timedelta(days=60)
    assert case_jobs.flag_overdue_cases_job() == []
    clock.set_now(clock.now() + timedelta(days=60))
    assert clock.today_in_china() == due
    assert case_jobs.flag_overdue_cases_job() == []  # the due date itself is in time
    clock.set_now(clock.now() + timedelta(days=1))
    assert case_jobs.flag_overdue_cases_job() == [case_id]
    assert case_jobs.flag_overdue_cases_job() == []  # idempotent
    seen = client.get(f"/api/v1/compensation-cases/{case_id}", headers=court.headers).json
    assert seen["status"] == "overdue"
    history = client.get(f"/api/v1/compensation-cases/{case_id}/history",
                         headers=court.headers).json
    assert history[-1]["action"] == "overdue" and history[-1]["actor"] == "system"
    assert history[-1]["details"]["outstanding_kg"] == 1_500
    late = retire(client, holder_case["obligor"], case_id=case_id, quantity_kg=1_000)
    assert late.status_code == 201  # an overdue case can still be covered
    assert retire(client, court, case_id=case_id, quantity_kg=500).status_code == 201
    done = client.get(f"/api/v1/compensation-cases/{case_id}", headers=court.headers).json
    assert done["status"] == "fulfilled" and done["certificate_number"]


def test_the_overdue_job_is_registered_daily(app):
    jobs = {job["id"]: job for job in app.extensions["registry_jobs"]}
    assert jobs["market.flag_overdue_cases"]["hours"] == 24


def test_payment_link_refusals(client, court, holder_case):
    token = "x" * 43
    assert client.get(f"/api/v1/public/compensation-cases/pay/{token}").status_code == 404
    assert client.post(f"/api/v1/public/compensation-cases/pay/{token}",
                       json={"payment_method": "bank_transfer"}).status_code == 404
    assert client.get(f"/cases/pay/{token}").status_code == 404
    case = open_case(client, court, case_number="(2026)吉01民初7号").json
    real = case["payment_link"].rsplit("/", 1)[1]
    url = f"/api/v1/public/compensation-cases/pay/{real}"
    for body in ({"payment_method": "cash"}, {}, {"payment_method": "bank_transfer", "x": 1}):
        assert client.post(url, json=body).status_code == 422
    stripe = client.post(url, json={"payment_method": "stripe"})
    assert stripe.status_code == 409 and stripe.json["code"] == "stripe_not_configured"
    empty_market = client.post(url, json={"payment_method": "bank_transfer"})
    assert empty_market.status_code == 409 and empty_market.json["code"] == "insufficient_units"
    assert client.post(f"/cases/pay/{real}", data={"payment_method": "cash"}).status_code == 422
