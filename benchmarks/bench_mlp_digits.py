"""Cost of one basin-hopping quench of ``LandscapeMLPClassifier((16,))`` on digits (issue 18).

The network has 1,210 parameters and 1,797 samples, beyond the MLP's
``exact_hessian_max_params`` (600). Each figure is measured against its
baseline in the same process (medians of repeats, BLAS on one thread, as in
a fit), so the ratios hold on a loaded machine even where the seconds do not:

1. **Hessian**: the closed form whose two symmetric Kronecker blocks sum only
   their upper triangles, against the full sums (the previous method).
2. **Verification of a minimum**: Cholesky with the zero mode lifted and
   Lanczos for the extreme eigenvalues (``full_spectrum=False``), against the
   dense eigendecomposition; the LPPHE of both is printed.
3. **Lowest Hessian eigenpair** of a transition-state search (LOBPCG,
   ``_lowest_eigenpair_iterative``) with the exact R-operator products,
   against central differences of the gradient.
4. **Quenches** from basin-hopping steps around the reference minimum: the
   current path against the previous one (full Kronecker sums and dense
   verification), the same starts.
5. **Newton polish** of those quenches: Newton steps that reuse the factorised
   Hessian while each at least halves the gradient (the chord method,
   ``NEWTON_CHORD_RATE``) and no Newton attempt from gradients of
   ``LARGE_MODEL_NEWTON_GTOL`` or more, against a fresh Hessian at every
   Newton step of every round.
6. **Transition-state searches** (``find_connections``: band, eigenvector
   following, verification, pushoff quenches) between the reference minimum
   and the minima of those quenches, CPU per search and transition states
   found: the current path against the previous one (5., and no second search
   beside an index-two saddle, ``HIGHER_INDEX_RESTARTS = 0``, and 100
   iterations of hybrid eigenvector following, which ``HYBRID_MAX_ITERATIONS``
   now keeps too: set it lower to time a cap), the same pairs and seeds.

The whole default fit (time, memory, minima connected) is the ``mlp_digits``
case of ``benchmarks/bench_budget.py``.

Usage: ``PYTHONPATH=. python benchmarks/bench_mlp_digits.py [--quenches 8] [--searches 8]``.
"""

import argparse
import contextlib
import statistics
import time

import numpy as np
from sklearn.datasets import load_digits
from sklearn.preprocessing import LabelBinarizer, StandardScaler

from sklandscape._explore import _transition_state
from sklandscape._explore._minimize import quench, single_threaded_blas, verify_stationary_point
from sklandscape._explore._objective import Objective
from sklandscape._explore._transition_state import find_connections
from sklandscape.neural_network import _mlp_hessian, _newton_minimize
from sklandscape.neural_network._mlp_objective import MLPObjective


