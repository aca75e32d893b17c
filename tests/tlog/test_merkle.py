"""The stored-subtree Merkle tree against a naive RFC 9162 transcription."""

import random

import pytest

from rfc9162 import naive_mth, naive_path, naive_proof, sha256, split
from tlog import merkle

MAX_SIZE = 70


# The same recursions, recording only the shape of the proof: on which side each
# hash joins. Proofs do not bind the tree size (the signed checkpoint does), so
# a proof is valid for every size whose recursion has the same shape.


def path_shape(m: int, n: int) -> list[str]:
    if n == 1:
        return []
    k = split(n)
    return path_shape(m, k) + ["right"] if m < k else path_shape(m - k, n - k) + ["left"]


def subproof_shape(m: int, n: int, b: bool = True) -> list[str]:
    if m == n:
        return [] if b else ["self"]
    k = split(n)
    if m <= k:
        return subproof_shape(m, k, b) + ["right"]
    return subproof_shape(m - k, n - k, False) + ["left"]


# --- fixtures ---------------------------------------------------------------------------

LEAVES = [f"ledger entry {i}".encode() for i in range(MAX_SIZE)]
LEAF_HASHES = [merkle.leaf_hash(data) for data in LEAVES]


class CountingStore(merkle.MemoryNodeStore):
    """Records every get_many call, to check proofs fetch once and little."""

    def __init__(self) -> None:
        super().__init__()
        self.reads: list[list] = []

    def get_many(self, keys):
        keys = list(keys)
        self.reads.append(keys)
        return super().get_many(keys)


@pytest.fixture(scope="module")
def full_store() -> CountingStore:
    store = CountingStore()
    merkle.append_leaves(store, 0, LEAF_HASHES)
    return store


def _flip(proof: list[bytes], i: int, byte: int) -> list[bytes]:
    tampered = list(proof)
    changed = bytearray(tampered[i])
    changed[byte] ^= 0x01
    tampered[i] = bytes(changed)
    return tampered


# --- hashing --------------------------------------------------------------------------


def test_leaf_and_node_hashes_are_domain_separated():
    assert merkle.leaf_hash(b"abc") == sha256(b"\x00abc")
    assert merkle.node_hash(b"L" * 32, b"R" * 32) == sha256(b"\x01" + b"L" * 32 + b"R" * 32)
    assert merkle.leaf_hash(b"").hex() == (
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    )


def test_empty_tree_root_is_the_hash_of_nothing():
    assert merkle.root(merkle.MemoryNodeStore(), 0) == bytes.fromhex(
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )


# --- roots and proofs against the naive transcription ---------------------------------


@pytest.mark.parametrize("size", range(1, MAX_SIZE + 1))
def test_root_matches_rfc_definition(full_store, size):
    assert merkle.root(full_store, size) == naive_mth(LEAVES[:size])


@pytest.mark.parametrize("size", range(1, MAX_SIZE + 1))
def test_every_inclusion_proof_matches_and_verifies(full_store, size):
    tree_root = naive_mth(LEAVES[:size])
    for index in range(size):
        proof = merkle.inclusion_proof(full_store, index, size)
        assert proof == naive_path(index, LEAVES[:size]), (index, size)
        assert merkle.verify_inclusion(LEAF_HASHES[index], index, size, proof, tree_root)


@pytest.mark.parametrize("second", range(1, MAX_SIZE + 1))
def test_every_consistency_proof_matches_and_verifies(full_store, second):
    second_root = naive_mth(LEAVES[:second])
    for first in range(1, second):
        proof = merkle.consistency_proof(full_store, first, second)
        assert proof == naive_proof(first, LEAVES[:second]), (first, second)
        first_root = naive_mth(LEAVES[:first])
        assert merkle.verify_consistency(first, second, first_root, second_root, proof)


def test_each_proof_reads_the_store_once_and_logarithmically(full_store):
    for build in (
        lambda: merkle.inclusion_proof(full_store, 37, 70),
        lambda: merkle.consistency_proof(full_store, 37, 70),
        lambda: merkle.root(full_store, 69),
    ):
        full_store.reads.clear()
        build()
        assert len(full_store.reads) == 1
        assert len(full_store.reads[0]) <= 2 * (70).bit_length()


