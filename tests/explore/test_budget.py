"""Tests of the budget helpers: the focus and the chain minima that join it."""

import itertools

import numpy as np
import pytest

from sklandscape._explore._budget import chain_minima, focus_indices


def reachable(start, allowed, pairs):
    """Vertices reachable from ``start`` through edges with both ends in ``allowed``."""
    seen, frontier = {start}, [start]
    while frontier:
        frontier = [
            b
            for a in frontier
            for u, v in pairs
            for x, b in ((u, v), (v, u))
            if x == a and b in allowed and b not in seen
        ]
        seen.update(frontier)
    return seen


def test_focus_indices_lowest_within_the_window():
    energies = [3.0, 0.0, 1.0, 0.5, 0.5]
    np.testing.assert_array_equal(focus_indices(energies, max_minima=3), [1, 3, 4])
    np.testing.assert_array_equal(focus_indices(energies, energy_window=0.6), [1, 3, 4])


def test_chain_minima_of_a_path_through_high_minima():
    # 0 - 5 - 6 - 1, a dead end 6 - 7, and 2 - 8 (8 joins no two nodes)
    pairs = [[0, 5], [5, 6], [6, 1], [6, 7], [2, 8]]
    np.testing.assert_array_equal(chain_minima([0, 1, 2], pairs, 9), [5, 6])
    assert chain_minima([0, 1, 2], np.empty((0, 2)), 9).size == 0


@pytest.mark.parametrize("seed", range(20))
def test_chain_minima_join_nodes_exactly_as_the_whole_graph_does(seed):
    """With the chain minima, two nodes are joined through nodes and chain minima alone iff
    the whole graph joins them; and each chain minimum lies on a chain between two nodes."""
    rng = np.random.default_rng(seed)
    n = 25
    pairs = [tuple(map(int, p)) for p in rng.integers(0, n, size=(28, 2)) if p[0] != p[1]]
    nodes = rng.choice(n, size=6, replace=False)
    chains = chain_minima(nodes, pairs, n)
    assert not set(chains) & set(nodes.tolist())
    everything, support = set(range(n)), set(nodes.tolist()) | set(chains.tolist())
    for a, b in itertools.combinations(nodes.tolist(), 2):
        joined = b in reachable(a, everything, pairs)
        assert joined == (b in reachable(a, support, pairs))
    # every chain minimum is an inner vertex of a chain: no dead ends are kept
    for c in chains.tolist():
        neighbours = {v for u, v in pairs if u == c} | {u for u, v in pairs if v == c}
        assert len(neighbours & support) >= 2
