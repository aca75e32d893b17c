"""The transparency log over the ledger: checkpoints, proofs, growth, audit."""

import base64
import hashlib
import os
import threading

import pytest
import rfc8785
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from core.db import db, transaction
from factories import give, make_lot, make_org, retire
from rfc9162 import naive_mth, naive_path, naive_subproof
from tampering import assert_refused, tamper
from tlog import checkpoints, merkle, tree
from tlog.log_key import KEY_FILE
from tlog.models import Checkpoint, TreeNode
from tlog.signed_note import open_checkpoint

# --- helpers --------------------------------------------------------------------------


def ledger_data(client) -> list[bytes]:
    """The leaf data a stranger computes: RFC 8785 of each public ledger item."""
    items = client.get("/api/v1/ledger?limit=1000").json["items"]
    assert [item["seq"] for item in items] == list(range(len(items)))
    return [rfc8785.dumps(item) for item in items]


def b64(values: list[str]) -> list[bytes]:
    return [base64.b64decode(value) for value in values]


def published_key(client) -> tuple[str, Ed25519PublicKey]:
    body = client.get("/api/v1/transparency/log-key").json
    raw = base64.b64decode(body["public_key"])
    assert len(raw) == 32
    return body["name"], Ed25519PublicKey.from_public_bytes(raw)


def checkpoint(client) -> tuple[str, int, bytes]:
    response = client.get("/api/v1/transparency/checkpoint")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    return open_checkpoint(response.text, *published_key(client))


@pytest.fixture
def registry(client):
    """Seven ledger entries (a tree that is not a power of two): two issues, two
    transfers, three retirements, each within one lot."""
    seller, buyer = make_org("seller"), make_org("buyer")
    lot_a, lot_b = make_lot(seller, 5_000), make_lot(seller, 3_000, vintage=2025)
    give(seller, buyer, lot_a, 2_000)
    give(seller, buyer, lot_b, 1_000)
    for kg in (700, 300, 1_200):  # oldest vintage (lot_b) first, then lot_a
        retire(client, buyer, kg)
    assert len(ledger_data(client)) == 7
    return seller, buyer


# --- checkpoints ----------------------------------------------------------------------


def test_checkpoint_is_signed_by_the_published_key_over_the_ledger_root(client, app, registry):
    data = ledger_data(client)
    origin, size, root = checkpoint(client)
    assert origin == "registry.test/log"
    assert (size, root) == (7, naive_mth(data))
    name = client.get("/api/v1/transparency/log-key").json["name"]
    assert name == "registry.test/log"
    assert f"\n\n— {name} " in client.get("/api/v1/transparency/checkpoint").text
    path = os.path.join(app.config["SIGNING_KEY_DIR"], KEY_FILE)
    assert os.stat(path).st_mode & 0o777 == 0o600


def test_empty_log_has_a_signed_checkpoint_of_the_empty_tree(client):
    assert checkpoint(client)[1:] == (0, hashlib.sha256(b"").digest())


def test_new_checkpoint_appears_only_after_the_log_grew(client, registry):
    _, buyer = registry
    first = client.get("/api/v1/transparency/checkpoint").text
    assert client.get("/api/v1/transparency/checkpoint").text == first
    with transaction():
        checkpoints.sign_checkpoint()
    checkpoints.sign_checkpoint_job()
    assert db.session.execute(sa.select(sa.func.count()).select_from(Checkpoint)).scalar() == 1

    retire(client, buyer, 5)
    _, size, root = checkpoint(client)
    assert (size, root) == (8, naive_mth(ledger_data(client)))
    sizes = db.session.execute(sa.select(Checkpoint.tree_size).order_by(Checkpoint.id)).scalars()
    assert list(sizes) == [7, 8]


def node_count() -> int:
    return db.session.execute(sa.select(sa.func.count()).select_from(TreeNode)).scalar()


