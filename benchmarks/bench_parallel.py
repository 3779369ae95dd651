"""Parallel speed-up and scaling of a landscape fit.

1. Speed-up: the same fit with ``n_jobs=1`` and ``n_jobs=2`` (joblib's loky
   backend, BLAS limited to one thread per worker by the engine) on a K-means
   and an MLP landscape; median wall-clock time of the repeats, and the
   ratio. The target is >= 1.7x on two free cores. The landscapes of the two
   settings are checked to be equal (the result must not depend on n_jobs).
   A second figure does not need idle cores: the CPU time of every joblib
   task (basin-hopping chain, chunk of connection searches) of one
   ``n_jobs=1`` fit, scheduled in order on two workers round by round (each
   task to the worker free first, as joblib dispatches them), gives the
   two-worker time the fit's structure allows, without dispatch costs
   (``est. 2 jobs``), and the searches and rounds of the connection stage.
2. Time against the number of samples (K-means and MLP, basin-hopping only,
   one BLAS thread, fixed hops and chains, data drawn from one distribution so the landscape
   stays alike): the time per hop, and per energy-and-gradient evaluation of
   the verified quenches, should grow linearly with n_samples.
3. Time against the number of parameters (MLP, hidden units 2..16, fixed
   data, one BLAS thread): time per hop.
4. Work shipped to the workers: how many times one fit pickles its objective
   (the training data travels inside it), and its pickled size.

Timings are medians of ``--repeats`` runs in this process. Section 1 times
the wall clock (the workers do the work; a warm-up run starts the worker pool
first), so it needs two otherwise idle cores. Sections 2 and 3 run on one
core with one BLAS thread and time this process's CPU, which other programs
sharing the machine disturb much less.

Run: ``PYTHONPATH=. python benchmarks/bench_parallel.py [--repeats 3] [--quick]
[--only speedup|samples|params|shipping]``.
"""

import argparse
import pickle
import statistics
import time

import numpy as np
from sklearn.datasets import make_blobs, make_classification
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from sklandscape import LandscapeKMeans, LandscapeMLPClassifier


def median_wall(function, repeats):
    """Median wall-clock seconds of ``function()`` over ``repeats`` runs, and its last result."""
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def median_cpu_one_thread(function, repeats):
    """Median CPU seconds of ``function()`` run in this process with one BLAS thread.

    With ``n_jobs=1`` and one BLAS thread all the work is done by this
    process, so its CPU time measures the work without the noise of other
    programs sharing the cores.
    """
    times, result = [], None
    for _ in range(repeats):
        with threadpool_limits(limits=1):
            start = time.process_time()
            result = function()
            times.append(time.process_time() - start)
    return statistics.median(times), result


def kmeans_data(n_samples, seed=0):
    """Gaussian blobs around eight fixed centres in 5-D, ``n_samples`` points."""
    centres = np.random.default_rng(123).uniform(-6, 6, size=(8, 5))
    X, _ = make_blobs(n_samples, centers=centres, cluster_std=1.5, random_state=seed)
    return X


def mlp_data(n_samples, seed=0):
    """A 3-class, 8-feature problem (fixed generator), standardised."""
    X, y = make_classification(
        n_samples,
        n_features=8,
        n_informative=5,
        n_classes=3,
        n_clusters_per_class=1,
        class_sep=1.0,
        random_state=seed,
    )
    return StandardScaler().fit_transform(X), y


def same_landscape(a, b):
    return (
        a.n_minima == b.n_minima
        and a.n_transition_states == b.n_transition_states
        and np.allclose(a.minima.energy, b.minima.energy, rtol=1e-10, atol=1e-12)
    )


# --------------------------------------------------------------- speed-up
def task_times(fit):
    """CPU seconds of every joblib task of ``fit(1)``, grouped into stages and rounds.

    Returns a list of lists: the basin-hopping chains, then one list per
    connection round (its chunks of searches), and the total CPU seconds.
    """
    from sklandscape._explore import _explorer

    groups = [[]]
    originals = {
        name: getattr(_explorer, name)
        for name in ("run_chain", "_search_pairs", "_select_focused_pairs")
    }

    def timed(function):
        def wrapper(*args, **kwargs):
            start = time.process_time()
            result = function(*args, **kwargs)
            groups[-1].append(time.process_time() - start)
            return result

        return wrapper

    def new_round(*args, **kwargs):
        groups.append([])
        return originals["_select_focused_pairs"](*args, **kwargs)

    _explorer.run_chain = timed(originals["run_chain"])
    _explorer._search_pairs = timed(originals["_search_pairs"])
    _explorer._select_focused_pairs = new_round
    try:
        with threadpool_limits(limits=1):
            start = time.process_time()
            model = fit(1)
            total = time.process_time() - start
    finally:
        for name, function in originals.items():
            setattr(_explorer, name, function)
    return [group for group in groups if group], total, model


