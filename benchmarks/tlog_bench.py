"""The transparency log at scale: appending through ``sync_tree`` and inclusion proofs.

    .venv/bin/python benchmarks/tlog_bench.py

On a fresh PostgreSQL database (``registry_tlog_bench`` on 127.0.0.1, recreated each run):

* append: 100 000 ledger entries hashed into ``tlog_nodes`` by one ``sync_tree`` (target
  < 10 s), next to the baseline of recomputing the root naively over all leaves in memory,
  which is what every checkpoint would cost without stored subtrees;
* prove: the median inclusion proof in a 1 000 000-entry tree stored in ``tlog_nodes``
  (target < 20 ms), through ``proofs.inclusion`` and through the HTTP endpoint,
  next to the same proof computed from an in-memory MemoryNodeStore;
* and, for scale, the root of that tree and ``flask audit``'s log check over it.

Synthetic ledger rows are written with COPY (their canonical JSON is what sync hashes;
the history need not be legal for this). ``measure()`` returns the figures.
"""

import hashlib
import json
import random
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone

import psycopg
import sqlalchemy as sa

import common

DATABASE = "registry_tlog_bench"
APPEND_LEAVES = 100_000
PROOF_TREE = 1_000_000
PROOFS = 300
APPEND_TARGET_S = 10.0
PROOF_TARGET_MS = 20.0


def _canonical(seq: int, lot_code: str, moment: datetime) -> str:
    # The public ledger item; with integers, ASCII strings and null, sorted compact JSON
    # is exactly RFC 8785 (and ~20x faster to produce than rfc8785.dumps).
    start = seq * 10 + 1
    return json.dumps({
        "created_at": moment.isoformat(timespec="microseconds"), "from_org_id": 1,
        "lot_code": lot_code, "quantity_kg": 10, "ref": f"BENCH-{seq}", "seq": seq,
        "serial_end": start + 9, "serial_start": start, "to_org_id": 2, "type": "transfer",
    }, sort_keys=True, separators=(",", ":"))


def _fill_ledger(dsn: str, lot_id: int, lot_code: str, first: int, last: int) -> None:
    """COPY synthetic entries seq first..last-1 and move the ledger head past them."""
    base = datetime(2026, 1, 1, tzinfo=timezone.utc)
    columns = ("seq, type, lot_id, lot_code, serial_start, serial_end, quantity_kg, "
               "from_org_id, to_org_id, ref, created_at, canonical")
    with psycopg.connect(dsn) as conn:
        with conn.cursor().copy(f"COPY ledger_entries ({columns}) FROM STDIN") as copy:
            for seq in range(first, last):
                moment = base + timedelta(seconds=seq)
                copy.write_row((seq, "transfer", lot_id, lot_code, seq * 10 + 1, seq * 10 + 10,
                                10, 1, 2, f"BENCH-{seq}", moment,
                                _canonical(seq, lot_code, moment)))
        conn.execute("UPDATE ledger_head SET next_seq = %s", (last,))


def _leaf_hashes(dsn: str, size: int) -> list[bytes]:
    with psycopg.connect(dsn) as conn:
        rows = conn.execute("SELECT canonical FROM ledger_entries WHERE seq < %s ORDER BY seq",
                            (size,))
        return [hashlib.sha256(b"\x00" + text.encode()).digest() for (text,) in rows]


def _naive_root(leaves: list[bytes]) -> bytes:
    """RFC 9162 MTH by its definition, over all leaf hashes (no stored subtrees)."""
    if len(leaves) == 1:
        return leaves[0]
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return hashlib.sha256(b"\x01" + _naive_root(leaves[:k]) + _naive_root(leaves[k:])).digest()


