"""The documented error schema matches what the API sends (code a string, status an
integer), and OPTIONS advertises only the methods a path has."""


def test_the_documented_error_schema_is_the_one_sent(client):
    spec = client.get("/api/v1/openapi.json").json
    error = spec["components"]["schemas"]["Error"]["properties"]
    assert error["code"]["type"] == "string" and error["status"]["type"] == "integer"
    assert error["message"]["type"] == "string" and error["errors"]["type"] == "object"
    sent = client.get("/api/v1/certificates/JLC-2026-999999").json
    assert isinstance(sent["code"], str) and isinstance(sent["status"], int)
    assert set(sent) == set(error)


def test_options_on_verification_does_not_advertise_get(client):
    response = client.open("/api/v1/certificates/verification", method="OPTIONS")
    assert set(response.headers["Allow"].split(", ")) == {"POST", "OPTIONS"}
    assert client.get("/api/v1/certificates/verification").status_code == 405
    other = client.open("/api/v1/certificates/JLC-2026-000001", method="OPTIONS")
    assert "GET" in other.headers["Allow"] and "POST" not in other.headers["Allow"]
