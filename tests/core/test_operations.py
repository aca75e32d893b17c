"""What an operator relies on: security headers on every response, no inline script or
style anywhere, request ids in headers and log lines, metrics, readiness, rate limits."""

import logging
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from core.app import create_app
from core.db import db
from core.jobs import run_all_once
from factories import case_body, give, make_authority, make_lot, make_org

ROOT = Path(__file__).resolve().parents[2]
OTHER_CLIENT = {"REMOTE_ADDR": "203.0.113.7"}


@pytest.fixture
def app_config():
    return {"VERIFY_RATE_LIMIT": "2 per minute", "PAYMENT_LINK_RATE_LIMIT": "2 per minute",
            "TOKEN_FAILURE_RATE_LIMIT": "3 per minute", "METRICS_TOKEN": "scrape-me"}


@pytest.fixture
def log_lines():
    """The JSON log records of requests and jobs, as dicts."""
    records = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append({"event": record.getMessage(), **record.fields})

    handler = Keep()
    logger = logging.getLogger("registry")
    logger.addHandler(handler)
    yield records
    logger.removeHandler(handler)


@pytest.fixture
def retirement(client):
    seller, buyer = make_org("seller"), make_org("buyer")
    give(seller, buyer, make_lot(seller, 5_000), 1_000)
    response = client.post("/api/v1/retirements", headers=buyer.headers, json={
        "purpose": "voluntary", "beneficiary_name": "长春市民", "quantity_kg": 100})
    assert response.status_code == 201, response.json
    return response.json


# --- security headers ---------------------------------------------------------------

PAGES = ["/", "/market", "/registry", "/verify", "/login", "/api/v1/docs",
         "/api/v1/openapi.json", "/api/v1/listings", "/healthz", "/static/core/site.css",
         "/static/core/swagger-init.js", "/no-such-page", "/api/v1/no-such-thing"]


def assert_secure(response, where):
    headers = response.headers
    policy = headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy, where
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, where
    assert headers["X-Content-Type-Options"] == "nosniff", where
    assert headers["X-Frame-Options"] == "DENY", where
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin", where
    assert headers["Strict-Transport-Security"].startswith("max-age="), where
    assert headers["X-Request-ID"], where


def test_every_kind_of_response_carries_the_security_headers(client, retirement):
    for path in PAGES + [f"/certificates/{retirement['certificate_number']}.pdf"]:
        response = client.get(path)
        response.close()  # static files and PDFs are streamed from open files
        assert response.status_code < 500, path
        assert_secure(response, path)
    assert client.get(PAGES[-1]).status_code == 404


def test_no_template_has_an_inline_script_or_style():
    inline_script = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I)
    inline_style = re.compile(r"<style\b|\sstyle\s*=", re.I)
    templates = [p for p in ROOT.glob("*/**/templates/**/*.html") if ".venv" not in p.parts]
    assert len(templates) > 20
    offenders = [str(p.relative_to(ROOT)) for p in templates
                 if inline_script.search(p.read_text("utf-8"))
                 or inline_style.search(p.read_text("utf-8"))]
    assert offenders == []


def test_the_api_docs_page_loads_its_scripts_from_files(client):
    page = client.get("/api/v1/docs").text
    assert "swagger-init.js" in page and 'data-spec-url="/api/v1/openapi.json"' in page
    with client.get("/static/core/swagger-init.js") as script:
        assert "SwaggerUIBundle" in script.text


def test_hsts_only_when_the_public_origin_is_https(migrated, keys_dir):
    plain = create_app({"TESTING": True, "BASE_URL": "http://127.0.0.1:5000",
                        "SIGNING_KEY_DIR": str(keys_dir)})
    response = plain.test_client().get("/healthz")
    assert "Strict-Transport-Security" not in response.headers
    assert response.headers["X-Frame-Options"] == "DENY"


# --- request ids and logs -----------------------------------------------------------


def test_a_request_id_is_taken_or_made_and_written_in_the_log_line(client, log_lines):
    given = client.get("/market?q=张三&page=2", headers={"X-Request-ID": "edge-42.a"})
    assert given.headers["X-Request-ID"] == "edge-42.a"
    line = log_lines[-1]
    assert line == {"event": "request", "request_id": "edge-42.a", "method": "GET",
                    "path": "/market", "endpoint": line["endpoint"], "status": 200,
                    "duration_ms": line["duration_ms"], "org_id": None}
    made = client.get("/healthz", headers={"X-Request-ID": "<script>" * 3})
    assert re.fullmatch(r"[0-9a-f]{32}", made.headers["X-Request-ID"])
    assert log_lines[-1]["request_id"] == made.headers["X-Request-ID"]


def test_log_lines_hold_the_organisation_but_no_secret(client, log_lines):
    buyer = make_org("buyer")
    client.get("/api/v1/orders", headers=buyer.headers)
    assert log_lines[-1]["org_id"] == buyer.id
    client.get("/cases/pay/secret-token-value")
    assert log_lines[-1]["path"] == "/cases/pay/<token>"
    assert buyer.token not in str(log_lines) and "secret-token-value" not in str(log_lines)


def test_each_job_run_is_logged_and_counted(app, client, log_lines):
    names = run_all_once(app)
    jobs = [line for line in log_lines if line["event"] == "job"]
    assert [line["job"] for line in jobs] == names
    assert all(line["status"] == "ok" for line in jobs)
    metrics = client.get("/metrics", headers={"Authorization": "Bearer scrape-me"}).text
    assert f'registry_job_runs_total{{job="{names[0]}"}}' in metrics


# --- metrics ----------------------------------------------------------------------------


