"""Benchmark of the transition-state machinery (DNEB + eigenvector following + pushoff).

1. ``find_connections`` between neighbouring minima of analytic surfaces and of
   the iris MLP loss (83 parameters, exact Hessian): median milliseconds per
   attempt, energy+gradient evaluations per attempt, and the ratio to one
   local minimisation (``objective.local_minimize`` from a perturbed minimum),
   the baseline, timed in the same process. Goals: a few ms per attempt on a
   2-d surface, so that the complete 7 x 7 egg crate (84 transition states)
   fits in a second with basin-hopping; ~0.1 s on the MLP, so that 100
   transition states take well under a minute.
2. ``select_pairs`` for 1e3 - 1e4 minima (k-d tree) against the brute-force
   distance matrix it avoids (the baseline, same process).

Run: ``python benchmarks/bench_transition_states.py [--quick]``.
"""

import argparse
import statistics
import time

import numpy as np
from threadpoolctl import threadpool_limits

from sklandscape._explore import FunctionObjective
from sklandscape._explore._connect import select_pairs
from sklandscape._explore._minimize import minimize_and_verify
from sklandscape._explore._transition_state import find_connections
from sklandscape.surfaces import MullerBrown, SeparableEggCrate


class CountingObjective:
    """Wraps an objective and counts value_and_grad / value calls."""

    def __init__(self, objective):
        self.__dict__["_objective"] = objective
        self.__dict__["n_evaluations"] = 0

    def __getattr__(self, name):
        return getattr(self._objective, name)

    def value_and_grad(self, x):
        self.__dict__["n_evaluations"] += 1
        return self._objective.value_and_grad(x)

    def value(self, x):
        self.__dict__["n_evaluations"] += 1
        return self._objective.value(x)


def egg_crate_pairs():
    surface = SeparableEggCrate()
    wells = [-2.986, -1.991, -0.996, -0.001, 0.994, 1.989, 2.984]
    minima = {
        (i, j): minimize_and_verify(surface, np.array([wells[i], wells[j]])).x
        for i in range(7)
        for j in range(7)
    }
    pairs = [(minima[i, j], minima[i, j + 1]) for i in range(7) for j in range(6)]
    pairs += [(minima[j, i], minima[j + 1, i]) for i in range(7) for j in range(6)]
    return surface, pairs


def muller_brown_pairs():
    surface = MullerBrown()
    guesses = ([-0.558, 1.442], [0.623, 0.028], [-0.050, 0.467])
    a, b, c = (minimize_and_verify(surface, np.array(g)).x for g in guesses)
    return surface, [(a, c), (c, b), (a, b)]


def mlp_pairs(n_pairs):
    from sklearn.datasets import load_iris
    from sklearn.preprocessing import LabelBinarizer, StandardScaler

    from sklandscape.neural_network._mlp_objective import MLPObjective

    X, y = load_iris(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    Y = LabelBinarizer().fit_transform(y).astype(float)
    objective = MLPObjective(X, Y, (10,), activation="tanh", alpha=1e-4, output="softmax")
    rng = np.random.default_rng(0)
    minima = []
    while len(minima) < n_pairs + 1:
        found = minimize_and_verify(objective, objective.random_point(rng))
        if found is None:
            continue
        x = objective.canonical(found.x)  # as explore() stores them
        if all(np.linalg.norm(x - other) > 1e-3 for other in minima):
            minima.append(x)
    minima = np.array(minima)
    distances = np.linalg.norm(minima[:, None] - minima[None], axis=2)
    np.fill_diagonal(distances, np.inf)
    return objective, [(minima[i], minima[int(np.argmin(distances[i]))]) for i in range(n_pairs)]


def bench_connections(cases):
    print("\nfind_connections, one core: median per attempt; baseline = one local minimisation")
    print(
        f"{'surface':<22}{'attempts':>9}{'TS':>5}{'ms':>9}{'evals':>8}"
        f"{'baseline ms':>13}{'ratio':>8}"
    )
    for name, (objective, pairs) in cases:
        counting = CountingObjective(objective)
        times, evaluations, n_ts = [], [], 0
        for k, (x_a, x_b) in enumerate(pairs):
            counting.__dict__["n_evaluations"] = 0
            start = time.perf_counter()
            n_ts += len(find_connections(counting, x_a, x_b, k))
            times.append(time.perf_counter() - start)
            evaluations.append(counting.n_evaluations)
        rng = np.random.default_rng(1)
        baseline = []
        for x_a, x_b in pairs:
            start_point = x_a + 0.1 * (x_b - x_a) * rng.uniform()
            start = time.perf_counter()
            objective.local_minimize(start_point)
            baseline.append(time.perf_counter() - start)
        ms, base = statistics.median(times) * 1e3, statistics.median(baseline) * 1e3
        print(
            f"{name:<22}{len(pairs):>9}{n_ts:>5}{ms:>9.2f}{statistics.median(evaluations):>8.0f}"
            f"{base:>13.2f}{ms / base:>8.1f}"
        )


def bench_select_pairs(sizes):
    objective = FunctionObjective(lambda x: 0.0, 3)
    print("\nselect_pairs (n_neighbors=5): seconds; baseline = the n x n distance matrix")
    print(f"{'n':>8}{'pairs':>8}{'select_pairs':>14}{'distances':>12}{'ratio':>8}")
    for n in sizes:
        rng = np.random.default_rng(0)
        x, energy = rng.uniform(size=(n, 3)), rng.uniform(size=n)
        start = time.perf_counter()
        pairs = select_pairs(x, energy, [], set(), objective)
        selected = time.perf_counter() - start
        start = time.perf_counter()
        np.sqrt(((x[:, None, :] - x[None, :, :]) ** 2).sum(axis=2))
        matrix = time.perf_counter() - start
        print(f"{n:>8}{len(pairs):>8}{selected:>14.3f}{matrix:>12.3f}{selected / matrix:>8.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer MLP pairs and sizes")
    args = parser.parse_args()
    with threadpool_limits(limits=1):
        cases = [
            ("Muller-Brown", muller_brown_pairs()),
            ("egg crate neighbours", egg_crate_pairs()),
            ("MLP iris (83 params)", mlp_pairs(5 if args.quick else 20)),
        ]
        bench_connections(cases)
        bench_select_pairs([1000, 3000] if args.quick else [1000, 3000, 10000])


if __name__ == "__main__":
    main()
