"""The signed change feed (INTEROP.md §3): CloudEvents 1.0, one event per change.

Unit moves come from the ledger: ``market.signals.ledger_recorded`` hands over each
transaction's new entries (one event per entry, ``ledgerseq`` = its seq, the leaf to
prove). Certificate revocations, fulfilled cases and neutral claims are seen by the
session's flush (their ``revoked_at`` / ``fulfilled_at`` / ``neutral_at`` set). Nothing is
written then: events are collected in ``session.info`` and stored just before the
transaction commits, numbered under the ``interop_feed_head`` row lock, so positions
commit in order and a cursor never skips a row. The outbox of webhook deliveries is
written in the same statement batch (interop.webhooks.enqueue).

The actor is who made the change: the organisation of the request's API token or
signed-in user when there is one, else "system" (jobs, payment webhooks, CLI).
"""

import json
import uuid

import sqlalchemy as sa
from flask import current_app, has_request_context, request
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from core import clock
from core.db import db, is_postgresql
from interop.feed_models import FeedEvent, FeedHead

PREFIX = "cn.tanhuijilin."
LEDGER_TYPES = {"issue": "lot.issued", "list": "units.listed", "delist": "units.delisted",
                "reserve": "units.reserved", "release": "units.released",
                "transfer": "units.transferred", "retire": "units.retired"}
EVENT_TYPES = tuple(PREFIX + t for t in (*LEDGER_TYPES.values(), "certificate.revoked",
                                          "case.fulfilled", "event.neutral", "claim.neutral"))
MAX_LIMIT = 1000
_PENDING = "interop.feed_pending"


def _actor() -> tuple[int | None, str | None]:
    """(organisation id, name) of whoever made the request, or (None, None) for "system"."""
    if not has_request_context():
        return None, None
    org = request.environ.get("registry.org")
    if org is None:
        from flask_login import current_user
        if current_user and current_user.is_authenticated:
            org = current_user.organization
    return (org.id, org.name) if org is not None else (None, None)


def _stash(session, event: dict) -> None:
    event.setdefault("actor", _actor())
    session.info.setdefault(_PENDING, []).append(event)


def on_ledger_recorded(sender, entries, **extra) -> None:
    """Receiver of ``ledger_recorded``: one feed event per new ledger entry."""
    for entry in entries:
        kind = LEDGER_TYPES.get(entry.type)
        if kind is None:
            continue
        _stash(db.session, {
            "type": PREFIX + kind, "time": entry.created_at, "ledger_seq": entry.seq,
            "subject": f"{entry.lot_code}/{entry.serial_start}-{entry.serial_end}",
            "data": {"seq": entry.seq, "lot_code": entry.lot_code,
                     "serial_start": entry.serial_start, "serial_end": entry.serial_end,
                     "quantity_kg": entry.quantity_kg, "from_org_id": entry.from_org_id,
                     "to_org_id": entry.to_org_id, "ref": entry.ref},
            "ref": entry.ref if entry.type == "retire" else None})


def _changed_to_set(obj, attribute: str) -> bool:
    history = sa.inspect(obj).attrs[attribute].history
    return bool(history.added) and history.added[0] is not None and not any(history.deleted)


def on_after_flush(session, flush_context) -> None:
    """Revocations, fulfilled cases and neutral claims, as the flush writes them.

    Cases and claims are recognised by their table (interop stands beside events and
    cases and imports neither)."""
    from certificates.models import Certificate

    for obj in session.dirty:
        table = getattr(obj, "__tablename__", None)
        if isinstance(obj, Certificate) and _changed_to_set(obj, "revoked_at"):
            _stash(session, {"type": PREFIX + "certificate.revoked", "time": obj.revoked_at,
                             "subject": obj.number,
                             "data": {"certificate_number": obj.number,
                                      "reason": obj.revocation_reason}})
        elif table == "compensation_cases" and _changed_to_set(obj, "fulfilled_at"):
            _stash(session, {"type": PREFIX + "case.fulfilled", "time": obj.fulfilled_at,
                             "subject": f"case/{obj.id}", "actor": (None, None),
                             "data": {"case_id": obj.id, "retired_kg": obj.retired_kg,
                                      "certificate_number": obj.certificate_number}})
        elif table == "neutrality_claims" and _changed_to_set(obj, "neutral_at"):
            kind = "event.neutral" if obj.subject == "event" else "claim.neutral"
            _stash(session, {"type": PREFIX + kind, "time": obj.neutral_at,
                             "subject": f"claim/{obj.id}", "actor": (None, None),
                             "data": {"claim_id": obj.id, "subject": obj.subject,
                                      "name": obj.name,
                                      "certificate_number": obj.certificate_number}})


