"""Issuance requests with a declared claim scope, driven through the API (tests/interop)."""

from core.db import transaction
from core.models import Organization
from factories import make_org

OPERATOR = "91330100716105852F"  # one scenario operator, known to both registries by its credit code


def make_operator(credit_code=OPERATOR):
    seller = make_org("seller", kind="scenario_operator")
    with transaction() as session:
        session.get(Organization, seller.id).credit_code = credit_code
    return seller


def verified_request(client, seller, verifier, *, regions=("220000",), start="2026-01-01",
                     end="2026-06-30", root=None, hashes=None, code="TR-METRO", kg=5000):
    """A request submitted and verified through the API, ready to issue."""
    if client.get(f"/api/v1/methodologies/{code}").status_code == 404:
        from market import issuance
        with transaction():
            issuance.file_methodology(code=code, title_zh="城市轨道交通出行",
                                      title_en="Metro ridership", scenario="transport",
                                      version="1.0", status="filed")
    scope = {"regions": list(regions)}
    if root:
        scope["records_root"] = root
    if hashes:
        scope["record_hashes"] = hashes
    response = client.post("/api/v1/issuance-requests", headers=seller.headers, json={
        "methodology_code": code, "vintage": int(start[:4]), "period_start": start,
        "period_end": end, "quantity_kg": kg, "claim_scope": scope})
    assert response.status_code == 201, response.json
    request_id = response.json["id"]
    response = client.post(f"/api/v1/issuance-requests/{request_id}/verification",
                           headers=verifier.headers,
                           json={"decision": "approved", "verified_kg": kg, "report_ref": "R-1"})
    assert response.status_code == 200, response.json
    return request_id


def issue(client, admin, request_id, **body):
    return client.post(f"/api/v1/issuance-requests/{request_id}/issuance",
                       headers=admin.headers, json=body or None)
