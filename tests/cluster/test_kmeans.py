"""LandscapeKMeans: the KMeans API, the iris landscape, warm starts and bad input."""

import warnings

import numpy as np
import pytest
from sklearn.cluster import KMeans
from sklearn.datasets import load_iris, make_blobs
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_limits

from sklandscape import LandscapeKMeans

#: doc/developers/reference_values.rst: lowest K-means inertia of unscaled iris, K = 3.
IRIS_K3_INERTIA = 78.851441
FAST = {"n_hops": 30, "n_chains": 2, "connect": False}


@pytest.fixture(scope="module")
def iris():
    return load_iris().data


@pytest.fixture(scope="module")
def iris_k5(iris):
    return LandscapeKMeans(5, random_state=0, **FAST).fit(iris)


def test_iris_k3_global_minimum(iris):
    km = LandscapeKMeans(3, random_state=0, **FAST).fit(iris)
    assert km.inertia_ == pytest.approx(IRIS_K3_INERTIA, abs=1e-6)
    assert km.landscape_.minima.energy[0] == pytest.approx(0.525676, abs=1e-6)
    assert km.minimum_index_ == km.landscape_.global_minimum == 0
    np.testing.assert_array_equal(km.fit_predict(iris), km.labels_)


@pytest.mark.parametrize("seed", [0, 2])
def test_beats_many_kmeans_plusplus_restarts_on_twenty_blobs(seed):
    """20 overlapping blobs: 2 chains x 20 hops go below the best of 100 k-means++ restarts.

    Hartigan's transfers after every move find the single-point reassignments
    Lloyd's algorithm cannot; without them these seeds ended 22.7 and 85.9 above.
    """
    X, _ = make_blobs(2000, centers=20, cluster_std=1.5, center_box=(-20, 20), random_state=7)
    with threadpool_limits(limits=1):  # OpenMP on a busy machine: 100 times slower
        restarts = KMeans(20, n_init=100, random_state=0).fit(X).inertia_
    km = LandscapeKMeans(20, n_hops=20, n_chains=2, connect=False, random_state=seed).fit(X)
    assert km.inertia_ < restarts - 0.5


def test_agrees_with_scikit_learn_at_the_same_centres(iris, iris_k5):
    reference = KMeans(5, init=iris_k5.cluster_centers_, n_init=1, tol=0.0).fit(iris)
    # the global minimum is a Lloyd fixed point: scikit-learn does not move it
    np.testing.assert_allclose(reference.cluster_centers_, iris_k5.cluster_centers_, atol=1e-12)
    np.testing.assert_array_equal(reference.labels_, iris_k5.labels_)
    assert iris_k5.inertia_ == pytest.approx(reference.inertia_, rel=1e-12)
    rng = np.random.default_rng(0)
    X_new = iris[rng.choice(150, 40)] + rng.normal(scale=0.5, size=(40, 4))
    weights = rng.uniform(0.1, 3.0, size=40)
    np.testing.assert_array_equal(iris_k5.predict(X_new), reference.predict(X_new))
    np.testing.assert_allclose(iris_k5.transform(X_new), reference.transform(X_new), rtol=1e-12)
    assert iris_k5.score(X_new, sample_weight=weights) == pytest.approx(
        reference.score(X_new, sample_weight=weights), rel=1e-12
    )


def test_iris_k5_has_several_minima(iris, iris_k5):
    landscape = iris_k5.landscape_
    assert landscape.n_minima >= 5
    assert np.all(np.diff(landscape.minima.energy) >= 0)
    partitions = set()
    for i in range(landscape.n_minima):
        other = iris_k5.at_minimum(i)
        reference = KMeans(5, init=other.cluster_centers_, n_init=1, tol=0.0).fit(iris)
        # every minimum is a Lloyd fixed point with no empty cluster
        np.testing.assert_allclose(reference.cluster_centers_, other.cluster_centers_, atol=1e-9)
        assert other.inertia_ == pytest.approx(landscape.minima.energy[i] * 150, rel=1e-12)
        assert np.unique(other.labels_).size == 5
        partitions.add(frozenset(frozenset(np.flatnonzero(other.labels_ == k)) for k in range(5)))
    assert len(partitions) == landscape.n_minima  # distinct up to relabelling


def test_at_minimum_leaves_the_original_unchanged(iris_k5):
    centres = iris_k5.cluster_centers_.copy()
    last = iris_k5.at_minimum(-1)
    assert last.minimum_index_ == iris_k5.landscape_.n_minima - 1
    assert last.inertia_ > iris_k5.inertia_
    np.testing.assert_array_equal(iris_k5.cluster_centers_, centres)
    with pytest.raises(IndexError):
        iris_k5.at_minimum(iris_k5.landscape_.n_minima)


def test_landscape_does_not_depend_on_n_jobs(iris):
    one = LandscapeKMeans(4, n_jobs=1, random_state=3, **FAST).fit(iris).landscape_
    two = LandscapeKMeans(4, n_jobs=2, random_state=3, **FAST).fit(iris).landscape_
    np.testing.assert_array_equal(one.minima.energy, two.minima.energy)
    np.testing.assert_array_equal(one.minima.x, two.minima.x)


