"""Scale-out: a landscape explored on a dask.distributed cluster equals the local one.

The engine draws every random stream before dispatch and merges results in a
fixed order, so the joblib backend must not change the landscape. The check
runs on a real ``LocalCluster`` of two worker processes on the loopback
interface, once for :func:`sklandscape.explore` and once for an estimator.
"""

import numpy as np
import pytest

pytest.importorskip("dask.distributed")

import joblib  # noqa: E402
from dask.distributed import Client, LocalCluster  # noqa: E402

import sklandscape as skl  # noqa: E402
from sklandscape.surfaces import MullerBrown  # noqa: E402


@pytest.fixture(scope="module")
def dask_client():
    """A two-process cluster on 127.0.0.1, shared by the tests of this module."""
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def assert_same_landscape(local, remote):
    """Same minima and transition states, to round-off, in the same order."""
    assert remote.n_minima == local.n_minima
    assert remote.n_transition_states == local.n_transition_states
    np.testing.assert_allclose(remote.minima.energy, local.minima.energy, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(remote.minima.x, local.minima.x, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(
        remote.minima.log_hessian_product, local.minima.log_hessian_product, rtol=1e-9
    )
    np.testing.assert_allclose(
        remote.transition_states.energy, local.transition_states.energy, rtol=1e-12, atol=1e-12
    )
    np.testing.assert_array_equal(remote.transition_states.minima, local.transition_states.minima)


def _tasks_run_by_workers(client):
    """Number of tasks the cluster's workers have completed so far."""
    counts = client.run(lambda dask_worker: len(dask_worker.state.log))
    return sum(counts.values())


def test_explore_on_dask_equals_local_fit(dask_client):
    settings = dict(n_hops=15, n_chains=4, connect=True, random_state=3)
    local = skl.explore(MullerBrown(), n_jobs=1, **settings)

    before = _tasks_run_by_workers(dask_client)
    with joblib.parallel_config(backend="dask"):
        remote = skl.explore(MullerBrown(), n_jobs=2, **settings)
    assert _tasks_run_by_workers(dask_client) > before, "the cluster ran no task"

    # the reference landscape of Müller-Brown: 3 minima, 2 transition states
    np.testing.assert_allclose(local.minima.energy, [-146.70, -108.17, -80.77], atol=0.01)
    assert_same_landscape(local, remote)


def test_estimator_on_dask_equals_local_fit(dask_client):
    from sklearn.datasets import load_iris

    X = load_iris().data
    settings = dict(n_clusters=3, n_hops=8, n_chains=4, random_state=0)
    local = skl.LandscapeKMeans(n_jobs=1, **settings).fit(X)
    with joblib.parallel_config(backend="dask"):
        remote = skl.LandscapeKMeans(n_jobs=2, **settings).fit(X)

    # the lowest known inertia of unscaled iris at K=3 (doc/developers/reference_values.rst)
    assert local.inertia_ == pytest.approx(78.851441, rel=1e-6)
    assert_same_landscape(local.landscape_, remote.landscape_)
    np.testing.assert_array_equal(remote.labels_, local.labels_)
