"""LandscapeKMeans vs scikit-learn's k-means++ restarts on a hard K-means instance.

The instance: 30 well-separated 2-D Gaussian clusters (a 6 x 5 grid with
spacing 10, unit standard deviation) holding 3,000 points in unequal shares
(Dirichlet(1) proportions, at least 5 points each). Small clusters are easily
missed by k-means++ seeding, so a single run rarely reaches the best
clustering.

1. Baseline: 4,000 runs of ``KMeans(30, n_init=1)`` with seeds 0..3999. The
   target is the lowest inertia among them; scikit-learn's time-to-target is
   ``(mean time per run) / (fraction of runs reaching the target)``, the
   expected time of restarting until the target is hit.
2. ``LandscapeKMeans(30, connect=False, n_chains=1, n_jobs=1)`` for several
   seeds: the time from the start of ``fit`` until the first local
   minimisation reaching the target (recorded by instrumenting the
   objective), and the total fit time.

Both run on one core (BLAS and OpenMP limited to one thread). Usage:
``PYTHONPATH=. python benchmarks/bench_kmeans.py [--restarts 4000] [--seeds 10] [--hops 600]``.
"""

import argparse
import time

import numpy as np
from sklearn.cluster import KMeans
from threadpoolctl import threadpool_limits

from sklandscape import LandscapeKMeans
from sklandscape.cluster._kmeans_objective import KMeansObjective

N_CLUSTERS = 30
N_SAMPLES = 3000
#: Relative slack when comparing an inertia with the target (rounding of different codes).
MATCH_RTOL = 1e-9


def make_hard_instance(seed=0):
    """30 well-separated 2-D clusters of unequal sizes, 3,000 points."""
    rng = np.random.default_rng(seed)
    grid = np.array([(i, j) for i in range(6) for j in range(5)], dtype=float) * 10.0
    minimum_size = 5
    shares = rng.dirichlet(np.ones(N_CLUSTERS))
    sizes = minimum_size + rng.multinomial(N_SAMPLES - minimum_size * N_CLUSTERS, shares)
    blobs = [rng.normal(c, 1.0, size=(n, 2)) for c, n in zip(grid, sizes, strict=True)]
    return np.vstack(blobs)


class _TimedObjective(KMeansObjective):
    """Records when a local minimisation first reaches ``target`` (inertia per unit weight)."""

    target = -np.inf
    started = 0.0

    def local_minimize(self, x):
        result = super().local_minimize(x)
        if self.hit_time is None and result.converged and result.energy <= self.target:
            self.hit_time = time.perf_counter() - self.started
        return result


class _TimedLandscapeKMeans(LandscapeKMeans):
    def _make_objective(self, X, y, sample_weight):
        objective = _TimedObjective(X, self.n_clusters, sample_weight=sample_weight)
        objective.hit_time = None
        objective.target = self.target_energy
        objective.started = self.started
        self.timed_objective = objective
        return objective


def baseline(X, n_restarts):
    inertias = np.empty(n_restarts)
    started = time.perf_counter()
    for seed in range(n_restarts):
        inertias[seed] = KMeans(N_CLUSTERS, n_init=1, random_state=seed).fit(X).inertia_
    seconds_per_run = (time.perf_counter() - started) / n_restarts
    return inertias, seconds_per_run


def landscape_run(X, seed, target_inertia, n_hops):
    estimator = _TimedLandscapeKMeans(
        N_CLUSTERS, n_hops=n_hops, n_chains=1, connect=False, n_jobs=1, random_state=seed
    )
    estimator.target_energy = target_inertia * (1 + MATCH_RTOL) / X.shape[0]
    estimator.started = time.perf_counter()
    estimator.fit(X)
    fit_time = time.perf_counter() - estimator.started
    return estimator.timed_objective.hit_time, fit_time, estimator.inertia_


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--restarts", type=int, default=4000)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--hops", type=int, default=600)
    args = parser.parse_args()

    X = make_hard_instance()
    with threadpool_limits(limits=1):
        inertias, seconds_per_run = baseline(X, args.restarts)
        target = inertias.min()
        hits = int(np.sum(inertias <= target * (1 + MATCH_RTOL)))
        fraction = hits / args.restarts
        sklearn_time_to_target = seconds_per_run / fraction
        print(f"instance: {N_SAMPLES} points, {N_CLUSTERS} clusters in 2-D")
        print(
            f"scikit-learn KMeans(n_init=1), {args.restarts} k-means++ restarts: "
            f"lowest inertia {target:.6f}, reached by {hits} ({100 * fraction:.3f}%); "
            f"{1e3 * seconds_per_run:.2f} ms per run; "
            f"expected time to target {sklearn_time_to_target:.2f} s"
        )
        print(f"LandscapeKMeans(connect=False, n_chains=1, n_hops={args.hops}, n_jobs=1):")
        print("  seed  time-to-target [s]  fit time [s]  lowest inertia")
        times, fit_times = [], []
        for seed in range(args.seeds):
            hit, fit_time, inertia = landscape_run(X, seed, target, args.hops)
            times.append(np.inf if hit is None else hit)
            fit_times.append(fit_time)
            shown = "not reached" if hit is None else f"{hit:.3f}"
            print(f"  {seed:4d}  {shown:>18}  {fit_time:12.3f}  {inertia:.6f}")
    times = np.array(times)
    median = float(np.median(times))
    print(
        f"time to target: median {median:.3f} s, max {times.max():.3f} s, "
        f"reached in {np.sum(np.isfinite(times))}/{times.size} seeds "
        f"(median fit time {np.median(fit_times):.3f} s)"
    )
    print(
        f"speed-up over scikit-learn's time to target (median): "
        f"{sklearn_time_to_target / median:.1f}x"
    )


if __name__ == "__main__":
    main()
