"""Users: the admin creates them (API and CLI), invitations, password rules."""

from datetime import timedelta

import pytest

from core import clock
from core.db import db
from core.models import Organization
from core.people.errors import WeakPassword
from core.people.passwords import check_rules
from factories import PASSWORD, make_org, make_user


def add_user(client, admin, org_id, **body):
    return client.post(f"/api/v1/organizations/{org_id}/users", headers=admin.headers,
                       json={"name": "赵敏", **body})


def test_admin_creates_a_user_who_can_then_sign_in(client):
    admin, buyer = make_org("registry_admin", kind="registry"), make_org("buyer")
    response = add_user(client, admin, buyer.id, email="Zhao.Min@Example.CN",
                        password=PASSWORD)
    assert response.status_code == 201, response.json
    assert response.json["email"] == "zhao.min@example.cn"
    assert {"id", "email", "name"} <= set(response.json)
    assert "invitation_url" not in response.json and "password" not in response.json
    signed_in = client.post("/login", data={"email": "ZHAO.MIN@example.cn",
                                            "password": PASSWORD})
    assert signed_in.status_code == 303


def test_duplicate_email_is_409_whatever_its_case(client):
    admin, buyer = make_org("registry_admin", kind="registry"), make_org("buyer")
    assert add_user(client, admin, buyer.id, email="a@example.cn",
                    password=PASSWORD).status_code == 201
    again = add_user(client, admin, admin.id, email="A@EXAMPLE.CN", password=PASSWORD)
    assert again.status_code == 409 and again.json["code"] == "email_taken"
    assert set(again.json) == {"code", "status", "message", "errors"}


def test_only_the_registry_admin_creates_users(client):
    buyer = make_org("buyer")
    response = add_user(client, buyer, buyer.id, email="b@example.cn", password=PASSWORD)
    assert response.status_code == 403
    assert add_user(client, make_org("registry_admin"), 999_999, email="c@example.cn",
                    password=PASSWORD).status_code == 404


@pytest.mark.parametrize("password, email", [
    ("short-pw", "d@example.cn"),          # fewer than 10 characters
    ("d@example.cn", "d@example.cn"),      # the email itself
    ("D@Example.CN", "d@example.cn"),      # the email in other case
])
def test_password_rules_are_422_beside_the_password(client, password, email):
    admin = make_org("registry_admin", kind="registry")
    response = add_user(client, admin, admin.id, email=email, password=password)
    assert response.status_code == 422 and "password" in response.json["errors"]


def test_password_rules_in_the_use_case():
    check_rules("x" * 10, "e@example.cn")
    with pytest.raises(WeakPassword):
        check_rules("x" * 9, "e@example.cn")
    with pytest.raises(WeakPassword):
        check_rules(" E@example.cn ", "e@example.cn")


def test_a_bad_email_is_422(client):
    admin = make_org("registry_admin", kind="registry")
    response = add_user(client, admin, admin.id, email="not-an-email", password=PASSWORD)
    assert response.status_code == 422 and "email" in response.json["errors"]


def test_error_messages_follow_accept_language(client):
    admin = make_org("registry_admin", kind="registry")
    add_user(client, admin, admin.id, email="f@example.cn", password=PASSWORD)
    chinese = add_user(client, admin, admin.id, email="f@example.cn", password=PASSWORD)
    assert "已有用户" in chinese.json["message"]
    english = client.post(f"/api/v1/organizations/{admin.id}/users",
                          headers={**admin.headers, "Accept-Language": "en"},
                          json={"name": "x", "email": "f@example.cn", "password": PASSWORD})
    assert english.json["message"] == "A user with this email address already exists."


def test_invitation_link_sets_the_password_once_and_signs_in(client):
    admin, buyer = make_org("registry_admin", kind="registry"), make_org("buyer", name="某单位")
    response = add_user(client, admin, buyer.id, email="g@example.cn")
    assert response.status_code == 201
    url = response.json["invitation_url"]
    assert url.startswith("https://registry.test/invitations/")
    path = url.removeprefix("https://registry.test")

    page = client.get(path)
    assert page.status_code == 200 and "g@example.cn" in page.text and "某单位" in page.text
    # Nobody can sign in before the invitation is accepted.
    assert client.post("/login", data={"email": "g@example.cn",
                                       "password": "anything-at-all"}).status_code == 401
    mismatch = client.post(path, data={"password": PASSWORD, "confirm": PASSWORD + "x"})
    assert mismatch.status_code == 422 and "两次输入的密码不一致" in mismatch.text
    weak = client.post(path, data={"password": "g@example.cn", "confirm": "g@example.cn"})
    assert weak.status_code == 422 and "不能与电子邮箱相同" in weak.text

    accepted = client.post(path, data={"password": PASSWORD, "confirm": PASSWORD})
    assert accepted.status_code == 303 and accepted.location == "/workspace"
    assert "某单位" in client.get("/workspace").text
    assert client.get(path).status_code == 404
    assert client.post(path, data={"password": "another-pw-123",
                                   "confirm": "another-pw-123"}).status_code == 404


def test_invitation_expires_after_seven_days(client):
    admin = make_org("registry_admin", kind="registry")
    url = add_user(client, admin, admin.id, email="h@example.cn").json["invitation_url"]
    clock.set_now(clock.now() + timedelta(days=7, minutes=1))
    expired = client.get(url.removeprefix("https://registry.test"))
    assert expired.status_code == 404 and "邀请链接无效" in expired.text
    assert client.get("/invitations/made-up-token").status_code == 404


def test_cli_creates_the_operator_and_its_user_and_prints_the_id_last(runner, client):
    result = runner.invoke(args=["users", "create", "--org-name", "吉林省生态环境厅",
                                 "--email", "Admin@Sthjt.Jl.Gov.Cn", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    user_id = int(result.output.strip().splitlines()[-1])
    org = db.session.query(Organization).filter_by(name="吉林省生态环境厅").one()
    assert org.roles == ["registry_admin"]
    assert client.post("/login", data={"email": "admin@sthjt.jl.gov.cn",
                                       "password": PASSWORD}).status_code == 303
    assert user_id > 0

    again = runner.invoke(args=["users", "create", "--org-name", "吉林省生态环境厅",
                                "--email", "admin@sthjt.jl.gov.cn", "--password", PASSWORD])
    assert again.exit_code != 0


def test_cli_adds_users_to_an_existing_organisation_without_new_roles(runner):
    buyer = make_org("buyer", name="长春市机关事务管理局")
    result = runner.invoke(args=["users", "create", "--org-name", buyer.name,
                                 "--email", "i@example.cn"])
    assert result.exit_code == 0, result.output
    assert "/invitations/" in result.output
    assert db.session.get(Organization, buyer.id).roles == ["buyer"]
    short = runner.invoke(args=["users", "create", "--org-name", buyer.name,
                                "--email", "j@example.cn", "--password", "short"])
    assert short.exit_code != 0


def test_workspace_shows_only_entries_the_roles_allow(app, client):
    from core import workspace

    workspace.register_entry(app, "people_pages.login", "Seller desk", roles=("seller",),
                             order=10, counter=lambda org: 3)
    buyer_email = make_user(make_org("buyer"))
    seller_email = make_user(make_org("seller"))
    client.post("/login", data={"email": buyer_email, "password": PASSWORD})
    assert "Seller desk" not in client.get("/workspace").text
    client.post("/logout")
    client.post("/login", data={"email": seller_email, "password": PASSWORD})
    page = client.get("/workspace")
    assert "Seller desk" in page.text and "3 项待办" in page.text
