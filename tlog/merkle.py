"""RFC 9162 Merkle tree over the ledger, kept as stored complete subtrees.

Node (level, index) is the hash of leaves [index * 2**level, (index + 1) * 2**level);
level 0 holds the leaf hashes. Only complete subtrees are stored, and a stored
node never changes, so appending is amortised O(1) and any root or proof of a
tree of size n needs O(log n) stored nodes: every range the RFC's recursion
visits starts at a multiple of its own size rounded up to a power of two, so it
splits into at most log n complete subtrees.

The store is anything with `get_many` and `put_many` (a table in production,
MemoryNodeStore in tests). The verifiers at the end need no store; the
offline monitor uses them.
"""

import hashlib
from collections.abc import Iterable
from typing import Protocol

Key = tuple[int, int]  # (level, index)

EMPTY_ROOT = hashlib.sha256(b"").digest()


class NodeStore(Protocol):
    """Where complete subtree hashes live."""

    def get_many(self, keys: Iterable[Key]) -> dict[Key, bytes]:
        """Return the stored hashes among `keys`; absent keys are left out."""

    def put_many(self, items: dict[Key, bytes]) -> None:
        """Store new node hashes."""


class MemoryNodeStore:
    """A NodeStore in a dict, for tests and for rebuilding a tree offline."""

    def __init__(self) -> None:
        self.nodes: dict[Key, bytes] = {}

    def get_many(self, keys: Iterable[Key]) -> dict[Key, bytes]:
        """Return the stored hashes among `keys`."""
        return {key: self.nodes[key] for key in keys if key in self.nodes}

    def put_many(self, items: dict[Key, bytes]) -> None:
        """Store node hashes."""
        self.nodes.update(items)


