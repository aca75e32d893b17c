"""Two registries on one machine (INTEROP.md §7): ``make federation`` or

    .venv/bin/python -m interop.federation [--workdir DIR] [--keep]

starts 吉林 (220000) and 辽宁 (210000) on 127.0.0.1, each with its own database (SQLite
files in the work directory, or the PostgreSQL databases named by
``FEDERATION_DATABASE_URL_JL`` / ``FEDERATION_DATABASE_URL_LN``), its own keys and port
(``FEDERATION_PORT_JL`` / ``_LN``, default 5101 / 5102), pins each as the other's peer and
runs the scenario over real HTTP:

1. a scenario operator's lot is issued in 吉林 with its claim scope; the same scope asked
   of 辽宁 is refused by the double-claim gate (409) with 吉林's signed answer, which
   verifies offline; a buyer in 吉林 retires part of the lot (a certificate);
2. 辽宁 subscribes to 吉林's feed; 吉林's webhook delivers the retirement, 辽宁 verifies it
   with standardwebhooks and shows it on ``/interop``;
3. 辽宁 verifies 吉林's certificate and a status statement offline, with the DID document
   it pinned for 吉林;
4. each cosigns the other's checkpoint; each log serves the other's cosignature and the
   monitor passes with ``--witnesses 1``;
5. a forged second checkpoint of the size 辽宁 cosigned is refused and kept as evidence.

It prints each step and exits 0 when all held. tests/interop/test_federation.py runs the
same ``run_scenario`` on SQLite and on PostgreSQL.
"""

import argparse
import json
import os
import socket
import sys
import tempfile
import threading
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import requests
from werkzeug.serving import make_server

REGISTRIES = {
    "jl": {"region": "220000", "name_zh": "碳惠吉林碳普惠登记簿",
           "name_en": "Tanhui Jilin Carbon-Inclusion Registry", "port": 5101},
    "ln": {"region": "210000", "name_zh": "辽宁碳普惠登记簿",
           "name_en": "Liaoning Carbon-Inclusion Registry", "port": 5102},
}


@dataclass
class Registry:
    """One running registry: its app, address, administrator token and key folder."""

    key: str
    app: object
    base_url: str
    keys_dir: Path
    admin_token: str = ""
    server: object = None

    @property
    def api(self) -> str:
        return self.base_url + "/api/v1"

    def auth(self, token: str | None = None) -> dict:
        return {"Authorization": f"Bearer {token or self.admin_token}"}


@dataclass
class Outcome:
    steps: list[tuple[str, str]] = field(default_factory=list)

    def note(self, step: str, detail: str) -> None:
        self.steps.append((step, detail))
        print(f"✓ {step}: {detail}", flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _migrate(app) -> None:
    from flask_migrate import upgrade

    from core.db import db
    with app.app_context():
        upgrade(revision="heads")
        db.engine.dispose()


@contextmanager
def started(key: str, database_url: str, keys_dir: Path, port: int, extra: dict | None = None):
    """Create, migrate and serve one registry on 127.0.0.1:``port`` until the block ends."""
    from core.app import create_app
    from core.db import db

    facts = REGISTRIES[key]
    base_url = f"http://127.0.0.1:{port}"
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": database_url, "BASE_URL": base_url,
        "SIGNING_KEY_DIR": str(keys_dir), "STRIPE_SECRET_KEY": None,
        "STRIPE_WEBHOOK_SECRET": None, "SECRET_KEY": f"federation-{key}",
        "REGISTRY_NAME_ZH": facts["name_zh"], "REGISTRY_NAME_EN": facts["name_en"],
        "REGISTRY_REGION": facts["region"], "WEBHOOK_ALLOW_PRIVATE_HOSTS": True,
        "VERIFY_RATE_LIMIT": "10000 per minute", "SCHEDULER_ENABLED": False,
        **(extra or {})})
    _migrate(app)
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Registry(key, app, base_url, keys_dir, server=server)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()