def test_proofs_reading_past_the_stored_tree_fail_loudly():
    store = merkle.MemoryNodeStore()
    merkle.append_leaves(store, 0, LEAF_HASHES[:5])
    with pytest.raises(LookupError):
        merkle.inclusion_proof(store, 1, 9)
    with pytest.raises(LookupError):
        merkle.root(store, 6)


# --- appending -------------------------------------------------------------------------


def test_one_by_one_and_batched_appends_store_the_same_nodes():
    one_by_one = merkle.MemoryNodeStore()
    size = 0
    for digest in LEAF_HASHES:
        size = merkle.append_leaves(one_by_one, size, [digest])
    assert size == MAX_SIZE

    rng = random.Random(9162)
    for _ in range(20):
        batched = merkle.MemoryNodeStore()
        size = 0
        while size < MAX_SIZE:
            batch = LEAF_HASHES[size : size + rng.choice([0, 1, 2, 3, 5, 8, 13, 31, 64])]
            size = merkle.append_leaves(batched, size, batch)
        assert batched.nodes == one_by_one.nodes


def test_store_holds_exactly_the_complete_subtrees():
    store = merkle.MemoryNodeStore()
    merkle.append_leaves(store, 0, LEAF_HASHES[:13])
    expected = {(level, i) for level in range(4) for i in range(13 >> level)}
    assert set(store.nodes) == expected
    for level, i in expected:
        span = LEAVES[i << level : (i + 1) << level]
        assert store.nodes[(level, i)] == naive_mth(span)


def test_append_reads_only_the_right_edge_once():
    store = CountingStore()
    merkle.append_leaves(store, 0, LEAF_HASHES[:45])  # 45 = 0b101101
    store.reads.clear()
    assert merkle.append_leaves(store, 45, LEAF_HASHES[45:50]) == 50
    assert len(store.reads) == 1
    assert sorted(store.reads[0]) == [(0, 44), (2, 10), (3, 4), (5, 0)]


def test_append_of_nothing_changes_nothing():
    store = CountingStore()
    assert merkle.append_leaves(store, 0, []) == 0
    assert store.nodes == {} and store.reads == []


# --- argument checking ------------------------------------------------------------------


@pytest.mark.parametrize(("index", "size"), [(0, 0), (5, 5), (6, 5), (-1, 5)])
def test_inclusion_proof_rejects_out_of_range_index(full_store, index, size):
    with pytest.raises(ValueError):
        merkle.inclusion_proof(full_store, index, size)


@pytest.mark.parametrize(("first", "second"), [(6, 5), (-1, 5), (1, -1)])
def test_consistency_proof_rejects_out_of_range_sizes(full_store, first, second):
    with pytest.raises(ValueError):
        merkle.consistency_proof(full_store, first, second)


def test_negative_sizes_are_rejected():
    with pytest.raises(ValueError):
        merkle.root(merkle.MemoryNodeStore(), -1)
    with pytest.raises(ValueError):
        merkle.append_leaves(merkle.MemoryNodeStore(), -1, [LEAF_HASHES[0]])


def test_trivial_consistency_proofs_are_empty(full_store):
    assert merkle.consistency_proof(full_store, 0, 9) == []
    assert merkle.consistency_proof(full_store, 9, 9) == []
    root9 = naive_mth(LEAVES[:9])
    assert merkle.verify_consistency(0, 9, merkle.EMPTY_ROOT, root9, [])
    assert merkle.verify_consistency(9, 9, root9, root9, [])
    assert not merkle.verify_consistency(9, 9, root9, naive_mth(LEAVES[:8]), [])
    assert not merkle.verify_consistency(0, 9, root9, root9, [])
    assert not merkle.verify_consistency(9, 9, root9, root9, [root9])


# --- verifiers reject tampering -----------------------------------------------------------

INCLUSION_CASES = [
    (0, 1), (0, 2), (1, 2), (5, 7), (6, 7), (0, 64), (63, 64), (37, 70), (64, 70), (69, 70),
]
CONSISTENCY_CASES = [
    (1, 2), (2, 3), (3, 7), (4, 8), (6, 8), (7, 8), (32, 70), (37, 70), (64, 65), (1, 70),
]


