"""Aligned distances between minima, and their use by pair selection and searches."""

import numpy as np
import pytest
from sklearn.datasets import load_iris

from sklandscape._explore import FunctionObjective
from sklandscape._explore._alignment import (
    aligned_distance,
    aligned_distance_matrix,
    has_alignment,
)
from sklandscape._explore._connect import _nearest_neighbours
from sklandscape._explore._transition_state import find_connections
from sklandscape.cluster._kmeans_objective import KMeansObjective


def test_default_align_is_the_identity():
    objective = FunctionObjective(lambda x: float(x @ x), 3)
    x, y = np.array([1.0, 2.0, 3.0]), np.zeros(3)
    assert not has_alignment(objective)
    np.testing.assert_array_equal(objective.align(x, y), x)
    assert aligned_distance(objective, x, y) == objective.distance(x, y)


def test_aligned_distance_matrix_of_relabelled_kmeans_minima():
    X = load_iris().data
    objective = KMeansObjective(X, 4)
    assert has_alignment(objective)
    rng = np.random.default_rng(0)
    x = objective.random_point(rng)
    copy = objective.cluster_centers(x)[[2, 0, 3, 1]].ravel()
    other = objective.random_point(rng)
    points = np.array([x, copy, other])
    matrix = aligned_distance_matrix(objective, points)
    np.testing.assert_array_equal(matrix, matrix.T)
    assert matrix[0, 1] == 0.0 and objective.distance(x, copy) > 1.0
    assert matrix[0, 2] == pytest.approx(matrix[1, 2], rel=1e-12)
    assert matrix[0, 2] <= objective.distance(x, other)
    neighbours, distances = _nearest_neighbours(points, objective, 1)
    assert neighbours[0, 0] == 1 and neighbours[1, 0] == 0 and distances[0, 0] == 0.0


def test_find_connections_joins_the_aligned_copies():
    """A search between relabelled copies of two minima finds the same transition state."""
    rng = np.random.default_rng(1)
    X = np.vstack([rng.normal(loc, 0.4, size=(30, 2)) for loc in ([0, 0], [3, 0], [0, 3])])
    objective = KMeansObjective(X, 2)
    minima = []
    for seed in range(20):
        x = objective.local_minimize(objective.random_point(np.random.default_rng(seed))).x
        if all(objective.distance(objective.canonical(x), m) > 1e-6 for m in minima):
            minima.append(objective.canonical(x))
    assert len(minima) >= 2
    x_a, x_b = minima[0], minima[1]
    swapped = objective.cluster_centers(x_b)[::-1].ravel()
    direct = find_connections(objective, x_a, objective.align(x_b, x_a), 0)
    relabelled = find_connections(objective, x_a, swapped, 0)
    assert direct, "no transition state between the two minima"
    assert [c.ts_energy for c in direct] == pytest.approx([c.ts_energy for c in relabelled])


def test_aligned_distance_matrix_does_not_depend_on_row_order_or_memory():
    """MLP alignment is a heuristic, yet the matrix is a function of the set of rows."""
    from sklearn.preprocessing import StandardScaler

    from sklandscape.neural_network._mlp_objective import MLPObjective

    data = load_iris()
    X = StandardScaler().fit_transform(data.data)
    Y = np.eye(3)[data.target]
    rng = np.random.default_rng(5)
    points = None
    for _ in range(2):  # a fresh objective each time: nothing remembered
        objective = MLPObjective(X, Y, (4,), activation="tanh", alpha=1e-3, output="softmax")
        if points is None:
            points = np.array([objective.canonical(objective.random_point(rng)) for _ in range(6)])
            first = aligned_distance_matrix(objective, points)
            again = aligned_distance_matrix(objective, points)  # from memory
            np.testing.assert_array_equal(first, again)
        else:
            order = rng.permutation(len(points))
            shuffled = aligned_distance_matrix(objective, points[order])
            np.testing.assert_array_equal(shuffled, first[np.ix_(order, order)])
    direct = [[objective.distance(a, b) for b in points] for a in points]
    assert np.all(first <= np.array(direct) + 1e-12)