def two_worker_time(groups, total):
    """CPU time of the fit if each group's tasks ran in order on two workers (list scheduling)."""
    parallel = 0.0
    for group in groups:
        loads = [0.0, 0.0]
        for seconds in group:
            loads[loads.index(min(loads))] += seconds
        parallel += max(loads)
    return total - sum(map(sum, groups)) + parallel


def bench_speedup(repeats, quick):
    hops = 5 if quick else 10
    cases = [
        (
            f"K-means K=4, 1000 x 5, {hops} hops",
            lambda n_jobs: LandscapeKMeans(
                4, n_hops=hops, n_chains=4, n_jobs=n_jobs, random_state=0
            ).fit(kmeans_data(1000)),
        ),
        (
            f"MLP (4,), 500 x 8, {hops // 2} hops",
            lambda n_jobs: LandscapeMLPClassifier(
                (4,), alpha=1e-3, n_hops=hops // 2, n_chains=4, n_jobs=n_jobs, random_state=0
            ).fit(*mlp_data(500)),
        ),
    ]
    print(f"\n1. speed-up of n_jobs=2 over n_jobs=1 (loky), median of {repeats}")
    print(
        f"{'landscape':<32}{'minima':>8}{'TS':>6}{'1 job s':>10}{'2 jobs s':>10}{'ratio':>8}"
        f"{'CPU s':>8}{'est. 2 jobs':>12}{'ratio':>8}{'searches':>10}{'rounds':>8}{'joined':>8}"
    )
    for name, fit in cases:
        fit(2)  # warm-up: starts the worker pool
        one, serial = median_wall(lambda f=fit: f(1), repeats)
        two, parallel = median_wall(lambda f=fit: f(2), repeats)
        groups, cpu, _ = task_times(fit)
        estimate = two_worker_time(groups, cpu)
        ls = serial.landscape_
        meta = ls.metadata
        check = "" if same_landscape(ls, parallel.landscape_) else "  (landscapes differ!)"
        print(
            f"{name:<32}{ls.n_minima:>8}{ls.n_transition_states:>6}"
            f"{one:>10.2f}{two:>10.2f}{one / two:>7.2f}x{cpu:>8.2f}{estimate:>12.2f}"
            f"{cpu / estimate:>7.2f}x{meta['n_searches']:>10}{meta['n_connect_rounds']:>8}"
            f"{100 * meta['fraction_connected']:>7.0f}%{check}"
        )


# ---------------------------------------------------------------- scaling
def bench_samples(repeats, quick):
    sizes = {
        "K-means": [10_000, 20_000, 40_000] + ([] if quick else [80_000, 160_000]),
        "MLP": [500, 1000, 2000] + ([] if quick else [4000]),
    }
    hops = 5
    fits = {
        "K-means": lambda n: LandscapeKMeans(
            8, n_hops=hops, n_chains=2, connect=False, n_jobs=1, random_state=0
        ).fit(kmeans_data(n)),
        "MLP": lambda n: LandscapeMLPClassifier(
            (8,), alpha=1e-3, n_hops=hops, n_chains=2, connect=False, n_jobs=1, random_state=0
        ).fit(*mlp_data(n)),
    }
    print(
        f"\n2. CPU time per hop vs n_samples (basin-hopping only, {hops} hops x 2 chains, "
        f"n_jobs=1, one BLAS thread; K-means K=8 in 5-D, MLP (8,) on 8 features), "
        f"median of {repeats}"
    )
    print(
        f"{'model':<10}{'n_samples':>10}{'minima':>8}{'s/hop':>10}{'ratio':>8}"
        f"{'ms/eval':>10}{'ratio':>8}{'n ratio':>9}"
    )
    for name, fit in fits.items():
        base = None
        for n in sizes[name]:
            seconds, model = median_cpu_one_thread(lambda f=fit, n=n: f(n), repeats)
            metadata = model.landscape_.metadata
            per_hop = seconds / metadata["n_hops_total"]
            # evaluations of the verified quenches: a fairer unit when quench lengths vary
            per_eval = 1e3 * seconds / max(1, metadata["n_function_evaluations"])
            base = base or (per_hop, per_eval)
            print(
                f"{name:<10}{n:>10}{model.landscape_.n_minima:>8}{per_hop:>10.4f}"
                f"{per_hop / base[0]:>7.2f}x{per_eval:>10.3f}{per_eval / base[1]:>7.2f}x"
                f"{n / sizes[name][0]:>8.0f}x"
            )


