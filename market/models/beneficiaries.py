"""The distinct beneficiary names of the retirements, for the registry's search.

The registry's beneficiary search is a case-insensitive substring. On a million
retirements the trigram index of ``retirements.beneficiary_name`` must intersect the
posting lists of every trigram of the pattern, and trigrams shared by many names (a
common prefix, ``有限公司``) make those lists as long as the table: ~30 ms for a search
that finds 200 rows. Beneficiaries recur (an enterprise retires every month), so the
search first finds the matching *names* here — one row per distinct name, with its own
trigram index — and then their retirements through the ordinary index of
``retirements.beneficiary_name`` (``market.beneficiaries``).
"""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.db import db


class BeneficiaryName(db.Model):
    """One beneficiary name as written on at least one retirement (exact, case kept)."""

    __tablename__ = "beneficiary_names"

    name: Mapped[str] = mapped_column(sa.String(200), primary_key=True)


# PostgreSQL answers ILIKE '%…%' with a trigram index; SQLite keeps an ordinary index.
BENEFICIARY_NAME_SEARCH_INDEX = sa.Index(
    "ix_beneficiary_names_trgm", BeneficiaryName.__table__.c.name,
    postgresql_using="gin", postgresql_ops={"name": "gin_trgm_ops"})
