"""One strict JSON reader for every request body (core/strict_json.py): duplicate member
names, nesting deeper than 64, non-UTF-8, NaN and oversize bodies are refused with the
error shape, on every JSON route, anonymous ones included; nothing is stored."""

import pytest
import sqlalchemy as sa

from core.db import db
from core.strict_json import JSONRefused, loads, nesting_depth
from factories import give, make_lot, make_org
from market.models import Retirement

SHAPE = {"code", "status", "message", "errors"}
DUPLICATE = (b'{"purpose": "voluntary", "beneficiary_name": "A", "quantity_kg": 1000, '
             b'"quantity_kg": 1}')


@pytest.fixture
def buyer(app):
    seller, buyer = make_org("seller"), make_org("buyer")
    give(seller, buyer, make_lot(seller, 5_000), 5_000)
    return buyer


def post(client, url, raw: bytes, headers=None):
    return client.post(url, data=raw, content_type="application/json", headers=headers or {})


def test_duplicate_members_are_422_and_nothing_is_stored(client, buyer):
    response = post(client, "/api/v1/retirements", DUPLICATE, buyer.headers)
    assert response.status_code == 422 and set(response.json) == SHAPE
    assert response.json["code"] == "duplicate_json_member"
    assert db.session.execute(sa.select(sa.func.count()).select_from(Retirement)).scalar() == 0


def test_duplicates_in_nested_objects_are_found(client, buyer):
    body = (b'{"items": [{"listing_id": 1, "quantity_kg": 1}], "payment_method": "bank_transfer",'
            b' "retirement": {"purpose": "voluntary", "beneficiary_name": "A",'
            b' "beneficiary_name": "B"}}')
    response = post(client, "/api/v1/orders", body, buyer.headers)
    assert response.status_code == 422 and response.json["code"] == "duplicate_json_member"


@pytest.mark.parametrize("url", ["/api/v1/certificates/verification", "/api/v1/retirements",
                                 "/api/v1/organizations", "/api/v1/events"])
@pytest.mark.parametrize("raw", [b"[" * 1000, b"[" * 100_000 + b"]" * 100_000,
                                 b'{"a":' * 65 + b"1" + b"}" * 65])
def test_deep_json_is_422_anywhere_even_anonymous(client, url, raw):
    anonymous = url.endswith("verification")
    actor = None if anonymous else make_org("buyer", "registry_admin", kind="event_host")
    response = post(client, url, raw, None if anonymous else actor.headers)
    assert response.status_code == 422 and set(response.json) == SHAPE, response.json
    assert response.json["code"] == "json_too_deep"


def test_depth_64_is_still_read(client):
    response = post(client, "/api/v1/certificates/verification", b"[" * 64 + b"]" * 64)
    assert response.status_code == 200 and response.json["verified"] is False


@pytest.mark.parametrize("raw", [b'{"a": NaN}', b'{"a": Infinity}', b"[1e400]", b'["\\ud800"]',
                                 b'\xef\xbb\xbf{"a": 1}', b'{"a": "\xff"}',
                                 '{"a": "é"}'.encode("utf-16")])
def test_not_i_json_is_invalid_json(client, raw):
    response = post(client, "/api/v1/certificates/verification", raw)
    assert response.status_code == 422 and response.json["code"] == "invalid_json"


def test_bodies_over_the_limit_are_413_with_the_shape(client, app):
    raw = b'{"a": "' + b"x" * app.config["MAX_CONTENT_LENGTH"] + b'"}'
    response = post(client, "/api/v1/certificates/verification", raw)
    assert response.status_code == 413 and set(response.json) == SHAPE
    assert response.json["status"] == 413


def test_reader_rules():
    assert loads(b'{"a": [1, {"b": "[[[["}]}') == {"a": [1, {"b": "[[[["}]}
    assert nesting_depth(b'["]]]]\\"[[[[[", [[]]]') == 3
    assert nesting_depth(b'"' + b'\\"' * 10_000) == 0  # unterminated: no quadratic rescans
    with pytest.raises(JSONRefused) as refused:
        loads('{"a": {"b": 1, "b": 1}}')
    assert refused.value.code == "duplicate_json_member"
    with pytest.raises(JSONRefused):
        loads("[" * 65 + "]" * 65)
    with pytest.raises(JSONRefused):
        loads(b"[" + b"1" * 5000 + b"]")  # beyond Python's int digit limit
