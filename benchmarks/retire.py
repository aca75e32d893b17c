"""Retirements per second: the API (gunicorn → Flask → use case) against the same rows
written in plain SQL on the same database, then ``flask audit`` over everything written.

    .venv/bin/python benchmarks/retire.py [--seconds 6] [--clients 8] [--workers 4]

Two scenarios, each measured through the API and raw:

* ``per-holder``: client *i* retires from buyer *i*'s own holding;
* ``shared``: every client retires from one buyer's single holding (one block row).

Both share one lot, so every retirement also waits on the lot's row and on the ledger
head; ``shared`` adds the block row. The API path includes everything a retirement does
in its transaction (the signed certificate too); the raw path writes only the rows the
audit needs. Exit status: 0 when the audit passes and every request succeeded, 1 when
the audit fails, 2 when some request failed. Missing the target ratio is reported, not
an error: this measures, it does not gate.
"""

import argparse
import random
import sys
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import psycopg
import common

LOT_KG = 10_000_000
HOLDING_KG = 1_000_000
TARGET_RATIO = 0.2
CHINA = ZoneInfo("Asia/Shanghai")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=6.0,
                        help="measured seconds per figure (4 figures; default 6)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (8)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (4)")
    parser.add_argument("--max-count", type=int, default=4_000,
                        help="at most this many retirements per figure (4000): the audit's "
                             "ledger replay grows with the square of the pieces in one lot")
    parser.add_argument("--warmup", type=float, default=1.0,
                        help="uncounted warm-up seconds before each figure (1)")
    parser.add_argument("--scenarios", default="per-holder,shared",
                        help="comma-separated: per-holder, shared")
    parser.add_argument("--database", default="registry_bench",
                        help="database to drop and recreate (registry_bench)")
    return parser.parse_args(argv)


# --- setup ------------------------------------------------------------------------------

def set_up(url: str, instance_dir: str, clients: int) -> dict:
    """One seller's lot of 10 000 000 kg, 1 000 000 kg given to each of ``clients``
    buyers plus one shared holder, all through the app's use cases."""
    run = common.unique("bench")
    with common.app_context(url, instance_dir):
        seller = common.make_org(f"{run} seller", "seller", kind="scenario_operator")
        verifier = common.make_org(f"{run} verifier", "verifier", kind="verifier")
        lot_id = common.make_lot(seller, verifier, LOT_KG)
        buyers = [common.make_org(f"{run} buyer {i + 1}", "buyer") for i in range(clients)]
        shared = common.make_org(f"{run} shared holder", "buyer")
        for holder in [*buyers, shared]:
            common.give(seller, holder, lot_id, HOLDING_KG)
    return {"lot_id": lot_id, "per-holder": buyers, "shared": [shared] * clients}


def quantity() -> int:
    return random.randint(1, 5)


# --- the API ------------------------------------------------------------------------------

def api_worker(port: int, holders: list):
    """Client *i*: ``holders[i]``'s token, one POST a step (``common.post_json``)."""
    @contextmanager
    def worker(i):
        holder = holders[i]

        def step():
            status, body = common.post_json(port, "/api/v1/retirements", holder.headers, {
                "purpose": "voluntary", "beneficiary_name": f"{holder.name} 基准",
                "quantity_kg": quantity()})
            if status != 201:
                return f"HTTP {status}: {body[:160]!r}"
            return None

        yield step
    return worker


# --- the raw baseline ----------------------------------------------------------------------

LOCK_BLOCK = """
    SELECT id, lot_id, serial_start, serial_end FROM serial_blocks
    WHERE owner_id = %s AND state = 'available'
    ORDER BY lot_id, serial_start LIMIT 1 FOR UPDATE"""
SHRINK_BLOCK = "UPDATE serial_blocks SET serial_start = serial_start + %s WHERE id = %s"
SHIFT_TOTALS = """
    UPDATE lots SET available_kg = available_kg - %s, retired_kg = retired_kg + %s
    WHERE id = %s"""
LOCK_HEAD = "UPDATE ledger_head SET next_seq = next_seq + 1 WHERE id = 1 RETURNING next_seq - 1"
NEXT_NUMBER = """
    INSERT INTO counters (name, value) VALUES (%s, 1)
    ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value"""
INSERT_RETIREMENT = """
    INSERT INTO retirements (number, certificate_number, organization_id, purpose,
                             beneficiary_name, quantity_kg, ledger_seq, retired_at)
    VALUES (%s, %s, %s, 'voluntary', %s, %s, %s, %s) RETURNING id"""
INSERT_PIECE = """
    INSERT INTO serial_blocks (lot_id, serial_start, serial_end, owner_id, state, retirement_id)
    VALUES (%s, %s, %s, %s, 'retired', %s)"""
INSERT_ENTRY = """
    INSERT INTO ledger_entries (seq, type, lot_id, lot_code, serial_start, serial_end,
                                quantity_kg, from_org_id, to_org_id, ref, created_at, canonical)
    VALUES (%s, 'retire', %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"""