@pytest.mark.parametrize(("index", "size"), INCLUSION_CASES)
def test_verify_inclusion_rejects_any_tampering(full_store, index, size):
    proof = merkle.inclusion_proof(full_store, index, size)
    tree_root = naive_mth(LEAVES[:size])
    leaf = LEAF_HASHES[index]
    assert merkle.verify_inclusion(leaf, index, size, proof, tree_root)

    for i in range(len(proof)):
        for byte in (0, 17, 31):
            assert not merkle.verify_inclusion(leaf, index, size, _flip(proof, i, byte), tree_root)
    assert not merkle.verify_inclusion(_flip([leaf], 0, 5)[0], index, size, proof, tree_root)
    assert not merkle.verify_inclusion(leaf, index, size, proof, _flip([tree_root], 0, 5)[0])
    for other in range(size):
        if other != index:
            assert not merkle.verify_inclusion(leaf, other, size, proof, tree_root)
    assert not merkle.verify_inclusion(leaf, index, 0, proof, tree_root)
    rejected = 0
    for other in range(index + 1, 2 * MAX_SIZE):
        same_shape = path_shape(index, other) == path_shape(index, size)
        assert merkle.verify_inclusion(leaf, index, other, proof, tree_root) == same_shape, other
        rejected += not same_shape
    assert rejected  # the shape changes for most sizes
    assert not merkle.verify_inclusion(leaf, index, size, proof + [leaf], tree_root)
    if proof:
        assert not merkle.verify_inclusion(leaf, index, size, proof[:-1], tree_root)
    if len(proof) > 1:
        assert not merkle.verify_inclusion(leaf, index, size, proof[::-1], tree_root)


@pytest.mark.parametrize(("first", "second"), CONSISTENCY_CASES)
def test_verify_consistency_rejects_any_tampering(full_store, first, second):
    proof = merkle.consistency_proof(full_store, first, second)
    roots = naive_mth(LEAVES[:first]), naive_mth(LEAVES[:second])

    def accepts(m, n, first_root, second_root, path):
        return merkle.verify_consistency(m, n, first_root, second_root, path)

    assert accepts(first, second, *roots, proof)
    for i in range(len(proof)):
        for byte in (0, 17, 31):
            assert not accepts(first, second, *roots, _flip(proof, i, byte))
    assert not accepts(first, second, _flip([roots[0]], 0, 3)[0], roots[1], proof)
    assert not accepts(first, second, roots[0], _flip([roots[1]], 0, 3)[0], proof)
    rejected = 0
    for other in range(1, second):
        same_shape = subproof_shape(other, second) == subproof_shape(first, second)
        assert accepts(other, second, *roots, proof) == same_shape, other
        rejected += not same_shape
    for other in range(first + 1, 2 * MAX_SIZE):
        same_shape = subproof_shape(first, other) == subproof_shape(first, second)
        assert accepts(first, other, *roots, proof) == same_shape, other
        rejected += not same_shape
    assert rejected  # the shape changes for most sizes
    assert not accepts(first, second, *roots, proof + [roots[0]])
    assert not accepts(first, second, *roots, proof[:-1])
    assert not accepts(second, first, roots[1], roots[0], proof)


@pytest.mark.parametrize(
    "proof",
    [[b"short"], ["not bytes" * 4], [None]],
)
def test_verifiers_reject_malformed_hashes_without_raising(proof):
    assert not merkle.verify_inclusion(LEAF_HASHES[0], 0, 2, proof, b"\x00" * 32)
    assert not merkle.verify_consistency(1, 2, b"\x00" * 32, b"\x00" * 32, proof)


def test_verifiers_reject_out_of_range_arguments_without_raising():
    assert not merkle.verify_inclusion(LEAF_HASHES[0], 0, 0, [], merkle.EMPTY_ROOT)
    assert not merkle.verify_inclusion(LEAF_HASHES[0], -1, 3, [], merkle.EMPTY_ROOT)
    assert not merkle.verify_consistency(3, 2, merkle.EMPTY_ROOT, merkle.EMPTY_ROOT, [])
    assert not merkle.verify_consistency(-1, 2, merkle.EMPTY_ROOT, merkle.EMPTY_ROOT, [])


def test_append_refuses_leaf_data_in_place_of_leaf_hashes():
    with pytest.raises(ValueError, match="leaf hashes"):
        merkle.append_leaves(merkle.MemoryNodeStore(), 0, [b"ledger entry 0"])
