"""KMeansObjective: energy, derivatives, Lloyd's algorithm, canonical form, moves, segments."""

import numpy as np
import pytest
from scipy.spatial.distance import cdist
from sklearn.cluster import KMeans
from sklearn.datasets import load_iris, make_blobs

from sklandscape._explore._minimize import verify_stationary_point
from sklandscape.cluster._kmeans_objective import KMeansObjective


@pytest.fixture(scope="module")
def iris():
    return load_iris().data


def _off_kink_point(objective, X, rng):
    """Random centres near the data: assignments are locally constant almost surely."""
    centres = X[rng.choice(X.shape[0], objective.n_clusters, replace=False)]
    return (centres + rng.normal(scale=0.3, size=centres.shape)).ravel()


def test_energy_is_weighted_mean_squared_distance_to_nearest_centre(iris):
    rng = np.random.default_rng(0)
    weights = rng.integers(1, 4, size=iris.shape[0]).astype(float)
    objective = KMeansObjective(iris, 4, sample_weight=weights)
    x = _off_kink_point(objective, iris, rng)
    nearest = cdist(iris, x.reshape(4, -1), "sqeuclidean").min(axis=1)
    assert objective.value(x) == pytest.approx(weights @ nearest / weights.sum(), rel=1e-12)


def test_integer_weights_equal_repeated_rows(iris):
    rng = np.random.default_rng(1)
    weights = rng.integers(0, 4, size=iris.shape[0])
    weighted = KMeansObjective(iris, 3, sample_weight=weights)
    repeated = KMeansObjective(np.repeat(iris, weights, axis=0), 3)
    for _ in range(5):
        x = _off_kink_point(weighted, iris, rng)
        assert weighted.value(x) == pytest.approx(repeated.value(x), rel=1e-12)
        np.testing.assert_allclose(weighted.gradient(x), repeated.gradient(x), atol=1e-12)


def test_gradient_matches_finite_differences_away_from_kinks(iris):
    rng = np.random.default_rng(2)
    objective = KMeansObjective(iris, 3, sample_weight=rng.uniform(0.5, 2, iris.shape[0]))
    x = _off_kink_point(objective, iris, rng)
    h = 1e-6
    numerical = np.array(
        [(objective.value(x + h * e) - objective.value(x - h * e)) / (2 * h) for e in np.eye(12)]
    )
    np.testing.assert_allclose(objective.gradient(x), numerical, atol=1e-7)


def test_hessian_matches_finite_differences_of_gradient(iris):
    rng = np.random.default_rng(3)
    objective = KMeansObjective(iris, 3)
    x = _off_kink_point(objective, iris, rng)
    h = 1e-6
    numerical = np.column_stack(
        [
            (objective.gradient(x + h * e) - objective.gradient(x - h * e)) / (2 * h)
            for e in np.eye(12)
        ]
    )
    np.testing.assert_allclose(objective.hessian(x), numerical, atol=1e-7)


def test_lloyd_fixed_point_agrees_with_scikit_learn(iris):
    rng = np.random.default_rng(4)
    objective = KMeansObjective(iris, 4)
    for _ in range(5):
        start = objective.random_point(rng)
        result = objective.local_minimize(start)
        reference = KMeans(4, init=start.reshape(4, -1), n_init=1, tol=0.0, max_iter=300)
        reference.fit(iris)
        assert result.converged
        np.testing.assert_allclose(
            result.x.reshape(4, -1), reference.cluster_centers_, rtol=1e-10, atol=1e-10
        )
        assert result.energy * iris.shape[0] == pytest.approx(reference.inertia_, rel=1e-10)
        point = verify_stationary_point(objective, result.x, index=0)
        assert point is not None
        # Hessian eigenvalues 2 W_k / W, each repeated n_features times.
        weights = np.bincount(reference.labels_, minlength=4) / iris.shape[0]
        np.testing.assert_allclose(point.eigenvalues, np.sort(np.repeat(2 * weights, 4)))


