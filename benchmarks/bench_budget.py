"""Predictability of fit times under the exploration budget (issue 18).

Two parts, each fit in its own subprocess (so that the peak resident memory,
``ru_maxrss``, is that fit's alone):

1. **Cases**: the fits of issue 18's table at default parameters
   (``random_state=0``): K-means on standardised wine (K = 3, 4) and on digits
   (K = 10), the MLP classifier on standardised iris, breast cancer and digits
   (``(16,)``), the GP regressor on the first 200 rows of diabetes, and
   ``GridSearchCV(StandardScaler + LandscapeKMeans(n_hops=20), n_clusters in
   [2, 3, 4], cv=2)`` on wine. With ``--before`` each case is also fitted
   with no budget (``max_minima=None, max_searches=None``: main's behaviour
   before the budget), cut at ``--before-limit`` seconds by ``max_time``.
2. **Seeds**: the fit-time distribution of each estimator at default
   parameters over ``--seeds`` data seeds (a random 80 % subsample of the
   data, drawn from the seed; the estimator's ``random_state`` is the seed
   too): median, max/median, cost per connected minimum (fit seconds per kept
   minimum joined to the global minimum) and the fraction of kept minima
   connected to the global minimum.

Targets (issue 18, 2-core machine, ``n_jobs=None``): each default fit under
30 s (the digits MLP under 60 s), at least 90 % of the kept minima connected
to the global minimum, max/median <= 3 over the seeds, a digits fit under
500 MB resident. Timings depend on the machine and its load; compare the
before/after columns of one run. With ``n_jobs=None`` the fit runs in the
child process, so its CPU time (also printed) is the one-core figure, much
less disturbed by other programs sharing the machine than the wall clock.

Usage: ``PYTHONPATH=. python benchmarks/bench_budget.py [--cases wine3,mlp_iris]
[--seeds 20] [--estimators kmeans,mlp,gp,ensemble,selector] [--before]
[--before-limit 120] [--skip-cases] [--skip-seeds] [--per-seed]``.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time

import numpy as np

CASES = (
    "wine3",
    "wine4",
    "digits10",
    "mlp_iris",
    "mlp_breast_cancer",
    "mlp_digits",
    "gp_diabetes",
    "grid_search",
)
ESTIMATORS = ("kmeans", "mlp", "gp", "ensemble", "selector")
UNLIMITED = {"max_minima": None, "max_searches": None}


def _standardised(loader):
    from sklearn.preprocessing import StandardScaler

    X, y = loader(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def make_case(name, budget):
    """``(estimator, X, y)`` of a case of the table; ``budget`` overrides the defaults."""
    from sklearn import datasets
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from sklandscape import LandscapeGPRegressor, LandscapeKMeans, LandscapeMLPClassifier

    common = {"random_state": 0, **budget}
    if name in ("wine3", "wine4"):
        X, _ = _standardised(datasets.load_wine)
        return LandscapeKMeans(n_clusters=int(name[-1]), **common), X, None
    if name == "digits10":
        X, _ = datasets.load_digits(return_X_y=True)
        return LandscapeKMeans(n_clusters=10, **common), X, None
    if name.startswith("mlp_"):
        loader = {
            "mlp_iris": datasets.load_iris,
            "mlp_breast_cancer": datasets.load_breast_cancer,
            "mlp_digits": datasets.load_digits,
        }[name]
        X, y = _standardised(loader)
        hidden = (16,) if name == "mlp_digits" else (10,)
        return LandscapeMLPClassifier(hidden, **common), X, y
    if name == "gp_diabetes":
        X, y = datasets.load_diabetes(return_X_y=True)
        return LandscapeGPRegressor(**common), X[:200], y[:200]
    if name == "grid_search":
        X, _ = datasets.load_wine(return_X_y=True)
        pipeline = make_pipeline(StandardScaler(), LandscapeKMeans(n_hops=20, **common))
        grid = {"landscapekmeans__n_clusters": [2, 3, 4]}
        return GridSearchCV(pipeline, grid, cv=2), X, None
    raise ValueError(f"unknown case {name!r}")


def make_seeded(name, seed):
    """``(estimator, X, y)``: an estimator at defaults on a random 80 % subsample."""
    from sklearn import datasets

    from sklandscape import (
        LandscapeEnsembleClassifier,
        LandscapeGPRegressor,
        LandscapeKMeans,
        LandscapeKSelector,
        LandscapeMLPClassifier,
    )

    if name in ("kmeans", "selector"):
        X, y = _standardised(datasets.load_wine)
    elif name == "gp":
        X, y = datasets.load_diabetes(return_X_y=True)
        X, y = X[:250], y[:250]
    else:
        X, y = _standardised(datasets.load_iris)
    rng = np.random.default_rng(seed)
    rows = np.sort(rng.choice(X.shape[0], size=int(0.8 * X.shape[0]), replace=False))
    X, y = X[rows], y[rows]
    if name == "kmeans":
        return LandscapeKMeans(n_clusters=3, random_state=seed), X, None
    if name == "mlp":
        return LandscapeMLPClassifier(random_state=seed), X, y
    if name == "gp":
        return LandscapeGPRegressor(random_state=seed), X, y
    if name == "ensemble":
        return LandscapeEnsembleClassifier(LandscapeMLPClassifier(random_state=seed)), X, y
    return LandscapeKSelector(range(2, 6), random_state=seed), X, None


def _landscapes(estimator):
    """The landscapes a fitted estimator holds (one, or one per K for the selector)."""
    if hasattr(estimator, "landscapes_"):  # LandscapeKSelector: one per K
        return list(estimator.landscapes_.values())
    if hasattr(estimator, "best_estimator_"):  # GridSearchCV: the refitted pipeline
        estimator = estimator.best_estimator_
        estimator = estimator[-1] if hasattr(estimator, "steps") else estimator
    if hasattr(estimator, "estimator_"):  # the ensemble's explored base estimator
        estimator = estimator.estimator_
    return [estimator.landscape_]


def run_one(kind, name, argument):
    """Fit one case in this process; return its figures (printed as JSON by the child)."""
    if kind == "case":
        budget = UNLIMITED | {"max_time": float(argument)} if argument else {}
        estimator, X, y = make_case(name, budget)
    else:
        estimator, X, y = make_seeded(name, int(argument))
    started, cpu_started = time.perf_counter(), time.process_time()
    estimator.fit(X) if y is None else estimator.fit(X, y)
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    landscapes = _landscapes(estimator)
    focus = [ls.metadata.get("n_minima_focus", ls.n_minima) for ls in landscapes]
    kept = sum(focus)
    fractions = [ls.metadata.get("fraction_connected", 1.0) for ls in landscapes]
    connected = sum(f * n for f, n in zip(fractions, focus, strict=True))
    return {
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "kept": kept,
        "returned": sum(landscape.n_minima for landscape in landscapes),
        "found": sum(ls.metadata.get("n_minima_found", ls.n_minima) for ls in landscapes),
        "transition_states": sum(landscape.n_transition_states for landscape in landscapes),
        "searches": sum(landscape.metadata.get("n_searches", 0) for landscape in landscapes),
        "connected": connected,
        "fraction_connected": connected / kept if kept else float("nan"),
        "stopped_by": sorted({str(ls.metadata.get("stopped_by")) for ls in landscapes}),
        "lowest_energy": float(landscapes[0].minima.energy[0]),
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def in_subprocess(kind, name, argument="", timeout=None):
    """:func:`run_one` in a fresh interpreter; ``None`` if it failed or timed out."""
    command = [sys.executable, __file__, "--child", kind, name, str(argument)]
    try:
        output = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, env=os.environ, check=True
        ).stdout
    except (subprocess.TimeoutExpired, subprocess.CalledProcessError) as error:
        print(f"    {name}: failed ({type(error).__name__})", flush=True)
        return None
    return json.loads(output.strip().splitlines()[-1])


def _row(label, result):
    if result is None:
        return f"  {label:<22} (failed or timed out)"
    return (
        f"  {label:<22} {result['seconds']:7.1f} s (CPU {result['cpu_seconds']:6.1f} s)  "
        f"focus {result['kept']:4d} "
        f"(+{result.get('returned', result['kept']) - result['kept']} intermediate) "
        f"(found {result['found']:5d})  TS {result['transition_states']:5d}  "
        f"searches {result['searches']:4d}  connected {100 * result['fraction_connected']:5.1f}%  "
        f"RSS {result['rss_mb']:6.0f} MB  E0 {result['lowest_energy']:.6g}  "
        f"{','.join(result['stopped_by'])}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--estimators", default=",".join(ESTIMATORS))
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--before", action="store_true")
    parser.add_argument("--before-limit", type=float, default=120.0)
    parser.add_argument("--skip-cases", action="store_true")
    parser.add_argument("--skip-seeds", action="store_true")
    parser.add_argument("--per-seed", action="store_true", help="print every seed's fit")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_one(*args.child)))
        return

    if not args.skip_cases:
        print("Cases of issue 18 at default parameters (random_state=0):")
        for name in args.cases.split(","):
            after = in_subprocess("case", name)
            print(_row(f"{name}", after), flush=True)
            if args.before:
                before = in_subprocess("case", name, args.before_limit)
                print(_row(f"{name} (no budget)", before), flush=True)
                if before and after:
                    note = " (cut by max_time)" if "max_time" in before["stopped_by"] else ""
                    print(
                        f"    time before/after {before['seconds'] / after['seconds']:.1f}x"
                        f"{note}, lowest energy {before['lowest_energy']:.6g} -> "
                        f"{after['lowest_energy']:.6g}",
                        flush=True,
                    )
    if not args.skip_seeds:
        print(f"\nFit time over {args.seeds} data seeds (80 % subsamples), defaults:")
        print(
            "  estimator   median [s]  max/median  s per connected minimum  connected (min, mean)"
        )
        for name in args.estimators.split(","):
            results = []
            for seed in range(args.seeds):
                result = in_subprocess("seed", name, seed)
                if args.per_seed:
                    print(_row(f"{name} seed {seed}", result), flush=True)
                if result is not None:
                    results.append(result)
            if not results:
                continue
            fraction = np.array([r["fraction_connected"] for r in results])
            for key in ("seconds", "cpu_seconds"):
                seconds = np.array([r[key] for r in results])
                per_minimum = np.array([r[key] / max(r["connected"], 1) for r in results])
                median = np.median(seconds)
                label = name if key == "seconds" else f"{name} CPU"
                print(
                    f"  {label:<10} {median:10.2f}  {seconds.max() / median:10.2f}"
                    f"  {np.median(per_minimum):23.3f}  {100 * fraction.min():5.1f}%, "
                    f"{100 * fraction.mean():5.1f}%  ({len(results)} fits)",
                    flush=True,
                )


if __name__ == "__main__":
    main()
