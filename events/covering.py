"""Covering a claim with retirements: who may retire for it, and counting what is retired.

``market`` knows nothing about events. This module plugs in through the subject registry
(``event_id`` and ``claim_id`` on a retirement instruction, checked for direct
retirements and for buy-and-retire orders alike) and the ``retirement_created`` signal,
whose receivers run inside the retirement's transaction.

The rule: only the host organisation retires for its event or claim. A sponsor that wants
to contribute transfers units to the host, who retires them; so nobody can make a
stranger's event "neutral" or clutter its record.
"""

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.db import db
from core.errors import Conflict, Forbidden, Invalid, NotFound
from core.formatting import format_date
from core.i18n import N_, current_locale
from core.labels import label
from events import claims
from events.models import Event, NeutralityClaim
from market import audit, signals, subjects
from market.models import Retirement


def _check_host(organization, claim: NeutralityClaim, what: str) -> None:
    if claim.organization_id != organization.id:
        raise Forbidden(_("Only the host organisation may retire for this %(what)s.", what=_(what)))


def check_event_retirement(organization, instruction: dict) -> None:
    """Subject validator for ``event_id``: a known event of the retiring organisation,
    purpose event_neutrality, not yet neutral."""
    event = db.session.get(Event, instruction["event_id"])
    if event is None:
        raise Invalid(_("Unknown event."), {"event_id": [_("No such event.")]})
    _check_host(organization, event.claim, N_("event"))
    if instruction["purpose"] != "event_neutrality":
        raise Invalid(_("A retirement for an event has purpose event_neutrality."),
                      {"purpose": [_("Must be event_neutrality with an event_id.")]})
    if instruction.get("claim_id") not in (None, event.claim_id):
        raise Invalid(_("claim_id is not this event's claim."),
                      {"claim_id": [_("The event's claim is %(id)s.", id=event.claim_id)]})
    if event.claim.is_neutral:
        raise claims.AlreadyNeutral(_("The event is already carbon neutral."))


def check_claim_retirement(organization, instruction: dict) -> None:
    """Subject validator for ``claim_id``: a known organisation or pilot claim of the
    retiring organisation, with the purpose that fits it and the claim's own period."""
    claim = db.session.get(NeutralityClaim, instruction["claim_id"])
    if claim is None:
        raise Invalid(_("Unknown claim."), {"claim_id": [_("No such claim.")]})
    if claim.subject == "event":
        if instruction.get("event_id") == claim.event.id:
            return  # the event's own validator decides
        raise Invalid(_("This claim belongs to an event; retire with its event_id."),
                      {"event_id": [_("Use event_id %(id)s.", id=claim.event.id)]})
    _check_host(organization, claim, N_("claim"))
    if instruction["purpose"] != claim.purpose:
        raise Invalid(_("A retirement for a claim of this kind (%(subject)s) has the purpose %(purpose)s.",
                        subject=label("claim_subject", claim.subject), purpose=claim.purpose),
                      {"purpose": [_("Must be %(purpose)s with this claim_id.", purpose=claim.purpose)]})
    if (instruction.get("period_start"), instruction.get("period_end")) != (
            claim.period_start, claim.period_end):
        raise Invalid(_("The retirement's period must be the claim's period."),
                      {"period_start": [_("Must be %(value)s.", value=claim.period_start)],
                       "period_end": [_("Must be %(value)s.", value=claim.period_end)]})
    if claim.is_neutral:
        raise claims.AlreadyNeutral(_("The claim is already carbon neutral."))


def claim_of(retirement) -> NeutralityClaim | None:
    if retirement.event_id is not None:
        event = db.session.get(Event, retirement.event_id)
        return event.claim if event is not None else None
    if retirement.claim_id is not None:
        return db.session.get(NeutralityClaim, retirement.claim_id)
    return None


def count_retirement(sender, retirement, **extra) -> None:
    """Receiver of ``retirement_created``: a retirement for an event or claim may complete
    its cover. A buy-and-retire order paid after the subject became neutral still counts
    in its retired total; the certificate already issued does not change."""
    claim = claim_of(retirement)
    if claim is None:
        return
    claims.achieve_if_covered(claims.lock_claim(claim.id))


def check_neutral_claims() -> list[str]:
    """neutrality claims. Every neutral claim's retirements cover its actual footprint."""
    problems = []
    for claim in db.session.execute(sa.select(NeutralityClaim).where(
            NeutralityClaim.status == "neutral").order_by(NeutralityClaim.id)).scalars():
        actual = claims.latest_footprint(claim, "actual")
        retired = claims.retired_kg(claim)
        if actual is None or retired < actual.total_kg or not claim.certificate_number:
            problems.append(f"neutrality claim {claim.id}: neutral with {retired} kg retired "
                            f"for {actual.total_kg if actual else 'no actual'} kg")
    return problems