def test_empty_cluster_is_relocated():
    X, _ = make_blobs(200, centers=3, random_state=0)
    objective = KMeansObjective(X, 3)
    far = np.array([[1e3, 1e3]])
    start = np.vstack([X[:2], far]).ravel()
    result = objective.local_minimize(start)
    assert result.converged
    assert np.all(objective.cluster_weights(result.x) > 0)
    assert verify_stationary_point(objective, result.x, index=0) is not None


def test_fewer_distinct_points_than_clusters_gives_zero_modes():
    X = np.array([[0.0, 0.0], [0.0, 0.0], [5.0, 1.0], [5.0, 1.0], [5.0, 1.0]])
    objective = KMeansObjective(X, 3)
    assert objective.n_distinct == 2
    assert objective.n_zero_modes == 2
    result = objective.local_minimize(objective.random_point(np.random.default_rng(0)))
    assert result.converged
    assert result.energy == 0.0
    point = verify_stationary_point(objective, result.x, index=0)
    assert point is not None
    assert np.sum(point.eigenvalues == 0) == 2


def test_canonical_form_is_invariant_under_relabelling(iris):
    rng = np.random.default_rng(5)
    objective = KMeansObjective(iris, 5)
    x = objective.local_minimize(objective.random_point(rng)).x
    canonical = objective.canonical(x)
    for _ in range(10):
        permuted = x.reshape(5, -1)[rng.permutation(5)].ravel()
        np.testing.assert_array_equal(objective.canonical(permuted), canonical)
        assert objective.value(permuted) == objective.value(x)
    # the canonical centres are the same set, in lexicographic order
    centres = canonical.reshape(5, -1)
    assert sorted(map(tuple, centres)) == list(map(tuple, centres))
    assert sorted(map(tuple, x.reshape(5, -1))) == list(map(tuple, centres))


def _dense_profile(objective, x0, x1, n=20001):
    t = np.linspace(0.0, 1.0, n)
    energies = np.array([objective.value(x0 + s * (x1 - x0)) for s in t])
    labels = np.array([objective.assign(x0 + s * (x1 - x0)) for s in t])
    return t, energies, labels


@pytest.mark.parametrize("n_clusters", [2, 4])
def test_segment_profile_matches_dense_evaluation(iris, n_clusters):
    rng = np.random.default_rng(6)
    objective = KMeansObjective(iris, n_clusters)
    x0 = objective.local_minimize(objective.random_point(rng)).x
    x1 = objective.local_minimize(objective.random_point(rng)).x
    breakpoints, energies = objective.segment_profile(x0, x1)
    exact = [objective.value(x0 + s * (x1 - x0)) for s in breakpoints]
    np.testing.assert_allclose(energies, exact, rtol=1e-12, atol=1e-12)

    t, dense, labels = _dense_profile(objective, x0, x1)
    # every assignment change on the dense grid has a breakpoint in between
    changes = np.flatnonzero(np.any(labels[1:] != labels[:-1], axis=1))
    for i in changes:
        assert np.any((breakpoints >= t[i] - 1e-12) & (breakpoints <= t[i + 1] + 1e-12))
    # the exact maximum bounds the dense one and is within the grid's resolution of it
    t_max = objective.segment_maximum(x0, x1)
    top = objective.value(x0 + t_max * (x1 - x0))
    assert top >= dense.max() - 1e-12
    slope_bound = np.max(np.abs(np.diff(dense))) if dense.size > 1 else 0.0
    assert top - dense.max() <= slope_bound + 1e-12


