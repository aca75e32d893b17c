"""Retiring units (注销): irreversible, numbered, and announced to the certificate layer."""

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from core.db import db
from core.errors import Invalid, NotFound
from core.labels import label
from market import ledger, numbering, signals, subjects, units
from market.models import Lot, Methodology, Retirement, SerialBlock

NEEDS = {
    "event_neutrality": ("event_id",),
    "ecological_compensation": ("case_id",),
    "organization_operations": ("period_start", "period_end"),
    "pilot_neutrality": ("period_start", "period_end"),
}


def check_instruction(instruction: dict) -> None:
    """The purpose-specific fields of API.md; raises Invalid naming what is missing."""
    missing = [f for f in NEEDS.get(instruction["purpose"], ()) if instruction.get(f) is None]
    if missing:
        raise Invalid(_("The purpose “%(purpose)s” needs %(fields)s.",
                        purpose=label("purpose", instruction["purpose"]),
                        fields=", ".join(missing)),
                      {f: [_("Required for the purpose “%(purpose)s”.",
                             purpose=label("purpose", instruction["purpose"]))]
                       for f in missing})
    start, end = instruction.get("period_start"), instruction.get("period_end")
    if start and end and end < start:
        raise Invalid(_("The period ends before it starts."),
                      {"period_end": [_("Must not be before %(field)s.", field="period_start")]})


def parse_stored_instruction(stored: dict) -> dict:
    """An instruction kept as JSON on an order, with its dates back as dates."""
    instruction = dict(stored)
    for field in ("period_start", "period_end"):
        if instruction.get(field):
            instruction[field] = date.fromisoformat(instruction[field])
    return instruction


def retire_units(organization, instruction: dict) -> Retirement:
    """Retire ``quantity_kg`` of the organisation's available units, lowest serials of
    the oldest vintage first (or of ``lot_id`` only)."""
    check_instruction(instruction)
    subjects.check(organization, instruction)
    match = {"owner_id": organization.id, "state": "available"}
    if instruction.get("lot_id") is not None:
        if db.session.get(Lot, instruction["lot_id"]) is None:
            raise Invalid(_("Unknown lot."), {"lot_id": [_("No such lot.")]})
        match["lot_id"] = instruction["lot_id"]
    blocks = units.carve(instruction["quantity_kg"], what="available units", **match)
    return record_retirement(organization, instruction, blocks, from_state="available")


def record_retirement(organization, instruction: dict, blocks: list[SerialBlock], *,
                      from_state: str, order_id: int | None = None) -> Retirement:
    """Turn carved blocks into a retirement: totals, ledger, number, frozen blocks."""
    facts = units.lot_facts(blocks)
    codes = {lot_id: fact["code"] for lot_id, fact in facts.items()}
    units.shift_totals(blocks, from_state, "retired")
    head = ledger.lock_head(len(blocks))
    number = numbering.next_number("JLR", "retirement")
    entries = ledger.append(head, "retire", blocks, lot_codes=codes,
                            to_org_id=organization.id, ref=number)
    retirement = Retirement(
        number=number, certificate_number=numbering.next_number("JLC", "certificate"),
        organization_id=organization.id, purpose=instruction["purpose"],
        beneficiary_name=instruction["beneficiary_name"], quantity_kg=units.total_kg(blocks),
        period_start=instruction.get("period_start"), period_end=instruction.get("period_end"),
        event_id=instruction.get("event_id"), claim_id=instruction.get("claim_id"),
        case_id=instruction.get("case_id"), note=instruction.get("note"), order_id=order_id,
        ledger_seq=entries[0].seq, retired_at=entries[0].created_at,
    )
    db.session.add(retirement)
    db.session.flush()
    units.settle(blocks, state="retired", owner_id=organization.id, retirement_id=retirement.id,
                 listing_id=None, order_id=None)
    # What the response and the certificate need, from memory rather than new queries
    # while this transaction holds the ledger head.
    retirement.serial_details = [
        {"lot_code": codes[b.lot_id], "serial_start": b.serial_start, "serial_end": b.serial_end,
         "quantity_kg": b.quantity_kg, "methodology_code": facts[b.lot_id]["methodology_code"],
         "vintage": facts[b.lot_id]["vintage"]}
        for b in sorted(blocks, key=lambda b: (b.lot_id, b.serial_start))]
    retirement.ledger_entries = [entry.seq for entry in entries]
    signals.retirement_created.send(retirement, retirement=retirement)
    return retirement


