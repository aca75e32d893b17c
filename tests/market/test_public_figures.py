"""The public figures (issue #13): aggregates kept in the issuance's and retirement's own
transaction equal a fresh sum; the home page draws them as SVG with their tables; the
registry's totals come from them (unfiltered) or from a capped count (searches)."""

from datetime import date

import pytest
import sqlalchemy as sa

from core.db import db, transaction
from factories import give, make_lot, make_methodology, make_org, on_china_date
from market import audit, retirements, stats
from market.models import RetiredByMonth, ScenarioTotal
from market.pages import public


def retire(client, actor, kg, purpose="voluntary", **extra):
    response = client.post("/api/v1/retirements", headers=actor.headers, json={
        "purpose": purpose, "beneficiary_name": "长春市民", "quantity_kg": kg, **extra})
    assert response.status_code == 201, response.json
    return response.json


@pytest.fixture
def world(client):
    make_methodology("TR-METRO", "transport")
    make_methodology("FD-PLATE", "food")
    seller, buyer = make_org("seller"), make_org("buyer")
    metro = make_lot(seller, 10_000, code="TR-METRO")
    plate = make_lot(seller, 4_000, code="FD-PLATE")
    give(seller, buyer, metro, 3_000)
    give(seller, buyer, plate, 2_000)
    return seller, buyer


def test_aggregates_follow_issuance_and_retirements_and_equal_a_fresh_sum(client, world):
    _, buyer = world
    assert stats.by_scenario()["transport"] == {"issued_kg": 10_000, "retired_kg": 0}
    assert stats.by_scenario()["food"] == {"issued_kg": 4_000, "retired_kg": 0}
    on_china_date(date(2026, 11, 30), hour=23)  # 15:00 UTC: still November in Beijing
    retire(client, buyer, 1_000)
    on_china_date(date(2026, 12, 1), hour=7)  # 23:00 UTC on 30 Nov: December in Beijing
    # One retirement across both lots (oldest vintage, then lot order): 3,000 + 500.
    retire(client, buyer, 3_500, purpose="organization_operations",
           period_start="2026-01-01", period_end="2026-12-31")
    months = stats.retired_by_month(["2026-11", "2026-12"])
    assert months["2026-11"]["voluntary"] == 1_000
    assert months["2026-12"]["organization_operations"] == 3_500
    totals = stats.by_scenario()
    assert totals["transport"]["retired_kg"] + totals["food"]["retired_kg"] == 4_500
    assert totals["transport"]["retired_kg"] == 3_000  # the whole metro holding
    assert stats.totals() == {"issued_kg": 14_000, "retired_kg": 4_500, "retirement_count": 2}
    assert stats.check_aggregates() == []
    assert stats.fresh_sums() == stats.stored_sums()


def test_revocation_leaves_retired_figures_alone(client, world):
    _, buyer = world
    number = retire(client, buyer, 700)["certificate_number"]
    before = stats.stored_sums()
    admin = make_org("registry_admin")
    response = client.post(f"/api/v1/certificates/{number}/revocation", headers=admin.headers,
                           json={"reason": "核证报告被撤回"})
    assert response.status_code == 200
    assert stats.stored_sums() == before and stats.check_aggregates() == []


def test_audit_names_a_changed_figure_and_rebuild_repairs_it(client, runner, world):
    _, buyer = world
    retire(client, buyer, 1_234)
    with transaction():
        db.session.execute(sa.update(ScenarioTotal).where(ScenarioTotal.scenario == "food")
                           .values(issued_kg=1))
    problems = audit.run_audit()
    assert any("scenario totals" in p and "food" in p for p in problems), problems
    result = runner.invoke(args=["audit"])
    assert result.exit_code == 1 and "scenario totals" in result.output
    with transaction():
        db.session.execute(sa.delete(RetiredByMonth))
    result = runner.invoke(args=["stats", "rebuild"])
    assert result.exit_code == 0 and "rebuilt" in result.output, result.output
    assert audit.run_audit() == []
    assert stats.totals()["retirement_count"] == 1