def retire_raw(conn, holder, lot_codes: dict, kg: int) -> None:
    """The essential retirement transaction, in the use case's lock order (block, lot,
    ledger head, counters): lowest available serials first, the block's start moved up,
    the retired piece inserted, lot totals shifted, one ledger entry appended.

    The retirement row and its two numbers are written too, because the audit requires
    every retired block to belong to a retirement; the ledger entry's canonical JSON is
    made by the app's own function so the audit can check it.
    """
    from market.ledger import canonical_bytes

    moment = datetime.now(timezone.utc)
    year = moment.astimezone(CHINA).year
    with conn.transaction():
        row = conn.execute(LOCK_BLOCK, (holder.id,)).fetchone()
        if row is None or row[3] - row[2] + 1 <= kg:
            raise RuntimeError("holding exhausted")  # never with 1 000 000 kg
        block_id, lot_id, start, _ = row
        end = start + kg - 1
        conn.execute(SHRINK_BLOCK, (kg, block_id))
        conn.execute(SHIFT_TOTALS, (kg, kg, lot_id))
        seq = conn.execute(LOCK_HEAD).fetchone()[0]
        number = conn.execute(NEXT_NUMBER, (f"retirement:{year}",)).fetchone()[0]
        certificate = conn.execute(NEXT_NUMBER, (f"certificate:{year}",)).fetchone()[0]
        number, certificate = f"JLR-{year}-{number:06d}", f"JLC-{year}-{certificate:06d}"
        retirement_id = conn.execute(INSERT_RETIREMENT, (
            number, certificate, holder.id, f"{holder.name} 基准", kg, seq, moment)).fetchone()[0]
        conn.execute(INSERT_PIECE, (lot_id, start, end, holder.id, retirement_id))
        item = {"seq": seq, "type": "retire", "lot_code": lot_codes[lot_id],
                "serial_start": start, "serial_end": end, "quantity_kg": kg,
                "from_org_id": holder.id, "to_org_id": holder.id, "ref": number,
                "created_at": moment.isoformat(timespec="microseconds")}
        conn.execute(INSERT_ENTRY, (seq, lot_id, lot_codes[lot_id], start, end, kg, holder.id,
                                    holder.id, number, moment, canonical_bytes(item).decode()))


def raw_worker(dsn: str, holders: list):
    """Client *i*: its own psycopg connection, retiring from ``holders[i]``."""
    @contextmanager
    def worker(i):
        with psycopg.connect(dsn, autocommit=True) as conn:
            lot_codes = dict(conn.execute("SELECT id, code FROM lots").fetchall())
            yield lambda: retire_raw(conn, holders[i], lot_codes, quantity())
    return worker


# --- the run ------------------------------------------------------------------------------

def main(argv=None) -> int:
    args = parse_args(argv)
    scenarios = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    unknown = set(scenarios) - {"per-holder", "shared"}
    if unknown:
        sys.exit(f"unknown scenario(s): {', '.join(sorted(unknown))}")
    began = time.monotonic()
    busy_before = common.busy_cores()
    if busy_before > 0.2:
        print(f"warning: {busy_before:.2f} cores already busy before the run; other work on "
              "this machine depresses and scatters the figures (see 'other' below)", flush=True)
    with common.temporary_instance() as instance_dir:
        url = common.fresh_database(args.database)
        common.migrate(url, instance_dir)
        holders = set_up(url, instance_dir, args.clients)
        print(f"setup: database {args.database}, lot of {LOT_KG:,} kg, {args.clients} buyers "
              f"+ 1 shared holder with {HOLDING_KG:,} kg each "
              f"({time.monotonic() - began:.1f} s)", flush=True)
        load = dict(clients=args.clients, seconds=args.seconds, max_count=args.max_count,
                    warmup_seconds=args.warmup)

        api, raw = {}, {}
        with common.Server(url, instance_dir, workers=args.workers) as server:
            for scenario in scenarios:
                api[scenario] = common.run_load(api_worker(server.port, holders[scenario]),
                                                cpu=common.CpuMeter(server.process.pid), **load)
                print(f"API {scenario:>10}: {api[scenario].summary('retirements')}", flush=True)
        dsn = common.psycopg_dsn(url)
        for scenario in scenarios:
            raw[scenario] = common.run_load(raw_worker(dsn, holders[scenario]),
                                            cpu=common.CpuMeter(), **load)
            print(f"raw {scenario:>10}: {raw[scenario].summary('retirements')}", flush=True)

        audit_began = time.monotonic()
        audit = common.flask_cli(url, instance_dir, "audit", check=False)
        audit_seconds = time.monotonic() - audit_began

    print()
    print(f"Retirements/s, {args.clients} clients, gunicorn -w {args.workers} --threads 1, "
          f"{args.seconds:g} s each:")
    print(f"  {'scenario':<12}{'API':>10}{'raw SQL':>10}{'API/raw':>10}")
    below = False
    for scenario in scenarios:
        ratio = api[scenario].rate / raw[scenario].rate if raw[scenario].rate else 0.0
        below |= ratio < TARGET_RATIO
        print(f"  {scenario:<12}{api[scenario].rate:>10.1f}{raw[scenario].rate:>10.1f}"
              f"{ratio:>10.2f}")
    print(f"  target API/raw >= {TARGET_RATIO}: {'NOT MET' if below else 'met'}")

    disturbed = [f"{name} {scenario} ({result.cpu.used['other']:.2f})"
                 for name, results in (("API", api), ("raw", raw))
                 for scenario, result in results.items() if result.cpu.used["other"] > 0.2]
    if disturbed:
        print("  disturbed: other processes used cores during " + ", ".join(disturbed))

    failed = False  # any non-201 (or failed SQL transaction), warm-up included
    for name, results in (("API", api), ("raw", raw)):
        for scenario, result in results.items():
            failed |= bool(result.failures)
            for outcome, count in result.failures.most_common(5):
                print(f"  FAILURE {name} {scenario}: {count} × {outcome}")
    verdict = "passed" if audit.returncode == 0 else f"FAILED ({audit.returncode})"
    print(f"audit {verdict} in {audit_seconds:.1f} s: {(audit.stdout + audit.stderr).strip()}")
    print(f"total {time.monotonic() - began:.1f} s; {busy_before:.2f} cores busy before the run")
    if audit.returncode != 0:
        return 1
    return 2 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
