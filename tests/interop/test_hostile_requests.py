"""Requests an outside registry could send that once passed validation and came back as a
signed answer that says nothing (a reversed period, a region code naming no province) or
with a misleading message."""

import pytest

SCOPE = {"operator_credit_code": "91220101MA0000000X", "scenario": "transport",
         "methodology_code": "TR-METRO", "regions": ["220100"],
         "period_start": "2025-01-01", "period_end": "2025-06-30"}
NONCE = "0123456789abcdef"


def test_a_claim_check_with_a_reversed_period_is_422(client):
    response = client.post("/api/v1/interop/claim-checks", json={
        "scope": {**SCOPE, "period_start": "2025-06-30", "period_end": "2025-01-01"},
        "nonce": NONCE})
    assert response.status_code == 422
    assert response.json["errors"] == {"scope": {"period_end": ["结束日期不得早于开始日期。"]}}


@pytest.mark.parametrize("region", ["000000", "999999", "990000", "100000", "720000"])
def test_a_claim_check_naming_no_province_is_422(client, region):
    response = client.post("/api/v1/interop/claim-checks", headers={"Accept-Language": "en"},
                           json={"scope": {**SCOPE, "regions": ["220100", region]},
                                 "nonce": NONCE})
    assert response.status_code == 422
    assert response.json["errors"] == {"scope": {"regions": {"1": [
        "A six-digit GB/T 2260 region code, such as 220000."]}}}


@pytest.mark.parametrize("region", ["110000", "220100", "650000", "710000", "820000"])
def test_province_level_codes_are_accepted(client, region):
    response = client.post("/api/v1/interop/claim-checks", json={
        "scope": {**SCOPE, "regions": [region]}, "nonce": NONCE})
    assert response.status_code == 200, response.json


def test_a_reversed_serial_range_is_named_as_serials_not_dates(client):
    body = {"ranges": [{"lot_code": "JL-2026-TR-METRO-00001", "serial_start": 10,
                        "serial_end": 5}]}
    zh = client.post("/api/v1/interop/statements", json=body)
    en = client.post("/api/v1/interop/statements", json=body,
                     headers={"Accept-Language": "en"})
    assert zh.status_code == en.status_code == 422
    assert zh.json["errors"]["ranges"]["0"]["serial_end"] == ["结束序号不得小于起始序号。"]
    assert en.json["errors"]["ranges"]["0"]["serial_end"] == [
        "The last serial must not be before the first."]
