"""Lists of events and claims: a host's own, the registry admin's all, and the public list
of carbon-neutral events. Each function returns a ``select`` for ``core.schemas.page_of``.

The status a list filters on is the status as of today in China (``NeutralityClaim.status_on``
written as SQL), so an event that ended reads ``awaiting_offset`` even before the daily job
records it, exactly as the event's own page shows it.
"""

from datetime import date

import sqlalchemy as sa

from core import clock
from core.db import db
from events.models import Event, NeutralityClaim

#: Statuses the public list of carbon-neutral events shows: a published commitment or an
#: achieved neutrality (MEE guideline: the commitment is public from the start).
PUBLIC_STATUSES = ("committed", "neutral")


def status_as_of(today: date):
    """SQL of ``NeutralityClaim.status_on(today)``: the stored status moved on by the calendar."""
    claim = NeutralityClaim
    return sa.case(
        (claim.status.in_(("neutral", "overdue")), claim.status),
        (claim.deadline < today, sa.literal("overdue")),
        (sa.and_(claim.status.in_(("planned", "committed")), claim.period_end < today),
         sa.literal("awaiting_offset")),
        else_=claim.status)


def _filtered(stmt, *, status: str | None, date_from: date | None, date_to: date | None,
              q: str | None):
    """Filters shared by both lists: status today, a period overlapping [from, to], a name."""
    if status:
        stmt = stmt.where(status_as_of(clock.today_in_china()) == status)
    if date_from:
        stmt = stmt.where(NeutralityClaim.period_end >= date_from)
    if date_to:
        stmt = stmt.where(NeutralityClaim.period_start <= date_to)
    if q:
        escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(NeutralityClaim.name.ilike(f"%{escaped}%", escape="\\"))
    return stmt


def search_events(organization=None, *, status: str | None = None, date_from: date | None = None,
                  date_to: date | None = None, q: str | None = None):
    """Events, newest first: ``organization``'s own, or every event when None (the registry
    admin). Filters: ``status`` (as of today), a period overlapping ``date_from``–``date_to``
    (dates, inclusive), ``q`` (part of the name, any case). → select of ``Event``."""
    stmt = sa.select(Event).join(Event.claim)
    if organization is not None:
        stmt = stmt.where(NeutralityClaim.organization_id == organization.id)
    stmt = _filtered(stmt, status=status, date_from=date_from, date_to=date_to, q=q)
    return stmt.order_by(NeutralityClaim.period_start.desc(), Event.id.desc())


def search_claims(organization, *, status: str | None = None, date_from: date | None = None,
                  date_to: date | None = None, q: str | None = None):
    """The organisation's own organisation and pilot claims, newest first, with the filters
    of ``search_events``. → select of ``NeutralityClaim``."""
    stmt = sa.select(NeutralityClaim).where(
        NeutralityClaim.organization_id == organization.id, NeutralityClaim.subject != "event")
    stmt = _filtered(stmt, status=status, date_from=date_from, date_to=date_to, q=q)
    return stmt.order_by(NeutralityClaim.id.desc())


def public_events(q: str | None = None):
    """Carbon-neutral events for the public registry: committed or neutral (as stored; an
    event that has ended with a commitment stays listed while it awaits its offset), newest
    first. → select of ``Event``."""
    stmt = sa.select(Event).join(Event.claim).where(sa.or_(
        NeutralityClaim.status == "neutral",
        NeutralityClaim.commitment_certificate_number.is_not(None)))
    stmt = _filtered(stmt, status=None, date_from=None, date_to=None, q=q)
    return stmt.order_by(NeutralityClaim.period_start.desc(), Event.id.desc())


def count_waiting_events(organization) -> int:
    """How many of the host's events wait for an action of the host today: planned
    (estimate or commitment to do), awaiting offset or overdue. A committed event that
    has not yet ended waits for nothing but its day."""
    status = status_as_of(clock.today_in_china())
    return db.session.execute(sa.select(sa.func.count()).select_from(Event).join(Event.claim)
                              .where(NeutralityClaim.organization_id == organization.id,
                                     status.in_(("planned", "awaiting_offset", "overdue")))
                              ).scalar_one()
