"""Connection with and without permutational alignment of the endpoints.

For each case the minima come from one basin-hopping run (``connect=False``);
the connection stage then runs twice from that same set of minima (a warm
start with ``n_hops=0``), once with the objective's ``align`` and once with
the identity (the baseline, ``Objective.align``, same process):

- K-means, K = 5 on iris and K = 10 on digits (relabelled centres; digits
  only 2 connection rounds from the minima of 4 x 5 hops, its searches being
  long);
- the iris MLP, 10 tanh units, and 6 logistic units (unit permutations and
  sign flips);
- the 7 x 7 egg crate, which has no symmetry: both columns must agree.

Printed per case and variant: searches attempted, the success rate per
attempt (a verified transition state found), new transition states, the
mean cost per new transition state (connection seconds and CPU seconds, one
core), minima linked to the global minimum through transition states, and
the mean barrier ``E_ts - E_min`` of the lowest transition state found
between each pair of minima connected by both variants (lower is better:
the searches from aligned endpoints find lower passes).

Usage: ``PYTHONPATH=. python benchmarks/bench_alignment.py [--quick]``. The
machine may be shared: compare the two variants, not absolute times.
"""

import argparse
import time

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from sklearn.datasets import load_digits, load_iris
from sklearn.preprocessing import LabelBinarizer, StandardScaler
from threadpoolctl import threadpool_limits

from sklandscape import explore
from sklandscape._explore._objective import Objective
from sklandscape.cluster._kmeans_objective import KMeansObjective
from sklandscape.neural_network._mlp_objective import MLPObjective
from sklandscape.surfaces import SeparableEggCrate


def without_alignment(objective):
    """The same objective with the identity ``align`` (the baseline)."""
    cls = type(objective)
    plain = type(f"Unaligned{cls.__name__}", (cls,), {"align": Objective.align})
    copy = plain.__new__(plain)
    copy.__dict__.update(objective.__dict__)
    return copy


def cases(quick):
    iris = load_iris().data
    digits = load_digits().data
    X = StandardScaler().fit_transform(iris)
    Y = LabelBinarizer().fit_transform(load_iris().target).astype(float)
    yield "K-means iris K=5", KMeansObjective(iris, 5), 50, 20
    if not quick:
        yield "K-means digits K=10", KMeansObjective(digits, 10), 5, 2
    yield (
        "MLP iris (10,) tanh",
        MLPObjective(X, Y, (10,), activation="tanh", alpha=1e-4, output="softmax"),
        10 if quick else 25,
        20,
    )
    if not quick:
        yield (
            "MLP iris (6,) logistic",
            MLPObjective(X, Y, (6,), activation="logistic", alpha=1e-3, output="softmax"),
            25,
            20,
        )
    yield "egg crate 7x7", SeparableEggCrate(), 25, 20


def lowest_barriers(landscape):
    """Per pair of minima (keyed by rounded canonical coordinates): the lowest barrier.

    The barrier of a transition state is its energy less that of the higher
    of its two minima.
    """
    energy = landscape.minima.energy
    keys = [tuple(np.round(landscape.minima.x[i], 6)) for i in range(landscape.n_minima)]
    barriers = {}
    for (a, b), e_ts in zip(
        landscape.transition_states.minima, landscape.transition_states.energy, strict=True
    ):
        key = frozenset((keys[a], keys[b]))
        barrier = e_ts - max(energy[a], energy[b])
        barriers[key] = min(barrier, barriers.get(key, np.inf))
    return barriers


def linked_to_global(landscape):
    n = landscape.n_minima
    pairs = landscape.transition_states.minima
    graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    _, component = connected_components(graph, directed=False)
    return int(np.sum(component == component[0]))


def connect(objective, minima, seed, rounds):
    started, cpu = time.perf_counter(), time.process_time()
    landscape = explore(
        objective,
        landscape=minima,
        n_hops=0,
        n_chains=1,
        random_state=seed,
        n_jobs=1,
        max_connect_rounds=rounds,
    )
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return landscape, seconds, cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer and smaller cases")
    args = parser.parse_args()
    header = (
        f"{'case':24s} {'variant':9s} {'minima':>6s} {'tries':>5s} {'success':>7s} {'new TS':>6s} "
        f"{'s/TS':>6s} {'cpu/TS':>6s} {'linked':>6s} {'barrier':>9s}"
    )
    print(header)
    with threadpool_limits(limits=1):
        for name, objective, n_hops, rounds in cases(args.quick):
            minima = explore(objective, n_hops=n_hops, connect=False, random_state=0, n_jobs=1)
            results = {}
            for variant, current in (
                ("aligned", objective),
                ("identity", without_alignment(objective)),
            ):
                results[variant] = connect(current, minima, 1, rounds)
            shared = set(lowest_barriers(results["aligned"][0])) & set(
                lowest_barriers(results["identity"][0])
            )
            for variant, (landscape, seconds, cpu) in results.items():
                meta = landscape.metadata
                tries = meta["n_connection_attempts"]
                new = meta["n_ts_new"]
                barriers = lowest_barriers(landscape)
                mean_barrier = np.mean([barriers[k] for k in shared]) if shared else np.nan
                print(
                    f"{name:24s} {variant:9s} {landscape.n_minima:6d} {tries:5d} "
                    f"{meta['n_successful_connection_attempts'] / max(tries, 1):7.1%} {new:6d} "
                    f"{seconds / max(new, 1):6.3f} {cpu / max(new, 1):6.3f} "
                    f"{linked_to_global(landscape):6d} {mean_barrier:9.3g}",
                    flush=True,
                )
            print(f"{'':24s} ({len(shared)} pairs connected by both variants)")


if __name__ == "__main__":
    main()