def _org(registry: Registry, name: str, kind: str, *roles: str) -> tuple[int, str]:
    from core.db import db, transaction
    from core.models import Organization, issue_token

    with registry.app.app_context():
        with transaction() as session:
            org = Organization(name=name, kind=kind, roles=list(roles))
            session.add(org)
            session.flush()
            result = org.id, issue_token(org)
        db.session.remove()
    return result


def _check(response, status: int, what: str):
    if response.status_code != status:
        raise AssertionError(f"{what}: HTTP {response.status_code} {response.text[:500]}")
    if "json" not in response.headers.get("content-type", ""):
        return response.text
    return response.json()


OPERATOR_CREDIT_CODE = "91220101MA0Y7XQ31K"  # one scenario operator, active in both provinces
SCOPE = {"regions": ["220000"], "records_root": "5e" * 32}


def _operator(registry: Registry, name: str) -> tuple[int, str]:
    """A scenario operator (seller) known by its unified social credit code."""
    from core.db import db, transaction
    from core.models import Organization

    org_id, token = _org(registry, name, "scenario_operator", "seller")
    with registry.app.app_context():
        with transaction() as session:
            session.get(Organization, org_id).credit_code = OPERATOR_CREDIT_CODE
        db.session.remove()
    return org_id, token


def _request_issuance(http, registry: Registry, seller_token: str, scope: dict, kg: int,
                      regions_note: str):
    """File the methodology, submit a request with a claim scope, verify it, ask to issue;
    return the issuance response."""
    import sqlalchemy as sa

    from core.db import db, transaction
    from market import issuance

    with registry.app.app_context():
        with transaction():
            if db.session.execute(sa.select(issuance.Methodology.id).where(
                    issuance.Methodology.code == "TR-METRO")).first() is None:
                issuance.file_methodology(code="TR-METRO", title_zh="城市轨道交通出行",
                                          title_en="Metro ridership", scenario="transport",
                                          version="1.0", status="filed")
        db.session.remove()
    verifier_token = _org(registry, f"核证机构（{regions_note}）", "verifier", "verifier")[1]
    request = _check(http.post(f"{registry.api}/issuance-requests",
                               headers=registry.auth(seller_token), json={
        "methodology_code": "TR-METRO", "vintage": 2026, "period_start": "2026-01-01",
        "period_end": "2026-06-30", "quantity_kg": kg, "claim_scope": scope}),
        201, f"{registry.key} issuance request")
    _check(http.post(f"{registry.api}/issuance-requests/{request['id']}/verification",
                     headers=registry.auth(verifier_token),
                     json={"decision": "approved", "verified_kg": kg,
                           "report_ref": f"MRV-2026-{regions_note}"}), 200, "verification")
    return http.post(f"{registry.api}/issuance-requests/{request['id']}/issuance",
                     headers=registry.auth())


def _in(registry: Registry, func, *args, **kwargs):
    from core.db import db

    with registry.app.app_context():
        try:
            return func(*args, **kwargs)
        finally:
            db.session.remove()


