"""Neutrality claims: the lifecycle every subject shares (events, organisations, pilots).

Footprints, coverage by retirements, the achievement certificate and the deadline work
the same for all three; ``events.hosting`` adds what is particular to events.

Locks: a use case that changes a claim first locks the ledger head, then the claim row.
Retirements hold the ledger head (and the certificate counter) when the
``retirement_created`` receiver reaches a claim, so one lock order holds everywhere and a
footprint entered while a retirement commits waits instead of deadlocking.
"""

from dataclasses import asdict
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from core.db import db, sum_int
from core.errors import Forbidden, Invalid, NotFound
from core.formatting import format_date
from core.i18n import current_locale
from core.schemas import MAX_KG
from events import declarations, factor_sets
from events.footprint import compute_footprint
from events.models import Footprint, NeutralityClaim
from core import clock
from market import ledger
from core.errors import WrongState
from market.models import Retirement
from market.retirements import attach_serials


class AlreadyNeutral(WrongState):
    code = "already_neutral"


def add_years(day, years: int):
    """The same calendar date ``years`` later; 29 February becomes 28 February in a
    year without one (2027-08-26 → 2028-08-26, 2028-02-29 → 2029-02-28)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def offset_deadline(period_end):
    """The last day to retire for a period ending on ``period_end``: one year after it,
    the same date next year (MEE guideline, ISO 14068-1; ``EVENT_OFFSET_DEADLINE_YEARS``).
    ``EVENT_OFFSET_DEADLINE_DAYS``, when set, counts days instead (the older setting)."""
    days = current_app.config.get("EVENT_OFFSET_DEADLINE_DAYS")
    if days:
        return period_end + timedelta(days=days)
    return add_years(period_end, current_app.config["EVENT_OFFSET_DEADLINE_YEARS"])


#: The registry's horizon: a period's dates lie in these years (deadlines are computed
#: from them; year 9999 would overflow), as ``events.schemas`` checks for the API.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def check_period(period_start, period_end, *, start_field: str, end_field: str) -> None:
    """A period must lie within the horizon (``FIRST_YEAR``–``LAST_YEAR``, each date
    refused beside its own field), run forward, and its offset deadline must not have
    passed already. Raises ``Invalid`` (422)."""
    for field, day in ((start_field, period_start), (end_field, period_end)):
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise Invalid(_("The dates must lie between %(first)s and %(last)s.",
                            first=FIRST_YEAR, last=LAST_YEAR),
                          {field: [_("Must be a date between %(first)s and %(last)s.",
                                     first=FIRST_YEAR, last=LAST_YEAR)]})
    if period_end < period_start:
        raise Invalid(_("The period ends before it starts."),
                      {end_field: [_("Must not be before %(field)s.", field=start_field)]})
    if offset_deadline(period_end) < clock.today_in_china():
        raise Invalid(_("The offset deadline of this period has already passed."),
                      {end_field: [_("Offsets were due by %(date)s.",
                                     date=format_date(offset_deadline(period_end), current_locale()))]})


def get_claim(claim_id: int) -> NeutralityClaim:
    """A claim by id (404 when unknown); claims are public declarations."""
    claim = db.session.get(NeutralityClaim, claim_id)
    if claim is None:
        raise NotFound(_("No such claim."))
    return claim


def lock_claim(claim_id: int) -> NeutralityClaim:
    """Lock the ledger head, then the claim (see the module's note on lock order)."""
    ledger.lock_head()
    # populate_existing: a claim loaded earlier in this transaction (by a validator,
    # before the locks) is refreshed with what committed while we waited.
    claim = db.session.execute(sa.select(NeutralityClaim).where(
        NeutralityClaim.id == claim_id).with_for_update()
        .execution_options(populate_existing=True)).scalar_one_or_none()
    if claim is None:
        raise NotFound(_("No such claim."))
    return claim


def check_host(organization, claim: NeutralityClaim) -> None:
    """Only the host organisation may change its claim (others: 403)."""
    if claim.organization_id != organization.id:
        raise Forbidden(_("Only the host organisation may change this claim."))


def latest_footprint(claim: NeutralityClaim, stage: str) -> Footprint | None:
    """The most recent footprint of a stage ("estimate" or "actual"), if any."""
    return db.session.execute(
        sa.select(Footprint).where(Footprint.claim_id == claim.id, Footprint.stage == stage)
        .order_by(Footprint.id.desc()).limit(1)).scalar_one_or_none()


def footprint_in_force(claim: NeutralityClaim) -> Footprint | None:
    """The footprint to offset: the latest actual one, or the latest estimate before."""
    return latest_footprint(claim, "actual") or latest_footprint(claim, "estimate")


def footprints_of(claim: NeutralityClaim):
    """Every footprint recorded for the claim, oldest first, as a select for one page."""
    return sa.select(Footprint).where(Footprint.claim_id == claim.id).order_by(Footprint.id)


def covering_retirements(claim: NeutralityClaim):
    """Retirements that count for the claim: by ``event_id`` for an event, by
    ``claim_id`` for an organisation or pilot."""
    field = (Retirement.event_id == claim.event.id if claim.subject == "event"
             else Retirement.claim_id == claim.id)
    return sa.select(Retirement).where(field).order_by(Retirement.id)


def retired_kg(claim: NeutralityClaim) -> int:
    """The sum of the covering retirements (kg)."""
    subquery = covering_retirements(claim).subquery()
    return db.session.execute(sa.select(sum_int(subquery.c.quantity_kg))).scalar_one()


def record_footprint(claim: NeutralityClaim, stage: str, *, inputs: dict | None = None,
                     footprint_kg: int | None = None) -> Footprint:
    """Compute ``inputs`` with the factor set in force, or take a declared total, and
    store the footprint with its version and inputs hash. A footprint of 0 kg is refused."""
    if inputs is not None:
        factor_set = factor_sets.current_factor_set()
        computed = compute_footprint(inputs, factor_set.document)
        if computed.total_kg == 0:
            raise Invalid(_("The footprint comes to 0 kg; enter the activity data."),
                          {"inputs": [_("Every source rounds to 0 kg.")]})
        if computed.total_kg > MAX_KG:
            raise Invalid(_("The footprint is larger than the registry can offset."),
                          {"inputs": [_("The total must be at most %(kg)s kg.", kg=MAX_KG)]})
        footprint = Footprint(
            claim_id=claim.id, stage=stage, basis="calculated", factor_set_id=factor_set.id,
            factor_set_version=factor_set.version, inputs=computed.inputs,
            inputs_hash=computed.inputs_hash, total_kg=computed.total_kg,
            lines=[asdict(line) for line in computed.lines], created_at=clock.now())
    else:
        footprint = Footprint(claim_id=claim.id, stage=stage, basis="declared", lines=[],
                              total_kg=footprint_kg, created_at=clock.now())
    db.session.add(footprint)
    db.session.flush()
    return footprint


def open_claim(organization, *, subject: str, name: str, period_start, period_end,
               footprint_kg: int | None = None, inputs: dict | None = None) -> NeutralityClaim:
    """An organisation or pilot declares its footprint for a reporting period (calculated
    from inputs or declared as a total); retirements with the claim's id then cover it."""
    check_period(period_start, period_end, start_field="period_start", end_field="period_end")
    claim = NeutralityClaim(subject=subject, organization_id=organization.id, name=name,
                            period_start=period_start, period_end=period_end,
                            deadline=offset_deadline(period_end), status="awaiting_offset",
                            created_at=clock.now())
    db.session.add(claim)
    db.session.flush()
    record_footprint(claim, "actual", inputs=inputs, footprint_kg=footprint_kg)
    return claim


def achieve_if_covered(claim: NeutralityClaim) -> bool:
    """Make a locked claim neutral, with its achievement certificate, once an actual
    footprint exists and the covering retirements reach it. True when this call did."""
    if claim.is_neutral:
        return False
    actual = latest_footprint(claim, "actual")
    if actual is None or retired_kg(claim) < actual.total_kg:
        return False
    retirements = attach_serials(list(db.session.execute(covering_retirements(claim)).scalars()))
    certificate = declarations.issue_achievement(claim, actual, retirements)
    claim.mark_neutral(certificate.number, clock.now())
    db.session.flush()
    return True


def flag_due_claims() -> dict[str, int]:
    """Record what the calendar decided (the daily job): an ended event awaits its offset;
    a claim whose deadline passed uncovered is overdue. Idempotent."""
    today = clock.today_in_china()
    ledger.lock_head()
    before_offset = NeutralityClaim.status.in_(("planned", "committed"))
    due = db.session.execute(sa.select(NeutralityClaim).where(sa.or_(
        sa.and_(before_offset, NeutralityClaim.period_end < today),
        sa.and_(NeutralityClaim.status != "neutral", NeutralityClaim.status != "overdue",
                NeutralityClaim.deadline < today)))
        .order_by(NeutralityClaim.id).with_for_update()
        .execution_options(populate_existing=True)).scalars().all()
    counts = {"overdue": 0, "awaiting_offset": 0}
    for claim in due:
        status = claim.status_on(today)
        if status == "overdue":
            claim.mark_overdue(clock.now())
        elif status == "awaiting_offset" and claim.status != status:
            claim.mark_awaiting_offset()
        else:
            continue
        counts[status] += 1
    db.session.flush()
    return counts


def claims_of(organization):
    """The organisation's own organisation and pilot claims, newest first (its events
    have their own list)."""
    return sa.select(NeutralityClaim).where(
        NeutralityClaim.organization_id == organization.id,
        NeutralityClaim.subject != "event").order_by(NeutralityClaim.id.desc())


def count_awaiting_offset(organization) -> int:
    """How many of the organisation's organisation and pilot claims still wait for
    retirements (awaiting offset or overdue)."""
    return db.session.execute(sa.select(sa.func.count()).select_from(NeutralityClaim).where(
        NeutralityClaim.organization_id == organization.id,
        NeutralityClaim.subject != "event",
        NeutralityClaim.status != "neutral")).scalar_one()
