"""Retiring units (注销): irreversible, numbered, and announced to the certificate layer."""

import base64
import re
from datetime import date, datetime, time, timedelta, timezone

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from core.clock import CHINA
from core.db import db
from core.errors import Invalid, NotFound
from core.labels import label
from core.models import Organization
from market import beneficiaries, ledger, numbering, signals, stats, subjects, units
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
                      {"period_end": [_("The end must not be before the start.")]})


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


SERIAL = re.compile(r"^(?P<lot>[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*)-(?P<n>[0-9]{1,12})$")


def parse_serial(text: str) -> tuple[str, int]:
    """``JL-…-000012345`` (``{lot_code}-{n:09d}``, any case) → (lot code, serial)."""
    match = SERIAL.match(text.strip())
    if match is None or int(match["n"]) < 1:
        raise Invalid(_("Not a serial number."),
                      {"serial": [_("Write a lot code, a hyphen and the serial, e.g. %(example)s.",
                                    example="JL-2026-FOR-00001-000012345")]})
    return match["lot"].upper(), int(match["n"])


def check_serial_exists(code: str, n: int) -> None:
    """``Invalid`` (naming ``serial``) unless lot ``code`` exists and has a serial ``n``:
    a serial no lot has is a typing mistake to point out, not "no retirement holds it"."""
    issued_kg = db.session.scalar(sa.select(Lot.issued_kg).where(Lot.code == code))
    if issued_kg is None:
        raise Invalid(_("Not a serial number of this registry."),
                      {"serial": [_("No lot %(code)s in this registry.", code=code)]})
    if n > issued_kg:
        raise Invalid(_("Not a serial number of this registry."),
                      {"serial": [_("Lot %(code)s has the serials 1 to %(last)s.", code=code,
                                    last=f"{issued_kg:,}")]})


def china_day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC instants at which a Beijing calendar day starts and the next one starts.

    0001-01-01 starts in Beijing eight hours before the first instant a ``datetime`` can
    hold in UTC; its start is clamped to that instant (a filter ``from=0001-01-01`` then
    means "from the beginning", not a 500).
    """
    try:
        start = datetime.combine(day, time.min, tzinfo=CHINA).astimezone(timezone.utc)
    except OverflowError:
        start = datetime.min.replace(tzinfo=timezone.utc)
        next_day = datetime.combine(day + timedelta(days=1), time.min, tzinfo=CHINA)
        return start, next_day.astimezone(timezone.utc)
    return start, start + timedelta(days=1)


def like_escape(text: str) -> str:
    """``text`` as a literal inside a LIKE pattern whose escape character is ``/``."""
    return text.replace("/", "//").replace("%", "/%").replace("_", "/_")


def search_retirements(*, purpose=None, beneficiary=None, organization=None, lot_code=None,
                       number=None, serial=None, date_from=None, date_to=None):
    """The public registry of retirements matching every filter given, newest first.

    Newest first is by id: a retirement takes its id under the ledger head, after every
    earlier one committed, so id order is the order of ``retired_at`` and of the numbers.
    Text filters are case-insensitive substrings; ``number`` matches a JLR- or JLC- number
    exactly (any case); ``serial`` finds the retirement holding that one unit.
    """
    stmt = sa.select(Retirement).order_by(Retirement.id.desc())
    if purpose:
        stmt = stmt.where(Retirement.purpose == purpose)
    if beneficiary:
        # ILIKE on PostgreSQL (its trigram index answers it), lower() LIKE on SQLite. The
        # pattern is rendered into the statement (safely quoted): a prepared statement's
        # generic plan cannot see it and would walk every retirement by id instead.
        # The matching names come from the distinct names (``market.beneficiaries``: short
        # trigram posting lists), their retirements through the name's ordinary index.
        pattern = sa.literal(f"%{like_escape(beneficiary.strip())}%", literal_execute=True)
        stmt = stmt.where(Retirement.beneficiary_name.in_(beneficiaries.matching(pattern)))
    if organization:
        stmt = stmt.where(Retirement.organization_id.in_(
            sa.select(Organization.id).where(
                Organization.name.icontains(organization.strip(), autoescape=True))))
    if lot_code:
        stmt = stmt.where(Retirement.id.in_(
            sa.select(SerialBlock.retirement_id).join(Lot, Lot.id == SerialBlock.lot_id)
            .where(Lot.code == lot_code.strip().upper())))
    if number:
        wanted = number.strip().upper()
        stmt = stmt.where(sa.or_(Retirement.number == wanted,
                                 Retirement.certificate_number == wanted))
    if serial:
        code, n = parse_serial(serial)
        check_serial_exists(code, n)
        stmt = stmt.where(Retirement.id.in_(
            sa.select(SerialBlock.retirement_id).join(Lot, Lot.id == SerialBlock.lot_id)
            .where(Lot.code == code, SerialBlock.serial_start <= n, SerialBlock.serial_end >= n,
                   SerialBlock.retirement_id.is_not(None))))
    if date_from:
        stmt = stmt.where(Retirement.retired_at >= china_day_bounds(date_from)[0])
    if date_to:
        stmt = stmt.where(Retirement.retired_at < china_day_bounds(date_to)[1])
    return stmt


def encode_cursor(retirement: Retirement) -> str:
    """The opaque ``after`` cursor that continues the list after ``retirement``."""
    return base64.urlsafe_b64encode(f"r{retirement.id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """The retirement id inside a cursor ``encode_cursor`` gave out; ``Invalid`` for any
    other text, including an id no retirement can have (beyond a 64-bit integer, which
    the database cannot even compare with)."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
        if not (text.startswith("r") and text[1:].isdigit()) or not 1 <= int(text[1:]) < 2**63:
            raise ValueError(cursor)
        return int(text[1:])
    except ValueError:
        raise Invalid(_("This page link is not valid."),
                      {"after": [_("Not a cursor this registry gave out.")]}) from None