def leaf_hash(data: bytes) -> bytes:
    """RFC 9162 leaf hash: SHA-256(0x00 || data)."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """RFC 9162 interior node hash: SHA-256(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def append_leaves(store: NodeStore, size: int, leaf_hashes: list[bytes]) -> int:
    """Append leaf hashes to a tree of `size` leaves and return the new size.

    Stores every subtree the new leaves complete, and reads only the O(log n)
    complete subtrees on the right edge of the old tree, in one get_many.
    """
    if size < 0:
        raise ValueError("tree size must not be negative")
    if not leaf_hashes:
        return size
    if any(len(digest) != 32 for digest in leaf_hashes):
        raise ValueError("append leaf hashes (32 bytes, see leaf_hash), not leaf data")
    # The only old nodes a new parent can need: one left sibling per set bit of size.
    frontier = _fetch(store, _range_keys(0, size))
    new_nodes: dict[Key, bytes] = {}
    level, first, hashes = 0, size, list(leaf_hashes)
    while hashes:
        for offset, digest in enumerate(hashes):
            new_nodes[(level, first + offset)] = digest
        if first % 2:
            hashes.insert(0, frontier[(level, first - 1)])
            first -= 1
        # An unpaired last hash is an incomplete subtree: it is not stored.
        hashes = [node_hash(hashes[i], hashes[i + 1]) for i in range(0, len(hashes) - 1, 2)]
        level, first = level + 1, first // 2
    store.put_many(new_nodes)
    return size + len(leaf_hashes)


def root(store: NodeStore, size: int) -> bytes:
    """The Merkle tree hash MTH(D[0:size]); SHA-256 of the empty string for an empty tree."""
    if size < 0:
        raise ValueError("tree size must not be negative")
    if size == 0:
        return EMPTY_ROOT
    keys = _range_keys(0, size)
    return _range_hash(_fetch(store, keys), keys)


def inclusion_proof(store: NodeStore, index: int, size: int) -> list[bytes]:
    """The audit path PATH(index, D[0:size]) of RFC 9162 §2.1.3.1."""
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is not in a tree of size {size}")
    ranges = _path_ranges(index, 0, size)
    return _ranges_hashes(store, ranges)


def consistency_proof(store: NodeStore, first: int, second: int) -> list[bytes]:
    """PROOF(first, D[0:second]) of RFC 9162 §2.1.4.1; empty when first is 0 or equals second."""
    if not 0 <= first <= second:
        raise ValueError(f"no consistency proof from size {first} to size {second}")
    if first in (0, second):
        # Nothing to prove: the empty tree precedes every tree, a tree is itself.
        return []
    ranges = _subproof_ranges(first, 0, second, True)
    return _ranges_hashes(store, ranges)


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: list[bytes], root: bytes
) -> bool:
    """RFC 9162 §2.1.3.2: whether `proof` puts `leaf_hash` at `index` of the tree (`size`, `root`).

    Out-of-range arguments and malformed hashes make it return False, never raise.
    """
    if not 0 <= index < size or not _are_hashes([leaf_hash, root, *proof]):
        return False
    fn, sn, r = index, size - 1, leaf_hash
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: list[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2: whether `proof` shows the tree of size `first` is a prefix of `second`.

    Beyond the RFC, which only covers 0 < first < second, an empty proof is
    accepted from the empty tree (its root must be SHA-256 of "") and between
    equal sizes (the roots must match).
    """
    if not 0 <= first <= second or not _are_hashes([first_root, second_root, *proof]):
        return False
    if first == 0:
        return not proof and first_root == EMPTY_ROOT
    if first == second:
        return not proof and first_root == second_root
    if not proof:
        return False
    path = list(proof)
    if first & (first - 1) == 0:
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return fr == first_root and sr == second_root and sn == 0


# --- ranges and keys ----------------------------------------------------------------


def _largest_power_of_two_below(n: int) -> int:
    return 1 << ((n - 1).bit_length() - 1)


def _path_ranges(index: int, lo: int, hi: int) -> list[tuple[int, int]]:
    """The leaf ranges whose tree hashes make up PATH(index, D[lo:hi]), in proof order."""
    if hi - lo == 1:
        return []
    k = _largest_power_of_two_below(hi - lo)
    if index < lo + k:
        return _path_ranges(index, lo, lo + k) + [(lo + k, hi)]
    return _path_ranges(index, lo + k, hi) + [(lo, lo + k)]


def _subproof_ranges(m: int, lo: int, hi: int, complete: bool) -> list[tuple[int, int]]:
    """The leaf ranges whose tree hashes make up SUBPROOF(m, D[lo:hi], complete)."""
    if m == hi - lo:
        return [] if complete else [(lo, hi)]
    k = _largest_power_of_two_below(hi - lo)
    if m <= k:
        return _subproof_ranges(m, lo, lo + k, complete) + [(lo + k, hi)]
    return _subproof_ranges(m - k, lo + k, hi, False) + [(lo, lo + k)]


def _range_keys(lo: int, hi: int) -> list[Key]:
    """The complete subtrees that tile [lo, hi), largest first.

    Valid for the ranges the RFC's recursion produces, whose start is aligned
    to the largest of them.
    """
    keys, start = [], lo
    for level in reversed(range((hi - lo).bit_length())):
        if (hi - lo) >> level & 1:
            keys.append((level, start >> level))
            start += 1 << level
    return keys


def _range_hash(nodes: dict[Key, bytes], keys: list[Key]) -> bytes:
    """MTH of a range from its tiling: the RFC splits off the largest subtree first."""
    digest = nodes[keys[-1]]
    for key in reversed(keys[:-1]):
        digest = node_hash(nodes[key], digest)
    return digest


def _ranges_hashes(store: NodeStore, ranges: list[tuple[int, int]]) -> list[bytes]:
    keys_per_range = [_range_keys(lo, hi) for lo, hi in ranges]
    nodes = _fetch(store, [key for keys in keys_per_range for key in keys])
    return [_range_hash(nodes, keys) for keys in keys_per_range]


def _fetch(store: NodeStore, keys: list[Key]) -> dict[Key, bytes]:
    """One get_many for all keys; a missing node means the tree is smaller than asked."""
    nodes = store.get_many(keys) if keys else {}
    missing = [key for key in keys if key not in nodes]
    if missing:
        raise LookupError(f"node store lacks Merkle nodes {missing[:3]}; is the tree that big?")
    return nodes


def _are_hashes(values: list) -> bool:
    return all(isinstance(value, bytes) and len(value) == 32 for value in values)
