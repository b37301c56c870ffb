"""merkle.completed_by_append_from_nodes: the nodes an append completes, as append_entry
and the scale seeder store them, give the tree that merkle's other functions describe."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safeshare.ledger import merkle
from safeshare.ledger.models import node_key


def leaves(size: int, salt: int) -> list[bytes]:
    return [merkle.leaf_hash(b"%d:%d" % (salt, i)) for i in range(size)]


class Rows:
    """The ledger's tables in miniature: the entries' leaf hashes (level 0) and the node
    rows by key, filled by appending as append_entry does."""

    def __init__(self) -> None:
        self.leaves: list[bytes] = []
        self.nodes: dict[int, tuple[int, int, bytes]] = {}
        self.keys: list[int] = []
        self.reads: list[tuple[int, int]] = []

    def get(self, level: int, index: int) -> bytes:
        if level == 0:
            return self.leaves[index]
        stored_level, stored_index, h = self.nodes[node_key(level, index)]
        assert (stored_level, stored_index) == (level, index)
        return h

    def append(self, leaf: bytes) -> list[merkle.NewNode]:
        size = len(self.leaves)

        def read(level: int, index: int) -> bytes:
            self.reads.append((level, index))
            return self.get(level, index)

        self.reads = []
        completed = merkle.completed_by_append_from_nodes(read, size, leaf)
        assert self.reads == merkle.nodes_needed_for_append(size)
        self.leaves.append(leaf)
        for level, index, h in completed:
            key = node_key(level, index)
            assert key not in self.nodes
            self.nodes[key] = (level, index, h)
            self.keys.append(key)
        return completed


@pytest.mark.parametrize(
    ("size", "needed"),
    [
        (0, []),
        (1, [(0, 0)]),
        (2, []),
        (3, [(0, 2), (1, 0)]),
        (6, []),
        (7, [(0, 6), (1, 2), (2, 0)]),
        (11, [(0, 10), (1, 4)]),
        (15, [(0, 14), (1, 6), (2, 2), (3, 0)]),
    ],
)
def test_an_append_reads_one_node_per_trailing_one_bit_of_the_size(
    size: int, needed: list[tuple[int, int]]
) -> None:
    assert merkle.nodes_needed_for_append(size) == needed


def test_an_append_completes_the_nodes_whose_last_leaf_it_is() -> None:
    rows = Rows()
    for leaf in leaves(7, salt=0):
        rows.append(leaf)
    a, b, c, d, e, f, g = rows.leaves
    ab, cd, ef = merkle.node_hash(a, b), merkle.node_hash(c, d), merkle.node_hash(e, f)
    abcd = merkle.node_hash(ab, cd)
    leaf = merkle.leaf_hash(b"last")
    efgh = merkle.node_hash(ef, merkle.node_hash(g, leaf))
    assert merkle.completed_by_append_from_nodes(rows.get, 7, leaf) == [
        (1, 3, merkle.node_hash(g, leaf)),
        (2, 1, efgh),
        (3, 0, merkle.node_hash(abcd, efgh)),
    ]
    assert merkle.completed_by_append_from_nodes(rows.get, 6, leaf) == []


def test_an_append_refuses_a_missing_or_malformed_node_and_bad_arguments() -> None:
    rows = Rows()
    for leaf in leaves(3, salt=0):
        rows.append(leaf)
    leaf = merkle.leaf_hash(b"next")
    del rows.nodes[node_key(1, 0)]
    with pytest.raises(KeyError):
        merkle.completed_by_append_from_nodes(rows.get, 3, leaf)
    with pytest.raises(ValueError, match="malformed hash"):
        merkle.completed_by_append_from_nodes(lambda level, index: b"short", 3, leaf)
    with pytest.raises(ValueError, match="leaf hash"):
        merkle.completed_by_append_from_nodes(rows.get, 3, b"short")
    with pytest.raises(ValueError, match="tree size"):
        merkle.completed_by_append_from_nodes(rows.get, -1, leaf)
    with pytest.raises(ValueError, match="tree size"):
        merkle.nodes_needed_for_append(True)


@settings(max_examples=80, deadline=None)
@given(size=st.integers(0, 700), salt=st.integers(0, 2**16), data=st.data())
def test_the_rows_appends_store_give_the_same_root_and_proofs(
    size: int, salt: int, data: st.DataObject
) -> None:
    hs = leaves(size, salt)
    rows = Rows()
    frontier: merkle.Frontier = []
    for h in hs:
        completed = rows.append(h)
        frontier, created = merkle.frontier_append(frontier, h)
        assert completed == created[1:]
    # Every complete subtree above level 0 once, in rising key order: the order in which
    # the node table is written and verified.
    assert {(level, index) for level, index, _ in rows.nodes.values()} == {
        (level, index) for level in range(1, size.bit_length()) for index in range(size >> level)
    }
    assert rows.keys == sorted(rows.keys)
    assert merkle.root_from_nodes(rows.get, size) == merkle.tree_root(hs)
    assert merkle.frontier_root(frontier) == merkle.tree_root(hs)
    if size:
        index = data.draw(st.integers(0, size - 1), label="index")
        assert merkle.inclusion_proof_from_nodes(rows.get, index, size) == (
            merkle.inclusion_proof(hs, index)
        )
        old = data.draw(st.integers(0, size), label="old")
        assert merkle.root_from_nodes(rows.get, old) == merkle.tree_root(hs[:old])
        assert merkle.consistency_proof_from_nodes(rows.get, old, size) == (
            merkle.consistency_proof(hs, old)
        )
