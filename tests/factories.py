"""Test factories: organisations with tokens, filed methodologies, issued lots.

They call the same use cases as the API, each in its own transaction.
"""

import itertools
from dataclasses import dataclass
from datetime import date

from core.db import transaction
from core.models import Organization, issue_token
from market import issuance
from market.listings import list_units
from market.transfers import transfer_units

_names = itertools.count(1)

#: The smallest PDF a reader opens: a catalog, one blank A4 page, its cross-reference table.
MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj\n<</Type/Catalog/Pages 2 0 R>>\nendobj\n"
    b"2 0 obj\n<</Type/Pages/Kids[3 0 R]/Count 1>>\nendobj\n"
    b"3 0 obj\n<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>\nendobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000054 00000 n \n"
    b"0000000105 00000 n \ntrailer\n<</Size 4/Root 1 0 R>>\nstartxref\n170\n%%EOF\n")


@dataclass
class Actor:
    """An organisation as a client sees it: its id and a bearer header."""

    id: int
    name: str
    token: str

    @property
    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"}


def make_org(*roles: str, kind: str = "enterprise", name: str | None = None) -> Actor:
    with transaction() as session:
        org = Organization(name=name or f"测试机构{next(_names)}", kind=kind, roles=list(roles))
        session.add(org)
        session.flush()
        token = issue_token(org)
        return Actor(org.id, org.name, token)


def make_methodology(code: str = "TR-METRO", scenario: str = "transport", status: str = "filed"):
    with transaction():
        return issuance.file_methodology(code=code, title_zh="城市轨道交通出行",
                                         title_en="Metro ridership", scenario=scenario,
                                         version="1.0", status=status).id


def make_lot(seller: Actor, kg: int, *, code: str = "TR-METRO", vintage: int = 2026,
             verifier: Actor | None = None) -> int:
    """Issue a lot of ``kg`` to ``seller`` through request, verification and issuance."""
    verifier = verifier or make_org("verifier", kind="verifier")
    with transaction() as session:
        if not session.query(issuance.Methodology).filter_by(code=code).first():
            issuance.file_methodology(code=code, title_zh="方法学", title_en="Methodology",
                                      scenario="transport", version="1.0", status="filed")
        request = issuance.submit_issuance_request(
            session.get(Organization, seller.id), methodology_code=code, vintage=vintage,
            period_start=date(vintage, 1, 1), period_end=date(vintage, 6, 30),
            quantity_kg=kg, evidence={})
        issuance.verify_issuance_request(session.get(Organization, verifier.id), request.id,
                                         decision="approved", verified_kg=kg, report_ref="R-1")
        return issuance.issue_lot(request.id).id


def give(seller: Actor, holder: Actor, lot_id: int, kg: int) -> None:
    """Transfer ``kg`` of a lot from ``seller`` to ``holder``."""
    with transaction() as session:
        transfer_units(session.get(Organization, seller.id), to_organization_id=holder.id,
                       lot_id=lot_id, quantity_kg=kg)


def retire(client, actor: Actor, kg: int) -> None:
    """A voluntary retirement of ``kg`` through the API, as a holder makes it."""
    response = client.post("/api/v1/retirements", headers=actor.headers, json={
        "purpose": "voluntary", "beneficiary_name": "公众", "quantity_kg": kg})
    assert response.status_code == 201, response.json


def make_listing(seller: Actor, lot_id: int, kg: int, price_fen_per_tonne: int) -> int:
    """List ``kg`` of the seller's lot at a price per tonne."""
    with transaction() as session:
        return list_units(session.get(Organization, seller.id), lot_id=lot_id, quantity_kg=kg,
                          price_fen_per_tonne=price_fen_per_tonne).id


def make_authority(kind: str = "court", name: str | None = None) -> Actor:
    """A court, procuratorate or eco-environment bureau holding role case_authority."""
    return make_org("case_authority", kind=kind, name=name)


