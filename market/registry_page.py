"""One page of the public registry (``/registry``) read in one statement, as plain rows.

``retirements.keyset_page`` serves the API and the lot pages with ``Retirement`` objects
(one query for the page, one for the organisations, one for the serial ranges). The
public page shows 50 rows to anyone, on a registry of millions, and must cost little more
than the bare keyset ``SELECT`` (issue #13): here the page's retirements, their
organisations' names and their serial ranges come back in one statement

    WITH page AS (SELECT id FROM retirements WHERE <filters> [AND id < cursor]
                  ORDER BY id DESC LIMIT per_page + 1)
    SELECT r.…, o.name, b.serial_start, b.serial_end, l.code
    FROM page JOIN retirements r … JOIN organizations o … LEFT JOIN serial_blocks b …
    LEFT JOIN lots l … ORDER BY r.id DESC, b.lot_id, b.serial_start

and become ``RegistryRow`` objects (no ORM identity map, no lazy loads). The keyset, the
filters (``retirements.search_retirements``), the count and the annotators (revocation
marks) are the same as ``keyset_page``'s, so the page shows what it showed before.
"""

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from core.db import db
from core.models import Organization
from market import retirements
from market.models import Lot, Retirement, SerialBlock


@dataclass(slots=True)
class OrganizationName:
    """What the page shows of the retiring organisation."""

    name: str


@dataclass(slots=True)
class RegistryRow:
    """A retirement as the public registry page shows it; ``serial_details`` as
    ``retirements.attach_serials`` sets them (``serials_of`` reads them)."""

    id: int
    number: str
    certificate_number: str
    purpose: str
    beneficiary_name: str
    quantity_kg: int
    event_id: int | None
    claim_id: int | None
    case_id: int | None
    retired_at: datetime
    organization: OrganizationName
    serial_details: list = field(default_factory=list)
    revoked: bool = False


_COLUMNS = (Retirement.id, Retirement.number, Retirement.certificate_number, Retirement.purpose,
            Retirement.beneficiary_name, Retirement.quantity_kg, Retirement.event_id,
            Retirement.claim_id, Retirement.case_id, Retirement.retired_at)


def registry_page(stmt, after: str | None, per_page: int) -> dict:
    """One page of ``stmt`` (``retirements.search_retirements``) after the cursor.

    Returns ``{"items": [RegistryRow], "total": int, "total_capped": bool, "per_page": int,
    "next": cursor or None}`` like ``retirements.keyset_page``; raises ``Invalid`` for a
    cursor the registry did not give out.
    """
    ids = stmt.with_only_columns(Retirement.id)
    if after:
        ids = ids.where(Retirement.id < retirements.decode_cursor(after))
    page = ids.limit(per_page + 1).cte("page")
    rows = db.session.execute(
        sa.select(*_COLUMNS, Organization.name, SerialBlock.serial_start, SerialBlock.serial_end,
                  Lot.code)
        .select_from(page)
        .join(Retirement, Retirement.id == page.c.id)
        .join(Organization, Organization.id == Retirement.organization_id)
        .outerjoin(SerialBlock, SerialBlock.retirement_id == Retirement.id)
        .outerjoin(Lot, Lot.id == SerialBlock.lot_id)
        .order_by(Retirement.id.desc(), SerialBlock.lot_id, SerialBlock.serial_start)).all()
    items: list[RegistryRow] = []
    for row in rows:
        if not items or items[-1].id != row[0]:
            items.append(RegistryRow(*row[:10], organization=OrganizationName(row[10])))
        start, end, code = row[11], row[12], row[13]
        if start is not None:
            items[-1].serial_details.append(
                {"lot_code": code, "serial_start": start, "serial_end": end,
                 "quantity_kg": end - start + 1})
    more = len(items) > per_page
    items = items[:per_page]
    total, capped = ((len(items), False) if not (after or more)
                     else retirements.count_matches(stmt))
    retirements.annotate(items)
    return {"items": items, "total": total, "total_capped": capped, "per_page": per_page,
            "next": retirements.encode_cursor(items[-1]) if more else None}