def bench_parameters(repeats, quick):
    widths = [2, 4, 8] if quick else [2, 4, 8, 16]
    hops, n = 5, 1000
    X, y = mlp_data(n)
    print(
        f"\n3. MLP CPU time per hop vs n_params ({n} x 8 data, {hops} hops x 2 chains, n_jobs=1, "
        "one BLAS thread), "
        f"median of {repeats}"
    )
    print(f"{'hidden':>8}{'n_params':>10}{'minima':>8}{'s/hop':>10}{'ratio':>8}{'p ratio':>9}")
    base = base_params = None
    for width in widths:
        seconds, model = median_cpu_one_thread(
            lambda w=width: LandscapeMLPClassifier(
                (w,), alpha=1e-3, n_hops=hops, n_chains=2, connect=False, n_jobs=1, random_state=0
            ).fit(X, y),
            repeats,
        )
        ls = model.landscape_
        per_hop = seconds / ls.metadata["n_hops_total"]
        base, base_params = base or per_hop, base_params or ls.n_params
        print(
            f"{width:>8}{ls.n_params:>10}{ls.n_minima:>8}{per_hop:>10.4f}"
            f"{per_hop / base:>7.2f}x{ls.n_params / base_params:>8.1f}x"
        )


# ------------------------------------------------------- work shipped
def bench_shipping(quick):
    """Count the pickles of the objective during one fit with n_jobs=2."""
    from sklandscape._explore._explorer import _TASKS_PER_WORKER
    from sklandscape.neural_network._mlp_objective import MLPObjective

    n = 2000 if quick else 20_000
    X, y = mlp_data(n)
    counter = {"pickles": 0}
    original = MLPObjective.__reduce_ex__

    def counting_reduce(self, protocol):
        counter["pickles"] += 1
        return original(self, protocol)

    MLPObjective.__reduce_ex__ = counting_reduce
    try:
        model = LandscapeMLPClassifier(
            (4,), alpha=1e-3, n_hops=5, n_chains=4, n_jobs=2, random_state=0
        ).fit(X, y)
    finally:
        MLPObjective.__reduce_ex__ = original
    objective = model._make_objective(*_mlp_training_arrays(model, X, y))
    size = len(pickle.dumps(objective))
    rounds = model.landscape_.metadata.get("n_connect_rounds", 0)
    print(f"\n4. objective shipped by one MLP fit ({n} x 8 data, 4 chains, n_jobs=2, loky)")
    print(f"pickled objective: {size / 1e6:.2f} MB; pickled {counter['pickles']} times")
    per_round = 2 * _TASKS_PER_WORKER
    print(f"(4 chain tasks + {rounds} connection rounds of up to {per_round} tasks each)")


def _mlp_training_arrays(model, X, y):
    """The (X, y, sample_weight) the estimator builds its objective from."""
    from sklearn.preprocessing import LabelBinarizer

    targets = LabelBinarizer().fit(model.classes_).transform(y).astype(float)
    return X, targets, None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="smaller problems, fewer sizes")
    parser.add_argument(
        "--only", choices=["speedup", "samples", "params", "shipping"], help="one section"
    )
    args = parser.parse_args()
    sections = {
        "speedup": lambda: bench_speedup(args.repeats, args.quick),
        "samples": lambda: bench_samples(args.repeats, args.quick),
        "params": lambda: bench_parameters(args.repeats, args.quick),
        "shipping": lambda: bench_shipping(args.quick),
    }
    for name, run in sections.items():
        if args.only in (None, name):
            run()


if __name__ == "__main__":
    main()
