"""Default ``LandscapeKMeans`` fits on small data: the elastic band's images evaluated at once.

On small data a K-means energy and gradient costs less arithmetic than the
interpreter's overhead of one call, and a fit's connection stage is mostly
elastic-band relaxation: ten images evaluated per band iteration, tens of
thousands of iterations per fit. ``KMeansObjective.values_and_grads``
evaluates all images in one vectorised pass (below
``VECTORISED_MAX_CELLS``); the baseline, in the same process, is the
row-by-row evaluation of ``Objective.values_and_grads``. The variants
alternate fit by fit; the machine may be shared, so compare them, not
absolute times.

Cases (held out: none was used to choose the threshold): ``make_blobs`` data
of the sizes scikit-learn's ``check_estimator`` fits (30 to 150 points, 2 to
4 features), iris and standardised wine, ``LandscapeKMeans(n_clusters, n_hops=5,
random_state=seed)`` otherwise at defaults, one core. Printed per case: the
median CPU time of a fit for each variant, their ratio, and how far apart the
two landscapes are: whether the minima are identical, and the largest
difference of the transition-state energies when both found as many (the
vectorised products may round differently, and a band relaxed from them may
end a few ulps away: the K-means surface is piecewise quadratic).

Usage: ``PYTHONPATH=. python benchmarks/bench_kmeans_band.py [--seeds 3]``.
"""

import argparse
import statistics
import time
from contextlib import contextmanager

import numpy as np
from sklearn.datasets import load_iris, load_wine, make_blobs
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from sklandscape import LandscapeKMeans
from sklandscape._explore._objective import Objective
from sklandscape.cluster._kmeans_objective import KMeansObjective


def cases():
    """``(name, X, n_clusters)`` of every case."""
    yield "blobs 30 x 3, K=8", make_blobs(30, n_features=3, random_state=0)[0], 8
    yield "blobs 100 x 2, K=8", make_blobs(100, n_features=2, random_state=1)[0], 8
    yield "blobs 150 x 4, K=3", make_blobs(150, n_features=4, random_state=2)[0], 3
    yield "iris, K=4", load_iris().data, 4
    yield "wine (standardised), K=3", StandardScaler().fit_transform(load_wine().data), 3


@contextmanager
def row_by_row():
    """The baseline: KMeansObjective evaluates band images one call per row."""
    vectorised = KMeansObjective.values_and_grads
    KMeansObjective.values_and_grads = Objective.values_and_grads
    try:
        yield
    finally:
        KMeansObjective.values_and_grads = vectorised


def timed_fit(X, n_clusters, seed):
    start = time.process_time()
    model = LandscapeKMeans(n_clusters, n_hops=5, random_state=seed).fit(X)
    landscape = model.landscape_
    energies = (landscape.minima.energy.copy(), landscape.transition_states.energy.copy())
    return time.process_time() - start, energies


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    print(f"LandscapeKMeans(K, n_hops=5) at defaults, one core; median CPU of {args.seeds} seeds")
    print(
        f"{'case':<28}{'row by row':>12}{'vectorised':>12}{'ratio':>8}{'minima':>8}"
        f"{'max |dE_TS|':>18}"
    )
    with threadpool_limits(1):
        for name, X, n_clusters in cases():
            times = {"rows": [], "vectorised": []}
            same_minima, ts_gap = True, 0.0
            for seed in range(args.seeds):
                with row_by_row():
                    seconds, baseline = timed_fit(X, n_clusters, seed)
                times["rows"].append(seconds)
                seconds, result = timed_fit(X, n_clusters, seed)
                times["vectorised"].append(seconds)
                same_minima &= np.array_equal(baseline[0], result[0])
                if ts_gap is not None and baseline[1].size == result[1].size:
                    ts_gap = max(ts_gap, float(np.max(np.abs(baseline[1] - result[1]), initial=0)))
                else:
                    ts_gap = None
            rows, vectorised = (statistics.median(times[key]) for key in ("rows", "vectorised"))
            gap = "TS count differs" if ts_gap is None else f"{ts_gap:.1e}"
            print(
                f"{name:<28}{rows:>11.2f}s{vectorised:>11.2f}s{rows / vectorised:>7.2f}x"
                f"{'yes' if same_minima else 'no':>8}{gap:>18}"
            )


if __name__ == "__main__":
    main()
