"""Carbon-neutral events, step by step as the MEE guideline has them: register the event,
estimate its footprint, publish the commitment, enter the actual footprint after the
event, offset it, receive the achievement certificate.

Timing rules (China dates, ``core.clock``):

* an **estimate** may be entered until the first actual footprint exists;
* the **commitment** needs an estimate and may be published until the event's last day
  (a commitment announced at the opening ceremony is common practice); it records
  whether it came before the first day, and it cannot follow an actual footprint;
* an **actual** footprint may be entered from the event's last day on (a one-day forum
  can report the same evening); a later actual footprint replaces an earlier one;
* nothing changes once the event is neutral.
"""

from flask_babel import gettext as _

from core.db import db
import sqlalchemy as sa

from core.errors import Conflict, NotFound
from core.formatting import format_date
from core.i18n import current_locale
from events import claims, declarations
from events.models import Event, NeutralityClaim
from core import clock
from core.errors import WrongState


class TooEarly(WrongState):
    code = "too_early"


class TooLate(WrongState):
    code = "too_late"


class NoEstimate(WrongState):
    code = "no_estimate"


def register_event(organization, *, name: str, kind: str, venue: str, city: str, start_date,
                   end_date, expected_attendees: int) -> Event:
    """A host registers an event it will make carbon neutral; the event opens its claim.
    The same name and dates a second time is a double submit: ``Conflict`` (409, field
    ``name``)."""
    claims.check_period(start_date, end_date, start_field="start_date", end_field="end_date")
    if db.session.execute(sa.select(NeutralityClaim.id).where(
            NeutralityClaim.subject == "event", NeutralityClaim.organization_id == organization.id,
            NeutralityClaim.name == name, NeutralityClaim.period_start == start_date,
            NeutralityClaim.period_end == end_date)).first():
        raise Conflict(_("You have registered this event already."),
                       {"name": [_("Already registered.")]})
    claim = NeutralityClaim(subject="event", organization_id=organization.id, name=name,
                            period_start=start_date, period_end=end_date,
                            deadline=claims.offset_deadline(end_date), status="planned",
                            created_at=clock.now())
    event = Event(claim=claim, kind=kind, venue=venue, city=city,
                  expected_attendees=expected_attendees)
    db.session.add_all([claim, event])
    db.session.flush()
    return event


def get_event(event_id: int) -> Event:
    """An event by id (404 when unknown); events are public declarations."""
    event = db.session.get(Event, event_id)
    if event is None:
        raise NotFound(_("No such event."))
    return event


def lock_event(organization, event_id: int) -> Event:
    """The host's event with its claim locked for a change (403 for anyone else)."""
    event = get_event(event_id)
    claim = claims.lock_claim(event.claim_id)
    claims.check_host(organization, claim)
    if claim.is_neutral:
        raise claims.AlreadyNeutral(_("The event is carbon neutral; its record is closed."))
    return event


def add_event_footprint(organization, event_id: int, *, stage: str, inputs: dict):
    """Record an estimate or the actual footprint (timing rules above). An actual footprint
    moves the event to awaiting_offset, or straight to neutral when retirements made in
    advance already cover it."""
    event = lock_event(organization, event_id)
    claim = event.claim
    has_actual = claims.latest_footprint(claim, "actual") is not None
    if stage == "estimate" and has_actual:
        raise TooLate(_("The actual footprint is in; estimates are closed."))
    if stage == "actual" and clock.today_in_china() < claim.period_end:
        raise TooEarly(_("The actual footprint can be entered from the event's last day, %(date)s.",
                         date=format_date(claim.period_end, current_locale())))
    footprint = claims.record_footprint(claim, stage, inputs=inputs)
    if stage == "actual" and claim.is_before_offset:
        claim.mark_awaiting_offset()
        claims.achieve_if_covered(claim)
    return footprint


def publish_commitment(organization, event_id: int) -> Event:
    """Publish the pre-event declaration of commitment, signed, based on the latest
    estimate; once only."""
    event = lock_event(organization, event_id)
    claim = event.claim
    if claim.commitment_certificate_number:
        raise WrongState(_("The commitment is already published."))
    if claims.latest_footprint(claim, "actual") is not None:
        raise TooLate(_("The actual footprint is in; a commitment can no longer be made."))
    if clock.today_in_china() > claim.period_end:
        raise TooLate(_("The event ended on %(date)s; a commitment must come before.",
                        date=format_date(claim.period_end, current_locale())))
    estimate = claims.latest_footprint(claim, "estimate")
    if estimate is None:
        raise NoEstimate(_("A commitment needs an estimated footprint first."))
    certificate = declarations.issue_commitment(claim, estimate)
    claim.mark_committed(certificate.number, clock.now())
    db.session.flush()
    return event
