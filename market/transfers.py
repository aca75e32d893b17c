"""Transfers and donations of available units between organisations."""

import sqlalchemy as sa
from flask_babel import gettext as _

from core.db import db
from core.errors import Invalid
from core.models import Organization
from core.schemas import MAX_ID
from market import ledger, numbering, units
from market.models import Lot, Transfer


def find_recipient(reference: str) -> Organization:
    """The organisation a person names by its 统一社会信用代码 (18 characters) or by its
    registry number (the organisation id the API uses)."""
    text = reference.strip().upper()
    recipient = None
    if len(text) == 18:
        recipient = db.session.execute(
            sa.select(Organization).where(Organization.credit_code == text)).scalar_one_or_none()
    elif text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID:
        recipient = db.session.get(Organization, int(text))
    if recipient is None:
        raise Invalid(_("Unknown recipient."), {"to_organization_id": [
            _("No organisation has this unified social credit code or registry number.")]})
    return recipient


def transfer_units(organization, *, to_organization_id, lot_id, quantity_kg, note=None) -> Transfer:
    """Give ``quantity_kg`` of the organisation's available units of a lot to another."""
    if to_organization_id == organization.id:
        raise Invalid(_("A transfer needs another organisation."),
                      {"to_organization_id": [_("Must not be your own organisation.")]})
    if db.session.get(Organization, to_organization_id) is None:
        raise Invalid(_("Unknown recipient."), {"to_organization_id": [_("No such organisation.")]})
    if db.session.get(Lot, lot_id) is None:
        raise Invalid(_("Unknown lot."), {"lot_id": [_("No such lot.")]})
    blocks = units.carve(quantity_kg, what="available units of this lot",
                         owner_id=organization.id, state="available", lot_id=lot_id)
    codes = units.lot_codes(blocks)
    head = ledger.lock_head(len(blocks))
    number = numbering.next_number("JLT", "transfer")
    entries = ledger.append(head, "transfer", blocks, lot_codes=codes,
                            to_org_id=to_organization_id, ref=number)
    transfer = Transfer(number=number, from_org_id=organization.id,
                        to_org_id=to_organization_id, lot_id=lot_id, quantity_kg=quantity_kg,
                        note=note, ledger_seq=entries[0].seq, created_at=entries[0].created_at)
    db.session.add(transfer)
    units.settle(blocks, state="available", owner_id=to_organization_id)
    return transfer