def test_metrics_are_private_in_production_unless_token_or_allowed_address(app, client,
                                                                           retirement):
    refused = client.get("/metrics", environ_base=OTHER_CLIENT)
    assert refused.status_code == 403 and refused.json["code"] == "forbidden"
    wrong = client.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 403
    scraped = client.get("/metrics", headers={"Authorization": "Bearer scrape-me"})
    assert scraped.status_code == 200
    text = scraped.text
    assert 'registry_http_request_duration_seconds_bucket{endpoint="retirements.Retirements"' \
           in text or "registry_http_request_duration_seconds_bucket" in text
    assert re.search(r"^registry_retirements_total [1-9]", text, re.M)
    assert re.search(r"^registry_retired_kg_total [1-9]", text, re.M)
    app.config["METRICS_ALLOWED_ADDRESSES"] = "10.0.0.0/8, 203.0.113.0/24"
    assert client.get("/metrics", environ_base=OTHER_CLIENT).status_code == 200
    app.config["METRICS_PUBLIC"] = True
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "198.51.100.1"}).status_code == 200


# --- health and readiness ---------------------------------------------------------------


def test_healthz_and_readyz_answer_ok(client):
    assert client.get("/healthz").json == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json["checks"] == {"database": "ok", "log_key": "ok", "signing_keys": "ok"}


def test_readyz_is_503_when_the_schema_is_behind(client):
    with db.engine.begin() as connection:
        head = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
        connection.execute(sa.text("UPDATE alembic_version SET version_num = '0010'"))
    try:
        response = client.get("/readyz")
    finally:
        with db.engine.begin() as connection:
            connection.execute(sa.text("UPDATE alembic_version SET version_num = :v"), {"v": head})
    assert response.status_code == 503
    assert response.json["status"] == "unavailable"
    assert "schema at 0010" in response.json["checks"]["database"]


def test_readyz_is_503_when_the_database_is_unreachable(tmp_path, keys_dir):
    down = create_app({"TESTING": True, "SIGNING_KEY_DIR": str(keys_dir),
                       "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/dir/x.db"})
    response = down.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["database"].startswith("database unreachable")
    assert down.test_client().get("/healthz").status_code == 200


def test_readyz_is_503_when_the_log_key_is_lost_after_signing(app, client, tmp_path):
    assert client.get("/api/v1/transparency/checkpoint").status_code == 200
    app.config["SIGNING_KEY_DIR"] = str(tmp_path / "empty-keys")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "log-key.pem is missing" in response.json["checks"]["log_key"]


# --- rate limits --------------------------------------------------------------------------


def assert_throttled(response):
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert_secure(response, "429")


def test_bad_bearer_tokens_are_throttled_per_address(client):
    good = make_org("buyer")
    for _ in range(3):
        assert client.get("/api/v1/orders", headers={"Authorization": "Bearer bad"}).status_code == 401
    refused = client.get("/api/v1/orders", headers={"Authorization": "Bearer bad"})
    assert_throttled(refused)
    assert refused.json == {"code": "too_many_requests", "status": 429,
                            "message": refused.json["message"], "errors": {}}
    # The address is locked out; another address with a good token is not.
    assert_throttled(client.get("/api/v1/orders", headers=good.headers))
    elsewhere = client.get("/api/v1/orders", headers=good.headers, environ_base=OTHER_CLIENT)
    assert elsewhere.status_code == 200


def test_good_tokens_and_missing_tokens_are_never_counted(client):
    good = make_org("buyer")
    for _ in range(6):
        assert client.get("/api/v1/orders", headers=good.headers).status_code == 200
        assert client.get("/api/v1/orders").status_code == 401


def test_anonymous_verifications_are_throttled_on_api_and_page_together(client):
    assert client.post("/api/v1/certificates/verification", json={}).status_code == 200
    assert client.post("/verify", data={"credential": "{}"}).status_code == 200
    api = client.post("/api/v1/certificates/verification", json={})
    assert_throttled(api)
    assert api.json["code"] == "too_many_requests"
    page = client.post("/verify", data={"credential": "{}"})
    assert_throttled(page)
    assert "<h1>" in page.text
    assert client.get("/verify").status_code == 429  # over the limit, the page waits too
    other = client.post("/verify", data={"credential": "{}"}, environ_base=OTHER_CLIENT)
    assert other.status_code == 200


def test_payment_link_misses_are_throttled_but_a_real_link_never_counts(client):
    court = make_authority()
    case = client.post("/api/v1/compensation-cases", headers=court.headers, json=case_body())
    assert case.status_code == 201, case.json
    link = "/cases/pay/" + case.json["payment_link"].rsplit("/", 1)[1]
    for _ in range(4):
        assert client.get(link).status_code == 200
    assert client.get("/cases/pay/guess-1").status_code == 404
    assert client.get("/api/v1/public/compensation-cases/pay/guess-2").status_code == 404
    assert_throttled(client.get("/cases/pay/guess-3"))
    api = client.get("/api/v1/public/compensation-cases/pay/guess-4")
    assert_throttled(api)
    assert api.json["code"] == "too_many_requests"


def test_behind_a_trusted_proxy_limits_count_the_forwarded_client(app, keys_dir):
    proxied = create_app({"TESTING": True, "SIGNING_KEY_DIR": str(keys_dir),
                          "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                          "TRUSTED_PROXY_COUNT": 1, "TOKEN_FAILURE_RATE_LIMIT": "2 per minute"})
    client = proxied.test_client()
    bad = {"Authorization": "Bearer bad"}

    def from_(address):
        return client.get("/api/v1/orders", headers={**bad, "X-Forwarded-For": address})

    assert [from_("198.51.100.1").status_code for _ in range(3)] == [401, 401, 429]
    assert from_("198.51.100.2").status_code == 401  # the proxy's address is not the key
    with proxied.app_context():
        db.engine.dispose()
