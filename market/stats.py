"""The registry's public figures, maintained incrementally (issue #13).

``count_retirement`` and ``count_issuance`` add one retirement or one lot to the small
aggregate tables (``market.models.stats``) inside the transaction that made it: a
retirement through the ``retirement_created`` signal, an issuance from ``issue_lot``.
Both run after the ledger head is locked, so the aggregate rows are taken in the same
order as every other counter and never deadlock. Readers (home page, charts, the
registry's unfiltered total) read these rows and never sum the retirements.

``fresh_sums`` recomputes the same figures from the retirements and lots; ``rebuild``
writes them back (``flask stats rebuild``) and ``check_aggregates`` (part of ``flask
audit``) names every row that differs.
"""

from collections import defaultdict
from datetime import date

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from core import clock
from core.db import db, sum_int
from core.formatting import china_date
from market.models import Lot, RetiredByMonth, Retirement, ScenarioTotal
from market.models.issuance import SCENARIOS
from market.models.movements import PURPOSES
from market.signals import retirement_created


def month_of(moment) -> str:
    """``YYYY-MM`` of the Beijing date of a UTC moment."""
    return china_date(moment).strftime("%Y-%m")


def _add(model, keys: dict, amounts: dict) -> None:
    """``INSERT … ON CONFLICT DO UPDATE SET x = x + :x`` (PostgreSQL and SQLite alike)."""
    table = model.__table__
    insert = (postgresql.insert if db.session.get_bind().dialect.name == "postgresql"
              else sqlite.insert)
    stmt = insert(table).values(**keys, **amounts)
    db.session.execute(stmt.on_conflict_do_update(
        index_elements=list(keys),
        set_={name: table.c[name] + stmt.excluded[name] for name in amounts}))


def count_retirement(retirement: Retirement) -> None:
    """Add a just-recorded retirement: its month and purpose, and each lot's scenario
    for the kilograms retired from it (``serial_details`` are in memory)."""
    _add(RetiredByMonth, {"month": month_of(retirement.retired_at),
                          "purpose": retirement.purpose},
         {"retired_kg": retirement.quantity_kg, "retirement_count": 1})
    by_code = defaultdict(int)
    for serial in retirement.serial_details:
        by_code[serial["lot_code"]] += serial["quantity_kg"]
    scenarios = dict(db.session.execute(
        sa.select(Lot.code, Lot.scenario).where(Lot.code.in_(by_code))).all())
    by_scenario = defaultdict(int)
    for code, kg in by_code.items():
        by_scenario[scenarios[code]] += kg
    for scenario in sorted(by_scenario):
        _add(ScenarioTotal, {"scenario": scenario},
             {"issued_kg": 0, "retired_kg": by_scenario[scenario]})


def count_issuance(lot: Lot) -> None:
    """Add a just-issued lot to its scenario's issued kilograms."""
    _add(ScenarioTotal, {"scenario": lot.scenario}, {"issued_kg": lot.issued_kg, "retired_kg": 0})


def _on_retirement(sender, retirement, **extra) -> None:
    count_retirement(retirement)


def connect() -> None:
    retirement_created.connect(_on_retirement)


# --- reading ------------------------------------------------------------------------------

def totals() -> dict:
    """``{issued_kg, retired_kg, retirement_count}`` of the whole registry (two small
    reads)."""
    issued, retired = db.session.execute(sa.select(
        sum_int(ScenarioTotal.issued_kg), sum_int(ScenarioTotal.retired_kg))).one()
    return {"issued_kg": issued, "retired_kg": retired,
            "retirement_count": retirement_count()}


def retirement_count() -> int:
    """How many retirements the registry holds: the registry's unfiltered total."""
    return db.session.scalar(sa.select(sum_int(RetiredByMonth.retirement_count)))


def last_months(count: int = 12, today: date | None = None) -> list[str]:
    """The ``count`` Beijing months up to this one, oldest first (``YYYY-MM``)."""
    today = today or clock.today_in_china()
    year, month = today.year, today.month
    months = []
    for _ in range(count):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months[::-1]


