"""Read models of claims and events for the API and the public pages (plain dicts).

The status shown is the claim's status as of today in China, so an event that ended or a
deadline that passed reads right even before the daily job records it.
"""

from flask import current_app

from core.db import db
from events import claims
from events.models import Event, NeutralityClaim
from core import clock


def claim_view(claim: NeutralityClaim) -> dict:
    """The claim with its coverage: required (footprint in force), retired, outstanding."""
    footprint = claims.footprint_in_force(claim)
    retirements = list(db.session.execute(claims.covering_retirements(claim)).scalars())
    retired = sum(r.quantity_kg for r in retirements)
    required = footprint.total_kg if footprint is not None else None
    event = claim.event
    base = current_app.config["BASE_URL"]
    return {
        "id": claim.id, "claim_id": claim.id, "event_id": event.id if event else None,
        "subject": claim.subject, "name": claim.name, "organization_id": claim.organization_id,
        "host_name": claim.organization.name, "period_start": claim.period_start,
        "period_end": claim.period_end, "status": claim.status_on(clock.today_in_china()),
        "deadline": claim.deadline, "required_kg": required, "retired_kg": retired,
        "outstanding_kg": max(required - retired, 0) if required is not None else None,
        "footprint": footprint, "certificate_number": claim.certificate_number,
        "commitment_certificate_number": claim.commitment_certificate_number,
        "committed_at": claim.committed_at, "neutral_at": claim.neutral_at,
        "retirements": retirements,
        "page_url": f"{base}/events/{event.id}" if event else f"{base}/claims/{claim.id}",
    }


def event_view(event: Event) -> dict:
    """The event's own fields over its claim's view (``id`` is the event's id)."""
    return {**claim_view(event.claim), "id": event.id, "kind": event.kind,
            "venue": event.venue, "city": event.city, "start_date": event.start_date,
            "end_date": event.end_date, "expected_attendees": event.expected_attendees}


def factor_set_view(factor_set, current_id: int) -> dict:
    """A stored factor set with its document and whether it is the set in force."""
    return {"id": factor_set.id, "version": factor_set.version,
            "published": factor_set.published, "document_hash": factor_set.document_hash,
            "loaded_at": factor_set.loaded_at, "current": factor_set.id == current_id,
            "document": factor_set.document}


def page_view(claim: NeutralityClaim) -> dict:
    """Everything the public page shows, with each footprint line's factor provenance."""
    view = event_view(claim.event) if claim.event else claim_view(claim)
    footprints = []
    for footprint in claim.footprints:
        document = footprint.factor_set.document if footprint.factor_set else {"factors": {}}
        footprints.append({"footprint": footprint, "lines": [
            {**line, "provenance": document["factors"].get(line["source"], {})}
            for line in footprint.lines]})
    return {**view, "footprints": footprints}