def connect() -> None:
    """Plug into the market: subject validators, the retirement receiver, the audit."""
    subjects.register("event_id", check_event_retirement)
    subjects.register("claim_id", check_claim_retirement)
    signals.retirement_created.connect(count_retirement)
    audit.register(check_neutral_claims,
                   _l("Every neutral event and claim is covered by its retirements"))


class RetirementNotAttachable(Conflict):
    """An earlier retirement that cannot cover this claim (DOMAIN.md §8); the subclasses'
    codes say which rule refused it."""

    code = "retirement_not_attachable"


class RetirementAlreadyAttached(RetirementNotAttachable):
    code = "retirement_already_attached"


class RetirementPurposeMismatch(RetirementNotAttachable):
    code = "retirement_purpose_mismatch"


class RetirementPeriodOutside(RetirementNotAttachable):
    code = "retirement_period_outside_claim"


class RetirementNotOwned(Forbidden):
    code = "retirement_not_owned"


LOCK_RETIREMENT = (sa.select(Retirement).where(Retirement.id == sa.bindparam("retirement_id"))
                   .with_for_update().execution_options(populate_existing=True))


def _refuse(error_class, message: str):
    """The refusal with its message beside the ``retirement_id`` field too."""
    return error_class(message, {"retirement_id": [message]})


def _dates(start, end) -> str:
    locale = current_locale()
    return _("%(start)s — %(end)s", start=format_date(start, locale) or "—",
             end=format_date(end, locale) or "—")


def _check_fits(retirement: Retirement, claim: NeutralityClaim) -> None:
    """Purpose and period (see ``attach_retirement``); raises RetirementNotAttachable."""
    if any(link is not None for link in (retirement.event_id, retirement.claim_id,
                                         retirement.case_id)):
        raise _refuse(RetirementAlreadyAttached, _(
            "Retirement %(number)s already covers an event, claim or case; a retirement "
            "covers at most one.", number=retirement.number))
    if retirement.purpose != claim.purpose:
        raise _refuse(RetirementPurposeMismatch, _(
            "Retirement %(number)s was made for “%(purpose)s”; this claim is covered by "
            "retirements for “%(needed)s”.", number=retirement.number,
            purpose=label("purpose", retirement.purpose),
            needed=label("purpose", claim.purpose)))
    start, end = retirement.period_start, retirement.period_end
    if start is None and claim.subject == "event":
        return  # an event's retirement need not name a period; its dates are the event's
    if start is None or end is None or start < claim.period_start or end > claim.period_end:
        raise _refuse(RetirementPeriodOutside, _(
            "The period of retirement %(number)s (%(period)s) does not lie within the "
            "claim's period (%(claim_period)s).", number=retirement.number,
            period=_dates(start, end), claim_period=_dates(claim.period_start,
                                                           claim.period_end)))


def attachable_retirements(organization, claim: NeutralityClaim):
    """The organisation's retirements that could cover ``claim``: its purpose, covering
    nothing yet and (except for an event's, which may name none) a period within the
    claim's, newest first. ``attach_retirement`` still has the final word."""
    within = sa.and_(Retirement.period_start >= claim.period_start,
                     Retirement.period_end <= claim.period_end)
    if claim.subject == "event":
        within = sa.or_(Retirement.period_start.is_(None), within)
    return sa.select(Retirement).where(
        Retirement.organization_id == organization.id, Retirement.purpose == claim.purpose,
        Retirement.event_id.is_(None), Retirement.claim_id.is_(None),
        Retirement.case_id.is_(None), within).order_by(Retirement.id.desc())


def attach_retirement(organization, claim: NeutralityClaim,
                      retirement_id: int) -> NeutralityClaim:
    """Let an earlier retirement of the host cover its claim (DOMAIN.md §8), with the same
    link a retirement made with ``event_id`` or ``claim_id`` carries; when that completes
    the cover the claim becomes neutral with its certificate, as on the direct path.

    It fits when it is the host's own (403 otherwise), covers no event, claim or case yet,
    has the claim's purpose (organization_operations, pilot_neutrality, event_neutrality)
    and a period within the claim's; an event's retirement may carry no period. Locks:
    ledger head, claim, then the retirement row, so of two attaches of one retirement the
    second waits and then finds it covering something (409).
    """
    claims.check_host(organization, claim)
    claim = claims.lock_claim(claim.id)
    retirement = db.session.execute(LOCK_RETIREMENT,
                                    {"retirement_id": retirement_id}).scalar_one_or_none()
    if retirement is None:
        raise _refuse(NotFound, _("No such retirement."))
    if retirement.organization_id != organization.id:
        raise _refuse(RetirementNotOwned, _("Only the organisation that retired the units "
                                            "may attach the retirement."))
    _check_fits(retirement, claim)
    if claim.is_neutral:
        raise claims.AlreadyNeutral(_("The claim is already carbon neutral."))
    if claim.subject == "event":
        retirement.event_id = claim.event.id
    else:
        retirement.claim_id = claim.id
    db.session.flush()
    claims.achieve_if_covered(claim)
    return claim
