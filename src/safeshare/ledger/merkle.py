"""Merkle tree hashing and proofs, exactly as RFC 9162 §2.1 (identical to RFC 6962 §2.1).

Everything here is pure: no Django, no I/O. Hashes are raw 32-byte SHA-256 digests and
leaf indexes are 0-based.

Two families of functions:

* List functions (``tree_root``, ``inclusion_proof``, ``consistency_proof``) take every
  leaf hash. They are simple and are what tests and small offline tools use.
* Node-store functions (``frontier_*``, ``*_from_nodes``, ``nodes_needed_*``) never need
  all leaves. The storage layer keeps one row per *complete perfect subtree*, addressed
  ``(level, index)``: the subtree of ``2**level`` leaves starting at leaf
  ``index * 2**level``; level 0 holds the leaf hashes. Such a node never changes once it
  exists, because RFC 9162 §2.1.1 trees only grow on the right, so rows are append-only.
  Appending uses the right-edge "frontier" (O(log n) memory) and every proof needs
  O(log n) node reads, whose coordinates can be computed up front and fetched in one query.

The two verifiers follow the RFC 9162 §2.1.3.2 and §2.1.4.2 algorithms and return False,
never raise, for any malformed input.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import Any, TypeAlias

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "Frontier",
    "GetNode",
    "NewNode",
    "completed_by_append",
    "completed_by_append_from_nodes",
    "consistency_proof",
    "consistency_proof_from_nodes",
    "frontier_append",
    "frontier_from_nodes",
    "frontier_node_ids",
    "frontier_root",
    "frontier_size",
    "inclusion_proof",
    "inclusion_proof_from_nodes",
    "leaf_hash",
    "node_hash",
    "nodes_needed_for_append",
    "nodes_needed_for_consistency",
    "nodes_needed_for_inclusion",
    "nodes_needed_for_root",
    "root_from_nodes",
    "subtree_root_from_nodes",
    "tree_root",
    "verify_consistency",
    "verify_inclusion",
]

HASH_SIZE = 32
# RFC 9162 §2.1.1: MTH({}) = HASH(), the hash of the empty string.
EMPTY_ROOT = hashlib.sha256(b"").digest()

# RFC 9162 §2.1.1 domain separation: leaves and interior nodes get different one-byte
# prefixes so a leaf can never be passed off as an interior node (second pre-image).
_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"

# Right edge of the tree: one (level, hash) per perfect subtree, largest (leftmost) first.
# The levels are exactly the set bits of the tree size, in decreasing order.
Frontier: TypeAlias = list[tuple[int, bytes]]
# A node that has just become complete: (level, index_at_level, hash).
NewNode: TypeAlias = tuple[int, int, bytes]
# get_node(level, index) -> hash of the perfect subtree of 2**level leaves at index.
GetNode: TypeAlias = Callable[[int, int], bytes]

_sha256 = hashlib.sha256


def leaf_hash(data: bytes) -> bytes:
    """RFC 9162 §2.1.1: MTH({d0}) = SHA-256(0x00 || d0)."""
    return _sha256(_LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """RFC 9162 §2.1.1: SHA-256(0x01 || MTH(left) || MTH(right))."""
    return _sha256(_NODE_PREFIX + left + right).digest()


def _split(n: int) -> int:
    """RFC 9162 §2.1.1: k, the largest power of two strictly smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def _is_hash(value: object) -> bool:
    return isinstance(value, bytes) and len(value) == HASH_SIZE


def _is_size(value: object) -> bool:
    # bool is an int subclass; a True/False "size" is always a caller bug.
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


# ---------------------------------------------------------------------------------------
# List functions
# ---------------------------------------------------------------------------------------


def _check_leaves(leaf_hashes: Sequence[bytes]) -> None:
    for h in leaf_hashes:
        if not _is_hash(h):
            raise ValueError("every leaf hash must be 32 bytes")


def _mth(leaves: Sequence[bytes], lo: int, hi: int) -> bytes:
    """MTH(D[lo:hi]) for hi > lo, computed level by level.

    Pairing neighbours and carrying an unpaired last node up unchanged builds exactly the
    RFC 9162 §2.1.1 tree (left subtree always the largest power of two), without
    recursion and in O(n) hashes.
    """
    level = list(leaves[lo:hi])
    while len(level) > 1:
        nxt = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0]


