"""Webhook delivery throughput of the change feed (INTEROP.md §3):

    .venv/bin/python benchmarks/feed_delivery.py [--events 500] [--endpoints 10] [--sqlite]

Seeds ``--events`` unit moves (1 kg transfers, each its own transaction: one feed event and
one outbox row per endpoint), with ``--endpoints`` webhook endpoints registered on local
receivers (a separate process answering 204 over HTTP/1.1 keep-alive, so they take no
CPU from the sender's interpreter). Then it sends the whole outbox with ``deliver_pending``
(claim with FOR UPDATE SKIP LOCKED, Standard Webhooks signature, one attempt row and one
status update per delivery, one transaction per endpoint batch) with 1 worker and with one
worker per endpoint, and prints deliveries/s and feed events/s (an event counts once all
endpoints have it). It checks every delivery is ``delivered`` and every receiver got
every event in order. Database ``registry_feed_bench`` on the local PostgreSQL (dropped and
created anew), or a SQLite file with ``--sqlite``.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import common  # noqa: E402

RECEIVERS = textwrap.dedent('''
    import json, sys, threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    seen = {}
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        def do_POST(self):
            body = self.rfile.read(int(self.headers["content-length"]))
            seen.setdefault(self.server.server_port, []).append(json.loads(body)["sequence"])
            self.send_response(204); self.send_header("content-length", "0"); self.end_headers()
        def do_GET(self):
            data = json.dumps(seen.get(self.server.server_port, [])).encode()
            self.send_response(200); self.send_header("content-length", str(len(data)))
            self.end_headers(); self.wfile.write(data)
        def log_message(self, *args): pass
    servers = [ThreadingHTTPServer(("127.0.0.1", 0), Handler) for _ in range(int(sys.argv[1]))]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    print(json.dumps([s.server_port for s in servers]), flush=True)
    sys.stdin.read()
''')


def seed(app, ports: list[int], events: int) -> None:
    from core.db import transaction
    from core.models import Organization
    from interop import webhooks
    from market.transfers import transfer_units

    seller = common.make_org("基准卖方", "seller", kind="scenario_operator")
    buyer = common.make_org("基准买方", "buyer")
    verifier = common.make_org("基准核证", "verifier", kind="verifier")
    with transaction() as session:
        for port in ports:
            webhooks.create_endpoint(session.get(Organization, buyer.id),
                                     url=f"http://127.0.0.1:{port}/hook", types=[])
    lot_id = common.make_lot(seller, verifier, events * 10)  # the issue: 1 event
    for _ in range(events - 1):
        with transaction() as session:
            transfer_units(session.get(Organization, seller.id), to_organization_id=buyer.id,
                           lot_id=lot_id, quantity_kg=1)


def reset(app) -> None:
    """Every delivery pending again, attempts forgotten (for the next measured phase)."""
    import sqlalchemy as sa

    from core.db import db, transaction
    from interop.feed_models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

    with transaction():
        db.session.execute(sa.delete(WebhookAttempt))
        db.session.execute(sa.update(WebhookDelivery).values(
            status="pending", attempts=0, delivered_at=None))
        db.session.execute(sa.update(WebhookEndpoint).values(leased_until=None))


def measure(app, workers: int) -> tuple[int, float]:
    from interop import delivery

    started = time.perf_counter()
    sent = delivery.deliver_until_idle(workers=workers, max_rounds=10_000)
    return sent, time.perf_counter() - started


def check(app, ports, events: int, rounds: int) -> None:
    import sqlalchemy as sa

    from core.db import db
    from interop.feed_models import WebhookDelivery

    left = db.session.execute(sa.select(sa.func.count()).select_from(WebhookDelivery).where(
        WebhookDelivery.status != "delivered")).scalar_one()
    if left:
        raise SystemExit(f"{left} deliveries not delivered")
    for port in ports:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/") as response:
            seen = [int(s) for s in json.loads(response.read())]
        if seen != list(range(1, events + 1)) * rounds:
            raise SystemExit(f"receiver {port} got {len(seen)} events, or out of order")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--endpoints", type=int, default=10)
    parser.add_argument("--sqlite", action="store_true")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    receivers = subprocess.Popen([sys.executable, "-c", RECEIVERS, str(args.endpoints)],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        ports = json.loads(receivers.stdout.readline())
        with tempfile.TemporaryDirectory() as instance:
            url = f"sqlite:///{instance}/bench.db" if args.sqlite \
                else common.fresh_database("registry_feed_bench")
            common.migrate(url, instance)
            from core.app import create_app
            from core.db import db

            app = create_app({"SQLALCHEMY_DATABASE_URI": url,
                              "SIGNING_KEY_DIR": str(Path(instance) / "keys"),
                              "WEBHOOK_ALLOW_PRIVATE_HOSTS": True})
            with app.app_context():
                started = time.perf_counter()
                seed(app, ports, args.events)
                seeded = time.perf_counter() - started
                print(f"seeded {args.events} events × {args.endpoints} endpoints in "
                      f"{seeded:.1f} s ({args.events / seeded:.0f} changes/s with the feed "
                      "and outbox written in each change's transaction)")
                rows = []
                for round_number, workers in enumerate((1, args.endpoints), start=1):
                    if round_number > 1:
                        reset(app)
                    sent, seconds = measure(app, workers)
                    rows.append((workers, sent, seconds))
                    db.session.remove()
                check(app, ports, args.events, len(rows))
                db.session.remove()
                db.engine.dispose()
            print(f"\n{'workers':>8} {'deliveries':>11} {'seconds':>8} {'deliveries/s':>13} "
                  f"{'events/s (all endpoints)':>25}")
            for workers, sent, seconds in rows:
                print(f"{workers:>8} {sent:>11} {seconds:>8.2f} {sent / seconds:>13.0f} "
                      f"{sent / args.endpoints / seconds:>25.0f}")
            print("every delivery delivered, every receiver got every event in order")
            print(f"load average after: {os.getloadavg()[0]:.1f} (above the core count: "
                  "other work shared the machine, the figures are disturbed)")
    finally:
        receivers.stdin.close()
        receivers.wait(timeout=10)
    if not args.sqlite:
        import psycopg
        with psycopg.connect(common.PG_ADMIN_DSN, autocommit=True) as conn:
            conn.execute('DROP DATABASE IF EXISTS "registry_feed_bench" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main())
