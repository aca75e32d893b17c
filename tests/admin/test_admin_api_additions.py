"""The two API routes the admin pages share their use cases with: a methodology's status
and deactivating a user."""

from factories import PASSWORD, make_methodology, make_org, make_user


def test_methodology_status_moves_only_along_its_transitions(client):
    admin, seller = make_org("registry_admin"), make_org("seller")
    make_methodology("TR-BIKE", status="draft")
    url = "/api/v1/methodologies/TR-BIKE/status"
    assert client.post(url, json={"status": "filed"}, headers=seller.headers).status_code == 403
    moved = client.post(url, json={"status": "filed"}, headers=admin.headers)
    assert moved.status_code == 200 and moved.json["status"] == "filed"
    back = client.post(url, json={"status": "draft"}, headers=admin.headers)
    assert back.status_code == 409 and back.json["code"] == "wrong_state"
    assert client.post(url, json={"status": "nonsense"},
                       headers=admin.headers).status_code == 422
    assert client.post("/api/v1/methodologies/NONE/status", json={"status": "filed"},
                       headers=admin.headers).status_code == 404


def test_a_deactivated_user_is_refused_at_sign_in(client, app):
    admin, buyer = make_org("registry_admin"), make_org("buyer")
    email = make_user(buyer)
    from core.people.users import find_user_by_email

    user_id = find_user_by_email(email).id
    url = f"/api/v1/organizations/{buyer.id}/users/{user_id}/deactivation"
    assert client.post(url, headers=buyer.headers).status_code == 403
    assert client.post(f"/api/v1/organizations/{admin.id}/users/{user_id}/deactivation",
                       headers=admin.headers).status_code == 404
    done = client.post(url, headers=admin.headers)
    assert done.status_code == 200 and done.json["id"] == user_id
    signed = app.test_client().post("/login", data={"email": email, "password": PASSWORD})
    assert signed.status_code == 401