def case_body(**overrides) -> dict:
    """A valid ``POST /api/v1/compensation-cases`` body (南靖-style numbers, ×2), judged a
    month ago and due in two months; ``overrides`` replace top-level fields."""
    from datetime import timedelta

    from core import clock

    today = clock.today_in_china()
    body = {
        "case_number": "(2026)吉01民初123号", "authority_name": "长春市中级人民法院",
        "judgment_date": (today - timedelta(days=30)).isoformat(),
        "obligor": {"name": "吉林松柏林业有限公司"},
        "damage": {"description": "滥伐林木 18.65 立方米，碳汇损失经评估为 2.5 吨",
                   "measured_loss_kg": 2_500, "measuring_agency": "吉林省林业调查规划院",
                   "report_number": "吉林调评〔2026〕12号", "multiplier": "2"},
        "required_kg": 5_000, "due_date": (today + timedelta(days=60)).isoformat(),
    }
    return {**body, **overrides}


def on_china_date(day: date, hour: int = 10) -> None:
    """Freeze ``core.clock`` at ``hour`` o'clock China time on ``day``, given in UTC as
    the ledger stores it (the app fixture lets the clock run again after each test)."""
    from datetime import datetime, time, timezone

    from core import clock

    clock.set_now(datetime.combine(day, time(hour), tzinfo=clock.CHINA).astimezone(timezone.utc))


def make_event(host: Actor, **fields) -> int:
    """Register an event for ``host`` through the use case; returns the event id."""
    from events.hosting import register_event

    body = {"name": "2026 东北亚博览会", "kind": "exhibition", "venue": "长春国际会展中心",
            "city": "长春", "start_date": date(2026, 6, 10), "end_date": date(2026, 6, 12),
            "expected_attendees": 5_000, **fields}
    with transaction() as session:
        return register_event(session.get(Organization, host.id), **body).id


PASSWORD = "长白山天池-2026"


def make_user(org: Actor, email: str | None = None, password: str | None = PASSWORD,
              name: str = "王小明") -> str:
    """A user of ``org`` through the use case; returns the (lowercased) email."""
    from core.people.users import create_user

    email = email or f"user{next(_names)}@example.cn"
    with transaction() as session:
        return create_user(session.get(Organization, org.id), email=email, name=name,
                           password=password).email


def make_bank_order(buyer: Actor, listing_id: int, kg: int):
    """A pending bank-transfer order of ``kg`` from one listing, placed through the use
    case; returns the order (number, bank_reference, total_fen …, detached)."""
    from market.orders import place_order

    with transaction() as session:
        order = place_order(session.get(Organization, buyer.id),
                            items=[{"listing_id": listing_id, "quantity_kg": kg}],
                            payment_method="bank_transfer")
        session.expunge(order)
        return order


def sign_in_as(client, org: Actor) -> str:
    """Make a user of ``org`` and sign the test client in as them; returns the email."""
    email = make_user(org)
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 303, response.status_code
    return email


def make_peer(pinned_by: Actor, *, did: str = "did:web:registry.liaoning.example",
              pinned_at=None):
    """A pinned peer row as if fetched from 辽宁 (no network; its keys are placeholders, so
    nothing it signs verifies): for pages that only show peers."""
    from datetime import datetime, timezone

    from interop.models import Peer

    host = did.removeprefix("did:web:")
    with transaction() as session:
        peer = Peer(
            did=did, api_base=f"https://{host}/api/v1", region="210000",
            name_zh="辽宁碳普惠登记簿", name_en="Liaoning Carbon-Inclusion Registry",
            description={"log": {"origin": f"{host}/log"}}, did_document={},
            did_keys=[], log_public_key="A" * 43 + "=", witness_public_key="B" * 43 + "=",
            pinned_by_id=pinned_by.id,
            pinned_at=pinned_at or datetime(2026, 11, 30, 2, 15, tzinfo=timezone.utc),
            key_changes=0)
        session.add(peer)
        session.flush()
        return peer.id
