"""Benchmark of LandscapeGPRegressor.

1. Landscape time against n_samples on the noisy sine of scikit-learn's
   plot_gpr_noisy example (RBF + WhiteKernel), ``connect=False``, one core:
   wall time, the fitted exponent of time ~ n^k (the GP's Cholesky makes
   k -> 3 once it dominates), and the fraction of the time spent inside the
   log-marginal-likelihood evaluations (every ``value_and_grad`` call, timed).
2. Distinct optima found per second, against scikit-learn's
   ``GaussianProcessRegressor(n_restarts_optimizer=R)`` given the same wall
   time (R calibrated from a short run), on two landscapes: the noisy sine
   (2 optima) and a periodic signal with ``ExpSineSquared`` (many optima:
   harmonics of the period). The restarts' end points are recorded through
   a custom ``optimizer`` (L-BFGS-B as scikit-learn's default) and counted
   with the same rule as the landscape minima: end points that pass the
   engine's minimum verification, clustered by -LML within 1e-3 nats.

Medians over seeds. Run: ``python benchmarks/bench_gpr.py [--quick]``.
"""

import argparse
import statistics
import time

import numpy as np
import scipy.optimize
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import RBF, ExpSineSquared, WhiteKernel
from sklearn.gaussian_process.kernels import ConstantKernel as C
from threadpoolctl import threadpool_limits

from sklandscape import LandscapeGPRegressor
from sklandscape._explore._minimize import verify_stationary_point
from sklandscape.gaussian_process._gpr_objective import GaussianProcessObjective

#: Two optima are the same when their -LML differ by less than this (nats).
SAME_OPTIMUM_NATS = 1e-3


