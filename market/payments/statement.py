"""Bank statements (银行流水): read the CSV a bank exports and confirm the transfers it
shows, line by line, against pending bank-transfer orders.

A statement has one line per incoming transfer with the columns date, amount (yuan),
reference (附言) and payer, named in Chinese or English (交易日期 / 金额 / 附言 / 付款人,
``date`` / ``amount`` / ``reference`` / ``payer``, and a few synonyms banks use). The file
may be UTF-8 with or without a BOM, or GB18030 (what Chinese banks' exports usually are).

``read_statement(data)`` checks the file and parses its lines (a bad file is ``Invalid``,
422); ``confirm_line(admin, line)`` is the use case for one line: the order whose
reference the line carries is confirmed with the line's amount through
``bank.confirm_bank_transfer`` (the same rule as the API's confirmation), else a
``DomainError`` says why not. The caller gives each line its own transaction, so one
refusal never undoes another line, and importing the same file twice confirms nothing
twice (a fulfilled order is no longer pending).
"""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from flask_babel import gettext as _

from core import text
from core.db import db
from core.errors import Conflict, Invalid, NotFound, WrongState
from core.formatting import format_money
from core.labels import label
from market.models import Order, Payment
from market.payments import bank

MAX_BYTES = 2 * 1024 * 1024  # a month of a busy account is a few hundred kB
MAX_LINES = 5_000
MAX_AMOUNT_FEN = 100_000_000_000_00  # ¥100 billion: more is a typo or a hostile file
COLUMNS = {
    "date": ("date", "交易日期", "日期", "交易时间", "记账日期", "入账日期"),
    "amount": ("amount", "金额", "交易金额", "收入金额", "贷方金额", "贷方发生额"),
    "reference": ("reference", "附言", "摘要", "用途", "备注", "交易附言"),
    "payer": ("payer", "付款人", "付款人名称", "付款方", "对方户名", "对方账户名称"),
}
AMOUNT = re.compile(r"^(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?$", re.ASCII)
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d")


class UnknownReference(NotFound):
    code = "unknown_reference"


class AlreadyConfirmed(Conflict):
    code = "already_confirmed"


@dataclass(frozen=True)
class StatementLine:
    """One transfer of a statement: its line number in the file (the header is line 1),
    the booking date, the amount in fen, the reference (附言) as written, the payer."""

    line_number: int
    booked_on: date | None
    amount_fen: int
    reference: str
    payer: str


@dataclass(frozen=True)
class MalformedLine:
    """A line that could not be read, with why (in the reader's language)."""

    line_number: int
    raw: str
    reason: str