def test_segment_maximum_one_dimensional_two_clusters():
    # 1-D data, K = 2: the straight path between the minima {0,1 | 5,6,10,11}
    # (centres 0.5, 8) and {0,1,5,6 | 10,11} (centres 3, 10.5).
    X = np.array([[0.0], [1.0], [5.0], [6.0], [10.0], [11.0]])
    objective = KMeansObjective(X, 2)
    x0 = objective.local_minimize(np.array([0.5, 8.0]))
    x1 = objective.local_minimize(np.array([3.0, 10.5]))
    assert x0.converged and x1.converged
    np.testing.assert_allclose(x0.x, [0.5, 8.0])
    np.testing.assert_allclose(x1.x, [3.0, 10.5])
    t_max = objective.segment_maximum(x0.x, x1.x)
    t, dense, _ = _dense_profile(objective, x0.x, x1.x, n=20001)
    top = objective.value(x0.x + t_max * (x1.x - x0.x))
    assert 0.0 < t_max < 1.0
    assert top > max(x0.energy, x1.energy)
    assert dense.max() <= top <= dense.max() + np.max(np.abs(np.diff(dense)))
    # the maximum lies on an assignment boundary: some point is equidistant from both centres
    c1, c2 = x0.x + t_max * (x1.x - x0.x)
    assert np.min(np.abs(np.abs(X[:, 0] - c1) - np.abs(X[:, 0] - c2))) < 1e-12


def test_reseed_moves_make_global_progress():
    """From a minimum with two centres in one blob and none in another, hops find the best."""
    X, _ = make_blobs(600, centers=[[0, 0], [10, 0], [0, 10], [10, 10]], random_state=0)
    objective = KMeansObjective(X, 4)
    trapped = np.array([[-0.5, 0.0], [0.5, 0.0], [10, 5], [5, 10]], dtype=float)
    start = objective.local_minimize(trapped.ravel())
    best = objective.local_minimize(np.array([[0, 0], [10, 0], [0, 10], [10, 10]], float).ravel())
    assert start.energy > 1.5 * best.energy
    rng = np.random.default_rng(7)
    successes = 0
    for _ in range(50):
        trial = objective.local_minimize(objective.perturb(start.x, rng, 0.1))
        successes += trial.energy < start.energy
    # one small displacement never leaves this basin; reseeds often do
    assert successes >= 10


def test_data_scaled_defaults(iris):
    objective = KMeansObjective(iris, 3)
    scaled = KMeansObjective(10.0 * iris, 3)
    assert scaled.default_temperature() == pytest.approx(100.0 * objective.default_temperature())
    assert scaled.default_step_size() == pytest.approx(10.0 * objective.default_step_size())
    expected_step = 0.1 * np.sqrt(np.mean(np.var(iris, axis=0)))
    assert objective.default_step_size() == pytest.approx(expected_step)


def test_symmetry_order_counts_relabellings_of_coincident_centres(iris):
    """Brute force over the 4! relabellings: two pairs of coincident centres give 2! 2! = 4."""
    import itertools

    objective = KMeansObjective(iris, 4)
    rng = np.random.default_rng(5)
    generic = _off_kink_point(objective, iris, rng)
    centres = generic.reshape(4, -1).copy()
    centres[1], centres[3] = centres[0], centres[2]
    for x, expected in ((generic, 1), (centres.ravel(), 4)):
        c = x.reshape(4, -1)
        fixed = sum(np.array_equal(c[list(p)], c) for p in itertools.permutations(range(4)))
        assert fixed == expected
        assert objective.symmetry_order(x) == expected
    three = np.repeat(centres[:1], 4, axis=0)
    three[3] += 1.0
    assert objective.symmetry_order(three.ravel()) == 6  # three coincident centres: 3!


def test_align_recovers_relabelled_centres_exactly(iris):
    objective = KMeansObjective(iris, 5)
    rng = np.random.default_rng(3)
    x = objective.random_point(rng)
    for _ in range(5):
        copy = objective.cluster_centers(x)[rng.permutation(5)].ravel()
        aligned = objective.align(copy, x)
        assert objective.distance(aligned, x) == 0.0
        assert objective.value(aligned) == objective.value(copy)