def noisy_sine(n_samples, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.uniform(0, 5, size=(n_samples, 1))
    y = 0.5 + np.sin(3 * X[:, 0]) + np.random.RandomState(seed + 1).normal(0, 0.3, n_samples)
    kernel = 1.0 * RBF(1.0, (1e-2, 1e3)) + WhiteKernel(1e-2, (1e-10, 1e1))
    return X, y, kernel


def periodic(n_samples=40, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.uniform(0, 10, size=(n_samples, 1))
    y = np.sin(2 * np.pi * X[:, 0] / 1.7) + 0.3 * rng.randn(n_samples)
    kernel = C(1.0) * ExpSineSquared(1.0, 1.0, periodicity_bounds=(1e-1, 1e1)) + WhiteKernel(0.1)
    return X, y, kernel


class TimedEvaluations:
    """Time every ``GaussianProcessObjective.value_and_grad`` call (in-process, n_jobs=1)."""

    def __enter__(self):
        self.seconds, self.calls = 0.0, 0
        self._original = original = GaussianProcessObjective.value_and_grad

        def timed(objective, x):
            start = time.perf_counter()
            try:
                return original(objective, x)
            finally:
                self.seconds += time.perf_counter() - start
                self.calls += 1

        GaussianProcessObjective.value_and_grad = timed
        return self

    def __exit__(self, *exc):
        GaussianProcessObjective.value_and_grad = self._original


def landscape_fit(X, y, kernel, seed, n_hops, n_chains):
    model = LandscapeGPRegressor(
        kernel,
        alpha=0.0,
        n_hops=n_hops,
        n_chains=n_chains,
        connect=False,
        random_state=seed,
        n_jobs=1,
    )
    start = time.perf_counter()
    model.fit(X, y)
    return time.perf_counter() - start, model


def bench_scaling(sizes, seeds, n_hops, n_chains):
    print(
        f"\n1. landscape time vs n_samples (noisy sine, n_hops={n_hops}, "
        f"n_chains={n_chains}, connect=False, 1 core; median of {len(seeds)} seeds)"
    )
    print(f"{'n':>6}{'seconds':>10}{'LML calls':>11}{'ms/call':>9}{'in LML':>9}{'minima':>8}")
    medians = []
    for n in sizes:
        rows = []
        for seed in seeds:
            X, y, kernel = noisy_sine(n, seed)
            with TimedEvaluations() as timer:
                seconds, model = landscape_fit(X, y, kernel, seed, n_hops, n_chains)
            rows.append((seconds, timer.calls, timer.seconds, model.landscape_.n_minima))
        seconds = statistics.median(r[0] for r in rows)
        calls = statistics.median(r[1] for r in rows)
        per_call = statistics.median(r[2] / r[1] for r in rows)
        fraction = statistics.median(r[2] / r[0] for r in rows)
        minima = statistics.median(r[3] for r in rows)
        medians.append((n, seconds, per_call))
        print(
            f"{n:>6}{seconds:>10.3f}{calls:>11.0f}{1e3 * per_call:>9.3f}"
            f"{100 * fraction:>8.1f}%{minima:>8.0f}"
        )
    n, seconds, per_call = map(np.array, zip(*medians, strict=True))
    top = slice(-3, None)
    print(
        f"fitted exponent, last three sizes: total time ~ n^{np.polyfit(np.log(n[top]), np.log(seconds[top]), 1)[0]:.2f}, "  # noqa: E501
        f"time per LML call ~ n^{np.polyfit(np.log(n[top]), np.log(per_call[top]), 1)[0]:.2f}"
    )


class RecordingOptimizer:
    """scikit-learn's default optimiser (L-BFGS-B), keeping every end point."""

    def __init__(self):
        self.ends = []

    def __call__(self, obj_func, initial_theta, bounds):
        result = scipy.optimize.minimize(
            obj_func, initial_theta, method="L-BFGS-B", jac=True, bounds=bounds
        )
        self.ends.append(result.x)
        return result.x, result.fun


def count_distinct(energies):
    """Clusters of energies closer than SAME_OPTIMUM_NATS (single linkage on sorted values)."""
    energies = np.sort(np.asarray(energies, dtype=float))
    if energies.size == 0:
        return 0
    return int(1 + np.sum(np.diff(energies) > SAME_OPTIMUM_NATS))


def restarts_fit(X, y, kernel, seed, n_restarts):
    optimizer = RecordingOptimizer()
    model = GaussianProcessRegressor(
        kernel,
        alpha=0.0,
        optimizer=optimizer,
        n_restarts_optimizer=n_restarts,
        random_state=seed,
    )
    start = time.perf_counter()
    model.fit(X, y)
    return time.perf_counter() - start, optimizer.ends


def verified_energies(objective, thetas):
    energies = []
    for theta in thetas:
        if verify_stationary_point(objective, theta, index=0) is not None:
            energies.append(objective.value(theta))
    return energies


def bench_optima_rate(seeds, n_hops, n_chains):
    print(
        f"\n2. distinct optima per second, landscape (n_hops={n_hops}, n_chains={n_chains}, "
        f"connect=False) vs scikit-learn restarts on the same wall time; median of "
        f"{len(seeds)} seeds"
    )
    print(
        f"{'data':<12}{'method':<22}{'seconds':>9}{'starts':>8}{'distinct':>10}"
        f"{'verified':>10}{'optima/s':>10}"
    )
    for name, make in (
        ("noisy sine", lambda s: noisy_sine(20, s)),
        ("periodic", lambda s: periodic(40, s)),
    ):
        ours, theirs = [], []
        for seed in seeds:
            X, y, kernel = make(seed)
            objective = GaussianProcessObjective(kernel, X, y, alpha=0.0)
            seconds, model = landscape_fit(X, y, kernel, seed, n_hops, n_chains)
            energies = model.landscape_.minima.energy
            ours.append(
                (seconds, n_hops * n_chains, count_distinct(energies), count_distinct(energies))
            )
            probe_seconds, _ = restarts_fit(X, y, kernel, seed, 9)
            n_restarts = max(0, round(10 * seconds / probe_seconds) - 1)
            sk_seconds, ends = restarts_fit(X, y, kernel, seed, n_restarts)
            all_energies = [objective.value(theta) for theta in ends]
            theirs.append(
                (
                    sk_seconds,
                    n_restarts + 1,
                    count_distinct(all_energies),
                    count_distinct(verified_energies(objective, ends)),
                )
            )
        for method, rows in (("landscape", ours), ("sklearn restarts", theirs)):
            seconds = statistics.median(r[0] for r in rows)
            rate = statistics.median(r[3] / r[0] for r in rows)
            print(
                f"{name:<12}{method:<22}{seconds:>9.3f}{statistics.median(r[1] for r in rows):>8.0f}"  # noqa: E501
                f"{statistics.median(r[2] for r in rows):>10.0f}"
                f"{statistics.median(r[3] for r in rows):>10.0f}{rate:>10.2f}"
            )
        ratio = statistics.median(
            (a[3] / a[0]) / max(b[3] / b[0], 1e-12) for a, b in zip(ours, theirs, strict=True)
        )
        print(f"{'':<12}verified optima per second, landscape / restarts: {ratio:.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer seeds")
    args = parser.parse_args()
    if args.quick:
        sizes, seeds, n_hops = (25, 50, 100, 200), (0, 1, 2), 5
    else:
        sizes, seeds, n_hops = (50, 100, 200, 400, 800), (0, 1, 2), 10
    with threadpool_limits(limits=1):
        bench_scaling(sizes, seeds, n_hops, n_chains=2)
        bench_optima_rate(seeds, n_hops=25, n_chains=4)


if __name__ == "__main__":
    main()
