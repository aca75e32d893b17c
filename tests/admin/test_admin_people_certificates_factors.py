"""The registry administrator's organisations and users, certificate revocation and factor
set pages: each calls the API's use case, refuses bad input beside the field in both
languages, and is 403 for other roles (tests/admin/test_admin_market_pages.py)."""

import copy
import io
import json

import pytest
import sqlalchemy as sa

from core.db import db
from core.models import ApiToken, Organization
from core.people.models import User
from events.factors import load_builtin
from events.models import FactorSet
from factories import PASSWORD, give, make_lot, make_org, make_user, sign_in_as


@pytest.fixture
def admin(client):
    org = make_org("registry_admin", kind="registry", name="吉林省生态环境厅")
    sign_in_as(client, org)
    return org


# --- organisations -------------------------------------------------------------------

def test_organisations_list_shows_kinds_and_roles_as_labels(client, admin):
    make_org("buyer", "seller", kind="agency", name="长春市机关事务管理局")
    chinese = client.get("/admin/organizations?lang=zh").text
    assert "长春市机关事务管理局" in chinese and "国家机关" in chinese and "买方" in chinese
    english = client.get("/admin/organizations?lang=en").text
    assert "Government agency" in english and "Buyer" in english and "Seller" in english
    assert "registry_admin" not in english.split("<main")[1].replace('value="registry_admin"', "")


def test_register_an_organisation_with_a_valid_credit_code(client, admin):
    response = client.post("/admin/organizations", data={
        "name": "吉林省林业调查规划院", "kind": "enterprise", "roles": ["buyer", "seller"],
        "credit_code": "91330100716105852f"})
    assert response.status_code == 303
    org = db.session.execute(sa.select(Organization).where(
        Organization.name == "吉林省林业调查规划院")).scalar_one()
    assert org.roles == ["buyer", "seller"] and org.credit_code == "91330100716105852F"
    assert response.headers["Location"].endswith(f"/admin/organizations/{org.id}")


@pytest.mark.parametrize("lang, message", [
    ("en", "GB 32100 checksum failed"), ("zh", "GB 32100")])
def test_a_wrong_credit_code_is_refused_beside_the_field(client, admin, lang, message):
    response = client.post(f"/admin/organizations?lang={lang}", data={
        "name": "某公司", "kind": "enterprise", "roles": ["buyer"],
        "credit_code": "91330100716105852A"})
    assert response.status_code == 422
    assert 'id="credit_code-errors"' in response.text and message in response.text
    if lang == "zh":
        assert "checksum failed" not in response.text


def test_missing_fields_and_a_duplicate_name_are_refused(client, admin):
    empty = client.post("/admin/organizations?lang=en", data={"name": "", "kind": ""})
    assert empty.status_code == 422
    assert 'id="name-errors"' in empty.text and 'id="kind-errors"' in empty.text
    hidden = client.post("/admin/organizations?lang=en", data={
        "name": "某\u202e公司", "kind": "enterprise"})
    assert hidden.status_code == 422  # the text rule (core/request_guard.py)
    twice = client.post("/admin/organizations?lang=en", data={
        "name": "吉林省生态环境厅", "kind": "registry"})
    assert twice.status_code == 409 and "already exists" in twice.text


def test_invite_a_user_shows_the_one_time_link_once(client, admin):
    org = make_org("buyer", name="吉林银行")
    response = client.post(f"/admin/organizations/{org.id}/users?lang=en",
                           data={"name": "李华", "email": "Li.Hua@JLBank.cn"})
    assert response.status_code == 201
    assert "https://registry.test/invitations/" in response.text
    url = response.text.split('id="invitation-url">')[1].split("<")[0]
    again = client.get(f"/admin/organizations/{org.id}").text
    assert url not in again and "li.hua@jlbank.cn" in again
    duplicate = client.post(f"/admin/organizations/{org.id}/users?lang=en",
                            data={"name": "李华", "email": "li.hua@jlbank.cn"})
    assert duplicate.status_code == 409 and 'id="email-errors"' in duplicate.text
    bad = client.post(f"/admin/organizations/{org.id}/users?lang=zh",
                      data={"name": "", "email": "not-an-email"})
    assert bad.status_code == 422 and 'id="email-errors"' in bad.text
    assert client.get("/admin/organizations/99999").status_code == 404


def test_a_deactivated_user_cannot_sign_in_and_their_session_ends(client, admin, app):
    org = make_org("buyer", name="吉林银行")
    email = make_user(org)
    theirs = app.test_client()
    assert theirs.post("/login", data={"email": email, "password": PASSWORD}).status_code == 303
    assert theirs.get("/workspace").status_code == 200
    user_id = db.session.execute(sa.select(User.id).where(User.email == email)).scalar_one()
    response = client.post(f"/admin/organizations/{org.id}/users/{user_id}/deactivation")
    assert response.status_code == 303
    assert theirs.get("/workspace").status_code == 302  # the session is over
    assert app.test_client().post("/login", data={"email": email,
                                                  "password": PASSWORD}).status_code == 401
    page = client.get(f"/admin/organizations/{org.id}?lang=en").text
    assert "Deactivated" in page


def test_the_admin_cannot_deactivate_themselves(client, admin):
    me = db.session.execute(sa.select(User).where(User.organization_id == admin.id)).scalar_one()
    response = client.post(f"/admin/organizations/{admin.id}/users/{me.id}/deactivation?lang=en",
                           follow_redirects=True)
    assert "You cannot deactivate yourself." in response.text
    db.session.expire_all()
    assert db.session.get(User, me.id).is_active


