"""Benchmark of LandscapeMLPClassifier on a 4-10-3 network and standardised iris.

1. Derivatives at one point, against baselines measured in the same process
   (medians of repeats, BLAS on one thread):
   the closed-form Hessian against the general R-operator pass and against
   the engine's default central differences of the gradient; the gradient
   against scikit-learn's own ``MLPClassifier._loss_grad_lbfgs``.
2. Local minimisation from basin-hopping-like starts: the objective's
   L-BFGS + Newton polish against the engine's default ``local_minimize``
   (the baseline): time, and how far each end point lies from the true
   minimum of its basin (Newton-polished from the end point), compared with
   the engine's position tolerance, which decides whether two quenches count
   as one minimum.
3. The target: the landscape of ``LandscapeMLPClassifier((10,), alpha=3e-5)``
   (its own objective) must hold >= 100 distinct minima and >= 100 verified
   transition states after under 60 s on one core. It is explored in short
   warm-started rounds, ``explore(n_hops=2, n_chains=40, max_connect_rounds=1,
   landscape=previous)``, until the counts are met. Many short chains from
   Glorot starts find distinct minima faster than long chains (basin-hopping
   at the auto temperature keeps revisiting the few lowest minima), and one
   full ``fit`` keeps connecting until every minimum is joined to the global
   minimum, which takes a number of minima that varies a lot with the seed
   (56 to 164 measured with ``n_hops=10, n_chains=4``).
   Reported per seed: wall and CPU time of this process (the machine may be
   shared: CPU time is the one-core figure), the counts, a re-verification of
   every stored stationary point on a fresh objective, the closest pair of
   minima (in canonical coordinates and in energy), and the heat-capacity
   peak; then the medians over seeds.

``alpha=3e-5`` in sklandscape's units (mean cross-entropy + alpha/2 ||W||^2)
is scikit-learn's ``alpha = 3e-5 * 150 = 4.5e-3`` on iris.

Run: ``PYTHONPATH=. python benchmarks/bench_mlp.py [--quick]``.
"""

import argparse
import statistics
import time
import warnings

import numpy as np
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from sklandscape import LandscapeMLPClassifier, explore
from sklandscape._explore._minimize import local_minimize, verify_stationary_point
from sklandscape._explore._objective import Objective
from sklandscape.neural_network import MLPObjective

ALPHA = 3e-5
TARGET = {"n_minima": 100, "n_transition_states": 100, "seconds": 60.0}
#: One warm-started exploration round of the target run.
EXPLORE_ROUND = {"n_hops": 2, "n_chains": 40, "max_connect_rounds": 1}


