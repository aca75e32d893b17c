"""The public registry at national scale (issue #13), each figure beside its baseline:

    .venv/bin/python benchmarks/registry.py [--rows 1000000] [--small 100000] [--requests 200]
    .venv/bin/python benchmarks/registry.py --no-seed    # again on the databases a run left

On PostgreSQL (database ``bench_public``, and ``bench_public_small`` for the smaller
export), seeded with set-based SQL — not through the use cases, which would take hours —
with ``--rows`` retirements spread over 24 months, 12 lots and 300 organisations: each
retirement holds one retired serial block cut from its lot in order, the lots' totals and
remaining available blocks agree with them, and the public figures are rebuilt with
``flask stats rebuild`` (itself timed). The ledger is not replayed for these rows, so
``flask audit`` is not meant to pass on this database; the pages read no ledger.

Measured in this process through the app (Flask test client, one request at a time, so
p95 is the page's own latency, not a queue):

(a) ``/registry`` first page, a deep page (``after`` a cursor 900 000 rows down) and a
    beneficiary search (a name held by 200 retirements, and one held by 3), each beside
    the bare keyset ``SELECT`` of the same rows by psycopg in the same run: targets p95
    ≤ 50 ms and ≤ 3 × the bare query. Each page's time in its own statements (cursor
    execute to end, summed per request) is shown beside it, to tell the database's part
    from the rendering's;
(b) the home page with its charts: p95 ≤ 50 ms;
(c) the CSV export of every row (``/registry?format=csv``) in a child process: rows per
    second and the child's peak RSS, at ``--small`` and ``--rows`` rows: target ≤ 150 MB
    and flat.

Ends with a table of figures and PASS/FAIL; exit 1 when a target is missed.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import common  # noqa: E402  (run as a script from benchmarks/)

DATABASE, SMALL_DATABASE = "bench_public", "bench_public_small"
LOTS, ORGS, NAMES = 12, 300, 5000
PAGE_TARGET_MS, PAGE_TARGET_RATIO, HOME_TARGET_MS, RSS_TARGET_MB = 50.0, 3.0, 50.0, 150.0


def seed(url: str, instance_dir: str, rows: int) -> float:
    """Lots through the use cases, then ``rows`` retirements by SQL; returns seconds."""
    started = time.perf_counter()
    with common.app_context(url, instance_dir):
        seller = common.make_org("基准卖方", "seller", kind="scenario_operator")
        verifier = common.make_org("基准核证机构", "verifier", kind="verifier")
        per_lot = rows * 1000  # quantities are 1…999 kg: room enough
        for i in range(LOTS):
            common.make_lot(seller, verifier, per_lot, code=f"BENCH{i % 6}",
                            vintage=2025 + i % 2)
    with psycopg.connect(common.psycopg_dsn(url)) as conn:
        conn.execute("UPDATE methodologies SET scenario = (ARRAY['clothing','food','housing',"
                     "'transport','shopping','tourism'])[1 + (id % 6)]")
        conn.execute("UPDATE lots SET scenario = m.scenario FROM methodologies m "
                     "WHERE m.id = lots.methodology_id")
        conn.execute(
            "INSERT INTO organizations (name, kind, roles, created_at) "
            "SELECT '基准买方' || g, 'enterprise', '[\"buyer\"]', now() "
            "FROM generate_series(1, %s) g", (ORGS,))
        conn.execute(f"""
            CREATE TEMP TABLE seed AS
            SELECT g AS i,
                   (SELECT array_agg(id ORDER BY id) FROM lots)[1 + g % {LOTS}] AS lot_id,
                   1 + (g::bigint * 7919) % 999 AS kg,
                   now() - make_interval(secs => (({rows} - g) * (730.0 * 86400 / {rows}))) AS at
            FROM generate_series(1, {rows}) g""")
        conn.execute("""
            INSERT INTO retirements (id, number, certificate_number, organization_id, purpose,
                beneficiary_name, quantity_kg, period_start, period_end, ledger_seq, retired_at)
            SELECT i, 'JLR-B-' || lpad(i::text, 8, '0'), 'JLC-B-' || lpad(i::text, 8, '0'),
                   (SELECT min(id) FROM organizations WHERE name LIKE '基准买方%%') + i %% %s,
                   (ARRAY['voluntary','donation','organization_operations',
                          'pilot_neutrality'])[1 + i %% 4],
                   CASE WHEN i %% 333333 = 7 THEN '长白山罕见受益人' ELSE '受益单位' || (i %% %s) END,
                   kg,
                   CASE WHEN i %% 4 >= 2 THEN DATE '2026-01-01' END,
                   CASE WHEN i %% 4 >= 2 THEN DATE '2026-12-31' END,
                   i, at
            FROM seed""", (ORGS, NAMES))
        conn.execute("SELECT setval(pg_get_serial_sequence('retirements', 'id'), %s)", (rows,))
        # The lot's available block keeps what is left above the retired serials.
        conn.execute("""
            UPDATE serial_blocks b SET serial_start = t.retired + 1
            FROM (SELECT lot_id, sum(kg) AS retired FROM seed GROUP BY lot_id) t
            WHERE b.lot_id = t.lot_id AND b.state = 'available'""")
        # One retired block per retirement, cut from its lot in id order.
        conn.execute("""
            INSERT INTO serial_blocks (lot_id, serial_start, serial_end, owner_id, state,
                                       retirement_id)
            SELECT s.lot_id, e - s.kg + 1, e, r.organization_id, 'retired', s.i
            FROM (SELECT i, lot_id, kg, sum(kg) OVER (PARTITION BY lot_id ORDER BY i) AS e
                  FROM seed) s JOIN retirements r ON r.id = s.i""")
        conn.execute("""
            UPDATE lots SET available_kg = issued_kg - t.retired, retired_kg = t.retired
            FROM (SELECT lot_id, sum(kg) AS retired FROM seed GROUP BY lot_id) t
            WHERE lots.id = t.lot_id""")
        conn.execute("INSERT INTO beneficiary_names (name) SELECT DISTINCT beneficiary_name "
                     "FROM retirements ON CONFLICT DO NOTHING")
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")
    return time.perf_counter() - started


def timed_rebuild(url: str, instance_dir: str) -> float:
    started = time.perf_counter()
    common.flask_cli(url, instance_dir, "stats", "rebuild", timeout=1800)
    return time.perf_counter() - started


class StatementClock:
    """Seconds the app's engine spends in its statements (cursor execute to its end)."""

    def __init__(self, engine):
        import sqlalchemy as sa

        self.seconds = 0.0
        sa.event.listen(engine, "before_cursor_execute", self._before)
        sa.event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        context._bench_started = time.perf_counter()

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        self.seconds += time.perf_counter() - context._bench_started


