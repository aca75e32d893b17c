"""The signed declarations of a claim: the commitment before an event and the
achievement certificate once retirements cover the footprint (ISO 14068-1 terms).

Both are credentials from ``certificates.credentials.issue_certificate``. The achievement
certificate lists every covering retirement with ``retirement_claim``, so the registry's
verification checks each one's serials against the ledger.

The stored views (what the PDFs are drawn from) take their Chinese and English labels and
titles from the catalogs (``bilingual``). What is signed never does: the credential's
subject holds codes and values only, and its ``name`` is one of the fixed strings below.
"""

from certificates.credentials import issue_certificate
from certificates.retirement_certificates import retirement_claim, serial_details
from core.formatting import date_values, format_kg
from core.i18n import N_, bilingual
from core.labels import bilingual_label
from events.models import Footprint, NeutralityClaim
from core import clock
from market import numbering

GUIDELINE = "生态环境部《大型活动碳中和实施指南（试行）》(2019)"

COMMITMENT_TITLE = N_("Declaration of Commitment to Carbon Neutrality")
EVENT_TITLE = N_("Carbon-Neutral Event Certificate")
CLAIM_TITLE = N_("Carbon-Neutrality Certificate")
#: The credentials' signed ``name``s: fixed, whatever the catalogs say later.
CREDENTIAL_NAMES = {
    "commitment": "碳中和承诺声明 / Declaration of commitment",
    "event_neutrality": "大型活动碳中和证明 / Carbon-Neutral Event Certificate",
    "claim_neutrality": "碳中和证明 / Carbon-Neutrality Certificate",
}


def footprint_claim(footprint: Footprint) -> dict:
    """A footprint as a credential states it: total, stage, factor set, inputs hash, lines."""
    return {"footprintId": footprint.id, "stage": footprint.stage, "basis": footprint.basis,
            "totalKg": footprint.total_kg, "factorSet": footprint.factor_set_version,
            "inputsHash": footprint.inputs_hash,
            "lines": [{"category": line["category"], "source": line["source"],
                       "quantity": line["quantity"], "unit": line["unit"],
                       "factor": line["factor"], "factorUnit": line["factor_unit"],
                       "kg": line["kg"]} for line in footprint.lines]}


def subject_claim(claim: NeutralityClaim) -> dict:
    """Who and what the claim is about: the event with dates and venue, or the
    organisation or pilot with its period."""
    host = claim.organization
    body = {"claimId": claim.id, "subject": claim.subject, "name": claim.name,
            "host": {"id": f"urn:registry:organization:{host.id}", "name": host.name},
            "period": {"start": claim.period_start.isoformat(),
                       "end": claim.period_end.isoformat()},
            "offsetDeadline": claim.deadline.isoformat()}
    if claim.event is not None:
        event = claim.event
        body["event"] = {"id": event.id, "kind": event.kind, "venue": event.venue,
                         "city": event.city, "expectedAttendees": event.expected_attendees}
        body["guideline"] = GUIDELINE
    return body


def _footprint_line(footprint: Footprint) -> str:
    if footprint.basis == "calculated":
        basis = " ".join(bilingual(N_("Factor set"))) + \
            f" {footprint.factor_set_version} · {footprint.inputs_hash}"
    else:
        basis = " ".join(bilingual(N_("Declared total")))
    return f"{format_kg(footprint.total_kg)} kg CO₂e ({basis})"


def _line(label: str, value: str | None = None, **values) -> dict:
    """One labelled line of a declaration's view, its label in both languages; a date or
    period comes as ``value``/``value_en`` (``core.formatting.date_values``)."""
    label_zh, label_en = bilingual(label)
    return {"label_zh": label_zh, "label_en": label_en, "value": value, **values}


