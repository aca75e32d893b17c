"""The public registry page's one-statement read (``market.registry_page``) and the
distinct beneficiary names its search goes through (``market.beneficiaries``)."""

import sqlalchemy as sa

from core.db import db, transaction
from factories import give, make_lot, make_org
from market import beneficiaries, retirements
from market.models import BeneficiaryName
from market.registry_page import registry_page


def retire(client, actor, **body):
    payload = {"purpose": "voluntary", "beneficiary_name": "长春市民张三", "quantity_kg": 10}
    payload.update(body)
    response = client.post("/api/v1/retirements", headers=actor.headers, json=payload)
    assert response.status_code == 201, response.json
    return response.json


def names() -> list[str]:
    return sorted(db.session.scalars(sa.select(BeneficiaryName.name)))


def test_rows_hold_what_the_api_shows_and_page_by_cursor(client, app):
    seller, buyer = make_org("seller"), make_org("buyer", name="吉林碳汇贸易有限公司")
    first_lot, second_lot = make_lot(seller, 1_000), make_lot(seller, 1_000, code="TR-BUS")
    give(seller, buyer, first_lot, 1_000)
    give(seller, buyer, second_lot, 1_000)
    # 1 200 kg spans both lots: one retirement, two serial ranges.
    made = [retire(client, buyer, quantity_kg=kg, beneficiary_name=f"市民{kg}")
            for kg in (300, 1_200, 5)]
    with app.test_request_context():
        page = registry_page(retirements.search_retirements(), None, 2)
        assert [r.number for r in page["items"]] == [made[2]["number"], made[1]["number"]]
        assert page["next"] and page["total"] == 3
        spanning = page["items"][1]
        assert spanning.organization.name == "吉林碳汇贸易有限公司"
        assert spanning.quantity_kg == 1_200 and not spanning.revoked
        assert ([s["range"] for s in retirements.serials_of(spanning)]
                == [s["range"] for s in made[1]["serials"]])
        assert len(made[1]["serials"]) == 2
        rest = registry_page(retirements.search_retirements(), page["next"], 2)
        assert [r.number for r in rest["items"]] == [made[0]["number"]]
        assert rest["next"] is None


def test_retiring_remembers_each_name_once_and_search_finds_it(client, app):
    seller, buyer = make_org("seller"), make_org("buyer")
    give(seller, buyer, make_lot(seller, 1_000), 1_000)
    twice = [retire(client, buyer, beneficiary_name="Jilin Marathon 2026")["number"]
             for _ in range(2)]
    retire(client, buyer, beneficiary_name="长春市民李四")
    with app.app_context():
        assert names() == ["Jilin Marathon 2026", "长春市民李四"]
    body = client.get("/api/v1/retirements", query_string={"beneficiary": "MARATHON"}).json
    assert [item["number"] for item in body["items"]] == twice[::-1]
    page = client.get("/registry", query_string={"beneficiary": "marathon"}).text
    assert all(number in page for number in twice) and "长春市民李四" not in page


def test_rebuild_adds_the_names_of_retirements_loaded_without_the_signal(client, app):
    seller, buyer = make_org("seller"), make_org("buyer")
    give(seller, buyer, make_lot(seller, 1_000), 1_000)
    made = retire(client, buyer, beneficiary_name="长白山罕见受益人")
    with transaction() as session:
        session.execute(sa.delete(BeneficiaryName))
    assert client.get("/api/v1/retirements?beneficiary=罕见").json["items"] == []
    with transaction():
        assert beneficiaries.rebuild() == 1
    with transaction():
        assert beneficiaries.rebuild() == 0
    found = client.get("/api/v1/retirements?beneficiary=罕见").json["items"]
    assert [item["number"] for item in found] == [made["number"]]
