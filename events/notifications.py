"""E-mail of events and neutrality claims: the offset deadline 30 days ahead, once per
event or claim, to the host's users (the daily job ``events.remind_due_claims``),
enqueued through ``core.mail`` in the job's transaction."""

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from core import clock, mail
from core.db import db
from events import claims
from events.models import NeutralityClaim

REMIND_DAYS = 30


def remind_due_claims() -> int:
    """Daily: every event or claim not yet neutral whose offset deadline is at most 30
    days ahead (China date) is announced once to its host's users, with what is still
    to retire. Returns how many messages were enqueued."""
    today = clock.today_in_china()
    due = db.session.execute(
        sa.select(NeutralityClaim).where(
            NeutralityClaim.status.in_(("planned", "committed", "awaiting_offset")),
            NeutralityClaim.deadline >= today,
            NeutralityClaim.deadline <= today + timedelta(days=REMIND_DAYS))
        .order_by(NeutralityClaim.id)).scalars().all()
    base = current_app.config["BASE_URL"]
    sent = 0
    for claim in due:
        footprint = claims.footprint_in_force(claim)
        retired = claims.retired_kg(claim)
        page = (f"{base}/events/{claim.event.id}" if claim.subject == "event" and claim.event
                else f"{base}/claims/{claim.id}")
        view = {"name": claim.name, "subject": claim.subject, "deadline": claim.deadline,
                "days_left": (claim.deadline - today).days, "retired_kg": retired,
                "footprint_kg": footprint.total_kg if footprint else None,
                "outstanding_kg": max(footprint.total_kg - retired, 0) if footprint else None,
                "url": page}
        sent += len(mail.enqueue_for_users(
            claim.organization_id, "events/mail/claim_due", topic="claim_due",
            context={"claim": view}, once_key=f"claim-due-{REMIND_DAYS}/{claim.id}"))
    db.session.flush()
    return sent