def _view_lines(claim: NeutralityClaim, footprint: Footprint, footprint_label: str) -> list:
    lines = []
    if claim.event is not None:
        event = claim.event
        lines += [_line(N_("Event"), claim.name),
                  _line(N_("Kind"), " ".join(bilingual_label("event_kind", event.kind))),
                  _line(N_("Dates"), **date_values(claim.period_start, claim.period_end)),
                  _line(N_("Venue"), f"{event.venue}，{event.city}")]
    else:
        lines.append(_line(N_("Accounting period"),
                           **date_values(claim.period_start, claim.period_end)))
    lines += [_line(footprint_label, _footprint_line(footprint)),
              _line(N_("Offset deadline"), **date_values(claim.deadline))]
    return lines


def issue_commitment(claim: NeutralityClaim, estimate: Footprint):
    """The declaration of commitment: the host will retire at least the estimate by the
    deadline. It certifies no retirement."""
    number = numbering.next_number("JLC", "certificate")
    now = clock.now()
    subject = {"type": "CarbonNeutralityCommitment", **subject_claim(claim),
               "committedKg": estimate.total_kg, "estimate": footprint_claim(estimate),
               "publishedBeforeStart": clock.today_in_china() < claim.period_start}
    purpose_zh, purpose_en = bilingual_label("purpose", claim.purpose)
    title_zh, title_en = bilingual(COMMITMENT_TITLE)
    view = {"title_zh": title_zh, "title_en": title_en,
            "issued_at": clock.today_in_china().isoformat(), "beneficiary_name": claim.name,
            "holder_name": claim.organization.name, "purpose_zh": purpose_zh,
            "purpose_en": purpose_en, "quantity_kg": estimate.total_kg,
            "subject_lines": _view_lines(claim, estimate, N_("Estimated footprint")),
            "serials": [], "retirement_numbers": [], "ledger_index": None, "revoked": False}
    return issue_certificate(number=number, certificate_type="commitment", subject=subject,
                             view=view, subject_id=claim.id, valid_from=now,
                             name=CREDENTIAL_NAMES["commitment"])


def issue_achievement(claim: NeutralityClaim, actual: Footprint, retirements: list):
    """The achievement certificate: the actual footprint and the retirements (with their
    serials and ledger entries) that cover it."""
    number = numbering.next_number("JLC", "certificate")
    now = clock.now()
    retired = sum(r.quantity_kg for r in retirements)
    certificate_type = "event_neutrality" if claim.subject == "event" else "claim_neutrality"
    subject = {"type": "CarbonNeutralEvent" if claim.subject == "event"
               else "CarbonNeutralityClaim", **subject_claim(claim),
               "footprint": footprint_claim(actual), "requiredKg": actual.total_kg,
               "retiredKg": retired, "withinDeadline": clock.today_in_china() <= claim.deadline,
               "commitmentCertificate": claim.commitment_certificate_number,
               "retirements": [retirement_claim(r) for r in retirements]}
    purpose_zh, purpose_en = bilingual_label("purpose", claim.purpose)
    lines = _view_lines(claim, actual, N_("Actual footprint"))
    if claim.commitment_certificate_number:
        lines.append(_line(N_("Commitment"), claim.commitment_certificate_number))
    title_zh, title_en = bilingual(EVENT_TITLE if claim.subject == "event" else CLAIM_TITLE)
    view = {"title_zh": title_zh, "title_en": title_en,
            "issued_at": clock.today_in_china().isoformat(), "beneficiary_name": claim.name,
            "holder_name": claim.organization.name, "purpose_zh": purpose_zh,
            "purpose_en": purpose_en, "quantity_kg": retired, "subject_lines": lines,
            "serials": [s for r in retirements for s in serial_details(r)],
            "retirement_numbers": [r.number for r in retirements], "ledger_index": None,
            "revoked": False}
    return issue_certificate(number=number, certificate_type=certificate_type, subject=subject,
                             view=view, subject_id=claim.id, valid_from=now,
                             name=CREDENTIAL_NAMES[certificate_type])
