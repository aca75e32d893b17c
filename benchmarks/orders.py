"""Orders per second on one hot listing: reserve + bank-transfer confirmation through the
API (gunicorn → Flask → use cases, PostgreSQL), next to a raw-SQL reserve transaction on
the same listing of the same database, then a zero-oversell check and ``flask audit``.

    .venv/bin/python benchmarks/orders.py [--seconds 10] [--buyers 16] [--workers 4]

* API: buyer *i* (its own organisation and token) ``POST /api/v1/orders`` 1–5 kg of the
  one listing by bank transfer, then the registry admin ``POST
  /api/v1/orders/{id}/bank-transfer-confirmation`` with the order's reference and total.
  One operation is both requests.
* raw: the same number of threads, each on its own psycopg connection, run the reserve
  transaction in the use case's lock order — listing row FOR UPDATE and its remaining kg
  checked and decreased, the lowest listed block locked and carved (start moved up, the
  reserved piece inserted), lot totals shifted, ledger head bumped and one ledger entry
  appended, the order number counted, the order and its item inserted. Only the reserve:
  no confirmation, no HTTP, no ORM.

Afterwards: the listing's remaining kg plus every reserved or sold kg equals its quantity
(and agrees with the lot's totals and the blocks), the lot's serial ranges partition it
without overlap, and ``flask audit`` passes. Exit status 0 when all of that holds and every
request succeeded, 1 when a check or the audit fails, 2 when some request failed. Missing
the target ratio is reported, not an error.
"""

import argparse
import os
import random
import sys
import time
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import psycopg
import requests

import common

