"""Languages, labels, figures and money in words (DOMAIN.md §8)."""

from datetime import date, datetime, timezone

import pytest
from flask_babel import force_locale

from core import labels
from factories import make_org
from core.formatting import amount_in_words, format_date, format_datetime, format_money, \
    format_tonnes


@pytest.mark.parametrize("fen, words", [
    (0, "人民币零元整"),
    (5, "人民币伍分"),
    (50, "人民币伍角"),
    (105, "人民币壹元零伍分"),
    (1_000, "人民币壹拾元整"),
    (1_005, "人民币壹拾元零伍分"),
    (1_050, "人民币壹拾元伍角"),
    (101_000, "人民币壹仟零壹拾元整"),
    (123_456, "人民币壹仟贰佰叁拾肆元伍角陆分"),
    (1_000_500, "人民币壹万零伍元整"),
    (10_000_000, "人民币壹拾万元整"),
    (100_100_000, "人民币壹佰万壹仟元整"),
    (100_000_101, "人民币壹佰万零壹元零壹分"),
    (10_000_000_000, "人民币壹亿元整"),
    (100_000_000_500, "人民币壹拾亿零伍元整"),
])
def test_amount_in_words_follows_the_bank_convention(fen, words):
    assert amount_in_words(fen) == words


def test_amount_in_words_refuses_what_is_not_fen():
    with pytest.raises(TypeError):
        amount_in_words(12.5)
    with pytest.raises(ValueError):
        amount_in_words(-1)


def test_figures_group_thousands_with_a_comma():
    assert format_tonnes(3_245_029) == "3,245.029"
    assert format_tonnes(116_775_000) == "116,775.000"
    assert format_money(123_456) == "¥1,234.56" and format_money(-500) == "-¥5.00"


def test_moments_show_in_china_standard_time():
    late = datetime(2026, 11, 30, 23, 42, 5, tzinfo=timezone.utc)
    assert format_date(late) == "2026年12月1日" and format_date(late, "en") == "1 Dec 2026"
    assert format_datetime(late) == "2026年12月1日 07:42"
    assert format_datetime(late, "en") == "1 Dec 2026, 07:42 CST"
    assert format_datetime("2026-12-05T23:45:20.238583+00:00") == "2026年12月6日 07:45"
    assert format_date(date(2026, 7, 1), "en") == "1 Jul 2026"


def test_every_label_is_translated_in_both_languages(app):
    assert {"purpose", "scenario", "order_status", "case_status", "verification_check",
            "check_result", "footprint_category", "footprint_source", "claim_status",
            "role", "organization_kind"} <= set(labels.TABLES)
    for kind, table in labels.TABLES.items():
        for code in table:
            with force_locale("zh"):
                zh = labels.label(kind, code)
            with force_locale("en"):
                en = labels.label(kind, code)
            # Units are symbols: their English label is the symbol itself.
            assert zh != code and (en != code or kind == "activity_unit"), (kind, code)
            assert zh != en, (kind, code, zh)


def test_lang_parameter_switches_and_the_cookie_keeps_it(client):
    chinese = client.get("/").get_data(as_text=True)
    assert '<html lang="zh-CN">' in chinese and "减排量市场" in chinese and "Marketplace" not in chinese
    english = client.get("/?lang=en")
    assert "lang=en" in english.headers["Set-Cookie"]
    assert '<html lang="en">' in english.get_data(as_text=True)
    later = client.get("/market").get_data(as_text=True)
    assert "Marketplace" in later and "减排量市场" not in later
    assert 'href="/market?lang=zh"' in later  # the switch keeps the page
    back = client.get("/market?lang=zh").get_data(as_text=True)
    assert "减排量市场" in back


def test_accept_language_decides_without_a_choice(client):
    english = client.get("/registry", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert "Public registry of retirements" in english.get_data(as_text=True)
    fallback = client.get("/registry", headers={"Accept-Language": "de"})
    assert "公开注销登记" in fallback.get_data(as_text=True)


def test_pages_show_labels_not_codes(client):
    page = client.get("/registry").get_data(as_text=True)
    assert "机构运营碳中和" in page and ">organization_operations<" not in page
    english = client.get("/registry?lang=en").get_data(as_text=True)
    assert "Offsetting organisation operations" in english


def test_api_errors_follow_accept_language_and_keep_their_code(client):
    chinese = client.get("/api/v1/orders/JLO-2026-999999")
    english = client.get("/api/v1/orders/JLO-2026-999999", headers={"Accept-Language": "en"})
    assert chinese.status_code == english.status_code
    assert chinese.json["code"] == english.json["code"]
    assert chinese.json["message"] != english.json["message"]
    no_token_zh = client.post("/api/v1/retirements", json={})
    no_token_en = client.post("/api/v1/retirements", json={},
                              headers={"Accept-Language": "en-US,en;q=0.8"})
    assert no_token_zh.json["code"] == no_token_en.json["code"] == "unauthorized"
    assert no_token_zh.json["message"] == "需要提供 Bearer 令牌。"
    assert no_token_en.json["message"] == "A bearer token is required."


def test_validation_messages_are_translated_field_by_field(client):
    buyer = make_org("buyer")
    zh = client.post("/api/v1/retirements", headers=buyer.headers, json={"purpose": "voluntary"})
    en = client.post("/api/v1/retirements", json={"purpose": "voluntary"},
                     headers={**buyer.headers, "Accept-Language": "en"})
    assert zh.status_code == en.status_code == 422
    assert zh.json["code"] == en.json["code"] == "validation_error"
    assert zh.json["message"] == "请求无效。" and en.json["message"] == "The request is not valid."
    assert "缺少必填字段。" in zh.json["errors"]["quantity_kg"]
    assert "Missing data for required field." in en.json["errors"]["quantity_kg"]
