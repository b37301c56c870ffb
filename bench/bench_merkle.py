"""Benchmark of safeshare.ledger.merkle at ledger scale (plain Python, prints a table).

    .venv/bin/python bench/bench_merkle.py [--leaves 1000000] [--proofs 1000] [--seed 1]

Builds the tree through frontier_append into an in-memory dict standing in for the node
table, then times proofs read from that store, their verification, and tree_root over
every leaf hash. Figures are single-threaded CPython; the database round trips of the
real node table are not included (see docs/performance-merkle.md).
"""

from __future__ import annotations

import argparse
import functools
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable

from safeshare.ledger import merkle


def _timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def _mean_us(samples: list[float]) -> str:
    return f"{statistics.fmean(samples) * 1e6:.1f} µs (p99 {_p99(samples) * 1e6:.1f} µs)"


def _lookup(nodes: dict[tuple[int, int], bytes], level: int, index: int) -> bytes:
    return nodes[(level, index)]


def _p99(samples: list[float]) -> float:
    return sorted(samples)[max(0, int(len(samples) * 0.99) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leaves", type=int, default=1_000_000)
    parser.add_argument("--proofs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    n, count = args.leaves, args.proofs
    rng = random.Random(args.seed)
    rows: list[tuple[str, str]] = []

    t, leaves = _timed(lambda: [merkle.leaf_hash(b"entry-%d" % i) for i in range(n)])
    assert isinstance(leaves, list)
    rows.append((f"leaf_hash x {n:,}", f"{t:.2f} s ({n / t:,.0f}/s)"))

    store: dict[tuple[int, int], bytes] = {}
    frontier: merkle.Frontier = []
    start = time.perf_counter()
    for h in leaves:
        frontier, created = merkle.frontier_append(frontier, h)
        for level, index, node in created:
            store[(level, index)] = node
    t = time.perf_counter() - start
    rows.append((f"frontier_append x {n:,} (+ dict insert)", f"{t:.2f} s ({n / t:,.0f} appends/s)"))
    rows.append(("nodes stored", f"{len(store):,}"))

    samples = []
    for _ in range(count):
        s = time.perf_counter()
        merkle.frontier_root(frontier)
        samples.append(time.perf_counter() - s)
    root = merkle.frontier_root(frontier)
    rows.append(("frontier_root", _mean_us(samples)))

    t, full_root = _timed(lambda: merkle.tree_root(leaves))
    assert full_root == root, "frontier root disagrees with tree_root"
    rows.append((f"tree_root over {n:,} leaf hashes", f"{t:.2f} s"))

    get = store.__getitem__

    def get_node(level: int, index: int) -> bytes:
        return get((level, index))

    indexes = [rng.randrange(n) for _ in range(count)]
    inc_samples, inc_proofs, reads = [], [], []
    for i in indexes:
        s = time.perf_counter()
        proof = merkle.inclusion_proof_from_nodes(get_node, i, n)
        inc_samples.append(time.perf_counter() - s)
        inc_proofs.append(proof)
        reads.append(len(merkle.nodes_needed_for_inclusion(i, n)))
    rows.append((f"inclusion_proof_from_nodes @ {n:,}", _mean_us(inc_samples)))
    rows.append(("  nodes read per inclusion proof", f"mean {statistics.fmean(reads):.1f}"))

    pre_samples = []
    for i in indexes:
        s = time.perf_counter()
        fetched = {key: store[key] for key in merkle.nodes_needed_for_inclusion(i, n)}
        merkle.inclusion_proof_from_nodes(functools.partial(_lookup, fetched), i, n)
        pre_samples.append(time.perf_counter() - s)
    rows.append(("  same, prefetch via nodes_needed_for_inclusion", _mean_us(pre_samples)))

    olds = [rng.randrange(1, n) for _ in range(count)]
    con_samples, con_proofs, reads = [], [], []
    for old in olds:
        s = time.perf_counter()
        proof = merkle.consistency_proof_from_nodes(get_node, old, n)
        con_samples.append(time.perf_counter() - s)
        con_proofs.append(proof)
        reads.append(len(merkle.nodes_needed_for_consistency(old, n)))
    rows.append((f"consistency_proof_from_nodes old -> {n:,}", _mean_us(con_samples)))
    rows.append(("  nodes read per consistency proof", f"mean {statistics.fmean(reads):.1f}"))

    old_roots = [merkle.root_from_nodes(get_node, old) for old in olds]

    ver_samples = []
    for i, proof in zip(indexes, inc_proofs, strict=True):
        s = time.perf_counter()
        ok = merkle.verify_inclusion(leaves[i], i, n, proof, root)
        ver_samples.append(time.perf_counter() - s)
        assert ok
    rows.append(("verify_inclusion", _mean_us(ver_samples)))

    ver_samples = []
    for old, old_root, proof in zip(olds, old_roots, con_proofs, strict=True):
        s = time.perf_counter()
        ok = merkle.verify_consistency(old, n, old_root, root, proof)
        ver_samples.append(time.perf_counter() - s)
        assert ok
    rows.append(("verify_consistency", _mean_us(ver_samples)))

    print(f"# merkle benchmark: {n:,} leaves, {count} proofs, seed {args.seed}")
    print(f"# {platform.python_implementation()} {platform.python_version()} on {sys.platform}")
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()
