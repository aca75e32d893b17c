"""Status statements (INTEROP.md §4, the 互认 handshake): a signed answer to "what is the
state of these serials?" that any party verifies offline with the registry's DID
document.

``make_statement(ranges)`` → a W3C VC 2.0 of type ``UnitStatusStatement``, eddsa-jcs-2022,
``credentialSubject = {tree_size, checkpoint, ranges: [{lot_code, serial_start,
serial_end, lot_found, pieces: [{serial_start, serial_end, quantity_kg, state, holder_name,
ledger_seq, retirement?: {number, purpose, beneficiary_masked, certificate_number,
ledger_seq}}]}]}``. ``state`` is available, listed, reserved, retired, or not_issued (serials
beyond the lot's issued quantity). ``ledger_seq`` is the last ledger entry that moved any
of the piece's serials; with ``tree_size`` and the signed ``checkpoint`` note an
inclusion proof of it can be asked (``/api/v1/transparency/proofs/inclusion``).
"""

import sqlalchemy as sa
from flask_babel import gettext as _

from core.db import db
from core.errors import Invalid, NotFound
from core.models import Organization
from interop.signing import sign_credential
from market.lots import get_lot_by_code
from market.models import LedgerEntry, Retirement, SerialBlock
from tlog import checkpoints

STATEMENT_TYPE = "UnitStatusStatement"
MAX_RANGES = 20
MAX_PIECES = 1000  # per asked range
MASK = "某"


def mask_name(name: str) -> str:
    """The public form of a beneficiary: first letter or character + 某 (张三 → 张某), as
    the registry shows obligors; never more than one character of the name."""
    first = next((c for c in name if c.isalnum()), None)
    return (first.upper() if first and len(first.upper()) == 1 else first or "") + MASK


def _last_seq(lot_id: int, start: int, end: int) -> int | None:
    return db.session.execute(sa.select(sa.func.max(LedgerEntry.seq)).where(
        LedgerEntry.lot_id == lot_id, LedgerEntry.serial_start <= end,
        LedgerEntry.serial_end >= start)).scalar()


def _piece(block, start, end, holders, retirements) -> dict:
    piece = {"serial_start": start, "serial_end": end, "quantity_kg": end - start + 1,
             "state": block.state, "holder_name": holders.get(block.owner_id),
             "ledger_seq": _last_seq(block.lot_id, start, end)}
    retirement = retirements.get(block.retirement_id)
    if block.state == "retired" and retirement is not None:
        piece["retirement"] = {
            "number": retirement.number, "purpose": retirement.purpose,
            "beneficiary_masked": mask_name(retirement.beneficiary_name),
            "certificate_number": retirement.certificate_number,
            "ledger_seq": retirement.ledger_seq}
    return piece


def describe_range(index: int, lot_code: str, start: int, end: int) -> dict:
    """The pieces of one asked range, lowest serials first; the lot code in any case
    (``lot_code`` echoes it as asked, the pieces are the lot's)."""
    entry = {"lot_code": lot_code, "serial_start": start, "serial_end": end}
    try:
        lot = get_lot_by_code(lot_code)
    except NotFound:
        return {**entry, "lot_found": False, "pieces": []}
    blocks = db.session.execute(sa.select(SerialBlock).where(
        SerialBlock.lot_id == lot.id, SerialBlock.serial_start <= end,
        SerialBlock.serial_end >= start).order_by(SerialBlock.serial_start)
        .limit(MAX_PIECES + 1)).scalars().all()
    if len(blocks) > MAX_PIECES:
        message = _("This range has more than %(count)s pieces; ask for a smaller range.",
                    count=MAX_PIECES)
        raise Invalid(message, {f"ranges.{index}": [message]})
    holders = dict(db.session.execute(sa.select(Organization.id, Organization.name).where(
        Organization.id.in_({b.owner_id for b in blocks}))).all())
    retirements = {r.id: r for r in db.session.execute(sa.select(Retirement).where(
        Retirement.id.in_({b.retirement_id for b in blocks if b.retirement_id}))).scalars()}
    pieces = [_piece(b, max(start, b.serial_start), min(end, b.serial_end), holders,
                     retirements) for b in blocks]
    if end > lot.issued_kg:
        first = max(start, lot.issued_kg + 1)
        pieces.append({"serial_start": first, "serial_end": end,
                       "quantity_kg": end - first + 1, "state": "not_issued"})
    return {**entry, "lot_found": True, "pieces": pieces}


def make_statement(ranges: list[dict]) -> dict:
    """Sign a status statement for ``ranges`` ([{lot_code, serial_start, serial_end}]).
    Runs in a transaction: it may sign a fresh checkpoint when the log has grown."""
    checkpoint = checkpoints.latest_checkpoint()
    described = [describe_range(i, r["lot_code"], r["serial_start"], r["serial_end"])
                 for i, r in enumerate(ranges)]
    return sign_credential(STATEMENT_TYPE, {
        "tree_size": checkpoint.tree_size, "checkpoint": checkpoint.note,
        "ranges": described})
