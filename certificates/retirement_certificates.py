"""Every retirement gets its signed certificate in the retirement's own transaction.

``market`` announces the retirement with a signal; this module listens (market never
imports certificates).
"""

import sqlalchemy as sa
from flask import current_app

from certificates.credentials import issue_certificate, iso
from core.db import db
from core.formatting import china_date, date_values
from core.i18n import N_, bilingual
from core.labels import bilingual_label
from core.models import Organization
from market.models import LedgerEntry, Lot, Methodology, SerialBlock
from market.signals import retirement_created

#: How an upper package names what a retirement covers, ``{field: name_of(id) -> str}``
#: (cases: the case's 案号); a field without one is shown by its id.
_subject_names: dict[str, tuple[str, object]] = {}


def register_subject_name(field: str, key: str, name_of) -> None:
    """Name the ``field`` (``case_id`` …) a retirement covers on its certificate by
    ``name_of(id)`` and sign it in the subject under ``key`` (``caseNumber``): a reader
    knows a case by its 案号, not by the registry's row id."""
    _subject_names[field] = (key, name_of)


def serial_details(retirement) -> list[dict]:
    """The retired serial ranges with their lot's methodology and vintage."""
    if getattr(retirement, "serial_details", None) is not None:  # just retired: in memory
        return retirement.serial_details
    rows = db.session.execute(
        sa.select(SerialBlock, Lot.code, Lot.vintage, Methodology.code)
        .join(Lot, Lot.id == SerialBlock.lot_id).join(Methodology, Methodology.id == Lot.methodology_id)
        .where(SerialBlock.retirement_id == retirement.id)
        .order_by(SerialBlock.lot_id, SerialBlock.serial_start)).all()
    return [{"lot_code": code, "serial_start": b.serial_start, "serial_end": b.serial_end,
             "quantity_kg": b.quantity_kg, "methodology_code": method, "vintage": vintage}
            for b, code, vintage, method in rows]


def ledger_seqs(retirement) -> list[int]:
    if getattr(retirement, "ledger_entries", None) is not None:
        return retirement.ledger_entries
    return list(db.session.execute(sa.select(LedgerEntry.seq).where(
        LedgerEntry.ref == retirement.number, LedgerEntry.type == "retire")
        .order_by(LedgerEntry.seq)).scalars())


#: Where the double-claim check of a lot is published (INTEROP.md §5; interop's route).
CLAIM_CHECK_PATH = "/api/v1/interop/claim-checks/lots/"


def credential_serials(serials: list[dict]) -> list[dict]:
    base = current_app.config["BASE_URL"]
    return [{"lotCode": s["lot_code"], "serialStart": s["serial_start"],
             "serialEnd": s["serial_end"], "quantityKg": s["quantity_kg"],
             "methodology": s["methodology_code"], "vintage": s["vintage"],
             "range": f"{s['lot_code']}-{s['serial_start']:09d}-{s['serial_end']:09d}",
             # The lot's double-claim check, by reference: signed with the certificate,
             # readable by anyone (null there when the lot was issued without a scope).
             "claimCheck": f"{base}{CLAIM_CHECK_PATH}{s['lot_code']}"}
            for s in serials]


def retirement_claim(retirement) -> dict:
    """The part of a credential that proves one retirement: number, serials, ledger."""
    return {"retirementNumber": retirement.number,
            "retiredAt": retirement.retired_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "quantityKg": retirement.quantity_kg,
            "serials": credential_serials(serial_details(retirement)),
            "ledgerIndex": retirement.ledger_seq, "ledgerEntries": ledger_seqs(retirement)}


def issue_retirement_certificate(retirement):
    holder = db.session.get(Organization, retirement.organization_id)
    details = serial_details(retirement)
    purpose_zh, purpose_en = bilingual_label("purpose", retirement.purpose)
    subject = {"type": "CarbonRetirement", "purpose": retirement.purpose,
               "beneficiary": retirement.beneficiary_name,
               "holder": {"id": f"urn:registry:organization:{holder.id}", "name": holder.name},
               **retirement_claim(retirement)}
    lines = []
    if retirement.period_start:
        subject["period"] = {"start": retirement.period_start.isoformat(),
                             "end": retirement.period_end.isoformat()}
        zh, en = bilingual(N_("Period"))
        lines.append({"label_zh": zh, "label_en": en,
                      **date_values(retirement.period_start, retirement.period_end)})
    for field, text in (("event_id", N_("Event No.")), ("claim_id", N_("Claim No.")),
                        ("case_id", N_("Case No."))):
        if value := getattr(retirement, field):
            subject[field.replace("_id", "Id")] = value
            shown = f"#{value}"
            if field in _subject_names:
                key, name_of = _subject_names[field]
                if name := name_of(value):
                    subject[key] = shown = name
            zh, en = bilingual(text)
            lines.append({"label_zh": zh, "label_en": en, "value": shown})
    title_zh, title_en = bilingual(N_("Certificate of Retirement of Carbon-Inclusion Reductions"))
    # The certificate's date is the Beijing date of the retirement (DOMAIN.md §8); the
    # moment itself is kept in UTC and shown in China Standard Time when rendered.
    view = {"title_zh": title_zh, "title_en": title_en,
            "issued_at": china_date(retirement.retired_at).isoformat(),
            "beneficiary_name": retirement.beneficiary_name, "holder_name": holder.name,
            "purpose_zh": purpose_zh, "purpose_en": purpose_en, "subject_lines": lines,
            "quantity_kg": retirement.quantity_kg, "serials": details,
            "retirement_numbers": [retirement.number],
            "retired_at": iso(retirement.retired_at),
            "ledger_index": retirement.ledger_seq, "revoked": False}
    return issue_certificate(number=retirement.certificate_number, certificate_type="retirement",
                             subject=subject, view=view, subject_id=retirement.id,
                             retirement_id=retirement.id, valid_from=retirement.retired_at,
                             name="碳普惠减排量注销证明 / Retirement certificate")


def _on_retirement(sender, retirement, **extra):
    issue_retirement_certificate(retirement)


def connect() -> None:
    retirement_created.connect(_on_retirement)
