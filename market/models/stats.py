"""Public figures kept up to date as units are issued and retired, so that the home page
and the registry never sum every retirement on a request (issue #13).

Both tables are small (one row per Beijing month and purpose; one row per scenario) and
are written in the transaction of the issuance or retirement they count; ``flask stats
rebuild`` recomputes them and ``flask audit`` proves they equal a fresh sum.
"""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.db import db


class RetiredByMonth(db.Model):
    """Kilograms and retirements per Beijing calendar month (``YYYY-MM``) and purpose."""

    __tablename__ = "retired_by_month"
    __table_args__ = (
        sa.CheckConstraint("retired_kg >= 0 AND retirement_count >= 0", name="non_negative"),
    )

    month: Mapped[str] = mapped_column(sa.String(7), primary_key=True)
    purpose: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    retired_kg: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    retirement_count: Mapped[int] = mapped_column(sa.BigInteger, default=0)


class ScenarioTotal(db.Model):
    """Kilograms issued and retired per scenario (衣食住行购游). Revocation of a
    certificate does not un-retire units, so it changes nothing here."""

    __tablename__ = "scenario_totals"
    __table_args__ = (
        sa.CheckConstraint("issued_kg >= 0 AND retired_kg >= 0",
                           name="non_negative"),
    )

    scenario: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    issued_kg: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    retired_kg: Mapped[int] = mapped_column(sa.BigInteger, default=0)



# The registry's beneficiary search is a case-insensitive substring (``ILIKE '%…%'`` on
# PostgreSQL): a trigram index answers it without reading every retirement
# (docs/benchmarks.md, "Public registry"). SQLite keeps an ordinary index of the column.
def _beneficiary_search_index():
    from market.models.movements import Retirement

    return sa.Index("ix_retirements_beneficiary_trgm", Retirement.__table__.c.beneficiary_name,
                    postgresql_using="gin", postgresql_ops={"beneficiary_name": "gin_trgm_ops"})


BENEFICIARY_SEARCH_INDEX = _beneficiary_search_index()