def tree_root(leaf_hashes: Sequence[bytes]) -> bytes:
    """Merkle Tree Hash of the given leaf hashes (RFC 9162 §2.1.1)."""
    _check_leaves(leaf_hashes)
    if not leaf_hashes:
        return EMPTY_ROOT
    return _mth(leaf_hashes, 0, len(leaf_hashes))


def _inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """Leaf ranges [start, end) whose MTHs form PATH(index, D[0:size]), in proof order.

    RFC 9162 §2.1.3.1 recurses into the half holding the leaf and appends the other
    half's hash after the sub-path, so the deepest sibling comes first.
    """
    ranges: list[tuple[int, int]] = []
    lo, hi = 0, size
    while hi - lo > 1:
        k = _split(hi - lo)
        if index < lo + k:
            ranges.append((lo + k, hi))
            hi = lo + k
        else:
            ranges.append((lo, lo + k))
            lo += k
    ranges.reverse()
    return ranges


def _consistency_ranges(old_size: int, new_size: int) -> list[tuple[int, int]]:
    """Leaf ranges whose MTHs form PROOF(old_size, D[0:new_size]), in proof order.

    Iterative SUBPROOF of RFC 9162 §2.1.4.1; only defined for 0 < old_size < new_size.
    """
    ranges: list[tuple[int, int]] = []
    lo, hi, whole = 0, new_size, True
    while True:
        if old_size == hi:
            # SUBPROOF(m, D[m], b): empty when b (the verifier already holds that root),
            # otherwise MTH(D[m]).
            if not whole:
                ranges.append((lo, hi))
            break
        k = _split(hi - lo)
        if old_size - lo <= k:
            ranges.append((lo + k, hi))
            hi = lo + k
        else:
            ranges.append((lo, lo + k))
            lo += k
            whole = False
    ranges.reverse()
    return ranges


def inclusion_proof(leaf_hashes: Sequence[bytes], index: int) -> list[bytes]:
    """Audit path for leaf ``index`` in the tree of all ``leaf_hashes`` (RFC 9162 §2.1.3.1)."""
    _check_leaves(leaf_hashes)
    size = len(leaf_hashes)
    if not _is_size(index) or index >= size:
        raise ValueError(f"leaf index {index!r} out of range for tree size {size}")
    return [_mth(leaf_hashes, lo, hi) for lo, hi in _inclusion_ranges(index, size)]


def consistency_proof(leaf_hashes: Sequence[bytes], old_size: int) -> list[bytes]:
    """Consistency proof from ``old_size`` to ``len(leaf_hashes)`` (RFC 9162 §2.1.4.1).

    Empty when ``old_size`` is 0 or equals the current size: RFC 9162 §2.1.4.1 only
    defines PROOF for 0 < m < n, and in both edge cases the verifier needs nothing more
    than the two roots (see ``verify_consistency``).
    """
    _check_leaves(leaf_hashes)
    size = len(leaf_hashes)
    if not _is_size(old_size) or old_size > size:
        raise ValueError(f"old size {old_size!r} out of range for tree size {size}")
    if old_size in (0, size):
        return []
    return [_mth(leaf_hashes, lo, hi) for lo, hi in _consistency_ranges(old_size, size)]


# ---------------------------------------------------------------------------------------
# Verification (RFC 9162 §2.1.3.2 and §2.1.4.2). Never raise.
# ---------------------------------------------------------------------------------------


