"""``Idempotency-Key``: the same key from the same organisation returns the first answer
(status and body) and does nothing again; the same key with another body is refused.

``@idempotent(scope)`` goes right above the view function, below ``@blp.arguments`` (it
fingerprints the loaded body, the view's last positional argument) and ``@blp.response``;
the view returns a finished response (``json_response``), whose status and body are
what a repeated request gets back. It opens the view's transaction itself, so the view
does not: the key row is inserted first, in the use case's own transaction, under a
unique constraint. A concurrent duplicate waits on that constraint (PostgreSQL) or on
the write lock (SQLite ``BEGIN IMMEDIATE``) until the first commits, then replays its
answer. If the first fails, its key row rolls back with it and the key is free again.

A view whose answer needs work after commit (a Stripe Checkout Session is opened with no
lock held) returns ``AfterCommit``: the key commits with the use case as "in progress",
the finishing step runs with no transaction open, and its answer is stored after it.
"""

import functools
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from flask import Response, jsonify, request
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from core.auth import current_organization
from core.db import db, transaction
from core.errors import Conflict, Invalid
from core.models import IdempotencyRecord


class IdempotencyKeyReused(Conflict):
    code = "idempotency_key_reused"


@dataclass(frozen=True)
class AfterCommit:
    """What a view returns when its answer is finished after the commit: ``finish()``
    opens its own transactions and returns the response. When it raises one of
    ``frees_key_on`` it has undone the use case, so the key is freed for a retry."""

    finish: Callable[[], Response]
    frees_key_on: tuple[type[Exception], ...] = ()


def fingerprint(payload) -> str:
    """The request body's hash, independent of key order."""
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def idempotent(scope: str):
    """Run the view in one transaction, answering a repeated ``Idempotency-Key`` of the
    same organisation in ``scope`` with the first answer."""
    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            key = _header()
            record_id = None
            with transaction():
                if key is not None:
                    record, replay = _claim(scope, key, fingerprint(args[-1]))
                    if replay is not None:
                        return replay
                    record_id = record.id
                answer = view(*args, **kwargs)
                if not isinstance(answer, AfterCommit):
                    _remember(record_id, answer)
                    return answer
            try:
                response = answer.finish()
            except answer.frees_key_on:
                with transaction():
                    _forget(record_id)
                raise
            with transaction():
                _remember(record_id, response)
            return response
        return wrapper
    return decorate


def _header() -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is not None and not 1 <= len(key) <= 255:
        raise Invalid(_("Idempotency-Key must be 1 to 255 characters."),
                      {"Idempotency-Key": [_("1 to 255 characters.")]})
    return key


def claim_key(organization, scope: str, key: str, request_hash: str):
    """In the caller's transaction: ``(record, None)`` to go ahead under a new key, or
    ``(None, first)`` with the first request's stored record to answer it again. A page
    edge uses it with a one-time key from a hidden field, so a double submit of the same
    form does its work once."""
    record = IdempotencyRecord(organization_id=organization.id, scope=scope, key=key,
                               request_hash=request_hash)
    try:
        with db.session.begin_nested():
            db.session.add(record)
        return record, None
    except IntegrityError:
        pass
    first = db.session.execute(sa.select(IdempotencyRecord).where(
        IdempotencyRecord.organization_id == organization.id, IdempotencyRecord.scope == scope,
        IdempotencyRecord.key == key)).scalar_one()
    if first.request_hash != request_hash:
        raise IdempotencyKeyReused(
            _("This Idempotency-Key was used for a different request."))
    if first.response is None:
        raise IdempotencyKeyReused(
            _("A request with this Idempotency-Key is still being processed."))
    return None, first


def remember_answer(record_id: int | None, status_code: int, body: dict) -> None:
    """Store the answer given under a claimed key (in the caller's transaction)."""
    if record_id is not None:
        record = db.session.get(IdempotencyRecord, record_id)
        record.status_code, record.response = status_code, body
        db.session.flush()


def forget_key(record_id: int | None) -> None:
    """Free a claimed key whose work was undone (in the caller's transaction)."""
    if record_id is not None:
        db.session.delete(db.session.get(IdempotencyRecord, record_id))


def _claim(scope: str, key: str, request_hash: str):
    """``(record, None)`` to go ahead, or ``(None, response)`` to replay the first answer."""
    record, first = claim_key(current_organization(), scope, key, request_hash)
    if first is None:
        return record, None
    response = jsonify(first.response)
    response.status_code = first.status_code
    response.headers["Idempotent-Replayed"] = "true"
    return None, response


def _remember(record_id: int | None, response: Response) -> None:
    """Store the answer given under the claimed key."""
    remember_answer(record_id, response.status_code, response.get_json())


def _forget(record_id: int | None) -> None:
    forget_key(record_id)
