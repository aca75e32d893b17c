"""The double-claim gate at scale: issuance requests checked against 5 pinned peers that
hold 100,000 issued claim scopes each (INTEROP.md §5).

    .venv/bin/python benchmarks/claim_checks.py [--peers 5] [--scopes 100000] [--requests 100]

Every registry is an in-process app over its own SQLite file, reached through the
WsgiTransport (no sockets): the figure is the gate's own cost — five signed questions and
answers (eddsa-jcs-2022 both ways), five register look-ups, the own register under the
write lock — not network latency, which adds one round trip per peer in production
(peers are asked in turn; PEER_TIMEOUT_SECONDS and PEER_CHECK_BUDGET_SECONDS bound it).

The registers are filled in plain SQL (the claim-check answer reads only them): 1,000
scenario operators × 100 scopes each per registry, six scenarios, half-year periods
2020–2026, city-level regions across the provinces, a records root and 4 record hashes per
scope. The issuing registry's own register holds as many. Half of the requests come from
operators the peers know (most of them conflict: 409 double_claim), half from new
operators (201); each discloses 100 record hashes. Timed: ``POST
/api/v1/issuance-requests/{id}/issuance`` end to end (prepare + transaction).
"""

import argparse
import json
import random
import shutil
import sqlite3
import statistics
from datetime import date
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SCENARIOS = ("clothing", "food", "housing", "transport", "shopping", "tourism")
PROVINCES = ("11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35",
             "36", "37", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54",
             "61", "62", "63", "64", "65")
OPERATORS = 1000


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--peers", type=int, default=5)
    parser.add_argument("--scopes", type=int, default=100_000, help="issued scopes per registry")
    parser.add_argument("--requests", type=int, default=100, help="timed issuance requests")
    parser.add_argument("--seed", type=int, default=2030)
    return parser.parse_args(argv)


def credit_code(n: int) -> str:
    return f"9122{n:014d}"


def half_year(rng) -> tuple[str, str]:
    year = rng.randint(2020, 2026)
    return (f"{year}-01-01", f"{year}-06-30") if rng.random() < 0.5 else \
        (f"{year}-07-01", f"{year}-12-31")


def city(rng) -> str:
    return f"{rng.choice(PROVINCES)}{rng.randint(1, 12):02d}00"


def fill_register(path: Path, scopes: int, rng, *, first_lot_id: int) -> None:
    """``scopes`` issued scopes written straight into the register tables."""
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA synchronous=OFF")
    rows, hashes = [], []
    for i in range(scopes):
        operator = i % OPERATORS
        start, end = half_year(rng)
        scope_id = i + 1
        rows.append((scope_id, first_lot_id + i, f"XX-{start[:4]}-BENCH-{i:07d}", 1,
                     credit_code(operator), "BENCH", rng.choice(SCENARIOS),
                     json.dumps(sorted({city(rng) for _ in range(rng.randint(1, 3))})),
                     start, end, rng.randbytes(32).hex()))
        hashes.extend((scope_id, rng.randbytes(32).hex()) for _ in range(4))
    with connection:  # indexes built once after the rows, not row by row
        connection.execute("DROP INDEX ix_interop_scope_record_hashes_record_hash")
        connection.executemany(
            "INSERT INTO interop_claim_scopes (id, lot_id, lot_code, seller_id, "
            "operator_credit_code, methodology_code, scenario, regions, period_start, "
            "period_end, records_root) VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
        connection.executemany("INSERT INTO interop_scope_record_hashes (scope_id, record_hash) "
                               "VALUES (?,?)", hashes)
        connection.execute("CREATE INDEX ix_interop_scope_record_hashes_record_hash "
                           "ON interop_scope_record_hashes (record_hash)")
    connection.execute("ANALYZE")
    connection.close()


def make_app(path: Path, keys: Path, base_url: str, network, region: str):
    from core.app import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "BASE_URL": base_url,
                       "SIGNING_KEY_DIR": str(keys), "PEER_TRANSPORT": network,
                       "REGISTRY_REGION": region, "REGISTRY_NAME_EN": base_url,
                       "TOKEN_FAILURE_RATE_LIMIT": "100000 per minute"})


