"""Claim checks between registries (INTEROP.md §5): answering a peer's question "has this
scope been issued with you?" with a signed answer, and asking every pinned peer.

The answer is a VC 2.0 of type ``ClaimCheckAnswer`` signed with eddsa-jcs-2022 by the
answering registry's DID key: ``credentialSubject = {nonce, scopeDigest, scope,
recordHashCount, conflicts: [{lot_code, registry, overlap}]}``. The asker checks the proof
against the keys it pinned for that peer, the nonce it sent and the digest of what it
asked, so an answer can neither be forged nor replayed for another question.

An unreachable peer, or one whose answer does not verify, does not block the issuance:
the gate records it (status ``unreachable`` or ``invalid_answer``) and the lot's check
outcome becomes ``incomplete`` (docs/interop.md explains the choice).
"""

import secrets
import time

from flask import current_app

from certificates import keys
from interop import scopes
from interop.peers import fetch_json
from interop.signing import digest, sign_credential, verify_credential
from interop.transport import PeerUnreachable

ANSWER_TYPE = "ClaimCheckAnswer"


def question_digest(scope: dict, record_hashes: list[str]) -> str:
    return digest({"scope": scope, "record_hashes": sorted(record_hashes)})


def answer_claim_check(scope: dict, record_hashes: list[str], nonce: str) -> dict:
    """This registry's signed answer to a peer's claim check (read-only). The digest is
    over the question as sent; hashes and root are compared lower-cased."""
    matching = {**scope, "records_root": (scope.get("records_root") or "").lower() or None}
    conflicts = scopes.find_conflicts(matching, sorted({h.lower() for h in record_hashes}),
                                      registry=keys.issuer_did())
    return sign_credential(ANSWER_TYPE, {
        "nonce": nonce, "scopeDigest": question_digest(scope, record_hashes), "scope": scope,
        "recordHashCount": len(record_hashes), "conflicts": conflicts})


def peer_entry(peer, status: str, **more) -> dict:
    return {"did": peer.did, "api_base": peer.api_base, "name_zh": peer.name_zh,
            "name_en": peer.name_en, "region": peer.region, "status": status,
            "conflicts": [], **more}


def ask_peer(peer, scope: dict, record_hashes: list[str]) -> dict:
    """One peer's part of the check: ``{did, api_base, name_zh, name_en, region, status
    (answered | unreachable | invalid_answer), conflicts, answer?, error?}``. Never raises
    for the peer's faults."""
    nonce = secrets.token_hex(16)
    body = {"scope": scope, "nonce": nonce}
    if record_hashes:
        body["record_hashes"] = record_hashes
    try:
        answer = fetch_json("POST", peer.api_base + "/interop/claim-checks", body)
    except PeerUnreachable as error:
        return peer_entry(peer, "unreachable", error=str(error)[:300])
    problems = verify_credential(answer, peer.did, peer.did_keys, ANSWER_TYPE)
    subject = answer.get("credentialSubject") if isinstance(answer, dict) else None
    if not problems and (not isinstance(subject, dict) or subject.get("nonce") != nonce
                         or subject.get("scopeDigest") != question_digest(scope, record_hashes)
                         or not isinstance(subject.get("conflicts"), list)):
        problems.append("the answer is not about the question asked")
    if problems:
        return peer_entry(peer, "invalid_answer", error="; ".join(problems)[:300])
    conflicts = [{"lot_code": str(c.get("lot_code")), "registry": peer.did,
                  "overlap": c.get("overlap") if isinstance(c.get("overlap"), dict) else {}}
                 for c in subject["conflicts"] if isinstance(c, dict)]
    return peer_entry(peer, "answered", conflicts=conflicts, answer=answer)


def ask_peers(peers, scope: dict, record_hashes: list[str]) -> list[dict]:
    """Ask every peer in turn, within PEER_CHECK_BUDGET_SECONDS in all: peers left when the
    budget is spent are recorded ``unreachable`` without being asked, so an issuance never
    waits more than the budget plus one call's timeout."""
    budget = current_app.config["PEER_CHECK_BUDGET_SECONDS"]
    started = time.monotonic()
    results = []
    for peer in peers:
        if time.monotonic() - started > budget:
            results.append(peer_entry(peer, "unreachable", error="not asked: time budget spent"))
            continue
        results.append(ask_peer(peer, scope, record_hashes))
    return results
