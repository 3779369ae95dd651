"""Stable K-means centres: two tight blobs fixed by construction, a ring split in many ways."""

import numpy as np
import pytest

from sklandscape import LandscapeKMeans
from sklandscape.inspection import loss_function, parameter_names, stable_cluster_centers


@pytest.fixture(scope="module")
def blobs_and_ring():
    rng = np.random.default_rng(0)
    angle = rng.uniform(0, 2 * np.pi, 60)
    ring = 3 * np.column_stack([np.cos(angle), np.sin(angle)])
    X = np.vstack(
        [
            [-20, 0] + 0.05 * rng.normal(size=(30, 2)),
            ring,
            [20, 0] + 0.05 * rng.normal(size=(30, 2)),
        ]
    )
    km = LandscapeKMeans(4, n_hops=30, n_chains=2, connect=False, random_state=0).fit(X)
    return X, km


def test_blob_centres_are_stable_and_ring_centres_move(blobs_and_ring):
    X, km = blobs_and_ring
    n = km.landscape_.n_minima
    assert n >= 3
    result = stable_cluster_centers(km, minima=range(n))
    # canonical centres are sorted by the first coordinate: blob, ring, ring, blob
    assert result.stable[[0, 3]].all()
    assert not result.stable[[1, 2]].any()
    # independent: the fitted centres of every minimum, sorted the same way
    centres = np.array(
        [c[np.lexsort(c.T[::-1])] for c in (km.at_minimum(m).cluster_centers_ for m in range(n))]
    )
    np.testing.assert_allclose(result.spread, centres.std(axis=0), atol=1e-12)
    np.testing.assert_allclose(result.relative_spread, centres.std(axis=0) / X.std(axis=0))


def test_single_minimum_and_errors(blobs_and_ring):
    X, km = blobs_and_ring
    single = stable_cluster_centers(km, minima=0)
    assert np.all(single.spread == 0) and single.stable.all()
    with pytest.raises(ValueError, match="tol"):
        stable_cluster_centers(km, tol=-1.0)
    fun = loss_function(km, X)
    assert fun(km.landscape_.minima.x[0]) == pytest.approx(km.inertia_ / X.shape[0])


def test_parameter_names_of_centres(blobs_and_ring):
    _, km = blobs_and_ring
    names = parameter_names(km)
    assert names[:3].tolist() == ["centre 0: x0", "centre 0: x1", "centre 1: x0"]
    assert names.size == km.landscape_.n_params == 8


def test_deprecated_british_spelling_warns_and_gives_the_same_result(blobs_and_ring):
    import sklandscape.inspection as inspection

    _, km = blobs_and_ring
    with pytest.warns(FutureWarning, match="stable_cluster_centers"):
        old_function = inspection.stable_centres
    with pytest.warns(FutureWarning, match="StableClusterCenters"):
        old_class = inspection.StableCentres
    result = old_function(km, minima=[0, 1])
    assert isinstance(result, old_class)
    with pytest.warns(FutureWarning, match="cluster_centers"):
        np.testing.assert_array_equal(result.centres, result.cluster_centers)
    with pytest.raises(AttributeError):
        inspection.no_such_name  # noqa: B018
