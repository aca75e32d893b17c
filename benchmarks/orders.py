"""Orders per second on one hot listing: reserve + bank-transfer confirmation through the
API (gunicorn → Flask → use cases, PostgreSQL), next to a raw-SQL reserve transaction on
the same listing of the same database, then a zero-oversell check and ``flask audit``.

    .venv/bin/python benchmarks/orders.py [--seconds 8] [--rounds 3] [--buyers 16] [--workers 4]

* API: buyer *i* (its own organisation and token) ``POST /api/v1/orders`` 1–5 kg of the
  one listing by bank transfer, then the registry admin ``POST
  /api/v1/orders/{id}/bank-transfer-confirmation`` with the order's reference and total.
  One operation is both requests.
* raw: the same number of threads, each on its own psycopg connection, run the reserve
  transaction as the use case's ten statements in its order — the listing's remaining kg
  checked and decreased (its row lock), the lowest listed block locked and its start moved
  up, the order number counted, the order, the reserved piece and the item inserted, lot
  totals shifted, ledger head bumped and one ledger entry appended. Only the reserve: no
  confirmation, no HTTP, no ORM.

The two alternate, ``--rounds`` times each, against one server and one database, so that
both see the same machine: on this shared host the speed of Python code drifts by up to a
third over minutes, which a single API phase followed by a single raw phase mistakes for a
difference between the two.

Afterwards: the listing's remaining kg plus every reserved or sold kg equals its quantity
(and agrees with the lot's totals and the blocks), the lot's serial ranges partition it
without overlap, and ``flask audit`` passes. Exit status 0 when all of that holds and every
request succeeded, 1 when a check or the audit fails, 2 when some request failed. Missing
the target ratio is reported, not an error.
"""

import argparse
import json
import os
import random
import sys
import time
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import psycopg
import common

LISTING_KG = 10_000_000
PRICE_FEN_PER_TONNE = 8_000
TARGET_RATIO = 0.2
BANK_RESERVATION = timedelta(hours=120)  # the app's default BANK_RESERVATION_HOURS
CHINA = ZoneInfo("Asia/Shanghai")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=8.0,
                        help="measured seconds per phase (default 8)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds, each an API phase then a raw phase (default 3)")
    parser.add_argument("--buyers", type=int, default=16,
                        help="concurrent buyers, and raw threads (16)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (4)")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker (1)")
    parser.add_argument("--warmup", type=float, default=1.0,
                        help="uncounted warm-up seconds before each figure (1)")
    parser.add_argument("--max-count", type=int, default=4_000,
                        help="at most this many operations per phase (4000): every order "
                             "carves a piece off the one lot, which the checks and the audit "
                             "then read; the cap keeps a run under a minute")
    parser.add_argument("--database", default="registry_orders_bench",
                        help="database to drop and recreate (registry_orders_bench)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the database afterwards (dropped by default)")
    return parser.parse_args(argv)