def test_warm_start_continues_on_the_same_data(iris):
    km = LandscapeKMeans(6, warm_start=True, random_state=0, n_hops=10, n_chains=1, connect=False)
    first = km.fit(iris).landscape_
    second = km.fit(iris).landscape_
    assert km.n_iter_ == 20
    assert second.n_minima >= first.n_minima
    for x in first.minima.x:  # every earlier minimum is kept
        assert np.min(np.linalg.norm(second.minima.x - x, axis=1)) < 1e-9
    assert km.inertia_ <= first.minima.energy[0] * 150 + 1e-9
    cold = LandscapeKMeans(6, random_state=0, n_hops=10, n_chains=1, connect=False).fit(iris)
    np.testing.assert_array_equal(cold.landscape_.minima.energy, first.minima.energy)


def test_integer_sample_weight_matches_repeated_rows():
    X, _ = make_blobs(120, centers=4, cluster_std=0.5, random_state=1)
    weights = np.random.default_rng(0).integers(1, 4, size=120)
    weighted = LandscapeKMeans(4, random_state=0, **FAST).fit(X, sample_weight=weights)
    repeated = LandscapeKMeans(4, random_state=0, **FAST).fit(np.repeat(X, weights, axis=0))
    np.testing.assert_allclose(weighted.cluster_centers_, repeated.cluster_centers_, atol=1e-12)
    assert weighted.inertia_ == pytest.approx(repeated.inertia_, rel=1e-12)


def test_pandas_feature_names(iris):
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(iris, columns=load_iris().feature_names)
    km = LandscapeKMeans(3, random_state=0, n_hops=5, n_chains=1, connect=False).fit(frame)
    np.testing.assert_array_equal(km.feature_names_in_, load_iris().feature_names)
    assert list(km.get_feature_names_out()) == [f"landscapekmeans{k}" for k in range(3)]


def _sklearn_error(X, n_clusters=3):
    with pytest.raises(Exception) as info:
        KMeans(n_clusters, n_init=1).fit(X)
    return info.type, str(info.value)


@pytest.mark.parametrize(
    "X",
    [
        np.array([[0.0, 1.0], [np.nan, 2.0], [3.0, 4.0], [5.0, 1.0]]),
        np.array([[0.0, 1.0], [np.inf, 2.0], [3.0, 4.0], [5.0, 1.0]]),
        np.array([[0.0, 1.0], [2.0, 2.0]]),
        np.array([["a", "b"], ["c", "d"], ["e", "f"], ["g", "h"]], dtype=object),
    ],
    ids=["nan", "inf", "too-few-samples", "non-numeric"],
)
def test_bad_input_raises_like_kmeans(X):
    error_type, message = _sklearn_error(X)
    km = LandscapeKMeans(3, n_hops=2, n_chains=1, connect=False)
    with pytest.raises(error_type) as info:
        km.fit(X)
    assert str(info.value).replace("LandscapeKMeans", "KMeans") == message
    assert not [name for name in vars(km) if name.endswith("_")]


def test_duplicate_points_warn_like_kmeans():
    X = np.array([[0.0, 0.0]] * 4 + [[3.0, 1.0]] * 4)
    with pytest.warns(ConvergenceWarning, match=r"Number of distinct clusters \(2\)") as ours:
        km = LandscapeKMeans(3, n_hops=5, n_chains=1, connect=False, random_state=0).fit(X)
    with warnings.catch_warnings(record=True) as theirs:
        warnings.simplefilter("always")
        KMeans(3, n_init=1, random_state=0).fit(X)
    assert str(ours[0].message) in {str(w.message) for w in theirs}
    assert km.inertia_ == 0.0
    np.testing.assert_array_equal(km.predict([[0.1, 0.0], [3.0, 1.2]]), km.labels_[[0, -1]])


def test_failed_exploration_leaves_previous_state(iris, monkeypatch):
    km = LandscapeKMeans(3, random_state=0, n_hops=5, n_chains=1, connect=False).fit(iris)
    fitted = dict(vars(km))

    def fail(*args, **kwargs):
        raise RuntimeError("exploration failed")

    monkeypatch.setattr(LandscapeKMeans, "_fit_landscape", fail)
    with pytest.raises(RuntimeError, match="exploration failed"):
        km.fit(iris[:, :2])
    assert vars(km).keys() == fitted.keys()
    assert km.n_features_in_ == 4
    assert km.landscape_ is fitted["landscape_"]


def test_negative_or_zero_sample_weight_rejected(iris):
    km = LandscapeKMeans(3, n_hops=2, n_chains=1, connect=False)
    with pytest.raises(ValueError, match="Negative values"):
        km.fit(iris, sample_weight=-np.ones(150))
    with pytest.raises(ValueError, match="at least one non-zero"):
        km.fit(iris, sample_weight=np.zeros(150))
