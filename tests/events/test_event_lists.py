"""``GET /api/v1/events`` and ``GET /api/v1/claims``: a host sees its own, the registry
admin every event; filters by status as of today, dates and name; pages as API.md has
them; bad arguments are 422. The /claims page pages too."""

from datetime import date

import pytest

from factories import PASSWORD, make_event, make_org, make_user, on_china_date


@pytest.fixture
def hosts(app, client):
    on_china_date(date(2026, 5, 1))
    first, second = make_org("buyer", name="吉林省会展中心"), make_org("buyer", name="长春体育局")
    forum = make_event(first, name="长白山生态论坛", start_date=date(2026, 6, 1),
                       end_date=date(2026, 6, 2))
    expo = make_event(first, name="东北亚博览会", start_date=date(2026, 9, 1),
                      end_date=date(2026, 9, 5))
    marathon = make_event(second, name="长春马拉松", start_date=date(2026, 7, 1),
                          end_date=date(2026, 7, 1))
    return first, second, {"forum": forum, "expo": expo, "marathon": marathon}


def ids(response) -> list[int]:
    assert response.status_code == 200, response.json
    return [item["id"] for item in response.json["items"]]


def test_a_host_lists_its_own_events_and_the_admin_lists_all(client, hosts):
    first, second, events = hosts
    own = client.get("/api/v1/events", headers=first.headers)
    assert ids(own) == [events["expo"], events["forum"]]  # newest first
    assert {"items", "total", "page", "per_page"} <= set(own.json)
    assert (own.json["total"], own.json["page"], own.json["per_page"]) == (2, 1, 20)
    item = own.json["items"][0]
    assert item["name"] == "东北亚博览会" and item["status"] == "planned"
    assert item["deadline"] == "2027-09-05" and item["kind"] == "exhibition"
    assert ids(client.get("/api/v1/events", headers=second.headers)) == [events["marathon"]]
    admin = make_org("registry_admin", kind="registry")
    assert len(ids(client.get("/api/v1/events", headers=admin.headers))) == 3
    paged = client.get("/api/v1/events?per_page=1&page=2", headers=first.headers)
    assert ids(paged) == [events["forum"]] and paged.json["total"] == 2


def test_events_filter_by_status_today_dates_and_name(client, hosts):
    first, _, events = hosts
    on_china_date(date(2026, 6, 10))  # the forum has ended: it awaits its offset today
    url = "/api/v1/events?status="
    assert ids(client.get(url + "awaiting_offset", headers=first.headers)) == [events["forum"]]
    assert ids(client.get(url + "planned", headers=first.headers)) == [events["expo"]]
    between = "/api/v1/events?from=2026-08-01&to=2026-12-31"
    assert ids(client.get(between, headers=first.headers)) == [events["expo"]]
    assert ids(client.get("/api/v1/events?q=生态", headers=first.headers)) == [events["forum"]]
    assert ids(client.get("/api/v1/events?q=100%25", headers=first.headers)) == []


@pytest.mark.parametrize("query", ["status=done", "per_page=101", "page=0", "from=2026-02-30",
                                   "to=soon", "q="])
def test_bad_list_arguments_are_422(client, hosts, query):
    first = hosts[0]
    for url in ("/api/v1/events", "/api/v1/claims"):
        response = client.get(f"{url}?{query}", headers=first.headers)
        assert response.status_code == 422, (url, query)
        assert set(response.json) == {"code", "status", "message", "errors"}


def test_lists_need_a_buyer_or_the_admin(client, hosts):
    assert client.get("/api/v1/events").status_code == 401
    assert client.get("/api/v1/claims").status_code == 401
    seller = make_org("seller")
    assert client.get("/api/v1/events", headers=seller.headers).status_code == 403
    assert client.get("/api/v1/claims", headers=seller.headers).status_code == 403


def claim(client, actor, name, start="2026-01-01", end="2026-03-31"):
    response = client.post("/api/v1/claims", headers=actor.headers, json={
        "subject": "organization", "name": name, "period_start": start, "period_end": end,
        "footprint_kg": 1_000})
    assert response.status_code == 201, response.json
    return response.json["id"]


def test_claims_list_holds_own_organisation_claims_only_and_pages(client, hosts):
    first, second, _ = hosts
    q1 = claim(client, first, "2026 年一季度办公运营")
    q2 = claim(client, first, "2026 年二季度办公运营", "2026-04-01", "2026-06-30")
    claim(client, second, "体育局 2026 年办公运营")
    listed = client.get("/api/v1/claims", headers=first.headers)
    assert ids(listed) == [q2, q1] and listed.json["items"][0]["subject"] == "organization"
    assert ids(client.get("/api/v1/claims?q=一季度", headers=first.headers)) == [q1]
    assert ids(client.get("/api/v1/claims?from=2026-04-01", headers=first.headers)) == [q2]
    assert ids(client.get("/api/v1/claims?status=neutral", headers=first.headers)) == []

    for n in range(20):
        claim(client, first, f"月度办公运营 {n + 1}")
    response = client.post("/login", data={"email": make_user(first), "password": PASSWORD})
    assert response.status_code == 303
    page_one = client.get("/claims")
    assert "第 1 页，共 2 页" in page_one.text and "月度办公运营 20" in page_one.text
    page_two = client.get("/claims?page=2", headers={"Accept-Language": "en"})
    assert "Page 2 of 2" in page_two.text and "2026 年一季度办公运营" in page_two.text