def _proof_list(proof: Any) -> list[bytes] | None:
    # A str/bytes is a Sequence too; accepting one would iterate characters/ints.
    if not isinstance(proof, list | tuple):
        return None
    items = list(proof)
    if not all(_is_hash(p) for p in items):
        return None
    return items


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """True iff ``proof`` shows leaf ``index`` with ``leaf_hash`` is in the tree ``root``."""
    if not (_is_hash(leaf_hash) and _is_hash(root) and _is_size(index) and _is_size(size)):
        return False
    path = _proof_list(proof)
    if path is None:
        return False
    # §2.1.3.2 step 1.
    if index >= size:
        return False
    # Cheap bound before hashing: a valid path has exactly one element per level walked.
    if len(path) > size.bit_length():
        return False
    # Steps 2-3.
    fn, sn, r = index, size - 1, leaf_hash
    # Step 4.
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                # The right edge of an unbalanced tree: climb the levels where this node
                # was carried up without a right sibling.
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    # Step 5: the path must have reached the root exactly.
    return sn == 0 and r == root


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """True iff ``proof`` shows the tree ``old_root`` is a prefix of the tree ``new_root``.

    Edge cases (RFC 9162 §2.1.4.2 only covers 0 < old_size < new_size):

    * ``old_size == new_size``: the proof must be empty and the roots equal.
    * ``old_size == 0``: every tree extends the empty tree, so the proof must be empty;
      we additionally require ``old_root`` to be the empty-tree root SHA-256("") so a
      caller cannot be fooled into recording a bogus root for size 0. ``new_root`` must
      be well formed but cannot be checked further.
    """
    if not (
        _is_size(old_size) and _is_size(new_size) and _is_hash(old_root) and _is_hash(new_root)
    ):
        return False
    path = _proof_list(proof)
    if path is None:
        return False
    if old_size > new_size:
        return False
    if old_size == new_size:
        return not path and old_root == new_root
    if old_size == 0:
        return not path and old_root == EMPTY_ROOT
    # §2.1.4.2 step 1.
    if not path:
        return False
    if len(path) > 2 * new_size.bit_length() + 1:
        return False
    # Step 2: when old_size is a power of two the old tree is itself a node of the new
    # tree, so the proof omits it and the verifier supplies it.
    if old_size & (old_size - 1) == 0:
        path = [old_root, *path]
    # Step 3.
    fn, sn = old_size - 1, new_size - 1
    # Step 4: skip the levels where the old tree's last node is a right child.
    while fn & 1:
        fn >>= 1
        sn >>= 1
    # Step 5.
    fr = sr = path[0]
    # Step 6.
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    # Step 7.
    return sn == 0 and fr == old_root and sr == new_root


# ---------------------------------------------------------------------------------------
# Frontier (compact range of the right edge): append without the leaves.
# ---------------------------------------------------------------------------------------


def frontier_size(frontier: Frontier) -> int:
    """Number of leaves in the tree the frontier describes."""
    return sum(1 << level for level, _ in frontier)


def _check_frontier(frontier: Frontier) -> None:
    previous = None
    for item in frontier:
        level, h = item
        if not _is_size(level) or not _is_hash(h):
            raise ValueError("frontier entries must be (level >= 0, 32-byte hash)")
        if previous is not None and level >= previous:
            raise ValueError("frontier levels must be strictly decreasing")
        previous = level


def frontier_append(frontier: Frontier, leaf_hash: bytes) -> tuple[Frontier, list[NewNode]]:
    """Append one leaf; return the new frontier and every node that just became complete.

    The returned nodes start with the leaf itself ``(0, old_size, leaf_hash)`` and go up
    one level per merge. Each perfect subtree becomes complete exactly once, at the append
    of its last leaf, so persisting these rows stores every node exactly once.
    The input frontier is not modified.
    """
    _check_frontier(frontier)
    if not _is_hash(leaf_hash):
        raise ValueError("leaf hash must be 32 bytes")
    new_size = frontier_size(frontier) + 1
    result = list(frontier)
    level, h = 0, leaf_hash
    created: list[NewNode] = [(0, new_size - 1, h)]
    # Two perfect subtrees of equal height side by side are siblings (RFC 9162 §2.1.1
    # splits at powers of two), so they merge into their parent, like a binary carry.
    while result and result[-1][0] == level:
        _, left = result.pop()
        h = node_hash(left, h)
        level += 1
        created.append((level, (new_size >> level) - 1, h))
    result.append((level, h))
    return result, created


