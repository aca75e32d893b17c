"""Demo data: Jilin organisations, filed methodologies and issued lots.

Seeding goes through the same use cases as the API, so demo lots have ledger entries
and pass the audit. Running it twice adds nothing.
"""

from datetime import date

import sqlalchemy as sa

from core.credit_code import check_character
from core.db import db
from core.models import Organization, issue_token
from core.people.users import create_user, find_user_by_email
from market import issuance, listings

ORGANIZATIONS = [
    # name, kind, roles, first 17 characters of the credit code
    ("吉林省生态环境厅", "registry", ["registry_admin"], "11220000MB1234567"),
    ("长春市轨道交通集团有限公司", "scenario_operator", ["seller"], "91220101MA0Y12345"),
    ("吉林畅行共享单车运营有限公司", "scenario_operator", ["seller"], "91220102MA1B23456"),
    ("碳惠吉林平台运营中心", "scenario_operator", ["seller"], "12220000MB1C34567"),
    ("吉林省低碳核证技术中心", "verifier", ["verifier"], "12220000MB1D45678"),
    ("长春市机关事务管理局", "agency", ["buyer"], "11220100MB1E56789"),
    ("吉林长白山文旅集团有限公司", "enterprise", ["buyer"], "91220600MA1F67890"),
    ("东北亚博览会执行委员会办公室", "event_host", ["buyer"], "11220000MB1G78901"),
    ("长春新区零碳产业园管理委员会", "pilot", ["buyer"], "11220100MB1H89012"),
    ("长春市中级人民法院", "court", ["case_authority"], "11220100MB1J90123"),
    ("吉林省绿色发展基金会", "ngo", ["buyer"], "53220000MJ1K01234"),
]

# One person per demo organisation, all with this password (`make run` prints them).
DEMO_PASSWORD = "tanhui-demo-2026"
DEMO_USERS = [
    ("吉林省生态环境厅", "admin@demo.tanhui.jl.cn", "周敏"),
    ("长春市轨道交通集团有限公司", "metro@demo.tanhui.jl.cn", "李建国"),
    ("吉林畅行共享单车运营有限公司", "bike@demo.tanhui.jl.cn", "王晓东"),
    ("碳惠吉林平台运营中心", "platform@demo.tanhui.jl.cn", "刘洋"),
    ("吉林省低碳核证技术中心", "verifier@demo.tanhui.jl.cn", "陈静"),
    ("长春市机关事务管理局", "agency@demo.tanhui.jl.cn", "张伟"),
    ("吉林长白山文旅集团有限公司", "changbaishan@demo.tanhui.jl.cn", "赵丽"),
    ("东北亚博览会执行委员会办公室", "expo@demo.tanhui.jl.cn", "孙鹏"),
    ("长春新区零碳产业园管理委员会", "park@demo.tanhui.jl.cn", "吴芳"),
    ("长春市中级人民法院", "court@demo.tanhui.jl.cn", "郑法官"),
    ("吉林省绿色发展基金会", "foundation@demo.tanhui.jl.cn", "何晴"),
]

METHODOLOGIES = [
    ("TR-METRO", "城市轨道交通出行碳普惠方法学", "Metro ridership", "transport", "1.0"),
    ("TR-BIKE", "共享单车骑行碳普惠方法学", "Shared-bike cycling", "transport", "1.0"),
    ("TR-BUS", "公交出行碳普惠方法学", "Bus ridership", "transport", "1.0"),
    ("HS-SORT", "生活垃圾分类回收碳普惠方法学", "Household waste sorting and recycling", "housing", "1.0"),
    ("CL-REUSE", "旧衣物回收再利用碳普惠方法学", "Used-clothes recycling and reuse", "clothing", "1.0"),
    ("FD-PLATE", "光盘行动碳普惠方法学", "Clean-plate campaign (less food waste)", "food", "1.0"),
    ("SH-DELIV", "绿色快递包装碳普惠方法学", "Green delivery packaging", "shopping", "1.0"),
]

# (lot index, kg listed, price in fen per tonne): ¥40–¥95 per tonne, as carbon-inclusion
# reductions have sold for in provincial programmes.
LISTINGS = [(0, 400_000, 6_800), (1, 600_000, 7_500), (2, 200_000, 9_500), (3, 50_000, 8_800),
            (4, 20_000, 4_000)]

LOTS = [
    # seller, methodology, vintage, period, claimed kg, verified kg
    ("长春市轨道交通集团有限公司", "TR-METRO", 2025, ("2025-01-01", "2025-06-30"), 1_300_000, 1_284_560),
    ("长春市轨道交通集团有限公司", "TR-METRO", 2026, ("2026-01-01", "2026-06-30"), 1_450_000, 1_422_317),
    ("吉林畅行共享单车运营有限公司", "TR-BIKE", 2026, ("2026-03-01", "2026-08-31"), 420_000, 415_802),
    ("碳惠吉林平台运营中心", "HS-SORT", 2026, ("2026-01-01", "2026-09-30"), 96_000, 93_450),
    ("碳惠吉林平台运营中心", "FD-PLATE", 2026, ("2026-01-01", "2026-09-30"), 30_000, 28_900),
]


def _org(name: str) -> Organization:
    return db.session.execute(sa.select(Organization).where(Organization.name == name)).scalar_one()


def seed() -> dict[str, str]:
    """Create what is missing; return a fresh API token for each new organisation."""
    tokens = {}
    for name, kind, roles, code17 in ORGANIZATIONS:
        if db.session.execute(sa.select(Organization.id).where(Organization.name == name)).first():
            continue
        org = Organization(name=name, kind=kind, roles=roles,
                           credit_code=code17 + check_character(code17))
        db.session.add(org)
        db.session.flush()
        tokens[name] = issue_token(org)
    existing = set(db.session.execute(sa.select(issuance.Methodology.code)).scalars())
    for code, title_zh, title_en, scenario, version in METHODOLOGIES:
        if code not in existing:
            issuance.file_methodology(code=code, title_zh=title_zh, title_en=title_en,
                                      scenario=scenario, version=version, status="filed")
    if not db.session.execute(sa.select(issuance.Lot.id)).first():
        _issue_and_list()
    return tokens


def seed_users() -> list[tuple[str, str]]:
    """Create the missing demo users; return (organisation, email) of every one."""
    for org_name, email, person in DEMO_USERS:
        if find_user_by_email(email) is None:
            create_user(_org(org_name), email=email, name=person, password=DEMO_PASSWORD)
    return [(org_name, email) for org_name, email, _person in DEMO_USERS]


def _issue_and_list() -> None:
    """Issue the demo lots through request, verification and issuance, then list part."""
    verifier = _org("吉林省低碳核证技术中心")
    lots = []
    for i, (seller, code, vintage, (start, end), claimed, verified) in enumerate(LOTS, 1):
        request = issuance.submit_issuance_request(
            _org(seller), methodology_code=code, vintage=vintage,
            period_start=date.fromisoformat(start), period_end=date.fromisoformat(end),
            quantity_kg=claimed, evidence={"summary": "平台汇总的监测数据与抽样核查记录"})
        issuance.verify_issuance_request(verifier, request.id, decision="approved",
                                         verified_kg=verified,
                                         report_ref=f"JLHZ-{vintage}-{i:03d}")
        lots.append((_org(seller), issuance.issue_lot(request.id)))
    for index, kg, price in LISTINGS:
        seller, lot = lots[index]
        listings.list_units(seller, lot_id=lot.id, quantity_kg=kg, price_fen_per_tonne=price)
