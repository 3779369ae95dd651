"""Disconnectivity trees: hand-made cases and superbasins against networkx components."""

import networkx as nx
import numpy as np
import pytest

from sklandscape import Landscape


def four_minima():
    # E = (0, 1, 2, 0.5); TS 0-3 at 1.5, 1-2 at 2.5, 0-1 at 3.
    return Landscape.from_arrays([0.0, 1.0, 2.0, 0.5], [3.0, 2.5, 1.5], [[0, 1], [1, 2], [0, 3]])


def partition(tree, level):
    """Superbasins at one level as a set of frozensets of minima."""
    groups = {}
    for minimum, node in enumerate(tree.basin[level]):
        if node >= 0:
            groups.setdefault(node, set()).add(minimum)
    return {frozenset(g) for g in groups.values()}


def test_hand_made_superbasins_levels_and_parents():
    tree = four_minima().disconnectivity(4, energy_range=(0.0, 4.0))
    np.testing.assert_allclose(tree.levels, [1.0, 2.0, 3.0, 4.0])
    assert partition(tree, 0) == {frozenset({0}), frozenset({3})}
    assert partition(tree, 1) == {frozenset({0, 3}), frozenset({1})}
    assert partition(tree, 2) == {frozenset({0, 1, 2, 3})}
    assert partition(tree, 3) == {frozenset({0, 1, 2, 3})}
    np.testing.assert_array_equal(tree.leaf_level, [0, 1, 2, 0])
    # Every node's parent holds a superset of its minima, one level up.
    for node in range(tree.n_nodes):
        parent = tree.node_parent[node]
        if parent < 0:
            assert tree.node_level[node] == 3
            continue
        assert tree.node_level[parent] == tree.node_level[node] + 1
        members = set(np.flatnonzero(tree.basin[tree.node_level[node]] == node))
        parent_members = set(np.flatnonzero(tree.basin[tree.node_level[parent]] == parent))
        assert members <= parent_members
        assert tree.node_size[node] == len(members)
    assert sorted(tree.minima.tolist()) == [0, 1, 2, 3]


def test_global_minimum_branch_is_central():
    # A star: the global minimum joined to six minima by TSs at one energy.
    energy = [0.0, 1.0, 1.1, 1.2, 1.3, 1.4, 1.5]
    ls = Landscape.from_arrays(energy, [2.0] * 6, [[0, i] for i in range(1, 7)])
    tree = ls.disconnectivity(5)
    assert tree.leaf_x[0] == 3.0  # the middle of seven leaves
    # Next lowest minima sit closest to the centre, alternating sides.
    order = tree.minima.tolist()
    assert order.index(1) in (2, 4) and order.index(2) in (2, 4)
    top = np.flatnonzero(tree.node_parent < 0)
    assert top.size == 1


def test_node_positions_are_means_of_children():
    rng = np.random.default_rng(2)
    ls = random_landscape(rng, 40, 30)
    tree = ls.disconnectivity(12)
    for node in range(tree.n_nodes):
        children_x = [tree.node_x[c] for c in np.flatnonzero(tree.node_parent == node)]
        level = tree.node_level[node]
        children_x += [
            tree.leaf_x[m]
            for m in np.flatnonzero(tree.leaf_level == level)
            if tree.basin[level, m] == node
        ]
        assert tree.node_x[node] == pytest.approx(np.mean(children_x))
    np.testing.assert_array_equal(tree.leaf_x[tree.minima], np.sort(tree.leaf_x[tree.minima]))


@pytest.mark.parametrize("seed", range(3))
def test_every_connected_component_is_a_separate_tree(seed):
    rng = np.random.default_rng(seed)
    ls = random_landscape(rng, 40, 30)  # 40 minima, 30 TSs: at least 10 components
    graph = nx.Graph()
    graph.add_nodes_from(range(ls.n_minima))
    graph.add_edges_from(ls.transition_states.minima.tolist())
    expected = {frozenset(c) for c in nx.connected_components(graph)}
    tree = ls.disconnectivity(12)
    # Every minimum is drawn by default, and the components are networkx's.
    assert sorted(tree.minima.tolist()) == list(range(ls.n_minima))
    assert tree.n_components == len(expected) >= 10
    found = {frozenset(np.flatnonzero(tree.component == c)) for c in range(tree.n_components)}
    assert found == expected
    # Components numbered by their lowest minimum; the global minimum's is 0.
    lowest = [ls.minima.energy[tree.component == c].min() for c in range(tree.n_components)]
    assert np.all(np.diff(lowest) > 0)
    assert tree.component[ls.global_minimum] == 0
    # Left to right in that order, each one contiguous, one empty slot between them.
    x, component = tree.leaf_x[tree.minima], tree.component[tree.minima]
    assert np.all(np.diff(component) >= 0)
    steps = np.diff(x)
    np.testing.assert_array_equal(steps, np.where(np.diff(component) > 0, 2.0, 1.0))
    # No superbasin spans two components, and each has a single top node.
    top = tree.basin[-1, tree.minima]
    for c in range(tree.n_components):
        assert np.unique(top[component == c]).size == 1
    assert tree.left_out()[0].size == tree.left_out()[1].size == 0