def test_retirement_hashes_nothing_until_the_job_or_a_proof_syncs(client, registry):
    _, buyer = registry
    checkpoint(client)
    nodes = node_count()
    retire(client, buyer, 5)
    assert node_count() == nodes and tree.tree_size() == 7

    # A proof that needs the new entry hashes it on demand.
    response = client.get("/api/v1/transparency/proofs/inclusion?index=7&tree_size=8")
    assert response.status_code == 200
    data = ledger_data(client)
    assert merkle.verify_inclusion(merkle.leaf_hash(data[7]), 7, 8, b64(response.json["hashes"]),
                                   naive_mth(data))

    # The job catches up with the rest and signs.
    retire(client, buyer, 5)
    checkpoints.sign_checkpoint_job()
    assert tree.tree_size() == 9
    assert db.session.execute(sa.select(sa.func.max(Checkpoint.tree_size))).scalar() == 9


def test_sync_in_small_batches_builds_the_same_tree_and_restores_its_state_row(client, registry):
    with transaction():
        assert tree.sync_tree(batch=2) == 7
    with transaction():
        assert tree.sync_tree(batch=2) == 7  # nothing new: nothing changes
    assert merkle.root(tree.DbNodeStore(), 7) == naive_mth(ledger_data(client))

    tamper("DELETE FROM tlog_state")  # the tree lost, as if restored without it
    tamper("DELETE FROM tlog_nodes")
    with transaction():
        assert tree.sync_tree() == 7
    assert merkle.root(tree.DbNodeStore(), 7) == naive_mth(ledger_data(client))


