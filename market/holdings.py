"""What an organisation holds: its serial blocks by lot, and its totals per state."""

import sqlalchemy as sa

from core.db import db
from market.models import Lot, Methodology, SerialBlock
from market.models.lots import STATES


def holdings_of(organization) -> dict:
    """The organisation's blocks (oldest vintage first, then lot and serial) with their
    lot's code, methodology and vintage, and the kilograms it holds in each state:
    ``{items: [...], available_kg, listed_kg, reserved_kg, retired_kg}``."""
    rows = db.session.execute(
        sa.select(SerialBlock, Lot.code, Lot.vintage, Methodology.code)
        .join(Lot, Lot.id == SerialBlock.lot_id)
        .join(Methodology, Methodology.id == Lot.methodology_id)
        .where(SerialBlock.owner_id == organization.id)
        .order_by(Lot.vintage, SerialBlock.lot_id, SerialBlock.serial_start)
    ).all()
    items = [{"lot_id": b.lot_id, "lot_code": code, "methodology_code": method,
              "vintage": vintage, "serial_start": b.serial_start, "serial_end": b.serial_end,
              "quantity_kg": b.quantity_kg, "state": b.state}
             for b, code, vintage, method in rows]
    totals = {f"{state}_kg": sum(i["quantity_kg"] for i in items if i["state"] == state)
              for state in STATES}
    return {"items": items, **totals}


def available_by_lot(holdings: dict) -> list[dict]:
    """The lots of ``holdings`` that still have available units, with how many
    (``[{lot_id, lot_code, vintage, available_kg}]``, in the holdings' order)."""
    lots: dict[int, dict] = {}
    for item in holdings["items"]:
        if item["state"] == "available":
            lot = lots.setdefault(item["lot_id"], {"lot_id": item["lot_id"],
                                                   "lot_code": item["lot_code"],
                                                   "vintage": item["vintage"],
                                                   "available_kg": 0})
            lot["available_kg"] += item["quantity_kg"]
    return list(lots.values())