def nodes_needed_for_append(size: int) -> list[tuple[int, int]]:
    """``(level, index)`` of the stored nodes that appending leaf number ``size`` joins
    with, lowest first: what ``completed_by_append_from_nodes`` will read.

    One per trailing one bit of ``size`` (like a binary carry): the last leaf, then the
    perfect subtrees of 2, 4, ... leaves before it on the right edge. Empty for an even
    ``size``, which is half of all appends.
    """
    if not _is_size(size):
        raise ValueError(f"invalid tree size {size!r}")
    carries = (size ^ (size + 1)).bit_length() - 1  # trailing one bits of size
    return [(level, (size >> level) - 1) for level in range(carries)]


def completed_by_append_from_nodes(get_node: GetNode, size: int, leaf_hash: bytes) -> list[NewNode]:
    """The interior nodes that appending leaf number ``size`` completes, lowest first.

    Reads the nodes ``nodes_needed_for_append(size)`` names, lowest first, and joins each
    with the node just made (the leaf first). Lowest first is rising node key
    (``models.node_key``), the order the node store keeps them in. Level 0 is the leaf
    itself and is not among them; an even ``size`` completes none.
    """
    if not _is_hash(leaf_hash):
        raise ValueError("leaf hash must be 32 bytes")
    created: list[NewNode] = []
    h = leaf_hash
    for level, index in nodes_needed_for_append(size):
        h = node_hash(_fetch(get_node, level, index), h)
        created.append((level + 1, index >> 1, h))
    return created


def completed_by_append(size: int, leaf_hash: bytes, right_edge: Sequence[bytes]) -> list[NewNode]:
    """``completed_by_append_from_nodes`` with the tree's right edge in hand.

    ``right_edge`` is the hashes of the tree's frontier, largest subtree first (as
    ``frontier_append`` keeps them, without their levels, which are the set bits of
    ``size``). After the append the right edge is ``right_edge`` without its last
    ``len(result)`` hashes, then the last node made (the leaf when none was made).

    The same nodes as ``frontier_append`` gives above level 0, without checking the
    frontier whole at every append: for building a stored tree in bulk, where the caller
    keeps the right edge itself.
    """
    if not _is_size(size) or not _is_hash(leaf_hash):
        raise ValueError("invalid tree size or leaf hash")
    carries = (size ^ (size + 1)).bit_length() - 1  # trailing one bits of size
    if carries > len(right_edge):
        raise ValueError(f"a tree of {size} leaves has at least {carries} frontier nodes")
    # The node needed at level l is the right edge's (l + 1)-th hash from the end.
    return completed_by_append_from_nodes(
        lambda level, _index: right_edge[-1 - level], size, leaf_hash
    )


def frontier_root(frontier: Frontier) -> bytes:
    """Root of the whole tree from its frontier alone, in O(log n) hashes.

    By RFC 9162 §2.1.1 the tree is the leftmost perfect subtree joined with the tree of
    the remaining leaves, so the root folds the frontier from the right.
    """
    _check_frontier(frontier)
    if not frontier:
        return EMPTY_ROOT
    root = frontier[-1][1]
    for _, h in reversed(frontier[:-1]):
        root = node_hash(h, root)
    return root


def frontier_node_ids(size: int) -> list[tuple[int, int]]:
    """``(level, index)`` of the frontier nodes of a tree of ``size`` leaves, leftmost first."""
    if not _is_size(size):
        raise ValueError(f"invalid tree size {size!r}")
    return _range_nodes(0, size) if size else []


def frontier_from_nodes(get_node: GetNode, size: int) -> Frontier:
    """Rebuild the frontier of a stored tree (e.g. after a restart) with O(log n) reads."""
    return [(level, _fetch(get_node, level, index)) for level, index in frontier_node_ids(size)]


# ---------------------------------------------------------------------------------------
# Proofs from a store of complete perfect-subtree nodes.
# ---------------------------------------------------------------------------------------