def test_revoke_an_organisations_token(client, admin):
    org = make_org("buyer")
    token_id = db.session.execute(sa.select(ApiToken.id).where(
        ApiToken.organization_id == org.id)).scalar_one()
    assert client.get("/api/v1/holdings", headers=org.headers).status_code == 200
    response = client.post(f"/admin/organizations/{org.id}/tokens/{token_id}/revocation")
    assert response.status_code == 303
    assert client.get("/api/v1/holdings", headers=org.headers).status_code == 401
    other = make_org("buyer")
    assert client.post(f"/admin/organizations/{other.id}/tokens/{token_id}/revocation"
                       ).status_code == 404


# --- certificate revocation ----------------------------------------------------------

def test_revoke_a_certificate_by_number_with_a_reason(client, admin):
    seller, holder = make_org("seller"), make_org("buyer")
    give(seller, holder, make_lot(seller, 5_000), 2_000)
    number = _retire(client, holder)
    found = client.get("/admin/certificates", query_string={"number": f" {number.lower()} "})
    assert found.status_code == 200 and 'id="revocation-form"' in found.text
    short = client.post(f"/admin/certificates/{number}/revocation?lang=en", data={"reason": "x"})
    assert short.status_code == 422 and 'id="reason-errors"' in short.text
    done = client.post(f"/admin/certificates/{number}/revocation",
                       data={"reason": "受益方名称登记错误，已重新注销"})
    assert done.status_code == 303
    status = client.get(f"/api/v1/certificates/{number}").json
    assert status["status"] == "revoked" and status["revoked_at"]
    again = client.get(f"/admin/certificates?number={number}&lang=en").text
    assert 'id="revocation-form"' not in again and "受益方名称登记错误" in again
    twice = client.post(f"/admin/certificates/{number}/revocation?lang=en",
                        data={"reason": "again, twice"})
    assert twice.status_code == 409 and "already revoked" in twice.text
    missing = client.get("/admin/certificates?number=JLC-2026-999999&lang=en")
    assert missing.status_code == 404 and "No such certificate." in missing.text
    assert client.post("/admin/certificates/JLC-2026-999999/revocation",
                       data={"reason": "abc"}).status_code == 404


def test_a_lower_case_number_in_the_address_revokes_and_is_told_as_the_registry_writes_it(
        client):
    sign_in_as(client, make_org("registry_admin", kind="registry"))
    seller, holder = make_org("seller"), make_org("buyer")
    give(seller, holder, make_lot(seller, 5_000), 2_000)
    number = _retire(client, holder)
    done = client.post(f"/admin/certificates/{number.lower()}/revocation?lang=en",
                       data={"reason": "wrong beneficiary"})
    assert done.status_code == 303 and done.headers["Location"].endswith(f"number={number}")
    page = client.get(done.headers["Location"] + "&lang=en").text
    assert f"Certificate {number} is revoked" in page and number.lower() not in page
    twice = client.post(f"/admin/certificates/{number.lower()}/revocation?lang=en",
                        data={"reason": "again, twice"})
    assert twice.status_code == 409 and "already revoked" in twice.text


def _retire(client, holder) -> str:
    response = client.post("/api/v1/retirements", headers=holder.headers, json={
        "purpose": "voluntary", "beneficiary_name": "公众", "quantity_kg": 1_000})
    assert response.status_code == 201
    return response.json["certificate_number"]


# --- factor sets ---------------------------------------------------------------------

def _document(version="CN-JL-2026.2", electricity="0.5"):
    document = copy.deepcopy(load_builtin())
    document.update(version=version, published="2026-12-01")
    document["factors"]["electricity"]["value"] = electricity
    return document


def _upload(client, content: bytes, lang="en"):
    return client.post(f"/admin/factor-sets?lang={lang}",
                       data={"file": (io.BytesIO(content), "factors.json")},
                       content_type="multipart/form-data")


def test_factor_sets_page_shows_the_set_in_force_with_its_sources(client, admin):
    page = client.get("/admin/factor-sets?lang=en").text
    assert "CN-JL-2026.1" in page and "In force" in page
    assert "生态环境部" in page and "kg CO2e/kWh" in page


def test_publish_a_new_version_from_an_uploaded_json(client, admin):
    response = _upload(client, json.dumps(_document(), ensure_ascii=False).encode())
    assert response.status_code == 303
    current = client.get("/api/v1/factor-sets/current").json
    assert current["version"] == "CN-JL-2026.2"
    stored = db.session.execute(sa.select(FactorSet).where(
        FactorSet.version == "CN-JL-2026.2")).scalar_one()
    assert stored.loaded_by_id == admin.id
    twice = _upload(client, json.dumps(_document()).encode())
    assert twice.status_code == 409 and "versions are immutable" in twice.text


@pytest.mark.parametrize("content, status, message", [
    (b"{not json", 422, ""),
    (b'{"a": 1, "a": 2}', 422, ""),
    (b"[]", 422, "one JSON object"),
    (json.dumps(_document(electricity="-1")).encode(), 422, "factors.electricity.value"),
])
def test_a_bad_factor_set_file_is_refused_beside_the_field(client, admin, content, status,
                                                           message):
    response = _upload(client, content)
    assert response.status_code == status
    assert 'id="file-errors"' in response.text and message in response.text
    assert client.get("/api/v1/factor-sets/current").json["version"] == "CN-JL-2026.1"