def measure_requests(client, path: str, count: int,
                     statements: StatementClock | None = None) -> tuple[list[float], list[float]]:
    """Each request's latency, and the part of it spent in the page's own statements."""
    for _ in range(5):  # warm-up: caches, compiled statements, templates
        assert client.get(path).status_code == 200, path
    latencies, in_sql = [], []
    for _ in range(count):
        before = statements.seconds if statements else 0.0
        started = time.perf_counter()
        response = client.get(path)
        latencies.append(time.perf_counter() - started)
        in_sql.append((statements.seconds if statements else 0.0) - before)
        assert response.status_code == 200, (path, response.status_code)
    return latencies, in_sql


def measure_sql(conn, sql: str, params: tuple, count: int) -> list[float]:
    # Not prepared: a generic plan of ``ILIKE %s`` cannot see the pattern and scans by id.
    for _ in range(5):
        conn.execute(sql, params, prepare=False).fetchall()
    latencies = []
    for _ in range(count):
        started = time.perf_counter()
        conn.execute(sql, params, prepare=False).fetchall()
        latencies.append(time.perf_counter() - started)
    return latencies


BARE = "SELECT * FROM retirements {where} ORDER BY id DESC LIMIT 51"
# The page's own beneficiary filter (market.beneficiaries): matching distinct names first.
BY_NAME = ("WHERE beneficiary_name IN (SELECT name FROM beneficiary_names "
           "WHERE name ILIKE %s ESCAPE '/')")


