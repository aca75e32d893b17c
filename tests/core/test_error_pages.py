"""Errors on page paths are pages in the reader's language with the same status; the API
(and any client asking for JSON) keeps the JSON error body."""

import pytest
from werkzeug.exceptions import RequestEntityTooLarge, TooManyRequests

from core.errors import NotFound


def test_an_unknown_page_is_an_html_404_in_chinese_and_english(client):
    response = client.get("/orders/JLO-NOPE/unknown-ish")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "页面不存在" in response.text and '<html lang="zh-CN">' in response.text
    english = client.get("/no/such/page?lang=en")
    assert english.status_code == 404 and "Page not found" in english.text


def test_the_api_and_json_clients_keep_the_json_error_body(client):
    api = client.get("/api/v1/no-such-route")
    assert api.status_code == 404 and api.json["code"] == "not_found"
    asked = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert asked.status_code == 404 and asked.json["status"] == 404
    well_known = client.get("/.well-known/nothing-here")
    assert well_known.status_code == 404 and well_known.is_json


def test_a_domain_error_from_a_page_is_a_page_with_its_message(client):
    response = client.get("/certificates/JLC-2099-999999.pdf")
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "没有编号为 JLC-2099-999999 的证书。" in response.text
    api = client.get("/api/v1/certificates/JLC-2099-999999")
    assert api.status_code == 404 and api.json["code"] == "not_found"


def test_a_wrong_method_on_a_page_is_a_405_page(client):
    response = client.get("/holdings/transfers")
    assert response.status_code == 405 and response.mimetype == "text/html"
    assert "不能以这种方式使用该页面" in response.text
    assert "This page cannot be used this way" in client.get("/holdings/transfers?lang=en").text


@pytest.mark.parametrize("status, raised, heading", [
    (403, None, "无权访问"), (413, RequestEntityTooLarge(), "提交的内容过大"),
    (429, TooManyRequests(), "请求过于频繁"), (422, None, "无法处理该请求"),
    (400, None, "无法读取该请求"), (404, NotFound("没有该批次。"), "页面不存在"),
])
def test_each_status_has_its_heading(fresh_app, status, raised, heading):
    from flask import abort

    app, client = fresh_app, fresh_app.test_client()

    def fail():
        if raised is not None:
            raise raised
        abort(status)

    app.add_url_rule(f"/broken-{status}", f"broken_{status}", fail)
    response = client.get(f"/broken-{status}")
    assert response.status_code == status and response.mimetype == "text/html"
    assert heading in response.text and f"错误 {status}" in response.text
    assert client.get(f"/broken-{status}", headers={"Accept": "application/json"}).is_json


def test_an_unexpected_error_is_a_500_page_outside_testing(fresh_app):
    app, client = fresh_app, fresh_app.test_client()

    def crash():
        raise RuntimeError("boom")

    app.add_url_rule("/crash", "crash", crash)
    app.testing = False
    try:
        response = client.get("/crash?lang=en")
    finally:
        app.testing = True
    assert response.status_code == 500 and "Something went wrong" in response.text
    assert "boom" not in response.text
