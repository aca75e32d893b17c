"""What an organisation holds: its serial blocks, by lot, with a total per state."""

import sqlalchemy as sa

from core.db import db
from market.models import Lot, SerialBlock
from market.models.lots import STATES


def holdings_of(organization) -> dict:
    """Every block ``organization`` owns (oldest vintage first) and its total kg in each
    state: ``{items, available_kg, listed_kg, reserved_kg, retired_kg}``."""
    rows = db.session.execute(
        sa.select(SerialBlock, Lot.code).join(Lot, Lot.id == SerialBlock.lot_id)
        .where(SerialBlock.owner_id == organization.id)
        .order_by(Lot.vintage, SerialBlock.lot_id, SerialBlock.serial_start)
    ).all()
    items = [{"lot_id": b.lot_id, "lot_code": code, "serial_start": b.serial_start,
              "serial_end": b.serial_end, "quantity_kg": b.quantity_kg, "state": b.state}
             for b, code in rows]
    totals = {f"{s}_kg": sum(i["quantity_kg"] for i in items if i["state"] == s)
              for s in STATES}
    return {"items": items, **totals}
