"""The case authority's pages: its list (filters, overdue marker), the form that opens a
case (a person or an organisation as obligor; refusals beside the field in Chinese and
English), the authority's case page (identity, coverage, payment link, case file), the
payment notice PDF, the public list of cases and the workspace count."""

import re
import subprocess
from datetime import date, timedelta

import pytest

from cases.models import CompensationCase
from core import clock
from core.db import db
from factories import (PASSWORD, case_body, make_authority, make_listing, make_lot, make_org,
                       make_user)

EN = {"Accept-Language": "en"}
ID_NUMBER = "11010519491231002X"  # a valid GB 11643 check character


def sign_in(client, email):
    client.post("/logout")
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 303


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.text)).replace("\u00a0", " ")


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
            "damage_description": "滥伐林木 18.65 立方米", "measured_loss_t": "47.07",
            "measuring_agency": "吉林省林业调查规划院", "report_number": "吉林调评〔2026〕3号",
            "multiplier": "2", "required_t": "96", "beneficiary_wording": "",
            "due_date": (today + timedelta(days=60)).isoformat(), **fields}


def open_case(client, **fields) -> int:
    response = client.post("/cases/new", data=case_form(**fields))
    assert response.status_code == 303, text_of(response)
    return int(response.location.rsplit("/", 1)[1])


def test_signed_out_visitors_sign_in_and_other_roles_are_refused(client, app):
    assert client.get("/cases").location.startswith("/login?next=")
    assert client.get("/cases/new").location.startswith("/login?next=")
    sign_in(client, make_user(make_org("buyer")))
    assert client.get("/cases").status_code == 403
    assert client.get("/cases/new").status_code == 403


def test_a_person_case_is_opened_exactly_as_ordered_and_listed(client, court):
    assert client.get("/cases/new").status_code == 200
    case_id = open_case(client)
    case = db.session.get(CompensationCase, case_id)
    assert (case.authority_id, case.measured_loss_kg, case.required_kg, case.multiplier) == (
        court.id, 47_070, 96_000, "2")
    assert (case.obligor_name, case.obligor_masked_name, case.obligor_organization_id) == (
        "张三丰", "张某", None)

    page = client.get(f"/cases/{case_id}")
    text = text_of(page)
    assert "张三丰" in text and ID_NUMBER in text and "公开显示为：张某" in text
    assert 'id="coverage"' in page.text and 'max="96000"' in page.text
    link = re.search(r'id="payment-link"[^>]*value="([^"]+)"', page.text)[1]
    assert link.startswith("https://registry.test/cases/pay/")
    assert client.get(link.removeprefix("https://registry.test")).status_code == 200

    listed = client.get("/cases")
    assert "overdue-marker" not in listed.text
    listed = text_of(listed)
    assert "(2026)吉01刑初7号" in listed and "张三丰" in listed and "96.000 吨" in listed
    assert "履行中" in listed
    workspace = text_of(client.get("/workspace"))
    assert "以碳代偿案件" in workspace and "1 项待办" in workspace


def test_an_organisation_obligor_is_picked_and_named_in_full(client, court):
    firm = make_org("buyer", name="吉林松柏林业有限公司")
    form = client.get("/cases/new").text
    assert f'value="{firm.id}"' in form and "长春市中级人民法院</option>" not in form
    case_id = open_case(client, obligor_kind="organization", obligor_name="",
                        id_number="", obligor_organization_id=str(firm.id))
    case = db.session.get(CompensationCase, case_id)
    assert (case.obligor_organization_id, case.obligor_name, case.obligor_masked_name) == (
        firm.id, "吉林松柏林业有限公司", "吉林松柏林业有限公司")
    assert case.payer_organization_id == firm.id