def _lock_head(count: int) -> int:
    """Reserve ``count`` positions under the head's row lock; return the first."""
    head = FeedHead.__table__
    advance = (sa.update(head).where(head.c.id == 1)
               .values(next_position=head.c.next_position + count)
               .returning(head.c.next_position))
    end = db.session.execute(advance).scalar()
    if end is None:  # a database emptied by hand (tests truncate tables)
        insert = (postgresql.insert if is_postgresql() else sqlite.insert)(head)
        db.session.execute(insert.values(id=1, next_position=1).on_conflict_do_nothing())
        end = db.session.execute(advance).scalar_one()
    return end - count


def _retirement_facts(numbers: set[str]) -> dict[str, dict]:
    from market.models import Retirement
    if not numbers:
        return {}
    rows = db.session.execute(sa.select(Retirement).where(Retirement.number.in_(numbers)))
    return {r.number: {"number": r.number, "purpose": r.purpose,
                       "certificate_number": r.certificate_number}
            for r in rows.scalars()}


def on_before_commit(session) -> None:
    """Store the transaction's collected events (and their webhook deliveries)."""
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    from interop import webhooks

    session.flush()
    pending += session.info.pop(_PENDING, [])  # what that last flush revealed
    retirements = _retirement_facts({e["ref"] for e in pending if e.get("ref")})
    first = _lock_head(len(pending))
    rows = []
    for offset, event in enumerate(pending):
        org_id, name = event["actor"]
        data = dict(event["data"])
        if event.get("ref") in retirements:
            data["retirement"] = retirements[event["ref"]]
        rows.append({"position": first + offset, "event_id": str(uuid.uuid4()),
                     "type": event["type"], "subject": event["subject"],
                     "time": event["time"] or clock.now(), "actor_org_id": org_id,
                     "actor_name": name, "ledger_seq": event.get("ledger_seq"),
                     "data": json.dumps(data, ensure_ascii=False, sort_keys=True)})
    session.execute(sa.insert(FeedEvent.__table__), rows)
    webhooks.enqueue(rows)


def on_after_rollback(session) -> None:
    session.info.pop(_PENDING, None)


def connect() -> None:
    """Subscribe to the ledger signal and the session's flush and commit (once)."""
    from market import signals

    signals.ledger_recorded.connect(on_ledger_recorded)
    for name, listener in (("after_flush", on_after_flush), ("before_commit", on_before_commit),
                           ("after_soft_rollback", lambda s, t: on_after_rollback(s))):
        if not sa.event.contains(Session, name, listener):
            sa.event.listen(Session, name, listener)


def source() -> str:
    """The feed's CloudEvents ``source``: the registry's DID."""
    from certificates.keys import issuer_did
    return issuer_did(current_app.config["BASE_URL"])


def envelope(event: FeedEvent, source_did: str) -> dict:
    """The CloudEvents 1.0 JSON form of a stored event (structured mode)."""
    # CloudEvents extension attributes are scalars: the actor is "organization/<id>"
    # with its name in ``actorname``, or "system".
    item = {"specversion": "1.0", "id": event.event_id, "source": source_did,
            "type": event.type, "time": event.time.isoformat().replace("+00:00", "Z"),
            "subject": event.subject, "datacontenttype": "application/json",
            "sequence": str(event.position)}
    if event.actor_org_id is None:
        item["actor"] = "system"
    else:
        item["actor"], item["actorname"] = f"organization/{event.actor_org_id}", event.actor_name
    if event.ledger_seq is not None:
        item["ledgerseq"] = event.ledger_seq
    item["data"] = json.loads(event.data)
    return item


def read_feed(after: int | None, limit: int) -> list[dict]:
    """Events with position > ``after``, oldest first, at most ``limit`` (≤ 1000)."""
    stmt = sa.select(FeedEvent).order_by(FeedEvent.position).limit(min(limit, MAX_LIMIT))
    if after is not None:
        stmt = stmt.where(FeedEvent.position > after)
    source_did = source()
    return [envelope(event, source_did) for event in db.session.execute(stmt).scalars()]
