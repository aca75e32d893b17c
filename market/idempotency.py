"""``Idempotency-Key``: the same key from the same organisation returns the first result.

The key row is inserted first, inside the use case's transaction, under a unique
constraint: a concurrent duplicate waits for the first to commit, then reads its answer.
If the first fails, its row rolls back with it and the key is free again.
"""

import hashlib
import json

import sqlalchemy as sa
from flask import jsonify, request
from sqlalchemy.exc import IntegrityError

from core.db import db
from core.errors import Invalid
from market.errors import IdempotencyKeyReused
from market.models import IdempotencyRecord


def _fingerprint(payload) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def claim(organization, scope: str, payload):
    """Return ``(record, None)`` to go ahead, or ``(None, response)`` to replay."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None, None
    if not 1 <= len(key) <= 255:
        raise Invalid("Idempotency-Key must be 1 to 255 characters.",
                      {"Idempotency-Key": ["1 to 255 characters."]})
    fingerprint = _fingerprint(payload)
    record = IdempotencyRecord(organization_id=organization.id, scope=scope, key=key,
                               request_hash=fingerprint)
    try:
        with db.session.begin_nested():
            db.session.add(record)
    except IntegrityError:
        record = None
    if record is not None:
        return record, None
    first = db.session.execute(sa.select(IdempotencyRecord).where(
        IdempotencyRecord.organization_id == organization.id, IdempotencyRecord.scope == scope,
        IdempotencyRecord.key == key)).scalar_one()
    if first.request_hash != fingerprint:
        raise IdempotencyKeyReused("This Idempotency-Key was used for a different request.")
    if first.response is None:
        raise IdempotencyKeyReused("A request with this Idempotency-Key is still being processed.")
    response = jsonify(first.response)
    response.status_code = first.status_code
    response.headers["Idempotent-Replayed"] = "true"
    return None, response


def remember(record, status_code: int, body: dict) -> None:
    """Store the answer given under the claimed key."""
    if record is not None:
        record.status_code = status_code
        record.response = body
        db.session.flush()


def reload(record_id: int | None):
    """The same key row in a later transaction of the same request."""
    return db.session.get(IdempotencyRecord, record_id) if record_id else None


def forget(record_id: int | None) -> None:
    """Free the key of a request that failed after its first transaction."""
    if record_id:
        db.session.delete(db.session.get(IdempotencyRecord, record_id))