@pytest.mark.parametrize("fields, field_id, zh, en", [
    ({"id_number": "110105194912310021"}, "id_number", "校验", "check character"),
    ({"multiplier": "two"}, "multiplier", "一个正数，如 2 或 1.5", "A positive number, e.g. 2 or 1.5"),
    ({"required_t": "1.2345"}, "required_t", "最多三位小数", "At most three decimals"),
    ({"obligor_name": ""}, "obligor_name", "此项必填", "This field is required"),
    ({"obligor_kind": "organization", "obligor_organization_id": "0"},
     "obligor_organization_id", "请选择单位", "Choose the organisation"),
    ({"judgment_date": (date.today() + timedelta(days=400)).isoformat(),
      "due_date": (date.today() + timedelta(days=500)).isoformat()},
     "judgment_date", "不得晚于今天", "Must not be after today"),
])
def test_bad_input_is_refused_beside_its_field_in_both_languages(client, court, fields,
                                                                 field_id, zh, en):
    for headers, expected in (({}, zh), (EN, en)):
        response = client.post("/cases/new", data=case_form(**fields), headers=headers)
        assert response.status_code == 422
        errors = re.search(rf'<ul class="field-errors" id="{field_id}-errors">(.*?)</ul>',
                           response.text, re.S)
        assert errors and expected in errors[1], response.text
    assert db.session.query(CompensationCase).count() == 0


def test_the_obligor_email_is_kept_for_the_case_mail_and_a_bad_one_refused(client, court):
    case_id = open_case(client, obligor_email=" zhang.sanfeng@example.cn ")
    assert db.session.get(CompensationCase, case_id).obligor_email == "zhang.sanfeng@example.cn"
    for headers in ({}, EN):
        refused = client.post("/cases/new", data=case_form(case_number="(2026)吉01刑初8号",
                                                           obligor_email="not-an-address"),
                              headers=headers)
        assert refused.status_code == 422
        assert re.search(r'<ul class="field-errors" id="obligor_email-errors">', refused.text)
    assert db.session.query(CompensationCase).count() == 1


def test_a_case_number_twice_is_refused_beside_the_case_number(client, court):
    open_case(client)
    again = client.post("/cases/new", data=case_form(), headers=EN)
    assert again.status_code == 409
    assert re.search(r'id="case_number-errors">\s*<li>Already registered', again.text)


def test_another_authority_gets_404_and_the_public_sees_the_masked_name(client, court):
    case_id = open_case(client)
    sign_in(client, make_user(make_authority(name="吉林市中级人民法院")))
    page = client.get(f"/cases/{case_id}")
    assert page.status_code == 200 and "张三丰" not in page.text and ID_NUMBER not in page.text
    assert "张某" in page.text and 'id="payment-link"' not in page.text
    assert client.get(f"/cases/{case_id}/payment-notice.pdf").status_code == 404
    assert client.post(f"/cases/{case_id}/payment-link").status_code == 404
    assert client.post(f"/cases/{case_id}/documents", data={
        "kind": "court_notice", "title": "x", "reference": "y"}).status_code == 404
    assert "(2026)吉01刑初7号" not in client.get("/cases").text
    client.post("/logout")
    public = client.get(f"/cases/{case_id}")
    assert "张三丰" not in public.text and "张某" in public.text
    listed = client.get("/registry/cases")
    assert listed.status_code == 200
    assert "张某" in listed.text and "张三丰" not in listed.text and "(2026)吉01刑初7号" in listed.text
    assert f'href="/cases/{case_id}"' in listed.text
    assert 'href="/registry/cases"' in client.get("/registry").text
    admin = make_org("registry_admin", kind="registry")
    sign_in(client, make_user(admin))
    assert "张三丰" in client.get(f"/cases/{case_id}").text


