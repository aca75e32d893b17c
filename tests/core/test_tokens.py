"""API tokens: names, expiry (one year by default), listing without secrets, revocation."""

from datetime import datetime, timedelta

from core import clock
from factories import make_org


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def issue(client, admin, org_id, **body):
    return client.post(f"/api/v1/organizations/{org_id}/tokens", headers=admin.headers,
                       json=body)


def test_admin_issues_a_named_token_valid_one_year_by_default(client):
    admin, buyer = make_org("registry_admin", kind="registry"), make_org("buyer")
    response = issue(client, admin, buyer.id, name="ERP")
    assert response.status_code == 201, response.json
    assert {"id", "token", "expires_at"} <= set(response.json)
    expires = datetime.fromisoformat(response.json["expires_at"])
    assert abs(expires - (clock.now() + timedelta(days=365))) < timedelta(minutes=1)
    assert client.get("/api/v1/holdings", headers=bearer(response.json["token"])).status_code == 200

    short = issue(client, admin, buyer.id, expires_in_days=7)
    assert datetime.fromisoformat(short.json["expires_at"]) < clock.now() + timedelta(days=8)
    for bad in ({"expires_in_days": 0}, {"expires_in_days": "30"}, {"expires_in_days": 1.5},
                {"secret": "x"}):
        assert issue(client, admin, buyer.id, **bad).status_code == 422
    assert issue(client, buyer, buyer.id).status_code == 403


def test_token_list_shows_metadata_never_the_secret(client):
    admin, buyer = make_org("registry_admin", kind="registry"), make_org("buyer")
    secret = issue(client, admin, buyer.id, name="对账系统").json["token"]
    own = client.get(f"/api/v1/organizations/{buyer.id}/tokens", headers=buyer.headers)
    assert own.status_code == 200
    assert secret not in own.text and buyer.token not in own.text
    items = own.json["items"]
    assert len(items) == 2 and items[0]["name"] == "对账系统"
    assert items[0]["prefix"] == secret[:12] and items[0]["state"] == "active"
    assert all("token" not in item and "token_hash" not in item for item in items)
    by_admin = client.get(f"/api/v1/organizations/{buyer.id}/tokens", headers=admin.headers)
    assert by_admin.status_code == 200 and len(by_admin.json["items"]) == 2
    other = client.get(f"/api/v1/organizations/{buyer.id}/tokens",
                       headers=make_org("buyer").headers)
    assert other.status_code == 403


def test_a_revoked_token_is_refused_from_then_on(client):
    admin, buyer = make_org("registry_admin", kind="registry"), make_org("buyer")
    issued = issue(client, admin, buyer.id).json
    revoked = client.delete(f"/api/v1/tokens/{issued['id']}", headers=buyer.headers)
    assert revoked.status_code == 200 and revoked.json["state"] == "revoked"
    refused = client.get("/api/v1/holdings", headers=bearer(issued["token"]))
    assert refused.status_code == 401 and refused.json["code"] == "unauthorized"
    assert client.get("/api/v1/holdings", headers=buyer.headers).status_code == 200
    # The admin may revoke any token, even the one it calls with.
    own_id = client.get(f"/api/v1/organizations/{admin.id}/tokens",
                        headers=admin.headers).json["items"][0]["id"]
    assert client.delete(f"/api/v1/tokens/{own_id}", headers=admin.headers).status_code == 200
    assert client.get("/api/v1/holdings", headers=admin.headers).status_code == 401


def test_another_organisations_token_cannot_be_revoked(client):
    admin, buyer, rival = (make_org("registry_admin", kind="registry"), make_org("buyer"),
                           make_org("buyer"))
    issued = issue(client, admin, buyer.id).json
    refused = client.delete(f"/api/v1/tokens/{issued['id']}", headers=rival.headers)
    assert refused.status_code == 404
    assert client.delete("/api/v1/tokens/999999", headers=buyer.headers).status_code == 404
    assert client.get("/api/v1/holdings", headers=bearer(issued["token"])).status_code == 200
    assert client.delete(f"/api/v1/tokens/{issued['id']}", headers=admin.headers).status_code == 200


def test_an_expired_token_is_refused(client):
    admin, buyer = make_org("registry_admin", kind="registry"), make_org("buyer")
    issued = issue(client, admin, buyer.id, expires_in_days=30).json
    clock.set_now(clock.now() + timedelta(days=29, hours=23))
    assert client.get("/api/v1/holdings", headers=bearer(issued["token"])).status_code == 200
    clock.set_now(clock.now() + timedelta(hours=2))
    assert client.get("/api/v1/holdings", headers=bearer(issued["token"])).status_code == 401
    states = client.get(f"/api/v1/organizations/{buyer.id}/tokens", headers=admin.headers)
    assert [item["state"] for item in states.json["items"]] == ["expired", "active"]


def test_cli_lists_and_revokes_tokens(runner, client):
    created = runner.invoke(args=["admin", "create-token", "--org-name", "吉林省生态环境厅"])
    assert created.exit_code == 0, created.output
    token = created.output.strip().splitlines()[-1]
    listed = runner.invoke(args=["admin", "list-tokens", "--org-name", "吉林省生态环境厅"])
    assert listed.exit_code == 0 and token not in listed.output
    token_id, prefix, name, *_, state = listed.output.strip().splitlines()[0].split("\t")
    assert prefix == token[:12] and name == "cli" and state == "active"
    revoked = runner.invoke(args=["admin", "revoke-token", token_id])
    assert revoked.exit_code == 0, revoked.output
    assert client.get("/api/v1/holdings", headers=bearer(token)).status_code == 401
    assert runner.invoke(args=["admin", "revoke-token", "999999"]).exit_code != 0
    assert runner.invoke(args=["admin", "list-tokens", "--org-name", "无此单位"]).exit_code != 0


def test_tokens_issued_before_expiry_existed_get_one_year(tmp_path, keys_dir):
    """Migration 0011 gives every earlier token created_at + 365 days (SQLite here; the
    PostgreSQL statement is the same idea)."""
    import pytest
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from conftest import POSTGRES_URL
    from core.app import create_app
    from core.db import db

    if POSTGRES_URL:
        pytest.skip("migrates a database of its own (SQLite)")
    app = create_app({"TESTING": True, "SIGNING_KEY_DIR": str(keys_dir),
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.db'}"})
    with app.app_context():
        upgrade(revision="0010")
        with db.engine.begin() as conn:
            conn.exec_driver_sql("INSERT INTO organizations (name, kind, roles, created_at) "
                                 "VALUES ('x', 'ngo', '[]', '2025-03-01 08:00:00.000000')")
            conn.exec_driver_sql("INSERT INTO api_tokens (organization_id, token_hash, prefix, "
                                 "created_at) VALUES (1, 'h', 'p', '2025-03-01 08:00:00.000000')")
        upgrade(revision="0011")
        expires = db.session.execute(sa.text("SELECT expires_at FROM api_tokens")).scalar_one()
        db.session.remove()
        db.engine.dispose()
    assert str(expires).startswith("2026-03-01 08:00:00")
