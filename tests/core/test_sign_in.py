"""Sign-in pages with CSRF on, as a browser uses them: sessions, throttling, cookies."""

import re

import pytest
from flask import Flask

from core.db import db
from core.people import passwords
from core.people.models import User
from core.people.sessions import configure_cookie
from factories import PASSWORD, make_org, make_user


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True, "LOGIN_RATE_LIMIT": "3 per minute"}


def csrf_from(client, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200, page.status_code
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)


def sign_in(client, email: str, password: str = PASSWORD, next_: str = ""):
    token = csrf_from(client, "/login")
    return client.post(f"/login{next_}",
                       data={"email": email, "password": password, "csrf_token": token})


def test_sign_in_lands_on_the_workspace_and_sign_out_ends_the_session(client):
    buyer = make_org("buyer", name="长春市机关事务管理局")
    email = make_user(buyer, "Li.Hua@Example.CN")
    assert email == "li.hua@example.cn"

    response = sign_in(client, "LI.HUA@example.cn")
    assert response.status_code == 303 and response.location == "/workspace"
    workspace = client.get("/workspace")
    assert workspace.status_code == 200
    assert "长春市机关事务管理局" in workspace.text and "买方" in workspace.text
    assert "退出登录" in workspace.text and "账户与 API 令牌" in workspace.text
    assert db.session.execute(db.select(User.last_sign_in_at)).scalar_one() is not None

    token = csrf_from(client, "/workspace")
    signed_out = client.post("/logout", data={"csrf_token": token})
    assert signed_out.status_code == 303
    assert client.get("/workspace").status_code == 302


def test_a_form_without_its_csrf_token_is_refused_but_the_api_is_not(client):
    admin = make_org("registry_admin", kind="registry")
    email = make_user(admin)
    refused = client.post("/login", data={"email": email, "password": PASSWORD})
    assert refused.status_code == 400 and "表单已失效" in refused.text
    assert client.post("/logout").status_code == 400
    assert client.post("/verify", data={"number": "x"}).status_code == 400

    created = client.post("/api/v1/organizations", headers=admin.headers,
                          json={"name": "吉林省绿色发展基金会", "kind": "ngo", "roles": ["buyer"]})
    assert created.status_code == 201
    webhook = client.post("/api/v1/payments/stripe/webhook", data=b"{}")
    assert webhook.json["code"] != "csrf_failed"