def get_retirement(retirement_id: int) -> Retirement:
    retirement = db.session.get(Retirement, retirement_id)
    if retirement is None:
        raise NotFound(_("No such retirement."))
    return retirement


def get_own_retirement(organization, number: str) -> Retirement:
    """One of the organisation's own retirements by its number (another's is not found)."""
    retirement = db.session.execute(sa.select(Retirement).where(
        Retirement.number == number, Retirement.organization_id == organization.id)
    ).scalar_one_or_none()
    if retirement is None:
        raise NotFound(_("No such retirement."))
    return retirement


def search_retirements(*, purpose=None, beneficiary=None, lot_code=None):
    """The public registry of retirements, newest first."""
    stmt = sa.select(Retirement).order_by(Retirement.id.desc())
    if purpose:
        stmt = stmt.where(Retirement.purpose == purpose)
    if beneficiary:
        stmt = stmt.where(Retirement.beneficiary_name.contains(beneficiary, autoescape=True))
    if lot_code:
        stmt = stmt.where(Retirement.id.in_(
            sa.select(SerialBlock.retirement_id).join(Lot, Lot.id == SerialBlock.lot_id)
            .where(Lot.code == lot_code)))
    return stmt


def attach_serials(retirements: list[Retirement]) -> list[Retirement]:
    """Read the serial ranges of many retirements in one query (lists and pages), so
    ``serials_of`` answers from memory instead of one query per row."""
    by_id = {r.id: r for r in retirements}
    for retirement in retirements:
        retirement.serial_details = []
    rows = db.session.execute(
        sa.select(SerialBlock, Lot.code, Lot.vintage, Methodology.code)
        .join(Lot, Lot.id == SerialBlock.lot_id)
        .join(Methodology, Methodology.id == Lot.methodology_id)
        .where(SerialBlock.retirement_id.in_(by_id))
        .order_by(SerialBlock.lot_id, SerialBlock.serial_start)).all() if by_id else []
    for block, code, vintage, method in rows:
        by_id[block.retirement_id].serial_details.append(
            {"lot_code": code, "serial_start": block.serial_start,
             "serial_end": block.serial_end, "quantity_kg": block.quantity_kg,
             "methodology_code": method, "vintage": vintage})
    return retirements


def serials_of(retirement: Retirement) -> list[dict]:
    """The serial ranges a retirement cancelled, named as in DOMAIN.md §2."""
    if getattr(retirement, "serial_details", None) is not None:
        return [{"lot_code": s["lot_code"], "serial_start": s["serial_start"],
                 "serial_end": s["serial_end"], "quantity_kg": s["quantity_kg"],
                 "range": f"{s['lot_code']}-{s['serial_start']:09d}-{s['serial_end']:09d}"}
                for s in retirement.serial_details]
    rows = db.session.execute(
        sa.select(SerialBlock, Lot.code).join(Lot, Lot.id == SerialBlock.lot_id)
        .where(SerialBlock.retirement_id == retirement.id)
        .order_by(SerialBlock.lot_id, SerialBlock.serial_start)
    ).all()
    return [{"lot_code": code, "serial_start": b.serial_start, "serial_end": b.serial_end,
             "quantity_kg": b.quantity_kg,
             "range": f"{code}-{b.serial_start:09d}-{b.serial_end:09d}"} for b, code in rows]
