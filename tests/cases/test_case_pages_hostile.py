"""Hostile input on the case authority's pages, found by trying them: absurd dates (year 1,
year 9999), an obligor organisation that is not in the list (the authority itself, an id
naming none, one too large — refused as "Length must be between 1 and 200" beside the
person's name), a tampered obligor kind (a 422 with no error shown), only spaces in text
fields (a document titled "   " was stored empty), and a code in a message
("Must not be before judgment_date."). Refused beside the field in Chinese and English;
nothing is stored."""

import re
from datetime import timedelta

import pytest

from cases.models import CaseDocument, CompensationCase
from core import clock
from core.db import db
from factories import PASSWORD, case_body, make_authority, make_org, make_user

EN = {"Accept-Language": "en"}
ID_NUMBER = "11010519491231002X"


def sign_in(client, email):
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 303


def errors_beside(response, field_id: str) -> str:
    found = re.search(rf'<ul class="field-errors" id="{field_id}-errors">(.*?)</ul>',
                      response.text, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", found.group(1))).strip() if found else ""


@pytest.fixture
def court(app, client):
    court = make_authority(name="长春市中级人民法院")
    sign_in(client, make_user(court))
    return court


def case_form(**fields) -> dict:
    today = clock.today_in_china()
    return {"case_number": "(2026)吉01刑初7号", "authority_name": "长春市中级人民法院",
            "judgment_date": (today - timedelta(days=10)).isoformat(),
            "obligor_kind": "person", "obligor_name": "张三丰", "id_number": ID_NUMBER,
            "obligor_organization_id": "0",
            "damage_description": "滥伐林木 18.65 立方米", "measured_loss_t": "47.07",
            "measuring_agency": "吉林省林业调查规划院", "report_number": "吉林调评〔2026〕3号",
            "multiplier": "2", "required_t": "96", "beneficiary_wording": "",
            "due_date": (today + timedelta(days=60)).isoformat(), **fields}


def refused_beside(client, form: dict, field_id: str, zh: str, en: str, status=422):
    for headers, expected in (({}, zh), (EN, en)):
        response = client.post("/cases/new", data=form, headers=headers)
        assert response.status_code == status, response.text
        assert expected in errors_beside(response, field_id), response.text
    assert db.session.query(CompensationCase).count() == 0


@pytest.mark.parametrize("fields, field_id", [
    ({"judgment_date": "0001-01-01"}, "judgment_date"),
    ({"due_date": "9999-12-31"}, "due_date"),
    ({"judgment_date": "1999-12-31"}, "judgment_date"),
])
def test_dates_outside_the_horizon_are_refused_beside_the_field(client, court, fields,
                                                                 field_id):
    refused_beside(client, case_form(**fields), field_id, "须为 2000 年至 2100 年之间的日期",
                   "Must be a date between 2000 and 2100")


def test_the_api_refuses_the_same_dates(client, app):
    token = make_authority().token
    response = client.post("/api/v1/compensation-cases", headers={
        "Authorization": f"Bearer {token}", **EN}, json=case_body(due_date="9999-12-31"))
    assert response.status_code == 422
    assert response.json["errors"] == {"due_date": ["Must be a date between 2000 and 2100."]}


def test_a_due_date_before_the_judgment_names_the_judgment_date_not_its_code(client, court):
    today = clock.today_in_china()
    refused_beside(client, case_form(judgment_date=(today - timedelta(days=5)).isoformat(),
                                     due_date=(today - timedelta(days=9)).isoformat()),
                   "due_date", "不得早于裁判日期", "Must not be before the judgment date")


@pytest.mark.parametrize("chosen", ["authority", "99999", "99999999999999999999", "abc"])
def test_an_organisation_not_in_the_list_is_refused_beside_the_list(client, court, chosen):
    make_org("buyer", kind="enterprise", name="吉林长白山文旅集团有限公司")
    form = case_form(obligor_kind="organization", obligor_name="",
                     obligor_organization_id=str(court.id) if chosen == "authority" else chosen)
    refused_beside(client, form, "obligor_organization_id", "请选择单位",
                   "Choose the organisation")
    response = client.post("/cases/new", data=form, headers=EN)
    assert not errors_beside(response, "obligor_name")  # not "Length must be between …"


def test_a_tampered_obligor_kind_is_shown_beside_the_choice(client, court):
    refused_beside(client, case_form(obligor_kind="robot"), "obligor_kind", "不是有效的选择",
                   "Not a valid choice")


@pytest.mark.parametrize("field_id", ["case_number", "authority_name", "measuring_agency",
                                      "report_number", "damage_description"])
def test_only_spaces_is_nothing_typed(client, court, field_id):
    refused_beside(client, case_form(**{field_id: "   "}), field_id, "此项必填",
                   "This field is required")


def test_a_document_titled_only_with_spaces_is_refused_on_the_page_and_the_api(client, court):
    case_id = client.post("/cases/new", data=case_form()).location.rsplit("/", 1)[1]
    for headers, expected in (({}, "此项必填"), (EN, "This field is required")):
        response = client.post(f"/cases/{case_id}/documents", headers=headers, data={
            "kind": "court_notice", "title": "   ", "reference": "(2026)吉01刑初7号"})
        assert response.status_code == 422
        assert expected in errors_beside(response, "title")
    api = client.post(f"/api/v1/compensation-cases/{case_id}/documents",
                      headers={"Authorization": f"Bearer {court.token}"},
                      json={"kind": "court_notice", "title": "  ", "reference": " "})
    assert api.status_code == 422 and set(api.json["errors"]) == {"title", "reference"}
    assert db.session.query(CaseDocument).count() == 0


@pytest.mark.parametrize("path", ["/cases", "/registry/cases"])
def test_a_page_number_too_large_for_the_database_is_an_empty_page(client, court, path):
    client.post("/cases/new", data=case_form())
    assert db.session.query(CompensationCase).count() == 1
    response = client.get(f"{path}?page=99999999999999999999")  # was a 500 (OFFSET overflow)
    assert response.status_code == 200 and "(2026)吉01刑初7号" not in response.text