def test_signed_out_people_are_sent_to_sign_in(client):
    for path in ("/workspace", "/account"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.location.startswith("/login?next=")
    login = client.get("/login")
    assert "登录" in login.text and 'name="email"' in login.text and 'for="password"' in login.text


def test_next_is_honoured_only_for_local_paths(client):
    email = make_user(make_org("buyer"))
    assert sign_in(client, email, next_="?next=/account").location == "/account"
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        client.post("/logout", data={"csrf_token": csrf_from(client, "/workspace")})
        assert sign_in(client, email, next_=f"?next={target}").location == "/workspace"


def test_a_wrong_password_is_refused_beside_the_form(client):
    email = make_user(make_org("buyer"))
    response = sign_in(client, email, "not-the-password")
    assert response.status_code == 401
    assert "电子邮箱或密码错误" in response.text
    assert client.get("/workspace").status_code == 302
    unknown = sign_in(client, "nobody@example.cn", "whatever-password")
    assert unknown.status_code == 401 and "电子邮箱或密码错误" in unknown.text


def test_repeated_wrong_passwords_are_throttled(client):
    email = make_user(make_org("buyer"))
    for _ in range(3):
        assert sign_in(client, email, "wrong-password!").status_code == 401
    throttled = sign_in(client, email, PASSWORD)
    assert throttled.status_code == 429
    assert "登录尝试次数过多" in throttled.text and throttled.headers["Retry-After"]
    other = make_user(make_org("buyer"))  # another email from the same address still may
    assert sign_in(client, other).status_code == 303


def test_successful_sign_ins_are_not_counted(client):
    email = make_user(make_org("buyer"))
    for _ in range(4):
        assert sign_in(client, email).status_code == 303
        client.post("/logout", data={"csrf_token": csrf_from(client, "/workspace")})


def test_pages_speak_chinese_by_default_and_english_on_request(client):
    assert "登录" in client.get("/login").text
    english = client.get("/login?lang=en")
    assert "Sign in" in english.text and "Email address" in english.text
    assert "Sign in" in client.get("/login").text  # the choice is kept in a cookie
    by_header = client.get("/login?lang=zh")
    assert "电子邮箱" in by_header.text


def test_changing_the_password_needs_the_current_one_and_ends_other_sessions(app, client):
    email = make_user(make_org("buyer"))
    other_browser = app.test_client()
    assert sign_in(client, email).status_code == 303
    assert sign_in(other_browser, email).status_code == 303

    token = csrf_from(client, "/account")
    wrong = client.post("/account", data={"csrf_token": token, "current_password": "nope",
                                          "password": "新的密码-长白山-2027",
                                          "confirm": "新的密码-长白山-2027"})
    assert wrong.status_code == 401
    assert re.search(r'id="current_password-errors">\s*<li>密码错误。', wrong.text)
    short = client.post("/account", data={"csrf_token": token, "current_password": PASSWORD,
                                          "password": "short", "confirm": "short"})
    assert short.status_code == 422 and "至少 10 个字符" in short.text
    changed = client.post("/account", data={"csrf_token": token, "current_password": PASSWORD,
                                            "password": "新的密码-长白山-2027",
                                            "confirm": "新的密码-长白山-2027"})
    assert changed.status_code == 303
    assert client.get("/account").status_code == 200  # this session goes on
    assert other_browser.get("/workspace").status_code == 302  # the other one ended
    assert sign_in(other_browser, email, "新的密码-长白山-2027").status_code == 303


def test_account_page_issues_a_token_once_lists_and_revokes_it(client):
    buyer = make_org("buyer")
    email = make_user(buyer)
    sign_in(client, email)
    token = csrf_from(client, "/account")
    created = client.post("/account/tokens", data={"csrf_token": token, "name": "ERP 对接",
                                                   "expires_in_days": "30"})
    assert created.status_code == 201
    secret = re.search(r'<code class="secret">(jlr_[^<]+)</code>', created.text).group(1)
    assert client.get("/api/v1/holdings",
                      headers={"Authorization": f"Bearer {secret}"}).status_code == 200

    listed = client.get("/account")
    assert secret not in listed.text and secret[:12] in listed.text and "ERP 对接" in listed.text
    token_id = client.get(f"/api/v1/organizations/{buyer.id}/tokens",
                          headers=buyer.headers).json["items"][0]["id"]
    revoked = client.post(f"/account/tokens/{token_id}/revoke",
                          data={"csrf_token": csrf_from(client, "/account")})
    assert revoked.status_code == 303
    assert "已吊销" in client.get("/account").text
    assert client.get("/api/v1/holdings",
                      headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_sign_in_renews_a_hash_made_with_older_parameters(client):
    email = make_user(make_org("buyer"))
    weak = passwords.PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
    user = db.session.execute(db.select(User).filter_by(email=email)).scalar_one()
    user.password_hash = weak.hash(PASSWORD)
    db.session.commit()
    assert sign_in(client, email).status_code == 303
    db.session.expire_all()
    renewed = db.session.execute(db.select(User.password_hash).filter_by(email=email)).scalar_one()
    assert renewed != user.password_hash or not passwords.needs_rehash(renewed)
    assert not passwords.needs_rehash(renewed)


def test_session_cookie_is_httponly_lax_and_secure_behind_https(client):
    email = make_user(make_org("buyer"))
    cookie = sign_in(client, email).headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # the test client speaks http

    production = Flask(__name__)
    production.config.update(BASE_URL="https://registry.example.cn", SESSION_COOKIE_SECURE=None)
    configure_cookie(production)
    assert production.config["SESSION_COOKIE_SECURE"] is True
    local = Flask(__name__)
    local.config.update(BASE_URL="http://127.0.0.1:5000", SESSION_COOKIE_SECURE=None)
    configure_cookie(local)
    assert local.config["SESSION_COOKIE_SECURE"] is False


def test_a_service_hashes_passwords_with_rfc_9106_low_memory_parameters(tmp_path):
    from core.app import create_app

    service = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'r.db'}",
                          "SIGNING_KEY_DIR": str(tmp_path / "keys")})
    with service.app_context():
        made = passwords.hash_password("a password of ten")
        assert made.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
        assert passwords.verify(made, "a password of ten")
        assert not passwords.verify(None, "a password of ten")
