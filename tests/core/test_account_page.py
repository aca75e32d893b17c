"""The account page as a browser uses it (CSRF on): token dates are Beijing dates in the
reader's language, and a revoked token reads 已吊销 like its button (a certificate is 已撤销)."""

import re

import pytest

from factories import PASSWORD, make_org, make_user


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def csrf_from(client, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200, page.status_code
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)


def test_token_dates_are_beijing_dates_and_a_revoked_token_is_diaoxiao(client):
    email = make_user(make_org("buyer"))
    assert client.post("/login", data={"email": email, "password": PASSWORD,
                                       "csrf_token": csrf_from(client, "/login")}).status_code == 303
    created = client.post("/account/tokens", data={"csrf_token": csrf_from(client, "/account"),
                                                   "name": "财务系统", "expires_in_days": "30"})
    assert created.status_code == 201
    assert re.search(r"有效期至 ?20\d\d年\d{1,2}月\d{1,2}日|20\d\d年\d{1,2}月\d{1,2}日", created.text)
    page = client.get("/account").text
    assert not re.search(r">\s*20\d\d-\d\d-\d\d\s*<", page), "ISO dates on a Chinese page"
    assert re.search(r">\s*20\d\d年\d{1,2}月\d{1,2}日\s*<", page)
    english = client.get("/account?lang=en").text
    assert re.search(r">\s*\d{1,2} [A-Z][a-z]{2} 20\d\d\s*<", english)
    client.get("/account?lang=zh")
    revoke = re.search(r'action="(/account/tokens/\d+/revoke)"', page).group(1)
    assert client.post(revoke, data={"csrf_token": csrf_from(client, "/account")}).status_code == 303
    assert re.search(r'class="badge bad">已吊销<', client.get("/account").text)