def drop_database(name: str) -> None:
    if name in ("postgres", "test", "test_lead"):
        raise ValueError(f"refusing to drop database {name!r}")
    with psycopg.connect(common.PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- setup ------------------------------------------------------------------------------

def make_listing(seller: common.Actor, lot_id: int, kg: int) -> int:
    """List ``kg`` of the seller's lot (the listing use case)."""
    from core.db import transaction
    from core.models import Organization
    from market import listings

    with transaction() as session:
        return listings.list_units(session.get(Organization, seller.id), lot_id=lot_id,
                                   quantity_kg=kg,
                                   price_fen_per_tonne=PRICE_FEN_PER_TONNE).id


def set_up(url: str, instance_dir: str, buyers: int) -> dict:
    """A seller's lot of 10 000 000 kg listed whole, ``buyers`` buyers and the registry
    admin, all through the app's use cases."""
    run = common.unique("orders")
    with common.app_context(url, instance_dir):
        seller = common.make_org(f"{run} seller", "seller", kind="scenario_operator")
        verifier = common.make_org(f"{run} verifier", "verifier", kind="verifier")
        admin = common.make_org(f"{run} registry", "registry_admin", kind="registry")
        lot_id = common.make_lot(seller, verifier, LISTING_KG)
        listing_id = make_listing(seller, lot_id, LISTING_KG)
        people = [common.make_org(f"{run} buyer {i + 1}", "buyer") for i in range(buyers)]
    return {"seller": seller, "admin": admin, "buyers": people, "lot_id": lot_id,
            "listing_id": listing_id}


def quantity() -> int:
    return random.randint(1, 5)


# --- the API ------------------------------------------------------------------------------

def api_worker(port: int, setup: dict):
    """Client *i*: buyer *i* places an order, the registry admin confirms it."""
    @contextmanager
    def worker(i):
        buyer, admin = setup["buyers"][i].headers, setup["admin"].headers

        def step():
            status, body = common.post_json(port, "/api/v1/orders", buyer, {
                "items": [{"listing_id": setup["listing_id"], "quantity_kg": quantity()}],
                "payment_method": "bank_transfer"})
            if status != 201:
                return f"order HTTP {status}: {body[:160]!r}"
            order = json.loads(body)
            status, body = common.post_json(
                port, f"/api/v1/orders/{order['id']}/bank-transfer-confirmation", admin,
                {"reference": order["bank_reference"], "amount_fen": order["total_fen"]})
            if status != 200:
                return f"confirm HTTP {status}: {body[:160]!r}"
            if json.loads(body).get("status") != "fulfilled":
                return f"confirmed order is {json.loads(body).get('status')}"
            return None

        yield step
    return worker


# --- the raw baseline ----------------------------------------------------------------------

TAKE_FROM_LISTING = """
    UPDATE listings SET remaining_kg = remaining_kg - %s
    WHERE id = %s AND status = 'open' AND remaining_kg >= %s
    RETURNING seller_id, lot_id, price_fen_per_tonne"""
LOCK_BLOCK = """
    SELECT id, serial_start, serial_end, owner_id FROM serial_blocks
    WHERE listing_id = %s AND state = 'listed'
    ORDER BY lot_id, serial_start LIMIT 1 FOR UPDATE"""
SHRINK_BLOCK = "UPDATE serial_blocks SET serial_start = serial_start + %s WHERE id = %s"
NEXT_NUMBER = """
    INSERT INTO counters (name, value) VALUES (%s, 1)
    ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value"""
INSERT_ORDER = """
    INSERT INTO orders (number, buyer_id, status, payment_method, total_fen, currency,
                        expires_at, bank_reference, created_at)
    VALUES (%s, %s, 'pending_payment', 'bank_transfer', %s, 'CNY', %s, %s, %s) RETURNING id"""
INSERT_PIECE = """
    INSERT INTO serial_blocks (lot_id, serial_start, serial_end, owner_id, state, listing_id,
                               order_id)
    VALUES (%s, %s, %s, %s, 'reserved', %s, %s)"""
INSERT_ITEM = """
    INSERT INTO order_items (order_id, listing_id, lot_id, quantity_kg, price_fen_per_tonne,
                             amount_fen)
    VALUES (%s, %s, %s, %s, %s, %s)"""
SHIFT_TOTALS = """
    UPDATE lots SET listed_kg = listed_kg - %s, reserved_kg = reserved_kg + %s WHERE id = %s"""
LOCK_HEAD = "UPDATE ledger_head SET next_seq = next_seq + 1 WHERE id = 1 RETURNING next_seq - 1"
INSERT_ENTRY = """
    INSERT INTO ledger_entries (seq, type, lot_id, lot_code, serial_start, serial_end,
                                quantity_kg, from_org_id, to_org_id, ref, created_at, canonical)
    VALUES (%s, 'reserve', %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"""


def reserve_raw(conn, buyer_id: int, listing_id: int, lot_code: str, kg: int) -> None:
    """``place_order`` for one item, by bank transfer, as the same ten statements in plain
    SQL and the same order: listing, block (shrunk), order counter, order, reserved piece,
    item, lot totals, ledger head, ledger entry. The entry's canonical JSON, the bank
    reference and the price come from the app's own functions so that the audit checks them
    like any other row."""
    from core.rounding import amount_fen
    from market.ledger import canonical_bytes
    from market.orders import bank_reference

    moment = datetime.now(timezone.utc)
    year = moment.astimezone(CHINA).year
    with conn.transaction():
        taken = conn.execute(TAKE_FROM_LISTING, (kg, listing_id, kg)).fetchone()
        if taken is None:
            raise RuntimeError("listing exhausted")  # never with 10 000 000 kg
        seller_id, lot_id, price = taken
        block_id, start, end, owner_id = conn.execute(LOCK_BLOCK, (listing_id,)).fetchone()
        if end - start + 1 <= kg:
            raise RuntimeError("listed block exhausted")  # one block holds all that is left
        piece_end = start + kg - 1
        conn.execute(SHRINK_BLOCK, (kg, block_id))
        n = conn.execute(NEXT_NUMBER, (f"order:{year}",)).fetchone()[0]
        number = f"JLO-{year}-{n:06d}"
        amount = amount_fen(kg, price)
        order_id = conn.execute(INSERT_ORDER, (number, buyer_id, amount,
                                               moment + BANK_RESERVATION,
                                               bank_reference(number), moment)).fetchone()[0]
        conn.execute(INSERT_PIECE, (lot_id, start, piece_end, seller_id, listing_id, order_id))
        conn.execute(INSERT_ITEM, (order_id, listing_id, lot_id, kg, price, amount))
        conn.execute(SHIFT_TOTALS, (kg, kg, lot_id))
        seq = conn.execute(LOCK_HEAD).fetchone()[0]
        item = {"seq": seq, "type": "reserve", "lot_code": lot_code, "serial_start": start,
                "serial_end": piece_end, "quantity_kg": kg, "from_org_id": owner_id,
                "to_org_id": seller_id, "ref": number,
                "created_at": moment.isoformat(timespec="microseconds")}
        conn.execute(INSERT_ENTRY, (seq, lot_id, lot_code, start, piece_end, kg, owner_id,
                                    seller_id, number, moment, canonical_bytes(item).decode()))


def raw_worker(dsn: str, setup: dict):
    """Thread *i*: its own psycopg connection, reserving for buyer *i*."""
    @contextmanager
    def worker(i):
        with psycopg.connect(dsn, autocommit=True) as conn:
            lot_code = conn.execute("SELECT code FROM lots WHERE id = %s",
                                    (setup["lot_id"],)).fetchone()[0]
            buyer_id = setup["buyers"][i].id
            yield lambda: reserve_raw(conn, buyer_id, setup["listing_id"], lot_code, quantity())
    return worker


# --- after the run -------------------------------------------------------------------------

def check_no_oversell(dsn: str, listing_id: int, lot_id: int) -> tuple[list[str], dict]:
    """Problems found (empty when none) and the listing's figures.

    The listing's remaining kg plus every kg of its pending and fulfilled orders must be
    its quantity; the lot's totals must say the same (listed = remaining, reserved =
    pending, available = sold: the lot is listed whole), and its blocks must partition
    serials 1…issued without gap or overlap.
    """
    problems = []
    with psycopg.connect(dsn) as conn:
        quantity, remaining = conn.execute(
            "SELECT quantity_kg, remaining_kg FROM listings WHERE id = %s",
            (listing_id,)).fetchone()
        by_status = dict(conn.execute("""
            SELECT o.status, COALESCE(SUM(i.quantity_kg), 0)::bigint FROM order_items i
            JOIN orders o ON o.id = i.order_id WHERE i.listing_id = %s GROUP BY o.status""",
            (listing_id,)).fetchall())
        orders = dict(conn.execute("""
            SELECT o.status, COUNT(DISTINCT o.id) FROM order_items i
            JOIN orders o ON o.id = i.order_id WHERE i.listing_id = %s GROUP BY o.status""",
            (listing_id,)).fetchall())
        issued, available, listed, reserved, retired = conn.execute(
            "SELECT issued_kg, available_kg, listed_kg, reserved_kg, retired_kg FROM lots "
            "WHERE id = %s", (lot_id,)).fetchone()
        blocks = conn.execute(
            "SELECT id, serial_start, serial_end, state FROM serial_blocks WHERE lot_id = %s "
            "ORDER BY serial_start, serial_end", (lot_id,)).fetchall()
        listed_blocks = conn.execute(
            "SELECT COALESCE(SUM(serial_end - serial_start + 1), 0)::bigint FROM serial_blocks "
            "WHERE listing_id = %s AND state = 'listed'", (listing_id,)).fetchone()[0]
    pending, sold = by_status.get("pending_payment", 0), by_status.get("fulfilled", 0)
    if remaining + pending + sold != quantity:
        problems.append(f"oversold: remaining {remaining} + reserved {pending} + sold {sold} "
                        f"= {remaining + pending + sold} != quantity {quantity}")
    other = {s: kg for s, kg in by_status.items() if s not in ("pending_payment", "fulfilled")}
    if other:
        problems.append(f"orders that released their units: {other}")
    lot = {"listed": listed, "reserved": reserved, "available": available, "retired": retired}
    expected = {"listed": remaining, "reserved": pending, "available": sold, "retired": 0}
    if issued != quantity or lot != expected:
        problems.append(f"lot totals {lot} (issued {issued}) differ from the listing's "
                        f"{expected} (quantity {quantity})")
    if listed_blocks != remaining:
        problems.append(f"listed blocks hold {listed_blocks} kg, the listing says {remaining}")
    overlaps = gaps = 0
    expected_start = 1
    for block_id, start, end, _ in blocks:
        if start < expected_start:
            overlaps += 1
            if overlaps <= 5:
                problems.append(f"block #{block_id} {start}-{end} overlaps serial "
                                f"{expected_start - 1}")
        elif start > expected_start:
            gaps += 1
        expected_start = max(expected_start, end + 1)
    if overlaps > 5:
        problems.append(f"… {overlaps} overlapping blocks in all")
    if gaps or expected_start != issued + 1:
        problems.append(f"serial blocks leave {gaps} gap(s) and end at {expected_start - 1} "
                        f"of {issued}")
    figures = {"quantity": quantity, "remaining": remaining, "pending": pending, "sold": sold,
               "orders": orders, "blocks": len(blocks)}
    return problems, figures


# --- the run ------------------------------------------------------------------------------

def main(argv=None) -> int:
    args = parse_args(argv)
    began = time.monotonic()
    busy_before = common.busy_cores()
    if busy_before > 0.2:
        print(f"warning: {busy_before:.2f} of {os.cpu_count()} cores already busy before "
              "the run; other work on this machine depresses and scatters the figures",
              flush=True)
    load = dict(clients=args.buyers, seconds=args.seconds, max_count=args.max_count,
                warmup_seconds=args.warmup)
    try:
        with common.temporary_instance() as instance_dir:
            url = common.fresh_database(args.database)
            common.migrate(url, instance_dir)
            setup = set_up(url, instance_dir, args.buyers)
            print(f"setup: database {args.database}, one listing of {LISTING_KG:,} kg, "
                  f"{args.buyers} buyers ({time.monotonic() - began:.1f} s)", flush=True)

            rounds = {"API": [], "raw": []}
            with common.Server(url, instance_dir, workers=args.workers,
                               threads=args.threads) as server:
                for round_ in range(1, args.rounds + 1):
                    result = common.run_load(api_worker(server.port, setup),
                                             cpu=common.CpuMeter(server.process.pid), **load)
                    rounds["API"].append(result)
                    print(f"round {round_} API reserve+confirm: {result.summary('orders')}",
                          flush=True)
                    result = common.run_load(raw_worker(common.psycopg_dsn(url), setup),
                                             cpu=common.CpuMeter(), **load)
                    rounds["raw"].append(result)
                    print(f"round {round_} raw reserve:         {result.summary('orders')}",
                          flush=True)

            problems, figures = check_no_oversell(common.psycopg_dsn(url), setup["listing_id"],
                                                  setup["lot_id"])
            audit_began = time.monotonic()
            audit = common.flask_cli(url, instance_dir, "audit", check=False)
            audit_seconds = time.monotonic() - audit_began
    finally:
        if not args.keep:
            drop_database(args.database)

    api, raw = (common.throughput(sum(r.ok for r in runs), sum(r.elapsed for r in runs))
                for runs in (rounds["API"], rounds["raw"]))
    ratio = api / raw if raw else 0.0
    print()
    print(f"Orders/s on one listing, {args.buyers} buyers, gunicorn -w {args.workers} "
          f"--threads {args.threads}, {args.rounds} rounds of {args.seconds:g} s each "
          "(PostgreSQL):")
    print(f"  {'API reserve + bank-transfer confirm':<40}{api:>9.1f}")
    print(f"  {'raw SQL reserve transaction':<40}{raw:>9.1f}")
    print(f"  {'ratio API/raw':<40}{ratio:>9.2f}   target >= {TARGET_RATIO}: "
          f"{'PASS' if ratio >= TARGET_RATIO else 'FAIL'}")
    print("  per round: " + ", ".join(
        f"{a.rate / r.rate:.2f}" if r.rate else "-"
        for a, r in zip(rounds["API"], rounds["raw"])))
    failed = False
    for name, runs in rounds.items():
        for round_, result in enumerate(runs, 1):
            if result.cpu.used.get("other", 0) > 0.2:
                print(f"  disturbed: other processes used {result.cpu.used['other']:.2f} "
                      f"cores during {name} round {round_}")
            failed |= bool(result.failures)
            for outcome, count in result.failures.most_common(5):
                print(f"  FAILURE {name} round {round_}: {count} × {outcome}")

    print(f"oversell check: listing {figures['quantity']:,} kg = remaining "
          f"{figures['remaining']:,} + reserved {figures['pending']:,} + sold "
          f"{figures['sold']:,}; orders {figures['orders']}; {figures['blocks']:,} blocks: "
          + ("passed" if not problems else "FAILED"))
    for problem in problems:
        print(f"  {problem}")
    verdict = "passed" if audit.returncode == 0 else f"FAILED ({audit.returncode})"
    print(f"audit {verdict} in {audit_seconds:.1f} s: {(audit.stdout + audit.stderr).strip()}")
    print(f"total {time.monotonic() - began:.1f} s; {busy_before:.2f} cores busy before the run"
          + ("" if args.keep else f"; database {args.database} dropped"))
    if problems or audit.returncode != 0:
        return 1
    return 2 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
