"""Reading lots: the public catalogue of issuances."""

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from core.db import db
from core.errors import NotFound
from market.models import Lot, Methodology


def search_lots(*, scenario: str | None = None, vintage: int | None = None,
                seller_id: int | None = None, methodology_code: str | None = None):
    """Lots matching every filter given, oldest first, as a select for one page."""
    stmt = sa.select(Lot).order_by(Lot.id)
    if scenario is not None:
        stmt = stmt.where(Lot.scenario == scenario)
    if vintage is not None:
        stmt = stmt.where(Lot.vintage == vintage)
    if seller_id is not None:
        stmt = stmt.where(Lot.seller_id == seller_id)
    if methodology_code is not None:
        stmt = stmt.join(Methodology).where(Methodology.code == methodology_code)
    return stmt


def get_lot(lot_id: int) -> Lot:
    lot = db.session.get(Lot, lot_id)
    if lot is None:
        raise NotFound(_("No such lot."))
    return lot


def get_lot_by_code(code: str) -> Lot:
    """A lot by its code (``JL-2026-TR-METRO-00007``, any case); NotFound otherwise."""
    code = code.strip()
    lot = db.session.execute(sa.select(Lot).options(selectinload(Lot.methodology))
                             .where(Lot.code.in_({code, code.upper()}))
                             .order_by(Lot.code != code)).scalars().first()
    if lot is None:
        raise NotFound(_("No such lot."))
    return lot


def iter_lots(stmt, batch: int = 500):
    """Every lot ``stmt`` selects (oldest first), read in keyset batches (exports)."""
    stmt = stmt.options(selectinload(Lot.methodology))
    last_id = 0
    while True:
        rows = db.session.execute(stmt.where(Lot.id > last_id).limit(batch)).scalars().all()
        yield from rows
        if len(rows) < batch:
            return
        last_id = rows[-1].id