def keyset_page(stmt, after: str | None, per_page: int) -> dict:
    """One page of ``stmt`` (newest first) after the cursor, and the cursor of the next.

    A retirement made while a reader pages has a higher id than every row already shown,
    so it never shifts a later page: it appears only when the reader starts over.
    ``total`` is what the page says about how many there are, without counting a million
    rows per request: the whole registry's count comes from the incrementally kept
    aggregates (``market.stats``); a search counts its matches up to ``COUNT_CAP`` and
    says ``total_capped`` when there are more.
    """
    page_stmt = stmt.options(selectinload(Retirement.organization))
    if after:
        page_stmt = page_stmt.where(Retirement.id < decode_cursor(after))
    items = db.session.execute(page_stmt.limit(per_page + 1)).scalars().all()
    more = len(items) > per_page
    items = items[:per_page]
    # A first page that holds every match has counted them already.
    total, capped = (len(items), False) if not (after or more) else count_matches(stmt)
    attach_serials(items)
    annotate(items)
    return {"items": items, "total": total, "total_capped": capped, "per_page": per_page,
            "next": encode_cursor(items[-1]) if more else None}


COUNT_CAP = 1000


def count_matches(stmt) -> tuple[int, bool]:
    """(how many retirements ``stmt`` selects, whether there are more than that): the
    unfiltered registry from the aggregates, a search up to ``COUNT_CAP`` + 1 rows."""
    if stmt.whereclause is None:
        return stats.retirement_count(), False
    found = db.session.execute(sa.select(sa.func.count()).select_from(
        stmt.order_by(None).limit(COUNT_CAP + 1).subquery())).scalar_one()
    return min(found, COUNT_CAP), found > COUNT_CAP


def iter_retirements(stmt, batch: int = 500):
    """Every retirement ``stmt`` selects (newest first), read in keyset batches with their
    serials and marks: an export of a million rows holds one batch in memory at a time."""
    stmt = stmt.options(selectinload(Retirement.organization))
    last_id = None
    while True:
        page_stmt = stmt if last_id is None else stmt.where(Retirement.id < last_id)
        rows = db.session.execute(page_stmt.limit(batch)).scalars().all()
        if not rows:
            return
        attach_serials(rows)
        annotate(rows)
        yield from rows
        last_id = rows[-1].id
        if len(rows) < batch:
            return


# Upper layers add what they know about a row of the registry (``certificates`` marks
# revoked certificates) without market importing them: fn(list of retirements) sets
# attributes on each.
_annotators: list = []


def register_annotator(fn) -> None:
    if fn not in _annotators:
        _annotators.append(fn)


def annotate(rows: list[Retirement]) -> list[Retirement]:
    for retirement in rows:
        retirement.revoked = False
    for fn in _annotators:
        fn(rows)
    return rows


def attach_serials(retirements: list[Retirement]) -> list[Retirement]:
    """Read the serial ranges of many retirements in one query (lists and pages), so
    ``serials_of`` answers from memory instead of one query per row."""
    by_id = {r.id: r for r in retirements}
    for retirement in retirements:
        retirement.serial_details = []
    # Plain columns, not SerialBlock objects: an export reads a million of these.
    rows = db.session.execute(
        sa.select(SerialBlock.retirement_id, SerialBlock.serial_start, SerialBlock.serial_end,
                  Lot.code, Lot.vintage, Methodology.code)
        .join(Lot, Lot.id == SerialBlock.lot_id)
        .join(Methodology, Methodology.id == Lot.methodology_id)
        .where(SerialBlock.retirement_id.in_(by_id))
        .order_by(SerialBlock.lot_id, SerialBlock.serial_start)).all() if by_id else []
    for retirement_id, start, end, code, vintage, method in rows:
        by_id[retirement_id].serial_details.append(
            {"lot_code": code, "serial_start": start, "serial_end": end,
             "quantity_kg": end - start + 1, "methodology_code": method, "vintage": vintage})
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
