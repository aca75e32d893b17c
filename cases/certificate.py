"""以碳代偿履行证明: the compensation certificate a fulfilled case sends to its authority.

``cases.cover`` calls ``issue_compensation_certificate`` inside the transaction of the
retirement that covered the case: a signed credential (type ``compensation``) under the
number the case was given. The credential names the case and
the masked obligor only — never the full name or ID number — and carries one
``retirement_claim`` per counted retirement, so verification checks every serial range
against the ledger.

The stored view (what the PDF is drawn from) takes its Chinese and English labels from the
catalogs (``bilingual``); the signed credential holds no label, and its ``name`` is the
fixed bilingual string below, never a translation that could change with a catalog.
"""

from cases.cases import case_retirements
from certificates.credentials import issue_certificate, iso
from certificates.retirement_certificates import retirement_claim, serial_details
from core.db import db
from core.formatting import china_date, date_values, format_tonnes
from core.i18n import N_, bilingual
from core.labels import bilingual_label
from core.models import Organization

TITLE = N_("Certificate of Fulfilment of Ecological-Damage Compensation by Carbon Reductions")
#: The credential's signed ``name``: never translated after the fact.
CREDENTIAL_NAME = "以碳代偿履行证明 / Compensation certificate"


def compensation_subject(case, retirements) -> dict:
    """The credentialSubject: the case, the masked obligor, quantities, retirements."""
    return {
        "type": "EcologicalCompensation",
        "caseId": case.id,
        "caseNumber": case.case_number,
        "authority": {"id": f"urn:registry:organization:{case.authority_id}",
                      "name": case.authority_name},
        "judgmentDate": case.judgment_date.isoformat(),
        "obligor": {"name": case.obligor_masked_name},
        "damage": {"measuredLossKg": case.measured_loss_kg, "multiplier": case.multiplier,
                   "measuringAgency": case.measuring_agency,
                   "reportNumber": case.report_number},
        "orderedKg": case.required_kg,
        "retiredKg": case.retired_kg,
        "beneficiary": case.beneficiary_wording,
        "retirements": [retirement_claim(r) for r in retirements],
    }


def compensation_view(case, retirements) -> dict:
    """The plain dict the PDF is rendered from: addressed to the authority."""
    holders = []
    for retirement in retirements:
        name = db.session.get(Organization, retirement.organization_id).name
        if retirement.organization_id == case.obligor_organization_id or \
                (case.obligor_organization_id is None
                 and retirement.organization_id == case.payer_organization_id):
            name = case.obligor_masked_name
        if name not in holders:
            holders.append(name)
    lines = [
        (N_("Addressed to"), case.authority_name),
        (N_("Case number"), case.case_number),
        (N_("Judgment date"), date_values(case.judgment_date)),
        (N_("Obligor"), case.obligor_masked_name),
        (N_("Measured loss"),
         f"{format_tonnes(case.measured_loss_kg)} t × {case.multiplier}"
         f"（{case.measuring_agency} {case.report_number}）"),
        (N_("Quantity ordered"), f"{format_tonnes(case.required_kg)} t"),
        (N_("Quantity actually retired"), f"{format_tonnes(case.retired_kg)} t"),
        (N_("Ledger indexes"), ", ".join(f"#{r.ledger_seq}" for r in retirements)),
    ]
    title_zh, title_en = bilingual(TITLE)
    purpose_zh, purpose_en = bilingual_label("purpose", "ecological_compensation")
    return {"title_zh": title_zh, "title_en": title_en,
            "issued_at": china_date(case.fulfilled_at).isoformat(),
            "beneficiary_name": case.obligor_masked_name, "holder_name": "、".join(holders),
            "purpose_zh": purpose_zh, "purpose_en": purpose_en,
            "subject_lines": [_line(label, value) for label, value in lines],
            "quantity_kg": case.retired_kg,
            "serials": [s for r in retirements for s in serial_details(r)],
            "retirement_numbers": [r.number for r in retirements],
            "retired_at": iso(retirements[-1].retired_at),
            "ledger_index": None,  # one per retirement: listed in the subject lines
            "authority_name": case.authority_name, "case_number": case.case_number,
            "revoked": False}


def _line(label: str, value) -> dict:
    """A subject line: bilingual label; ``value`` a string shown in both languages, or
    ``{value, value_en}`` (dates: 2026年3月5日 / 5 Mar 2026, ``core.formatting``)."""
    values = value if isinstance(value, dict) else {"value": value}
    return {**dict(zip(("label_zh", "label_en"), bilingual(label))), **values}


def issue_compensation_certificate(case):
    """Sign the compensation certificate of a case that has just been fulfilled."""
    retirements = case_retirements(case)
    return issue_certificate(
        number=case.certificate_number, certificate_type="compensation",
        subject=compensation_subject(case, retirements),
        view=compensation_view(case, retirements), subject_id=case.id,
        valid_from=case.fulfilled_at, name=CREDENTIAL_NAME)