LISTING_KG = 10_000_000
PRICE_FEN_PER_TONNE = 8_000
TARGET_RATIO = 0.2
BANK_RESERVATION = timedelta(hours=120)  # the app's default BANK_RESERVATION_HOURS
CHINA = ZoneInfo("Asia/Shanghai")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0,
                        help="measured seconds per figure (2 figures; default 10)")
    parser.add_argument("--buyers", type=int, default=16,
                        help="concurrent buyers, and raw threads (16)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (4)")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker (1)")
    parser.add_argument("--warmup", type=float, default=1.0,
                        help="uncounted warm-up seconds before each figure (1)")
    parser.add_argument("--max-count", type=int, default=6_000,
                        help="at most this many operations per figure (6000): every order "
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

def api_worker(base: str, setup: dict):
    """Client *i*: buyer *i*'s session places an order, the admin's session confirms it."""
    @contextmanager
    def worker(i):
        with requests.Session() as buyer, requests.Session() as admin:
            buyer.headers.update(setup["buyers"][i].headers)
            admin.headers.update(setup["admin"].headers)
            orders_url = f"{base}/api/v1/orders"

            def step():
                placed = buyer.post(orders_url, timeout=30, json={
                    "items": [{"listing_id": setup["listing_id"], "quantity_kg": quantity()}],
                    "payment_method": "bank_transfer"})
                if placed.status_code != 201:
                    return f"order HTTP {placed.status_code}: {placed.text[:160]}"
                order = placed.json()
                paid = admin.post(f"{orders_url}/{order['id']}/bank-transfer-confirmation",
                                  timeout=30, json={"reference": order["bank_reference"],
                                                    "amount_fen": order["total_fen"]})
                if paid.status_code != 200:
                    return f"confirm HTTP {paid.status_code}: {paid.text[:160]}"
                if paid.json().get("status") != "fulfilled":
                    return f"confirmed order is {paid.json().get('status')}"
                return None

            yield step
    return worker


# --- the raw baseline ----------------------------------------------------------------------

LOCK_LISTING = """
    SELECT seller_id, lot_id, remaining_kg, price_fen_per_tonne, status FROM listings
    WHERE id = %s FOR UPDATE"""
LOCK_BLOCK = """
    SELECT id, serial_start, serial_end, owner_id FROM serial_blocks
    WHERE listing_id = %s AND state = 'listed'
    ORDER BY lot_id, serial_start LIMIT 1 FOR UPDATE"""
SHRINK_BLOCK = "UPDATE serial_blocks SET serial_start = serial_start + %s WHERE id = %s"
SHIFT_TOTALS = """
    UPDATE lots SET listed_kg = listed_kg - %s, reserved_kg = reserved_kg + %s WHERE id = %s"""
LOCK_HEAD = "UPDATE ledger_head SET next_seq = next_seq + 1 WHERE id = 1 RETURNING next_seq - 1"
NEXT_NUMBER = """
    INSERT INTO counters (name, value) VALUES (%s, 1)
    ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value"""
INSERT_ENTRY = """
    INSERT INTO ledger_entries (seq, type, lot_id, lot_code, serial_start, serial_end,
                                quantity_kg, from_org_id, to_org_id, ref, created_at, canonical)
    VALUES (%s, 'reserve', %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"""
INSERT_ORDER = """
    INSERT INTO orders (number, buyer_id, status, payment_method, total_fen, currency,
                        expires_at, bank_reference, created_at)
    VALUES (%s, %s, 'pending_payment', 'bank_transfer', %s, 'CNY', %s, %s, %s) RETURNING id"""
INSERT_ITEM = """
    INSERT INTO order_items (order_id, listing_id, lot_id, quantity_kg, price_fen_per_tonne,
                             amount_fen)
    VALUES (%s, %s, %s, %s, %s, %s)"""
INSERT_PIECE = """
    INSERT INTO serial_blocks (lot_id, serial_start, serial_end, owner_id, state, listing_id,
                               order_id)
    VALUES (%s, %s, %s, %s, 'reserved', %s, %s)"""
DECREASE_REMAINING = "UPDATE listings SET remaining_kg = remaining_kg - %s WHERE id = %s"


def reserve_raw(conn, buyer_id: int, listing_id: int, lot_code: str, kg: int) -> None:
    """``place_order`` for one item, by bank transfer, in plain SQL and the same lock
    order (listing, block, lot, ledger head, counter). The ledger entry's canonical JSON,
    the bank reference and the price come from the app's own functions so that the audit
    checks them like any other row."""
    from core.rounding import amount_fen
    from market.ledger import canonical_bytes
    from market.orders import bank_reference

    moment = datetime.now(timezone.utc)
    year = moment.astimezone(CHINA).year
    with conn.transaction():
        seller_id, lot_id, remaining, price, status = conn.execute(
            LOCK_LISTING, (listing_id,)).fetchone()
        if status != "open" or remaining < kg:
            raise RuntimeError("listing exhausted")  # never with 10 000 000 kg
        block_id, start, end, owner_id = conn.execute(LOCK_BLOCK, (listing_id,)).fetchone()
        if end - start + 1 <= kg:
            raise RuntimeError("listed block exhausted")  # one block holds all that is left
        piece_end = start + kg - 1
        conn.execute(SHRINK_BLOCK, (kg, block_id))
        conn.execute(SHIFT_TOTALS, (kg, kg, lot_id))
        seq = conn.execute(LOCK_HEAD).fetchone()[0]
        n = conn.execute(NEXT_NUMBER, (f"order:{year}",)).fetchone()[0]
        number = f"JLO-{year}-{n:06d}"
        item = {"seq": seq, "type": "reserve", "lot_code": lot_code, "serial_start": start,
                "serial_end": piece_end, "quantity_kg": kg, "from_org_id": owner_id,
                "to_org_id": seller_id, "ref": number,
                "created_at": moment.isoformat(timespec="microseconds")}
        conn.execute(INSERT_ENTRY, (seq, lot_id, lot_code, start, piece_end, kg, owner_id,
                                    seller_id, number, moment, canonical_bytes(item).decode()))
        amount = amount_fen(kg, price)
        order_id = conn.execute(INSERT_ORDER, (number, buyer_id, amount,
                                               moment + BANK_RESERVATION,
                                               bank_reference(number), moment)).fetchone()[0]
        conn.execute(INSERT_ITEM, (order_id, listing_id, lot_id, kg, price, amount))
        conn.execute(DECREASE_REMAINING, (kg, listing_id))
        conn.execute(INSERT_PIECE, (lot_id, start, piece_end, seller_id, listing_id, order_id))


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

            with common.Server(url, instance_dir, workers=args.workers,
                               threads=args.threads) as server:
                api = common.run_load(api_worker(server.base, setup),
                                      cpu=common.CpuMeter(server.process.pid), **load)
            print(f"API reserve+confirm: {api.summary('orders')}", flush=True)
            raw = common.run_load(raw_worker(common.psycopg_dsn(url), setup),
                                  cpu=common.CpuMeter(), **load)
            print(f"raw reserve:         {raw.summary('orders')}", flush=True)

            problems, figures = check_no_oversell(common.psycopg_dsn(url), setup["listing_id"],
                                                  setup["lot_id"])
            audit_began = time.monotonic()
            audit = common.flask_cli(url, instance_dir, "audit", check=False)
            audit_seconds = time.monotonic() - audit_began
    finally:
        if not args.keep:
            drop_database(args.database)

    ratio = api.rate / raw.rate if raw.rate else 0.0
    print()
    print(f"Orders/s on one listing, {args.buyers} buyers, gunicorn -w {args.workers} "
          f"--threads {args.threads}, {args.seconds:g} s each (PostgreSQL):")
    print(f"  {'API reserve + bank-transfer confirm':<40}{api.rate:>9.1f}")
    print(f"  {'raw SQL reserve transaction':<40}{raw.rate:>9.1f}")
    print(f"  {'ratio API/raw':<40}{ratio:>9.2f}   target >= {TARGET_RATIO}: "
          f"{'PASS' if ratio >= TARGET_RATIO else 'FAIL'}")
    for name, result in (("API", api), ("raw", raw)):
        if result.cpu.used.get("other", 0) > 0.2:
            print(f"  disturbed: other processes used {result.cpu.used['other']:.2f} cores "
                  f"during {name}")
    failed = False
    for name, result in (("API", api), ("raw", raw)):
        failed |= bool(result.failures)
        for outcome, count in result.failures.most_common(5):
            print(f"  FAILURE {name}: {count} × {outcome}")

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
