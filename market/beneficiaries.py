"""The distinct beneficiary names (``market.models.beneficiaries``): kept as retirements
are made, and searched by the public registry.

``remember`` adds a just-retired beneficiary's name in the retirement's transaction (the
``retirement_created`` signal; ``INSERT … ON CONFLICT DO NOTHING``); ``rebuild`` adds every
name the retirements hold and the table misses (``flask stats rebuild``, after retirements
were loaded by SQL); ``matching`` is the subquery of names containing a text.
"""

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from core.db import db
from market.models import BeneficiaryName, Retirement
from market.signals import retirement_created


def remember(name: str) -> None:
    """Add ``name`` (exactly as written) unless it is already known."""
    insert = (postgresql.insert if db.session.get_bind().dialect.name == "postgresql"
              else sqlite.insert)
    db.session.execute(insert(BeneficiaryName.__table__).values(name=name)
                       .on_conflict_do_nothing(index_elements=["name"]))


def _on_retirement(sender, retirement, **extra) -> None:
    remember(retirement.beneficiary_name)


def connect() -> None:
    retirement_created.connect(_on_retirement)


def rebuild() -> int:
    """Add the names of retirements missing from the table; returns how many were added."""
    missing = (sa.select(Retirement.beneficiary_name).distinct()
               .where(~sa.exists().where(BeneficiaryName.name == Retirement.beneficiary_name)))
    added = db.session.scalar(sa.select(sa.func.count()).select_from(missing.subquery()))
    if added:
        db.session.execute(sa.insert(BeneficiaryName).from_select(["name"], missing))
    return added


def matching(pattern):
    """The names that match the ``ILIKE`` ``pattern`` (escape character ``/``), as a
    subquery for ``Retirement.beneficiary_name.in_(…)``."""
    return sa.select(BeneficiaryName.name).where(BeneficiaryName.name.ilike(pattern, escape="/"))