def _range_nodes(start: int, end: int) -> list[tuple[int, int]]:
    """Perfect aligned subtrees covering [start, end), largest (leftmost) first.

    MTH(D[start:end]) splits off the largest power of two at each step (RFC 9162 §2.1.1),
    so the range decomposes along the binary digits of its length. Each piece is a stored
    node only if aligned, which holds whenever start is a multiple of the largest piece.
    """
    if not (_is_size(start) and _is_size(end)) or start >= end:
        raise ValueError(f"invalid leaf range [{start!r}, {end!r})")
    length = end - start
    top = length.bit_length() - 1
    if start % (1 << top):
        raise ValueError(f"[{start}, {end}) is not a subtree of an RFC 9162 tree")
    nodes: list[tuple[int, int]] = []
    pos = start
    for level in range(top, -1, -1):
        if length >> level & 1:
            nodes.append((level, pos >> level))
            pos += 1 << level
    return nodes


def _fetch(get_node: GetNode, level: int, index: int) -> bytes:
    h = get_node(level, index)
    if not _is_hash(h):
        raise ValueError(f"node store returned a malformed hash for ({level}, {index})")
    return h


def _fold(get_node: GetNode, nodes: list[tuple[int, int]]) -> bytes:
    root = _fetch(get_node, *nodes[-1])
    for level, index in reversed(nodes[:-1]):
        root = node_hash(_fetch(get_node, level, index), root)
    return root


def subtree_root_from_nodes(get_node: GetNode, start: int, end: int) -> bytes:
    """MTH(D[start:end]) from stored complete nodes, with at most log2(n)+1 reads.

    ``[start, end)`` must be a node of the RFC 9162 tree of size ``end`` (``start`` a
    multiple of the largest power of two <= end - start); the right edge may be
    incomplete, in which case its root is computed from the complete nodes under it.
    """
    return _fold(get_node, _range_nodes(start, end))


def root_from_nodes(get_node: GetNode, size: int) -> bytes:
    """Root of the stored tree at ``size`` leaves (any size up to the current one)."""
    if not _is_size(size):
        raise ValueError(f"invalid tree size {size!r}")
    return subtree_root_from_nodes(get_node, 0, size) if size else EMPTY_ROOT


def _check_inclusion_args(index: int, size: int) -> None:
    if not (_is_size(index) and _is_size(size)) or index >= size:
        raise ValueError(f"leaf index {index!r} out of range for tree size {size!r}")


def _check_consistency_args(old_size: int, new_size: int) -> None:
    if not (_is_size(old_size) and _is_size(new_size)) or old_size > new_size:
        raise ValueError(f"invalid consistency sizes {old_size!r} -> {new_size!r}")


def nodes_needed_for_inclusion(index: int, size: int) -> set[tuple[int, int]]:
    """Every ``(level, index)`` that ``inclusion_proof_from_nodes`` will read."""
    _check_inclusion_args(index, size)
    return {n for lo, hi in _inclusion_ranges(index, size) for n in _range_nodes(lo, hi)}


def nodes_needed_for_consistency(old_size: int, new_size: int) -> set[tuple[int, int]]:
    """Every ``(level, index)`` that ``consistency_proof_from_nodes`` will read."""
    _check_consistency_args(old_size, new_size)
    if old_size in (0, new_size):
        return set()
    return {n for lo, hi in _consistency_ranges(old_size, new_size) for n in _range_nodes(lo, hi)}


def nodes_needed_for_root(size: int) -> set[tuple[int, int]]:
    """Every ``(level, index)`` that ``root_from_nodes`` will read."""
    return set(frontier_node_ids(size))


def inclusion_proof_from_nodes(get_node: GetNode, index: int, size: int) -> list[bytes]:
    """Same result as ``inclusion_proof`` but reading O(log n) stored nodes."""
    _check_inclusion_args(index, size)
    return [_fold(get_node, _range_nodes(lo, hi)) for lo, hi in _inclusion_ranges(index, size)]


def consistency_proof_from_nodes(get_node: GetNode, old_size: int, new_size: int) -> list[bytes]:
    """Same result as ``consistency_proof`` but reading O(log n) stored nodes."""
    _check_consistency_args(old_size, new_size)
    if old_size in (0, new_size):
        return []
    return [
        _fold(get_node, _range_nodes(lo, hi)) for lo, hi in _consistency_ranges(old_size, new_size)
    ]