def measure_pages(url: str, instance_dir: str, rows: int, count: int) -> list[tuple]:
    from market.retirements import encode_cursor

    class At:  # what encode_cursor reads
        def __init__(self, id_):
            self.id = id_

    deep = max(1, rows - 900_000) if rows > 900_000 else max(1, rows // 10)
    cases = [
        ("first page", "/registry", "", ()),
        ("deep page", f"/registry?after={encode_cursor(At(deep))}", "WHERE id < %s", (deep,)),
        ("beneficiary, 200 rows", "/registry?beneficiary=受益单位4321", BY_NAME, ("%受益单位4321%",)),
        ("beneficiary, 3 rows", "/registry?beneficiary=长白山罕见", BY_NAME, ("%长白山罕见%",)),
    ]
    results = []
    with common.app_context(url, instance_dir) as app, \
            psycopg.connect(common.psycopg_dsn(url)) as conn:
        from core.db import db

        client, statements = app.test_client(), StatementClock(db.engine)
        for name, path, where, params in cases:
            latencies, in_sql = measure_requests(client, path, count, statements)
            bare = common.percentile(
                measure_sql(conn, BARE.format(where=where), params, count), 95) * 1000
            results.append((name, common.percentile(latencies, 95) * 1000,
                            common.percentile(in_sql, 95) * 1000, bare))
        latencies, in_sql = measure_requests(client, "/", count, statements)
        results.append(("home with charts", common.percentile(latencies, 95) * 1000,
                        common.percentile(in_sql, 95) * 1000, None))
    return results


def export_child(url: str, instance_dir: str) -> None:
    """In a child process: stream the CSV of every row; print rows, seconds, peak RSS."""
    with common.app_context(url, instance_dir) as app:
        client = app.test_client()
        started = time.perf_counter()
        response = client.get("/registry?format=csv", buffered=False)
        lines = 0
        for chunk in response.response:
            lines += chunk.count("\n") if isinstance(chunk, str) else chunk.count(b"\n")
        response.close()
        seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"rows": lines - 1, "seconds": seconds, "peak_mb": peak_mb}))


def measure_export(url: str, instance_dir: str) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--export-child", url, instance_dir], cwd=ROOT,
        env=common.environment(url, instance_dir), capture_output=True, text=True, timeout=7200)
    if result.returncode != 0:
        raise RuntimeError(result.stdout + result.stderr[-4000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200, help="per page (200)")
    parser.add_argument("--export-child", nargs=2, metavar=("URL", "INSTANCE"))
    parser.add_argument("--pages-only", action="store_true",
                        help="measure (a) and (b) on the database an earlier run left")
    parser.add_argument("--no-seed", action="store_true",
                        help="measure (a), (b) and (c) on the databases an earlier run left")
    args = parser.parse_args(argv)
    if args.export_child:
        export_child(*args.export_child)
        return 0
    lines, failed = [], False
    memory = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "app_memory.py")],
                            cwd=ROOT, capture_output=True, text=True, timeout=600)
    if memory.returncode == 0:
        lines.append(f"web worker after create_app(): {memory.stdout.strip().splitlines()[-1]}")
    with common.temporary_instance() as instance_dir:
        exports = {}
        url = common.fresh_database.__globals__["PG_ADMIN_DSN"].rsplit("/", 1)[0].replace(
            "postgresql://", "postgresql+psycopg://", 1) + f"/{DATABASE}"
        for name, rows in (() if args.pages_only else
                           ((SMALL_DATABASE, args.small), (DATABASE, args.rows))):
            if args.no_seed:
                url = url.rsplit("/", 1)[0] + f"/{name}"
                common.migrate(url, instance_dir)
            else:
                url = common.fresh_database(name)
                common.migrate(url, instance_dir)
                seconds = seed(url, instance_dir, rows)
                print(f"seeded {rows:,} retirements in {seconds:.0f} s", flush=True)
                print(f"flask stats rebuild: {timed_rebuild(url, instance_dir):.1f} s",
                      flush=True)
            exports[rows] = measure_export(url, instance_dir)
            print(f"export {rows:,}: {exports[rows]}", flush=True)
        for name, page, sql, bare in measure_pages(url, instance_dir, args.rows, args.requests):
            if bare is None:
                ok = page <= HOME_TARGET_MS
                lines.append(f"{name:<24} p95 {page:7.1f} ms (its SQL {sql:5.1f} ms){'':>23}"
                             f"target ≤ {HOME_TARGET_MS:.0f} ms  {'PASS' if ok else 'FAIL'}")
            else:
                ok = page <= PAGE_TARGET_MS and page <= PAGE_TARGET_RATIO * max(bare, 1.0)
                lines.append(f"{name:<24} p95 {page:7.1f} ms (its SQL {sql:5.1f} ms)  bare "
                             f"{bare:5.1f} ms  page {page / bare:4.1f} ×, SQL {sql / bare:4.1f} ×  "
                             f"target ≤ {PAGE_TARGET_MS:.0f} ms, ≤ {PAGE_TARGET_RATIO:.0f} ×  "
                             f"{'PASS' if ok else 'FAIL'}")
            failed |= not ok
        for rows, figures in exports.items():
            ok = figures["peak_mb"] <= RSS_TARGET_MB and figures["rows"] == rows
            lines.append(f"CSV export {rows:>9,} rows: {figures['rows'] / figures['seconds']:,.0f}"
                         f" rows/s, peak RSS {figures['peak_mb']:.0f} MB  target ≤ "
                         f"{RSS_TARGET_MB:.0f} MB  {'PASS' if ok else 'FAIL'}")
            failed |= not ok
    print("\n".join(lines))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