def main(argv=None) -> int:
    args = parse_args(argv)
    rng = random.Random(args.seed)
    from flask_migrate import upgrade

    from core.db import db, transaction
    from core.models import Organization, issue_token
    from interop.transport import WsgiTransport
    from market import issuance

    work = Path(tempfile.mkdtemp(prefix="claim-checks-bench-"))
    try:
        network = WsgiTransport({})
        template = work / "template.db"
        with make_app(template, work / "keys0", "https://template.bench", network,
                      "220000").app_context():
            upgrade(directory=str(ROOT / "migrations"), revision="heads")
            db.engine.dispose()

        started = time.perf_counter()
        peers = []
        for i in range(args.peers):
            path = work / f"peer{i}.db"
            shutil.copyfile(template, path)
            fill_register(path, args.scopes, rng, first_lot_id=10_000_000)
            base = f"https://peer{i}.bench"
            peers.append(make_app(path, work / f"keys{i + 1}", base, network, "210000"))
            network.apps[base] = peers[-1]
        own = work / "jilin.db"
        shutil.copyfile(template, own)
        fill_register(own, args.scopes, rng, first_lot_id=10_000_000)
        app = make_app(own, work / "keys-jilin", "https://jilin.bench", network, "220000")
        network.apps["https://jilin.bench"] = app
        print(f"registers filled: {args.peers + 1} × {args.scopes:,} scopes "
              f"in {time.perf_counter() - started:.0f} s")

        with app.app_context():
            client = app.test_client()
            with transaction() as session:
                admin = Organization(name="吉林省生态环境厅", kind="registry", roles=["registry_admin"])
                verifier = Organization(name="核证机构", kind="verifier", roles=["verifier"])
                session.add_all([admin, verifier])
                session.flush()
                admin_headers = {"Authorization": f"Bearer {issue_token(admin)}"}
                issuance.file_methodology(code="BENCH", title_zh="基准", title_en="Bench",
                                          scenario="transport", version="1", status="filed")
                verifier_id = verifier.id
            for i in range(args.peers):
                response = client.post("/api/v1/interop/peers", headers=admin_headers,
                                       json={"api_base": f"https://peer{i}.bench/api/v1"})
                assert response.status_code == 201, response.json

            timings = {201: [], 409: []}
            sellers = {}
            for n in range(args.requests):
                known = n % 2 == 0
                code = credit_code(rng.randrange(OPERATORS)) if known else f"9122{90_000_000 + n:014d}"
                start, end = half_year(rng)
                with transaction() as session:
                    if code not in sellers:
                        seller = Organization(name=f"运营机构{n}", kind="scenario_operator",
                                              roles=["seller"], credit_code=code)
                        session.add(seller)
                        session.flush()
                        sellers[code] = seller.id
                    seller = session.get(Organization, sellers[code])
                    request = issuance.submit_issuance_request(
                        seller, methodology_code="BENCH", vintage=int(start[:4]),
                        period_start=date.fromisoformat(start),
                        period_end=date.fromisoformat(end),
                        quantity_kg=1000, evidence={}, claim_scope={
                            "regions": sorted({city(rng), f"{rng.choice(PROVINCES)}0000"}),
                            "record_hashes": sorted(rng.randbytes(32).hex() for _ in range(100))})
                    issuance.verify_issuance_request(session.get(Organization, verifier_id),
                                                     request.id, decision="approved",
                                                     verified_kg=1000, report_ref="B")
                    request_id = request.id
                t0 = time.perf_counter()
                response = client.post(f"/api/v1/issuance-requests/{request_id}/issuance",
                                       headers=admin_headers)
                elapsed = time.perf_counter() - t0
                assert response.status_code in (201, 409), response.json
                timings[response.status_code].append(elapsed)
            db.session.remove()
            db.engine.dispose()

        every = timings[201] + timings[409]

        def figures(values):
            if not values:
                return "—"
            ordered = sorted(values)
            p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
            return (f"n={len(values):4d}  p50 {statistics.median(values) * 1000:7.1f} ms  "
                    f"p95 {p95 * 1000:7.1f} ms  max {max(values) * 1000:7.1f} ms")

        print(f"peers {args.peers}, {args.scopes:,} scopes each; {args.requests} issuance requests")
        print(f"  all             {figures(every)}")
        print(f"  issued (201)    {figures(timings[201])}")
        print(f"  refused (409)   {figures(timings[409])}")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
