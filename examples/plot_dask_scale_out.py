"""
=============================
Scaling out on a dask cluster
=============================

Exploration fans out through joblib: the basin-hopping chains are independent
tasks, and so are the chunks of transition-state searches of each round of
connection. Any joblib backend can run them, including a dask.distributed
cluster: wrap ``fit`` in :func:`joblib.parallel_config`.

Every random stream is drawn from ``random_state`` before anything is
dispatched, and results are merged in a fixed order, so the landscape found on
the cluster is the landscape found on one core.

Here the "cluster" is two worker processes on this machine; pass the address
of a real scheduler to :class:`~dask.distributed.Client` to use one.
"""

# %%
# The data, and the settings of the exploration
# ---------------------------------------------
import time

import joblib
import matplotlib.pyplot as plt
import numpy as np
from dask.distributed import Client, LocalCluster
from sklearn.datasets import load_iris
from sklearn.preprocessing import StandardScaler

from sklandscape import LandscapeMLPClassifier

X, y = load_iris(return_X_y=True)
X = StandardScaler().fit_transform(X)
settings = dict(hidden_layer_sizes=(3,), alpha=3e-4, n_hops=10, n_chains=4, random_state=0)

# %%
# One core, then a dask cluster
# -----------------------------
# dask starts its worker processes with ``spawn``, which imports this script
# again in every worker: a script that starts a cluster keeps its work under
# ``if __name__ == "__main__":``.
#
# The first fit runs on one core; the second on the cluster, through
# ``joblib.parallel_config(backend="dask")``. The two landscapes have the same
# minima and the same transition states, and so the same disconnectivity graph.
if __name__ == "__main__":
    start = time.perf_counter()
    local = LandscapeMLPClassifier(n_jobs=1, **settings).fit(X, y)
    print(f"one core: {local.landscape_} in {time.perf_counter() - start:.1f} s")

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
        start = time.perf_counter()
        with joblib.parallel_config(backend="dask"):
            remote = LandscapeMLPClassifier(n_jobs=2, **settings).fit(X, y)
        print(f"dask, 2 workers: {remote.landscape_} in {time.perf_counter() - start:.1f} s")

    same_minima = np.allclose(remote.landscape_.minima.energy, local.landscape_.minima.energy)
    same_states = np.array_equal(
        remote.landscape_.transition_states.minima, local.landscape_.transition_states.minima
    )
    print(f"same minima: {same_minima}, same transition states: {same_states}")

    fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
    for ax, (title, model) in zip(axes, [("one core", local), ("dask", remote)], strict=True):
        model.landscape_.plot_disconnectivity(ax=ax)
        ax.set_title(title)
    fig.tight_layout()
