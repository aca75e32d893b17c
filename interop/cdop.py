"""CDOP v2 exports (INTEROP.md §2): a lot as Carbon Data Open Protocol documents that
validate against the CDOP JSON Schemas (vendored in tests/data/cdop/).

``export_lot(code)`` → ``{project_approach_details, issuances, units: [unit_description…]}``.
A 碳普惠 "project" is one methodology run by one scenario operator; an issuance is a lot;
a unit description is a serial block with its retirement. One unit is 1 kg CO2e, so every
volume, quantity and block bound is in kilograms (said in ``x-tanhui-unit``). Fields CDOP
has no place for (GB/T 2260 regions, credit codes, the double-claim check, Chinese titles)
are ``x-tanhui-…`` members, never in place of a CDOP field. docs/interop.md maps every
field.
"""

import sqlalchemy as sa
from flask import current_app

from core import clock
from core.db import db, sum_int
from core.labels import bilingual_label
from core.models import Organization
from interop.describe import describe_registry
from interop.gate import claim_check_of
from market.lots import get_lot_by_code
from market.models import Lot, Retirement, SerialBlock

UNIT = "kgCO2e"
#: CDOP project_type (Project_Approach_Details, project.mitigation[]) per 衣食住行购游 scenario.
PROJECT_TYPES = {"transport": "Transport", "tourism": "Transport",
                 "housing": "Energy Efficiency households", "food": "Waste",
                 "clothing": "Waste", "shopping": "Waste"}
#: CDOP unit status per serial-block state; the state itself is kept in x-tanhui-state.
UNIT_STATUSES = {"available": "Active", "listed": "Active",
                 "reserved": "Accepted Pending Payment", "retired": "Retired"}


def project_id(lot) -> str:
    """The 碳普惠 project: methodology code @ operator (credit code, else registry org id)."""
    operator = lot.seller.credit_code or f"org-{lot.seller_id}"
    return f"{lot.methodology.code}@{operator}"


def _beijing_date(moment) -> str | None:
    return moment.astimezone(clock.CHINA).date().isoformat() if moment else None


def _project(lot, registry: dict) -> dict:
    methodology, seller = lot.methodology, lot.seller
    scenario_zh, scenario_en = bilingual_label("scenario", lot.scenario)
    base = current_app.config["BASE_URL"]
    return {
        "project": {
            "project_name": f"{methodology.title_zh} · {seller.name}",
            "project_id_type": "current registry project id",
            "project_id": project_id(lot),
            "project_description": (
                f"碳普惠项目：{seller.name} 按方法学 {methodology.code}（{methodology.title_zh}，"
                f"{scenario_zh}）量化的公众低碳行为减排量。 Carbon-inclusion project: "
                f"reductions from the public's low-carbon behaviour ({methodology.title_en}, "
                f"{scenario_en}) quantified by {seller.name}."),
            "program_type": "Scaled up program",
            "activity_type": lot.scenario,
            "mitigation": [{"mitigation_type": "Avoidance",
                            "project_type": PROJECT_TYPES[lot.scenario]}],
            "current_registry_project_link": f"{base}/registry?lot_code={lot.code}",
            "status": [{"project_status": "Verified and issuing", "is_current": True}],
        },
        "project_stakeholder": {
            "project_developer_name": seller.name,
            "stakeholders": [
                {"project_stakeholder_type": "Project developer",
                 "project_stakeholder_name": seller.name},
                {"project_stakeholder_type": "Registry with Transaction Functionality",
                 "project_stakeholder_name": registry["name_zh"],
                 "project_stakeholder_website": base}],
        },
        "x-tanhui-methodology": {"code": methodology.code, "title_zh": methodology.title_zh,
                                 "title_en": methodology.title_en, "version": methodology.version,
                                 "scenario": lot.scenario},
        "x-tanhui-operator": {"name": seller.name, "credit_code": seller.credit_code},
        "x-tanhui-registry": {k: registry[k] for k in ("did", "name_zh", "name_en", "region",
                                                      "api_base")},
    }