def test_concurrent_checkpoint_requests_and_retirements_sign_each_size_once(app, registry):
    _, buyer = registry
    barrier, statuses = threading.Barrier(6), []

    def request(retires: bool):
        client = app.test_client()
        barrier.wait()
        for _ in range(3):
            if retires:
                statuses.append(client.post("/api/v1/retirements", headers=buyer.headers, json={
                    "purpose": "voluntary", "beneficiary_name": "并发", "quantity_kg": 1}
                ).status_code)
            statuses.append(client.get("/api/v1/transparency/checkpoint").status_code)

    threads = [threading.Thread(target=request, args=(i < 2,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(statuses) == 24 and statuses.count(201) == 6 and set(statuses) == {200, 201}
    _, size, root = checkpoint(app.test_client())
    assert size == 13 and tree.tree_size() == 13
    assert root == naive_mth(ledger_data(app.test_client()))
    assert app.test_cli_runner().invoke(args=["audit"]).exit_code == 0


# --- proofs ---------------------------------------------------------------------------


def test_proofs_verify_and_equal_the_rfc_recursion_over_the_public_ledger(client, registry):
    data = ledger_data(client)
    for size in range(1, len(data) + 1):
        root = naive_mth(data[:size])
        for index in range(size):
            response = client.get(
                f"/api/v1/transparency/proofs/inclusion?index={index}&tree_size={size}")
            assert response.status_code == 200, response.json
            body = response.json
            leaf, hashes = base64.b64decode(body["leaf_hash"]), b64(body["hashes"])
            assert (body["index"], body["tree_size"]) == (index, size)
            assert leaf == merkle.leaf_hash(data[index])
            assert hashes == naive_path(index, data[:size])
            assert merkle.verify_inclusion(leaf, index, size, hashes, root)

        for first in range(0, size + 1):
            response = client.get(
                f"/api/v1/transparency/proofs/consistency?first={first}&second={size}")
            assert response.status_code == 200, response.json
            body = response.json
            hashes = b64(body["hashes"])
            assert (body["first"], body["second"]) == (first, size)
            expected = naive_subproof(first, data[:size], True) if 0 < first < size else []
            assert hashes == expected
            assert merkle.verify_consistency(first, size, naive_mth(data[:first]), root, hashes)


BAD_PROOF_REQUESTS = [
    ("inclusion?tree_size=3", 422, "index"),
    ("inclusion?index=0", 422, "tree_size"),
    ("inclusion?index=x&tree_size=3", 422, "index"),
    ("inclusion?index=1.5&tree_size=3", 422, "index"),
    ("inclusion?index=-1&tree_size=3", 422, "index"),
    ("inclusion?index=0&tree_size=0", 422, "tree_size"),
    ("inclusion?index=0&tree_size=99999999999999999999999", 422, "tree_size"),
    ("inclusion?index=3&tree_size=3", 422, "index"),
    ("inclusion?index=0&tree_size=8", 404, "tree_size"),
    ("consistency?first=1", 422, "second"),
    ("consistency?first=4&second=3", 422, "first"),
    ("consistency?first=1&second=8", 404, "second"),
]


def test_bad_proof_requests_get_422_or_404_in_the_error_shape(client, registry):
    for query, status, field in BAD_PROOF_REQUESTS:
        response = client.get(f"/api/v1/transparency/proofs/{query}")
        assert response.status_code == status, query
        body = response.json
        assert set(body) == {"code", "status", "message", "errors"} and body["status"] == status
        assert field in body["errors"], query


def test_openapi_documents_the_log(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path in ("checkpoint", "proofs/inclusion", "proofs/consistency", "log-key"):
        assert f"/api/v1/transparency/{path}" in paths
    assert "404" in paths["/api/v1/transparency/proofs/inclusion"]["get"]["responses"]
    assert "text/plain" in paths["/api/v1/transparency/checkpoint"]["get"]["responses"]["200"][
        "content"]


# --- audit ----------------------------------------------------------------------------


def audit(runner) -> str:
    result = runner.invoke(args=["audit"])
    assert result.exit_code == (1 if "FAIL" in result.output else 0), result.output
    return result.output


@pytest.fixture
def checkpointed(client, registry):
    checkpoint(client)
    return registry


NODE = 'WHERE level = :l AND "index" = :i'


def stored(level: int, index: int) -> bytes:
    db.session.rollback()
    return db.session.execute(sa.select(TreeNode.hash).where(
        TreeNode.level == level, TreeNode.index == index)).scalar_one()


def test_audit_passes_and_names_every_tampered_tree_node(runner, checkpointed):
    assert "Merkle tree matches the ledger and the latest checkpoint verifies" in audit(runner)
    for level, index, message in [
        (0, 3, "leaf 3 (differs from ledger entry 3)"),
        (1, 1, "node (1, 1) (not the hash of its children)"),
        (2, 0, "node (2, 0) (not the hash of its children)"),
        # Leaf 6 has no stored parent in a tree of 7: only the ledger and the root give it away.
        (0, 6, "leaf 6 (differs from ledger entry 6)"),
    ]:
        original = stored(level, index)
        tamper(f"UPDATE tlog_nodes SET hash = :h {NODE}", h=merkle.leaf_hash(b"forged"),
               l=level, i=index)
        output = audit(runner)
        assert "FAIL" in output and message in output
        assert "checkpoint 7: the Merkle root of the stored tree differs" in output or level < 2
        tamper(f"UPDATE tlog_nodes SET hash = :h {NODE}", h=original, l=level, i=index)
        assert "FAIL" not in audit(runner)


def test_database_refuses_to_rewrite_tree_nodes_or_checkpoints(checkpointed):
    assert_refused("UPDATE tlog_nodes SET hash = hash", "DELETE FROM tlog_nodes",
                   "UPDATE tlog_checkpoints SET note = note", "DELETE FROM tlog_checkpoints",
                   match="append-only")
    assert db.session.execute(sa.select(sa.func.count()).select_from(TreeNode)).scalar() > 0


def test_audit_names_deleted_and_stray_nodes_and_a_lost_tree_size(runner, checkpointed):
    tamper(f"DELETE FROM tlog_nodes {NODE}", l=0, i=6)
    tamper('INSERT INTO tlog_nodes (level, "index", hash) VALUES (0, 9, :h)', h=bytes(32))
    output = audit(runner)
    assert "leaf 6 (missing)" in output
    assert "1 stored nodes lie beyond the tree" in output
    assert "checkpoint 7: cannot compute the stored tree's root" in output

    tamper("DELETE FROM tlog_state")
    output = audit(runner)
    assert "11 stored nodes lie beyond the tree" in output  # 6 + 1 stray leaves, 3 + 1 parents
    assert "checkpoint 7: the tree holds only 0 leaves" in output


def test_audit_names_a_tampered_checkpoint(runner, checkpointed):
    note = db.session.execute(sa.select(Checkpoint.note)).scalar_one()
    tamper("UPDATE tlog_checkpoints SET root_hash = :h", h=bytes(32))
    assert "checkpoint 7: the signed note differs from the stored size or root" in audit(runner)

    lines = note.split("\n")
    lines[1] = "6"  # claim a smaller tree under the same signature
    tamper("UPDATE tlog_checkpoints SET note = :n", n="\n".join(lines))
    assert ("checkpoint 7: signature by key 'registry.test/log' does not verify"
            in audit(runner))
