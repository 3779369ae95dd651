"""Network metrics on hand-made graphs and against networkx brute force."""

import itertools

import networkx as nx
import numpy as np
import pytest

from sklandscape import Landscape


def funnels():
    """Two funnels: 0 <- 1 <- 2 and 3 <- 4, joined by a high TS 2-4; 5 isolated.

    Energies: 0: 0.0, 1: 1.0, 2: 2.0, 3: 0.5, 4: 1.5, 5: 3.0. A self-TS on 1
    and two parallel TSs between 0 and 1.
    """
    return Landscape.from_arrays(
        [0.0, 1.0, 2.0, 0.5, 1.5, 3.0],
        [1.5, 1.2, 2.5, 2.0, 4.0, 1.8],
        [[0, 1], [0, 1], [1, 2], [3, 4], [2, 4], [1, 1]],
        n_params=2,
    )


def test_monotonic_sequence_basins_by_hand():
    ls = funnels()
    assert ls.monotonic_sequence_basins() == [0, 3, 5]
    # Equal energies: neither is lower, both are MSB bottoms.
    tie = Landscape.from_arrays([1.0, 1.0], [2.0], [[0, 1]])
    assert tie.monotonic_sequence_basins() == [0, 1]


def test_barriers_by_hand():
    ls = funnels()
    assert ls.barrier(0, 1) == 1.2  # the lower of the two parallel TSs
    assert ls.barrier(0, 2) == 2.5
    assert ls.barrier(0, 3) == 4.0
    assert ls.barrier(3, 2) == 4.0
    assert ls.barrier(0, 5) == np.inf
    assert ls.barrier(4, 4) == 1.5
    with pytest.raises(ValueError, match="out of range"):
        ls.barrier(0, 6)
    with pytest.raises(ValueError, match="integer"):
        ls.barrier(0.5, 1)


def brute_force_barrier(ls, i, j):
    """Lowest threshold at which i and j are joined by TSs at or below it (networkx)."""
    pairs, energies = ls.transition_states.minima, ls.transition_states.energy
    for threshold in np.unique(energies):
        graph = nx.Graph()
        graph.add_nodes_from(range(ls.n_minima))
        graph.add_edges_from(pairs[energies <= threshold].tolist())
        if nx.has_path(graph, i, j):
            return threshold
    return np.inf


@pytest.mark.parametrize("seed", range(3))
def test_barriers_match_brute_force_on_random_graphs(seed):
    rng = np.random.default_rng(seed)
    n = 12
    pairs = rng.integers(0, n, size=(14, 2))
    energy = rng.normal(size=n)
    ts_energy = np.maximum(energy[pairs[:, 0]], energy[pairs[:, 1]]) + rng.exponential(size=14)
    ls = Landscape.from_arrays(energy, ts_energy, pairs)
    for i, j in itertools.combinations(range(n), 2):
        assert ls.barrier(i, j) == brute_force_barrier(ls, i, j)
    g = ls.global_minimum
    minimax = ls._minimax_energies(g)
    for i in range(n):
        assert minimax[i] == (ls.barrier(i, g) if i != g else energy[g])


def test_degree_counts_distinct_neighbours():
    ls = funnels()
    graph = nx.Graph()
    graph.add_nodes_from(range(ls.n_minima))
    graph.add_edges_from((a, b) for a, b in ls.transition_states.minima if a != b)
    np.testing.assert_array_equal(ls.degree(), [graph.degree(i) for i in range(ls.n_minima)])
    np.testing.assert_array_equal(ls.degree(), [1, 2, 2, 1, 2, 0])
    np.testing.assert_array_equal(ls.degree_distribution(), [1, 2, 3])


def test_connected_components_ordered_by_lowest_minimum():
    ls = Landscape.from_arrays([0.5, 0.0, 2.0, -1.0], [3.0], [[0, 1]])
    components = ls.connected_components()
    assert [c.tolist() for c in components] == [[3], [0, 1], [2]]


def two_clusters():
    """Two 4-cliques with low internal TSs, joined by one high TS."""
    energy = np.zeros(8)
    pairs = [(a, b) for a, b in itertools.combinations(range(4), 2)]
    pairs += [(a + 4, b + 4) for a, b in itertools.combinations(range(4), 2)]
    ts_energy = [0.5] * 12 + [5.0]
    pairs.append((3, 4))
    return Landscape.from_arrays(energy, ts_energy, pairs, n_params=1)


@pytest.mark.parametrize("weight", ["rate", "barrier"])
@pytest.mark.parametrize("method", ["louvain", "greedy_modularity", "label_propagation"])
def test_communities_separate_two_clusters(weight, method):
    ls = two_clusters()
    found = ls.communities(0.5, weight=weight, method=method, random_state=0)
    assert sorted(c.tolist() for c in found) == [[0, 1, 2, 3], [4, 5, 6, 7]]


def test_communities_options_and_errors():
    ls = two_clusters()
    unweighted = ls.communities(weight=None, random_state=0)
    assert sorted(c.tolist() for c in unweighted) == [[0, 1, 2, 3], [4, 5, 6, 7]]
    with pytest.raises(ValueError, match="needs a temperature"):
        ls.communities()
    with pytest.raises(ValueError, match="method"):
        ls.communities(1.0, method="spectral")
    with pytest.raises(ValueError, match="weight"):
        ls.communities(1.0, weight="distance")
    with pytest.raises(ValueError, match="single temperature"):
        ls.communities([1.0, 2.0])


def test_summary_and_repr():
    ls = funnels()
    summary = ls.summary(T=0.5)
    assert summary["n_minima"] == 6 and summary["n_transition_states"] == 6
    assert summary["global_minimum"] == 0 and summary["global_minimum_energy"] == 0.0
    assert summary["n_monotonic_sequence_basins"] == 3
    assert summary["n_connected_components"] == 2
    assert summary["degree_max"] == 2 and summary["hub"] == 1
    assert summary["degree_mean"] == pytest.approx(8 / 6)
    assert summary["reference_temperature"] == 0.5
    assert summary["frustration"] == pytest.approx(ls.frustration(0.5))
    assert summary["entropy"] == pytest.approx(ls.entropy(0.5))
    peaks = ls.heat_capacity_peaks()
    highest = max(peaks, key=lambda p: p.height)
    assert summary["heat_capacity_peak_temperature"] == highest.temperature
    assert ls.summary()["reference_temperature"] == highest.temperature
    for value in summary.values():
        assert value is None or type(value) in (int, float)
    text = repr(ls)
    assert "6 minima" in text and "6 transition states" in text and "3 monotonic" in text
