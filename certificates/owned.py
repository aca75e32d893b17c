"""The certificates an organisation holds: those of its own retirements."""

import sqlalchemy as sa

from certificates.models import Certificate
from core.db import db
from market.models import Retirement


def certificates_of(organization) -> list[dict]:
    """The organisation's retirement certificates, newest first, as plain rows:
    ``{number, type, status, retired_at, retirement_number, quantity_kg,
    beneficiary_name, purpose}``."""
    rows = db.session.execute(
        sa.select(Certificate.number, Certificate.type, Certificate.revoked_at,
                  Retirement.retired_at, Retirement.number, Retirement.quantity_kg,
                  Retirement.beneficiary_name, Retirement.purpose)
        .join(Retirement, Retirement.id == Certificate.retirement_id)
        .where(Retirement.organization_id == organization.id)
        .order_by(Retirement.retired_at.desc(), Certificate.id.desc())).all()
    return [{"number": number, "type": kind,
             "status": "revoked" if revoked_at is not None else "valid",
             "retired_at": retired_at, "retirement_number": retirement_number,
             "quantity_kg": quantity_kg, "beneficiary_name": beneficiary, "purpose": purpose}
            for (number, kind, revoked_at, retired_at, retirement_number, quantity_kg,
                 beneficiary, purpose) in rows]
