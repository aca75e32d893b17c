"""§5 on the issuance request page: the registry admin sees the gate's result and issues,
overriding a conflict with a reason; in Chinese and English."""

from factories import PASSWORD, make_org, make_user
from interop_scopes import issue, make_operator, verified_request


def sign_in(client, actor):
    response = client.post("/login", data={"email": make_user(actor), "password": PASSWORD})
    assert response.status_code == 303


def test_admin_sees_the_conflict_and_overrides_it_with_a_reason(client, admin):
    verifier = make_org("verifier", kind="verifier")
    seller = make_operator()
    first = issue(client, admin, verified_request(client, seller, verifier)).json["code"]
    request_id = verified_request(client, seller, verifier, regions=["220100"])
    sign_in(client, admin)

    page = client.get(f"/issuance-requests/{request_id}").get_data(as_text=True)
    assert 'id="claim-check"' in page and first in page
    assert "发现冲突" in page  # the outcome label, in Chinese by default
    assert 'name="override_reason"' in page

    refused = client.post(f"/issuance-requests/{request_id}/issue", data={})
    assert refused.status_code == 409
    assert "可能已被申领" in refused.get_data(as_text=True)

    english = client.get(f"/issuance-requests/{request_id}?lang=en").get_data(as_text=True)
    assert "Conflict found" in english and "Double-claim check" in english

    done = client.post(f"/issuance-requests/{request_id}/issue",
                       data={"override_reason": "Same riders counted once: checked with 长春地铁"})
    assert done.status_code == 303
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Same riders counted once" in page
    assert "Conflict overridden by the registry administrator" in page


def test_without_conflict_the_admin_simply_issues(client, admin):
    verifier = make_org("verifier", kind="verifier")
    request_id = verified_request(client, make_operator(), verifier)
    sign_in(client, admin)
    page = client.get(f"/issuance-requests/{request_id}?lang=zh").get_data(as_text=True)
    assert "未发现冲突" in page and 'name="override_reason"' not in page
    done = client.post(f"/issuance-requests/{request_id}/issue", data={})
    assert done.status_code == 303
    lot = client.get(f"/api/v1/issuance-requests/{request_id}", headers=admin.headers).json
    assert lot["status"] == "issued"
