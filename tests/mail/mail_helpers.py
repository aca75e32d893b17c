"""Seeding for the mail tests, through the use cases."""

from datetime import date

from core.db import transaction
from core.models import Organization
from market import issuance


def submit_request(seller, kg: int = 12_000, code: str = "TR-METRO") -> int:
    """A submitted issuance request of ``seller`` (the methodology filed if needed)."""
    with transaction() as session:
        if not session.query(issuance.Methodology).filter_by(code=code).first():
            issuance.file_methodology(code=code, title_zh="城市轨道交通出行",
                                      title_en="Metro ridership", scenario="transport",
                                      version="1.0", status="filed")
        return issuance.submit_issuance_request(
            session.get(Organization, seller.id), methodology_code=code, vintage=2026,
            period_start=date(2026, 1, 1), period_end=date(2026, 6, 30), quantity_kg=kg,
            evidence={}).id
