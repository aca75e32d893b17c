from core.credit_code import check_character, is_valid_credit_code
from factories import make_org


def test_credit_code_examples_from_gb32100_pass():
    for code in ("91330100716105852F", "91440300708461136T", "91350100M000100Y43"):
        assert is_valid_credit_code(code)


def test_credit_code_rejects_wrong_check_length_and_alphabet():
    assert not is_valid_credit_code("91330100716105852A")
    assert not is_valid_credit_code("91330100716105852")
    assert not is_valid_credit_code("9133010071610585IF")
    assert not is_valid_credit_code(91330100716105852)
    assert check_character("91330100716105852") == "F"


def test_admin_creates_organization_and_token(app, client):
    admin = make_org("registry_admin", kind="registry")
    response = client.post("/api/v1/organizations", headers=admin.headers, json={
        "name": "长春市机关事务管理局", "kind": "agency", "roles": ["buyer"],
        "credit_code": "91330100716105852F"})
    assert response.status_code == 201, response.json
    org = response.json
    assert org["roles"] == ["buyer"] and org["kind"] == "agency"
    token = client.post(f"/api/v1/organizations/{org['id']}/tokens", headers=admin.headers)
    assert token.status_code == 201
    holdings = client.get("/api/v1/holdings",
                          headers={"Authorization": f"Bearer {token.json['token']}"})
    assert holdings.status_code == 200 and holdings.json["available_kg"] == 0
    assert client.get(f"/api/v1/organizations/{org['id']}").json["name"] == "长春市机关事务管理局"


def test_organization_with_bad_credit_code_is_422(client):
    admin = make_org("registry_admin", kind="registry")
    response = client.post("/api/v1/organizations", headers=admin.headers, json={
        "name": "某公司", "kind": "enterprise", "roles": ["buyer"],
        "credit_code": "91330100716105852A"})
    assert response.status_code == 422
    assert response.json["code"] == "validation_error"
    assert "credit_code" in response.json["errors"]


def test_duplicate_organization_name_is_409(client):
    admin = make_org("registry_admin", kind="registry")
    body = {"name": "重复单位", "kind": "ngo", "roles": ["buyer"]}
    assert client.post("/api/v1/organizations", headers=admin.headers, json=body).status_code == 201
    again = client.post("/api/v1/organizations", headers=admin.headers, json=body)
    assert again.status_code == 409 and again.json["status"] == 409


def test_missing_bad_and_wrong_role_tokens(client):
    buyer = make_org("buyer")
    body = {"name": "x", "kind": "ngo", "roles": []}
    missing = client.post("/api/v1/organizations", json=body)
    assert missing.status_code == 401 and missing.json["code"] == "unauthorized"
    bad = client.post("/api/v1/organizations", json=body, headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401
    wrong = client.post("/api/v1/organizations", json=body, headers=buyer.headers)
    assert wrong.status_code == 403 and wrong.json["code"] == "forbidden"


def test_unknown_organization_is_404(client):
    response = client.get("/api/v1/organizations/999")
    assert response.status_code == 404
    assert set(response.json) == {"code", "status", "message", "errors"}


def test_create_token_cli_creates_operator_and_prints_token_last(runner, client):
    result = runner.invoke(args=["admin", "create-token", "--org-name", "吉林省生态环境厅"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    response = client.post("/api/v1/methodologies", headers={"Authorization": f"Bearer {token}"},
                           json={"code": "TR-BIKE", "title_zh": "共享单车", "title_en": "Bikes",
                                 "scenario": "transport", "version": "1.0", "status": "filed"})
    assert response.status_code == 201
    second = runner.invoke(args=["admin", "create-token", "--org-name", "吉林省生态环境厅"])
    assert second.output.strip().splitlines()[-1] != token


def test_openapi_describes_every_route_with_roles(client):
    spec = client.get("/api/v1/openapi.json").json
    assert "/api/v1/retirements" in spec["paths"]
    post = spec["paths"]["/api/v1/retirements"]["post"]
    assert post["security"] == [{"bearerAuth": []}]
    assert spec["paths"]["/api/v1/organizations"]["post"]["x-roles"] == ["registry_admin"]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200 and b"swagger" in docs.data.lower()
    asset = client.get("/api/v1/docs-assets/swagger-ui-bundle.js")
    assert asset.status_code == 200
    asset.close()


def test_every_api_operation_declares_its_roles(client):
    spec = client.get("/api/v1/openapi.json").json
    operations = [(method, path, op) for path, ops in spec["paths"].items()
                  for method, op in ops.items() if method in ("get", "post", "put", "delete")]
    assert len(operations) > 40
    assert [(m, p) for m, p, op in operations if "x-roles" not in op] == []