def _issuances(lot, check: dict | None) -> dict:
    request = lot.issuance_request
    earlier = db.session.execute(sa.select(sum_int(Lot.issued_kg)).where(
        Lot.seller_id == lot.seller_id, Lot.methodology_id == lot.methodology_id,
        Lot.id <= lot.id)).scalar_one()
    verifier = db.session.get(Organization, request.verifier_id) if request.verifier_id else None
    scope = dict(request.claim_scope or {})
    scope.pop("record_hashes", None)
    return {
        "project": {"project_identifier": project_id(lot)},
        "issuance": {"issuance": [{
            "batch_identifier": lot.code,
            "issuance_url": f"{current_app.config['BASE_URL']}/lots/{lot.code}",
            "date_of_issuance": _beijing_date(lot.issued_at),
            **({"date_of_verification": _beijing_date(request.decided_at)}
               if request.decided_at else {}),
            "verification_period_start": lot.period_start.isoformat(),
            "verification_period_end": lot.period_end.isoformat(),
            "batch_issued_volume": lot.issued_kg,
            "cumulative_issued_volume": earlier,
            "issuance_status": "Complete",
            "x-tanhui-unit": UNIT,
            "x-tanhui-vintage": lot.vintage,
            "x-tanhui-verification": {"verifier_name": verifier.name if verifier else None,
                                      "report_ref": request.report_ref,
                                      "verified_kg": request.verified_kg},
            "x-tanhui-claim-scope": scope or None,
            "x-tanhui-claim-check": check,
        }]},
    }


def _unit(lot, block, owners: dict, retirement) -> dict:
    unit = {
        "owner_account_id": f"org-{block.owner_id}",
        "reference": [{
            "serial_number": f"{lot.code}-{block.serial_start:09d}-{block.serial_end:09d}",
            "source_serial_number": f"{lot.code}-{1:09d}-{lot.issued_kg:09d}"}],
        "status": [{"status": UNIT_STATUSES[block.state], "is_current": True}],
        "credit_block": [{"quantity": block.serial_end - block.serial_start + 1,
                          "block_start": block.serial_start, "block_end": block.serial_end}],
        "x-tanhui-state": block.state,
        "x-tanhui-owner-name": owners.get(block.owner_id),
        "x-tanhui-unit": UNIT,
    }
    if retirement is not None:
        purpose_zh, purpose_en = bilingual_label("purpose", retirement.purpose)
        unit["retirement"] = [{
            "retirement_beneficiary": retirement.beneficiary_name,
            "retirement_detail": f"{retirement.number} · {purpose_zh} / {purpose_en}",
            "x-tanhui-retirement": {
                "number": retirement.number, "purpose": retirement.purpose,
                "certificate_number": retirement.certificate_number,
                "retired_at": retirement.retired_at.isoformat(),
                "ledger_seq": retirement.ledger_seq}}]
    return {"project": {"current_registry_project_id": project_id(lot)}, "unit": unit,
            "vintage": {"vintage": f"{lot.vintage:04d}-01-01"}}


def export_lot(lot_code: str) -> dict:
    """The CDOP documents of one lot (its code in any case, as the lot pages take it);
    NotFound for an unknown code."""
    lot = get_lot_by_code(lot_code)
    blocks = db.session.execute(sa.select(SerialBlock).where(SerialBlock.lot_id == lot.id)
                                .order_by(SerialBlock.serial_start)).scalars().all()
    owners = dict(db.session.execute(sa.select(Organization.id, Organization.name).where(
        Organization.id.in_({b.owner_id for b in blocks}))).all())
    retirements = {r.id: r for r in db.session.execute(sa.select(Retirement).where(
        Retirement.id.in_({b.retirement_id for b in blocks if b.retirement_id}))).scalars()}
    registry = describe_registry()
    return {
        "project_approach_details": _project(lot, registry),
        "issuances": _issuances(lot, claim_check_of(lot.id)),
        "units": [_unit(lot, b, owners, retirements.get(b.retirement_id)) for b in blocks],
    }
