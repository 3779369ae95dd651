"""Default ``LandscapeMLPClassifier`` fits on small data: the elastic band's images in one pass.

On small data an MLP energy and gradient costs little more arithmetic than
the interpreter's overhead of one call, and much of a fit's connection stage
is elastic-band relaxation: ten images evaluated per band iteration.
``MLPObjective.values_and_grads`` evaluates all images in one batched
forward and backward pass (below ``BATCHED_MAX_CELLS``); the baseline, in
the same process, is the row-by-row evaluation of ``Objective.values_and_grads``.
The variants alternate fit by fit; the machine may be shared, so compare
them, not absolute times.

Cases (none was used to choose the threshold, which comes from timing one
band evaluation): ``make_blobs`` data of the sizes scikit-learn's
``check_estimator`` fits (30 and 300 points), standardised iris and wine,
``LandscapeMLPClassifier(n_hops=5, random_state=seed)`` otherwise at defaults,
one core. Printed per case: the median CPU time of a fit for each variant,
their ratio, and how far apart the two landscapes are (the batched products
may round differently, and a band relaxed from them may end elsewhere).

Usage: ``PYTHONPATH=. python benchmarks/bench_mlp_band.py [--seeds 3]``.
"""

import argparse
import statistics
import time
import warnings
from contextlib import contextmanager

import numpy as np
from sklearn.datasets import load_iris, load_wine, make_blobs
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from sklandscape import LandscapeMLPClassifier
from sklandscape._explore._objective import Objective
from sklandscape.neural_network._mlp_objective import MLPObjective


def cases():
    """``(name, X, y)`` of every case."""
    X, y = make_blobs(30, n_features=3, centers=2, random_state=0)
    yield "blobs 30 x 3, 2 classes", X, y
    X, y = make_blobs(300, random_state=0)
    yield "blobs 300 x 2, 3 classes", StandardScaler().fit_transform(X), y
    X, y = load_iris(return_X_y=True)
    yield "iris (standardised)", StandardScaler().fit_transform(X), y
    X, y = load_wine(return_X_y=True)
    yield "wine (standardised)", StandardScaler().fit_transform(X), y


@contextmanager
def row_by_row():
    """The baseline: MLPObjective evaluates band images one call per row."""
    batched = MLPObjective.values_and_grads
    MLPObjective.values_and_grads = Objective.values_and_grads
    try:
        yield
    finally:
        MLPObjective.values_and_grads = batched


def timed_fit(X, y, seed):
    start = time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = LandscapeMLPClassifier(n_hops=5, random_state=seed).fit(X, y)
    landscape = model.landscape_
    energies = (landscape.minima.energy.copy(), landscape.transition_states.energy.copy())
    return time.process_time() - start, energies


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    print(
        f"LandscapeMLPClassifier(n_hops=5) at defaults, one core; median CPU of {args.seeds} seeds"
    )
    print(f"{'case':<28}{'row by row':>12}{'batched':>12}{'ratio':>8}{'landscapes':>22}")
    with threadpool_limits(1):
        for name, X, y in cases():
            times = {"rows": [], "batched": []}
            gaps = []
            for seed in range(args.seeds):
                with row_by_row():
                    seconds, baseline = timed_fit(X, y, seed)
                times["rows"].append(seconds)
                seconds, result = timed_fit(X, y, seed)
                times["batched"].append(seconds)
                same_shape = all(a.size == b.size for a, b in zip(baseline, result, strict=True))
                gaps.append(
                    max(
                        float(np.max(np.abs(a - b), initial=0))
                        for a, b in zip(baseline, result, strict=True)
                    )
                    if same_shape
                    else None
                )
            rows, batched = (statistics.median(times[key]) for key in ("rows", "batched"))
            differing = sum(gap is None for gap in gaps)
            largest = max((gap for gap in gaps if gap is not None), default=0.0)
            summary = f"max |dE| {largest:.1e}" + (f", {differing} differ" if differing else "")
            print(f"{name:<28}{rows:>11.2f}s{batched:>11.2f}s{rows / batched:>7.2f}x{summary:>22}")


if __name__ == "__main__":
    main()
