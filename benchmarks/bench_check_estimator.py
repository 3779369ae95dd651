"""Time of scikit-learn's ``check_estimator`` on the five estimators at ``n_hops=5`` (issue 18).

Issue 18's target: ``check_estimator`` on ``LandscapeKMeans``,
``LandscapeGPRegressor``, ``LandscapeMLPClassifier``,
``LandscapeEnsembleClassifier`` (of an MLP) and ``LandscapeKSelector``, each
with ``n_hops=5`` and otherwise default parameters (``random_state=0``), in
under 4 minutes in all on the 2-core machine. Each estimator runs in its own
subprocess; the CPU time of that process is the one-core figure, much less
disturbed by other programs than the wall clock. The slowest checks of each
estimator are listed (CPU seconds, from ``check_estimator``'s callback).

Usage: ``PYTHONPATH=. python benchmarks/bench_check_estimator.py
[--estimators kmeans,gp,mlp,ensemble,selector] [--slowest 5]``.
"""

import argparse
import json
import os
import subprocess
import sys
import time
import warnings

ESTIMATORS = ("kmeans", "gp", "mlp", "ensemble", "selector")


def make_estimator(name):
    from sklandscape import (
        LandscapeEnsembleClassifier,
        LandscapeGPRegressor,
        LandscapeKMeans,
        LandscapeKSelector,
        LandscapeMLPClassifier,
    )

    common = {"n_hops": 5, "random_state": 0}
    return {
        "kmeans": lambda: LandscapeKMeans(**common),
        "gp": lambda: LandscapeGPRegressor(**common),
        "mlp": lambda: LandscapeMLPClassifier(**common),
        "ensemble": lambda: LandscapeEnsembleClassifier(LandscapeMLPClassifier(**common)),
        "selector": lambda: LandscapeKSelector(**common),
    }[name]()


def run_one(name):
    """``check_estimator`` in this process: total and per-check CPU seconds."""
    from sklearn.utils.estimator_checks import check_estimator

    checks, last = [], [time.process_time()]

    def callback(**result):
        now = time.process_time()
        checks.append((now - last[0], result.get("check_name"), result.get("status")))
        last[0] = now

    started, cpu_started = time.perf_counter(), time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_estimator(make_estimator(name), on_fail=None, callback=callback)
    return {
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - cpu_started,
        "failed": [c for _, c, s in checks if s == "failed"],
        "checks": sorted(checks, key=lambda c: -c[0]),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--estimators", default=",".join(ESTIMATORS))
    parser.add_argument("--slowest", type=int, default=5)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_one(args.child)))
        return
    total_wall = total_cpu = 0.0
    for name in args.estimators.split(","):
        command = [sys.executable, __file__, "--child", name]
        output = subprocess.run(
            command, capture_output=True, text=True, env=os.environ, check=True
        ).stdout
        result = json.loads(output.strip().splitlines()[-1])
        total_wall += result["seconds"]
        total_cpu += result["cpu_seconds"]
        print(
            f"{name:<9} {result['seconds']:7.1f} s wall, {result['cpu_seconds']:7.1f} s CPU, "
            f"{len(result['checks'])} checks, failed: {result['failed'] or 'none'}",
            flush=True,
        )
        for seconds, check, status in result["checks"][: args.slowest]:
            print(f"    {seconds:7.1f} s CPU  {check} ({status})", flush=True)
    print(f"all      {total_wall:7.1f} s wall, {total_cpu:7.1f} s CPU (target: under 240 s)")


if __name__ == "__main__":
    main()