def random_landscape(rng, n, n_ts):
    pairs = rng.integers(0, n, size=(n_ts, 2))
    energy = rng.normal(size=n)
    ts_energy = np.maximum(energy[pairs[:, 0]], energy[pairs[:, 1]]) + rng.exponential(size=n_ts)
    return Landscape.from_arrays(energy, ts_energy, pairs)


@pytest.mark.parametrize("seed", range(3))
def test_superbasins_are_components_below_each_level(seed):
    rng = np.random.default_rng(seed)
    ls = random_landscape(rng, 30, 25)  # several components
    for trim in (False, True):
        tree = ls.disconnectivity(8, trim=trim)
        energy, pairs = ls.minima.energy, ls.transition_states.minima
        ts_energy = ls.transition_states.energy
        root_graph = nx.Graph()
        root_graph.add_nodes_from(range(ls.n_minima))
        root_graph.add_edges_from(pairs[ts_energy <= tree.levels[-1]].tolist())
        kept = nx.node_connected_component(root_graph, ls.global_minimum) if trim else None
        for level, cut in enumerate(tree.levels):
            graph = nx.Graph()
            nodes = [m for m in range(ls.n_minima) if energy[m] < cut]
            if trim:
                nodes = [m for m in nodes if m in kept]
            graph.add_nodes_from(nodes)
            graph.add_edges_from(
                (a, b)
                for (a, b), e in zip(pairs, ts_energy, strict=True)
                if e <= cut and a in graph and b in graph
            )
            expected = {frozenset(c) for c in nx.connected_components(graph)}
            assert partition(tree, level) == expected
        if not trim:
            assert tree.minima.size == ls.n_minima  # the default window draws everything


def test_trim_and_energy_range_options():
    ls = Landscape.from_arrays([0.0, 1.0, 0.3], [2.0], [[0, 1]])  # minimum 2 unconnected
    trimmed = ls.disconnectivity(trim=True)
    assert sorted(trimmed.minima.tolist()) == [0, 1]
    above, not_joined = trimmed.left_out()
    assert above.tolist() == [] and not_joined.tolist() == [2]
    assert sorted(ls.disconnectivity().minima.tolist()) == [0, 1, 2]
    low_window = ls.disconnectivity(4, energy_range=(0.0, 0.8))
    assert sorted(low_window.minima.tolist()) == [0, 2]
    above, not_joined = low_window.left_out()
    assert above.tolist() == [1] and not_joined.tolist() == []
    both = ls.disconnectivity(4, energy_range=(0.0, 0.8), trim=True)
    assert [a.tolist() for a in both.left_out()] == [[1], [2]]
    with pytest.raises(ValueError, match="energy_range"):
        ls.disconnectivity(energy_range=(1.0, 0.0))
    with pytest.raises(ValueError, match="n_levels"):
        ls.disconnectivity(0)


def test_segments_join_leaves_to_their_nodes():
    tree = four_minima().disconnectivity(6)
    leaves = tree.leaf_segments()
    assert leaves.shape == (4, 2, 2)
    np.testing.assert_allclose(leaves[:, 0, 1], tree.energy[tree.minima])
    assert np.all(leaves[:, 1, 1] > leaves[:, 0, 1])  # every leaf has length
    branches = tree.branch_segments()
    assert branches.shape == (np.count_nonzero(tree.node_parent >= 0), 2, 2)
    assert np.all(branches[:, 1, 1] > branches[:, 0, 1])


def test_single_minimum_tree():
    tree = Landscape.from_arrays([1.5], [], []).disconnectivity(3)
    np.testing.assert_array_equal(tree.minima, [0])
    assert tree.levels[0] > 1.5
