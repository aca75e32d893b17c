"""Every SQL sum of kg, fen or counts goes through ``core.db.sum_int``: an ``int`` on both
engines (PostgreSQL sums a bigint column as numeric, which arrives as a ``Decimal`` and
JSON writes as a string)."""

import re
from pathlib import Path

import sqlalchemy as sa

from core.db import db, sum_int
from factories import make_lot, make_org
from market.models import Lot

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("core", "market", "certificates", "events", "cases", "interop", "tlog")
BARE_SUM = re.compile(r"func\.sum\(")


def test_no_module_sums_without_sum_int():
    offenders = [f"{path.relative_to(ROOT)}:{number}"
                 for package in PACKAGES for path in (ROOT / package).rglob("*.py")
                 if path != ROOT / "core" / "db.py"
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if BARE_SUM.search(line)]
    assert offenders == [], "use core.db.sum_int: " + ", ".join(offenders)


def test_sum_int_is_an_int_over_rows_and_zero_over_none(app):
    assert db.session.scalar(sa.select(sum_int(Lot.issued_kg))) == 0
    seller = make_org("seller")
    make_lot(seller, 1_500)
    make_lot(seller, 2_500)
    total = db.session.scalar(sa.select(sum_int(Lot.issued_kg)))
    assert total == 4_000 and type(total) is int