def run_scenario(jl: Registry, ln: Registry, workdir: Path) -> Outcome:
    """The §7 scenario over HTTP between two started registries; AssertionError names the
    first step that did not hold."""
    import sqlalchemy as sa

    from certificates import verify as offline
    from interop import verify as signed_docs
    from core.db import transaction
    from core.models import Organization
    from interop import delivery, witness
    from market.models import Lot
    from market.transfers import transfer_units
    from interop.witness import SplitViewRefused
    from tlog import checkpoints, monitor, signed_note
    from tlog.log_key import load_log_key

    out = Outcome()
    http = requests.Session()
    for registry in (jl, ln):
        registry.admin_token = _org(registry, f"{REGISTRIES[registry.key]['name_zh']}管理员",
                                    "registry", "registry_admin")[1]
    for registry, other in ((jl, ln), (ln, jl)):
        _check(http.post(f"{registry.api}/interop/peers", headers=registry.auth(),
                         json={"api_base": other.api}), 201, f"{registry.key} pins {other.key}")
    out.note("pinned", "吉林 and 辽宁 pinned each other (keys, DID documents, witnesses)")

    # 辽宁 subscribes to 吉林's retirements with a token 吉林's administrator issued to it.
    ln_at_jl = _org(jl, "辽宁碳普惠登记簿（互认）", "registry")[1]
    jl_did = _check(http.get(f"{jl.base_url}/.well-known/carbon-registry.json"), 200,
                    "吉林 describes itself")["did"]
    _check(http.post(f"{ln.api}/interop/subscriptions", headers=ln.auth(),
                     json={"peer_did": jl_did, "token": ln_at_jl}), 201, "辽宁 subscribes")
    out.note("subscribed", "辽宁 holds a webhook endpoint at 吉林 for units.retired")

    seller_id, seller_token = _operator(jl, "长春市轨道交通集团")
    buyer_id, buyer_token = _org(jl, "吉林省机关事务管理局", "agency", "buyer")
    issued = _check(_request_issuance(http, jl, seller_token, SCOPE, 50_000, "JL"), 201,
                    "吉林 issues the lot")
    lot_code = issued["code"]
    if issued["claim_check"]["outcome"] != "clear":
        raise AssertionError(f"吉林's gate: {issued['claim_check']['outcome']}")

    # The same operator asks 辽宁 to issue the same scope (长春 lies inside 吉林 220000).
    _, ln_seller_token = _operator(ln, "长春市轨道交通集团（辽宁账户）")
    refused = _request_issuance(http, ln, ln_seller_token, dict(SCOPE, regions=["220100"]),
                                50_000, "LN")
    body = _check(refused, 409, "辽宁 refuses the double claim")
    [asked] = [r for r in body["claim_check"]["registries"] if r["did"] == jl_did]
    answer = asked["answer"]
    if body["code"] != "double_claim" or \
            answer["credentialSubject"]["conflicts"][0]["lot_code"] != lot_code:
        raise AssertionError(f"辽宁's gate did not name 吉林's lot: {body}")
    jl_did_path = workdir / "jl-did.json"
    jl_did_path.write_text(json.dumps(_in(ln, lambda: witness.peers.get_peer_by_did(
        jl_did).did_document), ensure_ascii=False), "utf-8")
    (workdir / "answer.json").write_text(json.dumps(answer, ensure_ascii=False), "utf-8")
    if signed_docs.main([str(workdir / "answer.json"), "--did", str(jl_did_path)]) \
            != signed_docs.VERIFIED:
        raise AssertionError("吉林's signed claim-check answer does not verify offline")
    _check(_request_issuance(http, ln, ln_seller_token, {"regions": ["210100"]}, 20_000,
                             "LN-SY"), 201, "辽宁 issues the operator's 沈阳 lot")
    out.note("double claim", f"lot {lot_code} issued in 吉林; the same scope in 辽宁 refused "
                             "(409 double_claim) with 吉林's signed answer, verified offline; "
                             "the operator's 沈阳 scope issued in 辽宁")

    def give():
        with transaction() as session:
            lot_id = session.execute(sa.select(Lot.id).where(Lot.code == lot_code)).scalar_one()
            transfer_units(session.get(Organization, seller_id), to_organization_id=buyer_id,
                           lot_id=lot_id, quantity_kg=12_500)
    _in(jl, give)
    retirement = _check(http.post(f"{jl.api}/retirements", headers=jl.auth(buyer_token), json={
        "purpose": "organization_operations", "beneficiary_name": "吉林省机关事务管理局",
        "quantity_kg": 12_500, "period_start": "2026-01-01", "period_end": "2026-06-30"}),
        201, "吉林 buyer retires")
    out.note("retired", f"retirement {retirement['number']} of lot {lot_code} in 吉林")

    sent = _in(jl, delivery.deliver_until_idle)
    page = http.get(f"{ln.base_url}/interop?lang=en")
    if retirement["number"] not in page.text or "12.500" not in page.text:
        raise AssertionError("辽宁's /interop page does not show 吉林's retirement")
    page_zh = http.get(f"{ln.base_url}/interop?lang=zh")
    if retirement["number"] not in page_zh.text or "减排量已注销" not in page_zh.text:
        raise AssertionError("辽宁's /interop page (Chinese) does not show the retirement")
    out.note("webhook", f"{sent} deliveries from 吉林; 辽宁 verified them (standardwebhooks) "
                        "and shows the retirement on /interop in both languages")

    number = retirement["certificate_number"]
    credential = _check(http.get(f"{jl.base_url}/certificates/{number}.json"), 200,
                        "吉林 serves the credential")
    credential_path = workdir / f"{number}.json"
    credential_path.write_text(json.dumps(credential, ensure_ascii=False), "utf-8")
    status = offline.main([str(credential_path), "--did", str(jl_did_path)])
    if status not in (offline.VERIFIED, offline.STATUS_NOT_CHECKED):
        raise AssertionError(f"offline verification of {number} failed ({status})")
    ranges = [{"lot_code": lot_code, "serial_start": 1, "serial_end": 12_500}]
    statement = _check(http.post(f"{jl.api}/interop/statements", json={"ranges": ranges}),
                       200, "吉林 answers a status statement")
    (workdir / "statement.json").write_text(json.dumps(statement, ensure_ascii=False), "utf-8")
    if signed_docs.main([str(workdir / "statement.json"), "--did", str(jl_did_path)]) \
            != signed_docs.VERIFIED:
        raise AssertionError("吉林's status statement does not verify offline")
    pieces = statement["credentialSubject"]["ranges"][0]["pieces"]
    if [p["state"] for p in pieces] != ["retired"]:
        raise AssertionError(f"the statement does not show the range retired: {pieces}")
    out.note("offline verification", f"辽宁 verified 吉林's certificate {number} and a status "
                                     "statement (range retired) with the DID document it "
                                     "pinned for 吉林")

    for registry in (jl, ln):  # each log has a checkpoint to witness
        _check(http.get(f"{registry.api}/transparency/checkpoint"), 200, "checkpoint")
    for witness_side, log_side in ((ln, jl), (jl, ln)):
        outcome = _in(witness_side, witness.witness_all)
        if not all(v.startswith("cosigned") for v in outcome.values()):
            raise AssertionError(f"{witness_side.key} could not cosign: {outcome}")
        reports = monitor.run(log_side.base_url, witnesses=dict([monitor.witness_from(
            witness_side.base_url)]), required_witnesses=1)
        out.note("witnessed", f"{witness_side.key} cosigned {log_side.key}'s checkpoint of "
                              f"{reports.tree_size} entries; monitor --witnesses 1 passes")

    def forge():
        origin = checkpoints.log_origin()
        size = checkpoints.last_checkpoint().tree_size
        return signed_note.sign_note(signed_note.checkpoint_body(origin, size, b"\x42" * 32),
                                     origin, load_log_key(jl.keys_dir))
    forged = _in(jl, forge)

    def present():
        peer = witness.peers.get_peer_by_did(jl_did)
        try:
            witness.witness_checkpoint(peer, forged)
        except SplitViewRefused:
            return True
        return False
    if not _in(ln, present):
        raise AssertionError("辽宁 cosigned a forged second checkpoint of the same size")
    out.note("split view", "a forged second checkpoint of the same size was refused and kept")
    return out


def _database_urls(workdir: Path) -> dict:
    return {key: os.environ.get(f"FEDERATION_DATABASE_URL_{key.upper()}")
            or f"sqlite:///{workdir / f'{key}.db'}" for key in REGISTRIES}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m interop.federation",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--workdir", type=Path, help="databases and keys (default: a temp dir)")
    args = parser.parse_args(argv)
    with ExitStack() as stack:
        workdir = args.workdir or Path(stack.enter_context(tempfile.TemporaryDirectory()))
        workdir.mkdir(parents=True, exist_ok=True)
        urls = _database_urls(workdir)
        registries = [stack.enter_context(started(
            key, urls[key], workdir / f"keys-{key}",
            int(os.environ.get(f"FEDERATION_PORT_{key.upper()}", REGISTRIES[key]["port"]))))
            for key in REGISTRIES]
        try:
            run_scenario(*registries, workdir)
        except AssertionError as error:
            print(f"✗ {error}", file=sys.stderr)
            return 1
    print("federation scenario: all steps held")
    return 0


if __name__ == "__main__":
    sys.exit(main())