def test_align_is_the_optimal_relabelling(iris):
    """Brute force over all 5! relabellings: align attains the minimum distance."""
    from itertools import permutations

    objective = KMeansObjective(iris, 5)
    rng = np.random.default_rng(4)
    for _ in range(4):
        x, reference = objective.random_point(rng), objective.random_point(rng)
        centres = objective.cluster_centers(x)
        best = min(
            objective.distance(centres[list(p)].ravel(), reference) for p in permutations(range(5))
        )
        aligned = objective.align(x, reference)
        assert objective.distance(aligned, reference) == pytest.approx(best, rel=1e-12)
        assert objective.distance(aligned, reference) <= objective.distance(x, reference)
        np.testing.assert_array_equal(objective.canonical(aligned), objective.canonical(x))
        assert objective.value(aligned) == pytest.approx(objective.value(x), rel=1e-14)


def test_centres_is_a_deprecated_alias_of_cluster_centers():
    X = np.arange(12.0).reshape(6, 2)
    objective = KMeansObjective(X, 2)
    x = np.arange(4.0)
    with pytest.warns(FutureWarning, match="cluster_centers"):
        centres = objective.centres(x)
    np.testing.assert_array_equal(centres, [[0.0, 1.0], [2.0, 3.0]])
    np.testing.assert_array_equal(objective.cluster_centers(x), centres)


def test_perturb_ends_at_a_hartigan_stable_lloyd_fixed_point(iris):
    """A move is finished by Lloyd and Hartigan's transfers: the quench confirms it at once."""
    objective = KMeansObjective(iris, 6)
    rng = np.random.default_rng(3)
    x = objective.local_minimize(objective.random_point(rng)).x
    for _ in range(10):
        trial = objective.perturb(x, rng, objective.default_step_size())
        quenched = objective.local_minimize(trial)
        assert quenched.converged and quenched.n_evaluations == 1
        np.testing.assert_allclose(quenched.x, trial, atol=1e-10)
        labels = objective.assign(trial)
        weight = np.bincount(labels, minlength=6).astype(float)
        distances = cdist(iris, objective.cluster_centers(trial), "sqeuclidean")
        own = distances[np.arange(150), labels]
        leaving = np.where(weight[labels] > 1, weight[labels] / (weight[labels] - 1), 0.0) * own
        joining = weight / (weight + 1) * distances
        joining[np.arange(150), labels] = np.inf
        assert np.all(leaving <= joining.min(axis=1) * (1 + 1e-9))  # no transfer lowers the cost
        x = quenched.x


@pytest.mark.parametrize("n_samples, n_features, n_clusters", [(30, 3, 8), (200, 4, 5)])
def test_vectorised_band_evaluation_equals_rows(n_samples, n_features, n_clusters):
    """values_and_grads (one vectorised pass) against value_and_grad row by row.

    The rows include an empty cluster (a centre far from the data) and two
    identical rows; with sample weights.
    """
    rng = np.random.default_rng(n_samples)
    X, _ = make_blobs(n_samples, n_features=n_features, random_state=n_samples)
    weights = rng.uniform(0.5, 2.0, n_samples)
    objective = KMeansObjective(X, n_clusters, sample_weight=weights)
    points = np.array([_off_kink_point(objective, X, rng) for _ in range(6)])
    points[1] = points[0]
    points[2, :n_features] = 1e3
    energies, gradients = objective.values_and_grads(points)
    assert energies.shape == (6,) and gradients.shape == (6, objective.n_params)
    for point, energy, grad in zip(points, energies, gradients, strict=True):
        expected_energy, expected_grad = objective.value_and_grad(point)
        assert energy == pytest.approx(expected_energy, rel=1e-13)
        np.testing.assert_allclose(grad, expected_grad, rtol=1e-12, atol=1e-15)
    assert gradients[2, :n_features] == pytest.approx(0.0)  # the empty cluster has no pull
