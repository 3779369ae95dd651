"""Hartigan's single-point transfers: exact gains, stability, and what Lloyd cannot do."""

import numpy as np
import pytest
from sklearn.datasets import load_iris

from sklandscape.cluster._kmeans_objective import KMeansObjective
from sklandscape.cluster._kmeans_transfer import hartigan_transfers


def _cost(X, weights, labels, n_clusters):
    """Weighted K-means cost of a partition at its own means, from scratch."""
    total = 0.0
    for k in range(n_clusters):
        members = labels == k
        if weights[members].sum() > 0:
            mean = weights[members] @ X[members] / weights[members].sum()
            total += weights[members] @ np.sum((X[members] - mean) ** 2, axis=1)
    return total


def test_lloyd_fixed_point_left_by_one_transfer():
    """1-D: {-1, 1} | {2.9} is a Lloyd fixed point; moving 1 across lowers the cost 2 -> 1.805."""
    X = np.array([[-1.0], [1.0], [2.9]])
    objective = KMeansObjective(X, 2)
    lloyd = objective.local_minimize(np.array([0.0, 2.9]))
    assert lloyd.converged
    np.testing.assert_allclose(lloyd.x, [0.0, 2.9], atol=1e-12)
    assert lloyd.energy * 3 == pytest.approx(2.0)
    centres, labels, n_transfers = hartigan_transfers(
        objective._X, np.ones(3), objective.assign(lloyd.x), 2
    )
    assert n_transfers == 1
    np.testing.assert_array_equal(labels, [0, 1, 1])
    # gain 2 * 1^2 - (1 * 1 / 2) * 1.9^2 = 0.195: cost 1.805 = 2 * 0.95^2
    flat = (centres + objective.mean_).ravel()
    np.testing.assert_allclose(flat, [-1.0, 1.95], atol=1e-12)
    assert objective.value(flat) * 3 == pytest.approx(1.805)


@pytest.mark.parametrize("n_clusters", [3, 5, 8])
def test_result_is_hartigan_stable_by_brute_force(n_clusters):
    """No single transfer of the result lowers the cost recomputed from scratch."""
    X = load_iris().data
    rng = np.random.default_rng(n_clusters)
    weights = rng.uniform(0.5, 2.0, X.shape[0])
    start = rng.integers(0, n_clusters, X.shape[0])
    centres, labels, n_transfers = hartigan_transfers(X, weights, start, n_clusters)
    assert n_transfers > 0
    cost = _cost(X, weights, labels, n_clusters)
    assert cost < _cost(X, weights, start, n_clusters)
    for k in range(n_clusters):  # the centres are the weighted means of the partition
        members = labels == k
        np.testing.assert_allclose(
            centres[k], weights[members] @ X[members] / weights[members].sum(), atol=1e-10
        )
    for i in range(X.shape[0]):
        if np.sum(labels == labels[i]) == 1:
            continue
        for k in range(n_clusters):
            if k != labels[i]:
                moved = labels.copy()
                moved[i] = k
                assert _cost(X, weights, moved, n_clusters) >= cost * (1 - 1e-12)


def test_hartigan_stable_partition_is_a_lloyd_fixed_point():
    X = load_iris().data
    objective = KMeansObjective(X, 6)
    rng = np.random.default_rng(0)
    for _ in range(5):
        lloyd = objective.local_minimize(objective.random_point(rng))
        labels = objective.assign(lloyd.x)
        centres, _, _ = hartigan_transfers(objective._X, np.ones(150), labels, 6)
        flat = (centres + objective.mean_).ravel()
        refined = objective.local_minimize(flat)
        assert refined.converged and refined.n_evaluations == 1
        assert refined.energy <= lloyd.energy + 1e-12
        np.testing.assert_allclose(refined.x, flat, atol=1e-10)


def test_zero_weight_points_and_singletons_stay():
    X = np.array([[0.0], [0.1], [5.0], [5.2], [2.6]])
    weights = np.array([1.0, 1.0, 1.0, 1.0, 0.0])
    # the zero-weight point sits in a cluster it is far from: moving it changes nothing
    labels = np.array([0, 0, 1, 1, 0])
    _, final, n_transfers = hartigan_transfers(X, weights, labels, 2)
    assert n_transfers == 0
    np.testing.assert_array_equal(final, labels)
    # a singleton cluster never gives its point away (it would empty)
    _, final, _ = hartigan_transfers(X[:4], np.ones(4), np.array([0, 0, 0, 1]), 2)
    assert np.bincount(final, minlength=2).min() >= 1


def test_empty_cluster_and_zero_weight_points_give_no_nan():
    """An empty cluster takes the costliest point it can; zero-weight points stay put."""
    X = np.array([[0.0], [1.0], [10.0], [11.0], [5.0]])
    weights = np.array([1.0, 1.0, 1.0, 1.0, 0.0])
    centres, labels, n_transfers = hartigan_transfers(X, weights, np.array([0, 0, 0, 0, 0]), 2)
    assert n_transfers >= 1 and np.all(np.isfinite(centres))
    assert labels[4] == 0
    assert _cost(X, weights, labels, 2) == pytest.approx(1.0)  # {0, 1} and {10, 11}