def digits_objective():
    X, y = load_digits(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    Y = LabelBinarizer().fit_transform(y).astype(float)
    return MLPObjective(X, Y, (16,), activation="tanh", alpha=1e-4, output="softmax")


def cpu_median(function, repeats):
    """Median CPU seconds of ``function()`` over ``repeats`` calls, and its last result."""
    times = []
    for _ in range(repeats):
        started = time.process_time()
        result = function()
        times.append(time.process_time() - started)
    return statistics.median(times), result


def _full_kronecker_sums(features, coupling):
    """The previous method: every entry of the symmetric blocks summed."""
    n, r = coupling.shape[0], coupling.shape[1]
    return _mlp_hessian._sum_of_kronecker(features, features, coupling.reshape(n, r * r))


@contextlib.contextmanager
def previous_path(objective):
    """Full Kronecker sums and dense verification (the path before this change)."""
    saved = _mlp_hessian._symmetric_sum_of_kronecker, objective.exact_hessian_max_params
    _mlp_hessian._symmetric_sum_of_kronecker = _full_kronecker_sums
    objective.exact_hessian_max_params = 10**9
    try:
        yield
    finally:
        _mlp_hessian._symmetric_sum_of_kronecker, objective.exact_hessian_max_params = saved


@contextlib.contextmanager
def previous_search_path():
    """The quench and search path before this change.

    A fresh Hessian at every Newton step (no chord steps), Newton tried after
    every L-BFGS-B round whatever the gradient, no second search beside an
    index-two saddle, and 100 iterations of hybrid eigenvector following.
    """
    saved = (
        _newton_minimize.NEWTON_CHORD_RATE,
        _newton_minimize.LARGE_MODEL_NEWTON_GTOL,
        _transition_state.HIGHER_INDEX_RESTARTS,
        _transition_state.HYBRID_MAX_ITERATIONS,
    )
    _newton_minimize.NEWTON_CHORD_RATE = None
    _newton_minimize.LARGE_MODEL_NEWTON_GTOL = np.inf
    _transition_state.HIGHER_INDEX_RESTARTS = 0
    _transition_state.HYBRID_MAX_ITERATIONS = 100
    try:
        yield
    finally:
        (
            _newton_minimize.NEWTON_CHORD_RATE,
            _newton_minimize.LARGE_MODEL_NEWTON_GTOL,
            _transition_state.HIGHER_INDEX_RESTARTS,
            _transition_state.HYBRID_MAX_ITERATIONS,
        ) = saved


def row(label, after, before):
    print(
        f"  {label:<44} {1e3 * after:9.1f} ms  (before {1e3 * before:9.1f} ms)  "
        f"{before / after:5.2f}x",
        flush=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quenches", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--searches", type=int, default=8)
    args = parser.parse_args()
    objective = digits_objective()
    print(
        f"digits MLP (16,): {objective.n_params} parameters, {objective.X.shape[0]} samples "
        "(CPU time, one BLAS thread)"
    )
    with single_threaded_blas():
        x_min = objective.reference_minimum()[0]
        after, hessian = cpu_median(lambda: objective.hessian(x_min), args.repeats)
        with previous_path(objective):
            before, dense_hessian = cpu_median(lambda: objective.hessian(x_min), args.repeats)
        print(f"  Hessians agree to {np.max(np.abs(hessian - dense_hessian)):.1e}")
        row("Hessian (closed form)", after, before)

        after, cheap = cpu_median(
            lambda: verify_stationary_point(
                objective, x_min, index=0, hessian=hessian, full_spectrum=False
            ),
            args.repeats,
        )
        before, dense = cpu_median(
            lambda: verify_stationary_point(objective, x_min, index=0, hessian=hessian),
            args.repeats,
        )
        print(
            f"  LPPHE {cheap.log_hessian_product:.10f} (dense {dense.log_hessian_product:.10f}),"
            f" lowest mode {cheap.min_eigenvalue:.6e} (dense {dense.min_eigenvalue:.6e})"
        )
        row("verification of the minimum", after, before)

        rng = np.random.default_rng(0)
        x = x_min + 0.05 * rng.standard_normal(objective.n_params)
        free = np.ones(objective.n_params, dtype=bool)
        start = rng.standard_normal((objective.n_params, 2))
        lowest = _transition_state._lowest_eigenpair_iterative
        after, (value_exact, _) = cpu_median(lambda: lowest(objective, x, free, start), 3)
        objective.hessian_vector_product = lambda point, vectors: Objective.hessian_vector_product(
            objective, point, vectors
        )
        before, (value_fd, _) = cpu_median(lambda: lowest(objective, x, free, start), 3)
        del objective.hessian_vector_product
        print(f"  lowest eigenvalue {value_exact:.6e} (central differences {value_fd:.6e})")
        row("LOBPCG lowest eigenpair (one HEF step)", after, before)

        step = objective.default_step_size()
        starts = [objective.perturb(x_min, rng, step) for _ in range(args.quenches)]
        times_after, times_before, energies = [], [], []
        for point in starts:
            seconds, (minimum, _) = cpu_median(lambda p=point: quench(objective, p), 1)
            times_after.append(seconds)
            with previous_path(objective):
                seconds, (previous, _) = cpu_median(lambda p=point: quench(objective, p), 1)
            times_before.append(seconds)
            energies.append((minimum.energy, previous.energy))
        same = sum(abs(a - b) <= 1e-9 * abs(b) for a, b in energies)
        print(f"  {same}/{len(starts)} quenches end at the same energy either way")
        row(
            f"quench (median of {len(starts)})",
            statistics.median(times_after),
            statistics.median(times_before),
        )

        minima, times_after, times_before, same_minimum = [], [], [], []
        for point in starts:
            seconds, (minimum, _) = cpu_median(lambda p=point: quench(objective, p), 1)
            times_after.append(seconds)
            with previous_search_path():
                seconds, (previous, _) = cpu_median(lambda p=point: quench(objective, p), 1)
            times_before.append(seconds)
            if minimum is not None and previous is not None:
                minima.append(minimum.x)
                same = (
                    abs(minimum.energy - previous.energy)
                    <= objective.energy_tolerance(previous.energy)
                    and objective.distance(
                        objective.canonical(minimum.x), objective.canonical(previous.x)
                    )
                    <= objective.position_tolerance()
                )
                same_minimum.append(same)
        print(f"  {sum(same_minimum)}/{len(starts)} quenches reach the same minimum either way")
        row(
            f"quench: Newton polish (median of {len(starts)})",
            statistics.median(times_after),
            statistics.median(times_before),
        )
        e_min = objective.value(x_min)
        distinct = [
            x
            for x in minima
            if abs(objective.value(x) - e_min) > objective.energy_tolerance(e_min)
        ]
        search_rows(objective, x_min, distinct[: args.searches])


def search_rows(objective, x_min, minima):
    """CPU per transition-state search, current path against the previous, same pairs and seeds."""
    times_after, times_before, found = [], [], []
    for seed, x_b in enumerate(minima):
        seconds, after = cpu_median(
            lambda b=x_b, s=seed: find_connections(objective, x_min, b, np.random.default_rng(s)),
            1,
        )
        times_after.append(seconds)
        with previous_search_path():
            seconds, before = cpu_median(
                lambda b=x_b, s=seed: find_connections(
                    objective, x_min, b, np.random.default_rng(s)
                ),
                1,
            )
        times_before.append(seconds)
        found.append((len(after), len(before)))
    print(
        "  per search, current/previous: transition states "
        + ", ".join(f"{a}/{b}" for a, b in found)
        + "; CPU s "
        + ", ".join(f"{a:.1f}/{b:.1f}" for a, b in zip(times_after, times_before, strict=True))
    )
    row(
        f"transition-state search (median of {len(minima)})",
        statistics.median(times_after),
        statistics.median(times_before),
    )
    print(
        f"  total over the {len(minima)} searches: {sum(times_after):.1f} s "
        f"(previous {sum(times_before):.1f} s), {sum(times_before) / sum(times_after):.2f}x"
    )


if __name__ == "__main__":
    main()