def decode(data: bytes) -> str:
    """UTF-8 (a BOM is dropped), else GB18030; anything else is ``Invalid`` (422)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise Invalid(_("The file is neither UTF-8 nor GB18030 text. Export the statement "
                        "as CSV."), {"file": [_("Not a CSV text file.")]}) from None


def _header_map(header: list[str]) -> dict[str, int]:
    names = [cell.strip().lstrip("\ufeff").lower() for cell in header]
    found = {}
    for column, synonyms in COLUMNS.items():
        for index, name in enumerate(names):
            if name in synonyms:
                found[column] = index
                break
    missing = [column for column in ("amount", "reference") if column not in found]
    if missing:
        raise Invalid(
            _("The first line must name the columns: date, amount, reference, payer "
              "(交易日期, 金额, 附言, 付款人)."),
            {"file": [_("Missing columns: %(columns)s.", columns=", ".join(
                f"{column} ({COLUMNS[column][1]})" for column in missing))]})
    return found


def parse_amount(value: str) -> int:
    """``"1,234.50"`` → ``123450`` fen exactly; ``ValueError`` for anything else: no
    sign, exponent or third decimal, at least ¥0.01 and at most ``MAX_AMOUNT_FEN``."""
    cleaned = value.strip().replace("\u00a0", "").replace(" ", "").lstrip("¥￥")
    if not AMOUNT.match(cleaned):
        raise ValueError(value)
    try:
        fen = int(Decimal(cleaned.replace(",", "")) * 100)
    except InvalidOperation:
        raise ValueError(value) from None
    if not 1 <= fen <= MAX_AMOUNT_FEN:
        raise ValueError(value)
    return fen


def parse_date(value: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    head = value.split()[0]
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(head, fmt).date()
        except ValueError:
            continue
    raise ValueError(value)


def _read_line(number: int, row: list[str], columns: dict[str, int]):
    raw = ",".join(row)
    cell = {column: (row[index].strip() if index < len(row) else "")
            for column, index in columns.items()}
    for value in cell.values():
        if (problem := text.problem(value, text.NAME)) is not None:
            return MalformedLine(number, raw, problem)
    if not cell["reference"]:
        return MalformedLine(number, raw, _("No reference (附言)."))
    try:
        amount_fen = parse_amount(cell["amount"])
    except ValueError:
        return MalformedLine(number, raw, _("The amount “%(amount)s” is not an amount in "
                                            "yuan.", amount=cell["amount"]))
    try:
        booked_on = parse_date(cell.get("date", ""))
    except ValueError:
        return MalformedLine(number, raw, _("The date “%(date)s” is not a date.",
                                            date=cell["date"]))
    return StatementLine(number, booked_on, amount_fen, cell["reference"], cell.get("payer", ""))


def read_statement(data: bytes) -> list[StatementLine | MalformedLine]:
    """The statement's transfer lines in file order (blank lines skipped), each read or
    malformed. ``Invalid`` (422) when the file is too large, not text, has no header
    naming the amount and reference columns, or no line at all."""
    if len(data) > MAX_BYTES:
        raise Invalid(_("The statement is larger than %(mib)s MiB; split it by month.",
                        mib=MAX_BYTES // (1024 * 1024)), {"file": [_("Too large.")]})
    content = decode(data)
    if "\x00" in content:
        raise Invalid(_("The file is neither UTF-8 nor GB18030 text. Export the statement "
                        "as CSV."), {"file": [_("Not a CSV text file.")]})
    reader = csv.reader(io.StringIO(content, newline=""))
    try:
        rows = [(reader.line_num, row) for row in reader]
    except csv.Error:
        raise Invalid(_("The file is not a readable CSV table."),
                      {"file": [_("Not a CSV text file.")]}) from None
    rows = [(number, row) for number, row in rows if any(cell.strip() for cell in row)]
    if len(rows) < 2:  # a header alone has no transfer to confirm
        raise Invalid(_("The statement is empty."), {"file": [_("No lines.")]})
    if len(rows) > MAX_LINES + 1:
        raise Invalid(_("At most %(count)s lines per statement.", count=MAX_LINES),
                      {"file": [_("Too large.")]})
    columns = _header_map(rows[0][1])
    return [_read_line(number, row, columns) for number, row in rows[1:]]


def _order_with_reference(reference: str) -> Order | None:
    return db.session.execute(sa.select(Order).where(
        Order.bank_reference == reference.strip().upper())).scalar_one_or_none()


def confirm_line(admin, line: StatementLine) -> Order:
    """Confirm the pending order whose reference ``line`` carries, with the line's amount.

    Raises ``UnknownReference`` (404) when no order has the reference,
    ``AlreadyConfirmed`` (409) when the order was already paid with this amount (the same
    statement imported again), and whatever ``bank.confirm_bank_transfer`` refuses
    otherwise: ``AmountMismatch`` (409) for another amount, ``WrongState`` (409) for an
    order no longer pending or past its window.
    """
    order = _order_with_reference(line.reference)
    if order is None:
        raise UnknownReference(_("No order has the reference %(reference)s.",
                                 reference=line.reference))
    if order.status == "fulfilled":
        paid = db.session.execute(sa.select(Payment.amount_fen).where(
            Payment.order_id == order.id, Payment.method == "bank_transfer")).scalars().all()
        if line.amount_fen in paid:
            raise AlreadyConfirmed(_("Order %(number)s was already confirmed with this amount.",
                                     number=order.number))
        raise WrongState(_("The order is %(status)s; the transfer must be returned.",
                                status=label("order_status", order.status)))
    try:
        return bank.confirm_bank_transfer(admin, order.id, reference=line.reference,
                                          amount_fen=line.amount_fen)
    except bank.AmountMismatch as error:
        # The API's message names fen; a statement is read in yuan, so say it in yuan.
        raise bank.AmountMismatch(
            _("Received %(received)s but the order totals %(total)s.",
              received=format_money(line.amount_fen), total=format_money(order.total_fen)),
            error.errors) from None