def _median_ms(func, args_list) -> float:
    times = []
    for args in args_list:
        started = time.perf_counter()
        func(*args)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def measure() -> dict:
    """Run both measurements on a fresh database and return the figures."""
    from core.db import db, transaction
    from tlog import audit, checkpoints, merkle, proofs, tree

    url = common.fresh_database(DATABASE)
    dsn = common.psycopg_dsn(url)
    figures = {}
    with common.temporary_instance() as instance:
        common.migrate(url, instance)
        with common.app_context(url, instance) as app:
            seller = common.make_org("基准卖方", "seller")
            verifier = common.make_org("基准核证机构", "verifier", kind="verifier")
            lot_id = common.make_lot(seller, verifier, 10 * PROOF_TREE + 10)
            lot_code = db.session.execute(
                sa.text("SELECT code FROM lots WHERE id = :id"), {"id": lot_id}).scalar_one()
            db.session.rollback()

            # --- append 100 000 leaves through sync_tree --------------------------------
            _fill_ledger(dsn, lot_id, lot_code, 1, APPEND_LEAVES)
            started = time.perf_counter()
            with transaction():
                size = tree.sync_tree()
            figures["append_s"] = time.perf_counter() - started
            assert size == APPEND_LEAVES

            started = time.perf_counter()
            leaves = _leaf_hashes(dsn, APPEND_LEAVES)
            naive = _naive_root(leaves)
            figures["append_baseline_naive_root_s"] = time.perf_counter() - started
            assert naive == merkle.root(tree.DbNodeStore(), APPEND_LEAVES)

            _fill_ledger(dsn, lot_id, lot_code, APPEND_LEAVES, APPEND_LEAVES + 100)
            started = time.perf_counter()
            with transaction():
                checkpoints.sign_checkpoint()
            figures["sync_100_more_and_sign_ms"] = (time.perf_counter() - started) * 1000

            # --- inclusion proofs in a 1 000 000-entry tree -----------------------------
            _fill_ledger(dsn, lot_id, lot_code, APPEND_LEAVES + 100, PROOF_TREE)
            started = time.perf_counter()
            with transaction():
                tree.sync_tree()
            figures["sync_to_1m_s"] = time.perf_counter() - started
            db.session.rollback()

            rng = random.Random(9162)
            indices = [(rng.randrange(PROOF_TREE), PROOF_TREE) for _ in range(PROOFS)]
            store = tree.DbNodeStore()
            figures["root_1m_ms"] = _median_ms(lambda: merkle.root(store, PROOF_TREE), [()] * 50)
            figures["proof_ms"] = _median_ms(proofs.inclusion, indices)
            client = app.test_client()
            figures["proof_http_ms"] = _median_ms(
                lambda i, n: client.get(
                    f"/api/v1/transparency/proofs/inclusion?index={i}&tree_size={n}"), indices)

            memory = merkle.MemoryNodeStore()
            merkle.append_leaves(memory, 0, _leaf_hashes(dsn, PROOF_TREE))
            figures["proof_baseline_memory_ms"] = _median_ms(
                lambda i, n: merkle.inclusion_proof(memory, i, n), indices)
            for index, size in indices[:20]:
                assert proofs.inclusion(index, size)["hashes"] == \
                    merkle.inclusion_proof(memory, index, size)
            del memory

            with transaction():
                checkpoints.sign_checkpoint()
            started = time.perf_counter()
            problems = audit.check_log()
            figures["audit_1m_s"] = time.perf_counter() - started
            assert problems == [], problems
    return figures


def report(figures: dict) -> str:
    append_ok = "meets" if figures["append_s"] < APPEND_TARGET_S else "MISSES"
    proof_ok = "meets" if figures["proof_http_ms"] < PROOF_TARGET_MS else "MISSES"
    return "\n".join([
        f"append {APPEND_LEAVES:,} leaves via sync_tree (PostgreSQL): "
        f"{figures['append_s']:.2f} s ({append_ok} < {APPEND_TARGET_S:.0f} s)",
        f"  baseline, naive root over all {APPEND_LEAVES:,} leaves in memory: "
        f"{figures['append_baseline_naive_root_s']:.2f} s (hash + recursion, every checkpoint)",
        f"  sync 100 more entries and sign a checkpoint: "
        f"{figures['sync_100_more_and_sign_ms']:.1f} ms",
        f"  sync from 100,100 to {PROOF_TREE:,} leaves: {figures['sync_to_1m_s']:.1f} s",
        f"inclusion proof in a {PROOF_TREE:,}-entry tree, median of {PROOFS}:",
        f"  HTTP endpoint (test client): {figures['proof_http_ms']:.2f} ms "
        f"({proof_ok} < {PROOF_TARGET_MS:.0f} ms)",
        f"  proofs.inclusion (2 queries): {figures['proof_ms']:.2f} ms",
        f"  baseline, same proof from MemoryNodeStore: "
        f"{figures['proof_baseline_memory_ms']:.3f} ms",
        f"root of the {PROOF_TREE:,}-entry tree from tlog_nodes (median of 50): "
        f"{figures['root_1m_ms']:.2f} ms",
        f"flask audit's log check over {PROOF_TREE:,} leaves (every leaf and node recomputed): "
        f"{figures['audit_1m_s']:.1f} s",
    ])


if __name__ == "__main__":
    print(report(measure()))
    sys.exit(0)