def retired_by_month(months: list[str]) -> dict[str, dict[str, int]]:
    """month → purpose → kg, every month and purpose present (zeros included)."""
    table = {month: {purpose: 0 for purpose in PURPOSES} for month in months}
    rows = db.session.execute(sa.select(
        RetiredByMonth.month, RetiredByMonth.purpose, RetiredByMonth.retired_kg)
        .where(RetiredByMonth.month.in_(months))).all()
    for month, purpose, kg in rows:
        table[month][purpose] = kg
    return table


def by_scenario() -> dict[str, dict[str, int]]:
    """scenario → ``{issued_kg, retired_kg}``, every scenario present (zeros included)."""
    table = {scenario: {"issued_kg": 0, "retired_kg": 0} for scenario in SCENARIOS}
    for row in db.session.execute(sa.select(ScenarioTotal)).scalars():
        table[row.scenario] = {"issued_kg": row.issued_kg, "retired_kg": row.retired_kg}
    return table


# --- recomputing --------------------------------------------------------------------------

def _month_expression(dialect: str):
    if dialect == "postgresql":
        return sa.func.to_char(sa.func.timezone("Asia/Shanghai", Retirement.retired_at),
                               "YYYY-MM")
    # SQLite keeps UTC text: shift it to Beijing time (no daylight saving) first.
    return sa.func.strftime("%Y-%m", Retirement.retired_at, "+8 hours")


def fresh_sums() -> tuple[dict, dict]:
    """The aggregates recomputed from the retirements and the lots (set-based SQL):
    ``({(month, purpose): (kg, count)}, {scenario: (issued_kg, retired_kg)})``."""
    month = _month_expression(db.session.get_bind().dialect.name).label("month")
    monthly = {(m, p): (kg, n) for m, p, kg, n in db.session.execute(
        sa.select(month, Retirement.purpose, sum_int(Retirement.quantity_kg),
                  sa.func.count()).group_by(month, Retirement.purpose))}
    scenarios = {s: (issued, retired) for s, issued, retired in db.session.execute(
        sa.select(Lot.scenario, sum_int(Lot.issued_kg), sum_int(Lot.retired_kg))
        .group_by(Lot.scenario))}
    return monthly, scenarios


def stored_sums() -> tuple[dict, dict]:
    monthly = {(r.month, r.purpose): (r.retired_kg, r.retirement_count)
               for r in db.session.execute(sa.select(RetiredByMonth)).scalars()
               if r.retirement_count}
    scenarios = {r.scenario: (r.issued_kg, r.retired_kg)
                 for r in db.session.execute(sa.select(ScenarioTotal)).scalars()
                 if r.issued_kg or r.retired_kg}
    return monthly, scenarios


def check_aggregates() -> list[str]:
    """Public figures equal a fresh sum of retirements and lots."""
    problems = []
    for name, stored, fresh in zip(("retired by month", "scenario totals"), stored_sums(),
                                   fresh_sums()):
        for key in sorted(set(stored) | set(fresh), key=str):
            if stored.get(key) != fresh.get(key):
                problems.append(f"{name} {key}: stored {stored.get(key)}, "
                                f"fresh sum {fresh.get(key)}")
    return problems


def rebuild() -> tuple[int, int]:
    """Replace the aggregates by a fresh sum; returns the rows written (monthly,
    scenarios). Run inside a transaction (``flask stats rebuild``)."""
    monthly, scenarios = fresh_sums()
    db.session.execute(sa.delete(RetiredByMonth))
    db.session.execute(sa.delete(ScenarioTotal))
    db.session.add_all(RetiredByMonth(month=m, purpose=p, retired_kg=kg, retirement_count=n)
                       for (m, p), (kg, n) in monthly.items())
    db.session.add_all(ScenarioTotal(scenario=s, issued_kg=i, retired_kg=r)
                       for s, (i, r) in scenarios.items())
    db.session.flush()
    return len(monthly), len(scenarios)