def test_home_page_draws_the_charts_with_their_tables_in_both_languages(client, world):
    _, buyer = world
    retire(client, buyer, 1_234)
    month = stats.last_months()[-1]
    chinese = client.get("/").get_data(as_text=True)
    assert chinese.count("<svg viewBox=") >= 2 and 'role="img"' in chinese
    assert "每月注销量（按用途，吨）" in chinese and "本图数据" in chinese
    assert "自愿注销" in chinese or "自愿" in chinese  # the purpose label, never the code
    assert "1.234" in chinese and "10.000" in chinese  # table: retired, issued (t)
    assert f"{int(month[:4])}年{int(month[5:])}月" in chinese  # the month in Chinese
    english = client.get("/?lang=en").get_data(as_text=True)
    assert "Retired per month by purpose (t)" in english and "Figures of this chart" in english
    assert "Transport" in english and "<details>" in english
    assert "voluntary" not in english.replace('class="', "")  # no raw purpose code shown


def test_an_empty_registry_says_so_instead_of_drawing_an_axis_without_a_scale(client):
    chinese = client.get("/").get_data(as_text=True)
    assert "近 12 个月尚无注销。" in chinese and "尚未签发任何减排量。" in chinese
    assert "<svg viewBox=" not in chinese and "0.004" not in chinese
    assert "本图数据" in chinese  # the tables (zeros) stay for screen readers
    english = client.get("/?lang=en").get_data(as_text=True)
    assert "Nothing has been retired in the last 12 months." in english
    assert "Nothing has been issued yet." in english


def test_a_registry_with_lots_but_no_retirements_draws_only_the_scenario_chart(client, world):
    page = client.get("/?lang=en").get_data(as_text=True)
    assert "Nothing has been retired in the last 12 months." in page
    assert page.count("<svg viewBox=") == 1 and "Nothing has been issued yet." not in page


def test_registry_total_comes_from_the_aggregates_and_searches_are_capped(client, world,
                                                                         monkeypatch):
    _, buyer = world
    for kg in (10, 20, 30):
        retire(client, buyer, kg)
    listed = client.get("/api/v1/retirements").json
    assert listed["total"] == 3 and listed["total_capped"] is False
    # A first page holding every match counts them exactly, whatever the cap.
    monkeypatch.setattr(retirements, "COUNT_CAP", 2)
    whole = client.get("/api/v1/retirements?beneficiary=长春").json
    assert whole["total"] == 3 and whole["total_capped"] is False
    found = client.get("/api/v1/retirements?beneficiary=长春&per_page=2").json
    assert found["total"] == 2 and found["total_capped"] is True and len(found["items"]) == 2
    monkeypatch.setattr(public, "PER_PAGE", 2)
    page = client.get("/registry?beneficiary=长春&lang=en").get_data(as_text=True)
    assert "Retirements found: more than 2" in page
    assert "找到的注销记录：超过 2 条" in client.get("/registry?beneficiary=长春&lang=zh").get_data(as_text=True)
    # The unfiltered total never counts the rows: it is the aggregates' figure.
    assert "Retirements in the registry: 3" in client.get("/registry?lang=en").get_data(as_text=True)


def test_beneficiary_search_takes_quotes_and_wildcards_literally(client, world):
    _, buyer = world
    response = client.post("/api/v1/retirements", headers=buyer.headers, json={
        "purpose": "voluntary", "beneficiary_name": "O'Brien 100%_团队", "quantity_kg": 5})
    assert response.status_code == 201
    retire(client, buyer, 6)  # 长春市民
    for term, count in (("o'brien", 1), ("100%_", 1), ("%", 1), ("_", 1), ("'; --", 0)):
        found = client.get("/api/v1/retirements", query_string={"beneficiary": term})
        assert found.status_code == 200 and found.json["total"] == count, (term, found.json)