def median_seconds(function, repeats):
    """Median wall-clock seconds of ``function()`` over ``repeats`` calls."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def iris_objective():
    X, y = load_iris(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    objective = MLPObjective(
        X, np.eye(3)[y], (10,), activation="tanh", alpha=ALPHA, output="softmax"
    )
    return X, y, objective


def bench_derivatives(repeats):
    X, y, objective = iris_objective()
    x = objective.random_point(np.random.default_rng(0))
    closed = median_seconds(lambda: objective.hessian(x), repeats)
    r_operator = median_seconds(
        lambda: objective.hessian_vector_product(x, np.eye(objective.n_params)), repeats
    )
    differences = median_seconds(lambda: Objective.hessian(objective, x), max(3, repeats // 10))
    gradient = median_seconds(lambda: objective.value_and_grad(x), 10 * repeats)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = MLPClassifier((10,), solver="lbfgs", alpha=ALPHA * y.size, max_iter=1).fit(X, y)
    targets = model._label_binarizer.transform(y).astype(float)
    buffers = (
        [X, None, None],
        [None, None],
        [np.empty((4, 10)), np.empty((10, 3))],
        [np.empty(10), np.empty(3)],
    )
    sklearn_gradient = median_seconds(
        lambda: model._loss_grad_lbfgs(x.copy(), X, targets, None, *buffers), 10 * repeats
    )
    print(f"\n1. Derivatives at one point ({objective.n_params} parameters), medians")
    print(f"   Hessian, closed form          {closed * 1e3:8.3f} ms")
    print(
        f"   Hessian, R-operator (baseline){r_operator * 1e3:8.3f} ms   "
        f"ratio {r_operator / closed:5.1f}x"
    )
    print(
        f"   Hessian, central differences  {differences * 1e3:8.3f} ms   "
        f"ratio {differences / closed:5.1f}x"
    )
    print(f"   energy + gradient             {gradient * 1e6:8.1f} us")
    print(
        f"   scikit-learn _loss_grad_lbfgs {sklearn_gradient * 1e6:8.1f} us   "
        f"ratio {sklearn_gradient / gradient:5.2f}x"
    )


def bench_minimisation(n_starts):
    _, _, objective = iris_objective()
    x_ref, _ = objective.reference_minimum()
    step = objective.default_step_size()
    rng = np.random.default_rng(1)
    starts = [x_ref + rng.uniform(-step, step, x_ref.size) for _ in range(n_starts)]
    rows = {
        "Newton-polished": objective.local_minimize,
        "engine default (baseline)": lambda s: local_minimize(objective, s),
    }
    results = {}
    for name, minimise in rows.items():
        start = time.perf_counter()
        results[name] = [minimise(s) for s in starts]
        results[name + " time"] = (time.perf_counter() - start) / n_starts
    tolerance = objective.position_tolerance()
    print(
        f"\n2. Local minimisation from {n_starts} basin-hopping starts "
        f"(position tolerance {tolerance:.3g})"
    )
    print(
        f"   {'minimiser':<28}{'ms/quench':>10}{'evals':>8}{'median |x - x*|':>18}"
        f"{'> tolerance':>13}"
    )
    for name in rows:
        # The true minimum of each end point's basin: Newton-polished from the end point.
        distances = [
            objective.distance(
                objective.canonical(r.x), objective.canonical(objective.local_minimize(r.x).x)
            )
            for r in results[name]
        ]
        evaluations = statistics.median(r.n_evaluations for r in results[name])
        beyond = sum(d > tolerance for d in distances)
        print(
            f"   {name:<28}{results[name + ' time'] * 1e3:10.1f}{evaluations:8.0f}"
            f"{statistics.median(distances):18.2e}{beyond:>8d}/{n_starts}"
        )


def bench_target(seed):
    X, y, _ = iris_objective()
    estimator = LandscapeMLPClassifier((10,), alpha=ALPHA)
    # The estimator's own objective, explored in short warm-started rounds so that the
    # run stops soon after the counts are met (one full fit() connects every minimum to
    # the global minimum, and how many minima that takes varies a lot with the seed).
    objective = estimator._make_objective(X, np.eye(3)[y], None)
    start_wall, start_cpu = time.perf_counter(), time.process_time()
    landscape, n_runs = None, 0
    while landscape is None or (
        landscape.n_minima < TARGET["n_minima"]
        or landscape.n_transition_states < TARGET["n_transition_states"]
    ):
        landscape = explore(
            objective, landscape=landscape, n_jobs=1, random_state=seed, **EXPLORE_ROUND
        )
        n_runs += 1
        if time.process_time() - start_cpu > 3 * TARGET["seconds"]:
            break
    wall, cpu = time.perf_counter() - start_wall, time.process_time() - start_cpu
    minima_ok = sum(
        verify_stationary_point(objective, x, index=0) is not None for x in landscape.minima.x
    )
    ts_ok = sum(
        verify_stationary_point(objective, x, index=1) is not None
        for x in landscape.transition_states.x
    )
    positions, energies = landscape.minima.x, np.sort(landscape.minima.energy)
    closest = min(
        objective.distance(positions[i], positions[j])
        for i in range(len(positions))
        for j in range(i)
    )
    temperatures = np.logspace(-7, 0, 141)
    excess = landscape.heat_capacity(temperatures) - landscape.n_params / 2
    peak = int(np.argmax(excess))
    print(
        f"\n3. Target: 4-10-3 tanh network, standardised iris, alpha={ALPHA:g}, "
        f"random_state={seed}, n_jobs=1: explore({EXPLORE_ROUND})"
        " warm-started until the counts are met"
    )
    print(
        f"   {n_runs} run(s): wall {wall:.1f} s, CPU {cpu:.1f} s "
        f"(target < {TARGET['seconds']:.0f} s on one core)"
    )
    print(
        f"   minima {landscape.n_minima} (target >= {TARGET['n_minima']}), "
        f"re-verified {minima_ok}/{landscape.n_minima}"
    )
    print(
        f"   transition states {landscape.n_transition_states} "
        f"(target >= {TARGET['n_transition_states']}), "
        f"re-verified {ts_ok}/{landscape.n_transition_states}"
    )
    print(
        f"   closest pair of minima: {closest:.3g} apart (tolerance "
        f"{objective.position_tolerance():.3g}); smallest energy gap "
        f"{np.min(np.diff(energies)):.2e}"
    )
    print(f"   global minimum loss {energies[0]:.6f}")
    print(
        f"   heat capacity excess peak {excess[peak]:.2f} at T = {temperatures[peak]:.2e} "
        f"(ends: {excess[0]:.2e}, {excess[-1]:.2e})"
    )
    print(
        f"   metadata: {landscape.metadata['n_connection_attempts']} connection attempts, "
        f"{landscape.metadata['n_not_minimum']} quenches into non-isolated minima"
    )
    met = (
        landscape.n_minima >= TARGET["n_minima"]
        and landscape.n_transition_states >= TARGET["n_transition_states"]
        and cpu < TARGET["seconds"]
    )
    print(f"   target met (CPU time): {met}")
    return cpu, landscape.n_minima, landscape.n_transition_states


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats; skip the target")
    parser.add_argument("--seeds", type=int, default=3, help="random states of the target run")
    args = parser.parse_args()
    with threadpool_limits(1):
        bench_derivatives(repeats=20 if args.quick else 200)
        bench_minimisation(n_starts=5 if args.quick else 30)
        if not args.quick:
            results = [bench_target(seed) for seed in range(args.seeds)]
            cpu, n_minima, n_ts = (
                statistics.median(column) for column in zip(*results, strict=True)
            )
            print(
                f"\nMedian over {args.seeds} seeds: CPU {cpu:.1f} s, {n_minima:.0f} minima, "
                f"{n_ts:.0f} transition states"
            )


if __name__ == "__main__":
    main()