def test_the_list_filters_by_case_number_status_and_overdue(client, court):
    first = open_case(client, case_number="(2026)吉01民初1号")
    open_case(client, case_number="(2026)吉02民初2号")
    case = db.session.get(CompensationCase, first)
    case.due_date = case.judgment_date = clock.today_in_china() - timedelta(days=20)
    db.session.commit()
    late = client.get("/cases?overdue=1")
    assert "overdue-marker" in late.text
    late = text_of(late)
    assert "吉01民初1号" in late and "吉02民初2号" not in late
    found = text_of(client.get("/cases?q=吉02"))
    assert "吉02民初2号" in found and "吉01民初1号" not in found
    assert "没有符合条件的案件" in text_of(client.get("/cases?status=fulfilled"))
    api = client.get("/api/v1/compensation-cases?overdue=true&per_page=1", headers=court.headers)
    assert api.json["total"] == 1 and api.json["items"][0]["id"] == first
    api = client.get("/api/v1/compensation-cases?q=吉02", headers=court.headers).json
    assert [c["case_number"] for c in api["items"]] == ["(2026)吉02民初2号"]
    assert client.get("/api/v1/compensation-cases?overdue=maybe",
                      headers=court.headers).status_code == 422


def test_reissuing_the_link_stops_the_old_one_and_documents_are_filed(client, court):
    case_id = open_case(client)
    old = re.search(r'id="payment-link"[^>]*value="([^"]+)"',
                    client.get(f"/cases/{case_id}").text)[1]
    assert client.post(f"/cases/{case_id}/payment-link").status_code == 303
    new = re.search(r'id="payment-link"[^>]*value="([^"]+)"',
                    client.get(f"/cases/{case_id}").text)[1]
    assert new != old
    assert client.get(old.removeprefix("https://registry.test")).status_code == 404
    refused = client.post(f"/cases/{case_id}/documents", headers=EN,
                          data={"kind": "court_notice", "title": "", "reference": "x"})
    assert refused.status_code == 422 and 'id="title-errors"' in refused.text
    added = client.post(f"/cases/{case_id}/documents", data={
        "kind": "loss_assessment_opinion", "title": "碳汇损失评估意见书", "reference": "吉林调评〔2026〕3号"})
    assert added.status_code == 303
    assert "碳汇损失评估意见书" in text_of(client.get(f"/cases/{case_id}"))


def test_the_payment_notice_pdf_has_the_case_number_and_the_amount_in_words(
        client, court, tmp_path):
    seller = make_org("seller")
    make_listing(seller, make_lot(seller, 200_000), 100_000, 12_345)
    case_id = open_case(client)
    response = client.get(f"/cases/{case_id}/payment-notice.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    path = tmp_path / "notice.pdf"
    path.write_bytes(response.data)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    # 96 t × ¥123.45 = ¥11,851.20
    assert "(2026)吉01刑初7号" in text and "人民币壹万壹仟捌佰伍拾壹元贰角" in text.replace(" ", "")
    assert "缴款通知书" in text and "96.000" in text and "长春市中级人民法院" in text


def test_a_person_is_told_to_transfer_not_to_make_a_corporate_transfer(client, court):
    seller = make_org("seller")
    make_listing(seller, make_lot(seller, 200_000), 100_000, 10_000)
    case_id = open_case(client)
    link = re.search(r'id="payment-link"[^>]*value="([^"]+)"',
                     client.get(f"/cases/{case_id}").text)[1].removeprefix("https://registry.test")
    client.post("/logout")
    page = text_of(client.get(link))
    assert "转账" in page and "对公转账" not in page
    paid = client.post(link, data={"payment_method": "bank_transfer"})
    assert paid.status_code == 201
    assert "请按以下信息转账" in text_of(paid) and "对公转账" not in text_of(paid)


def test_the_measuring_agency_and_report_are_punctuated_for_the_readers_language(client,
                                                                                  court):
    case_id = open_case(client)
    link = re.search(r'id="payment-link"[^>]*value="([^"]+)"',
                     client.get(f"/cases/{case_id}").text)[1].removeprefix("https://registry.test")
    for path in (f"/cases/{case_id}", link):
        zh = re.search(r'id="measured-by">([^<]*)<', client.get(path).text)[1]
        en = re.search(r'id="measured-by">([^<]*)<', client.get(path, headers=EN).text)[1]
        assert zh == "（吉林省林业调查规划院，吉林调评〔2026〕3号）"
        assert en == "(吉林省林业调查规划院, 吉林调评〔2026〕3号)"
