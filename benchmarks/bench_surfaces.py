"""Completeness of explore() on standard 2-D test surfaces with known stationary points.

For every surface of :mod:`sklandscape.surfaces` whose minima and transition
states are tabulated (``known_minima``, ``known_transition_states``):
six-hump camel, Himmelblau, Müller-Brown, the bounded double well, Schwefel
and Rastrigin, ``explore(surface, random_state=seed)`` runs with default
settings (4 chains of 100 hops, connection on) for ``--seeds`` seeds. A
landscape is **complete** when it holds every known minimum (those on a
bound included) and every transition state joining two interior minima;
the script prints the fraction of complete landscapes, the mean fractions
of minima and such transition states found, and the median time.

Baselines, in the same process: the same engine without single-ended
searches (``single_ended=0``, the engine of before them), and with neither
them nor the adaptive step and jumps (``ADAPT_GAIN = 0``,
``JUMP_PATIENCE = inf``: the basin-hopping of before the adaptive step).
Run on one core; the machine may be shared, so compare the columns, not
absolute times.

Usage: ``PYTHONPATH=. python benchmarks/bench_surfaces.py [--seeds 10] [--first-seed 0]
[--hops 100] [--surfaces SixHumpCamel Himmelblau ...]``.
"""

import argparse
import statistics
import time
from contextlib import contextmanager

import numpy as np
from threadpoolctl import threadpool_limits

from sklandscape import explore
from sklandscape._explore import _basin_hopping
from sklandscape.surfaces import (
    BoundedDoubleWell,
    Himmelblau,
    MullerBrown,
    Rastrigin,
    Schwefel,
    SixHumpCamel,
)

SURFACES = {
    "SixHumpCamel": SixHumpCamel,
    "Himmelblau": Himmelblau,
    "MullerBrown": MullerBrown,
    "BoundedDoubleWell": BoundedDoubleWell,
    "Schwefel": Schwefel,
    "Rastrigin": Rastrigin,
}
#: A point is found when a landscape point lies within this fraction of the box size.
MATCH_FRACTION = 1e-4


@contextmanager
def fixed_step():
    """The baseline: no step adaptation, no jumps."""
    saved = _basin_hopping.ADAPT_GAIN, _basin_hopping.JUMP_PATIENCE
    _basin_hopping.ADAPT_GAIN, _basin_hopping.JUMP_PATIENCE = 0.0, np.inf
    try:
        yield
    finally:
        _basin_hopping.ADAPT_GAIN, _basin_hopping.JUMP_PATIENCE = saved


def required_transition_states(surface):
    """Known transition states both of whose minima (by steepest descent) are interior."""
    low, high = surface.bounds[:, 0], surface.bounds[:, 1]
    required = []
    for ts in surface.known_transition_states():
        eigenvalues, vectors = np.linalg.eigh(surface.hessian(ts))
        ends = []
        for sign in (1.0, -1.0):
            start = ts + sign * 1e-3 * surface.length_scale * vectors[:, 0]
            ends.append(surface.local_minimize(start).x)
        if all(np.all((end > low + 1e-9) & (end < high - 1e-9)) for end in ends):
            required.append(ts)
    return np.array(required).reshape(-1, surface.n_params)


def fraction_found(known, found, tolerance):
    if len(known) == 0:
        return 1.0
    if len(found) == 0:
        return 0.0
    distances = np.linalg.norm(known[:, None, :] - found[None, :, :], axis=2)
    return float(np.mean(distances.min(axis=1) <= tolerance))


def run(surface, seeds, n_hops, **options):
    tolerance = MATCH_FRACTION * surface.length_scale * np.sqrt(surface.n_params)
    minima, states = surface.known_minima(), required_transition_states(surface)
    rows = []
    for seed in seeds:
        started = time.perf_counter()
        landscape = explore(surface, n_hops=n_hops, random_state=seed, n_jobs=1, **options)
        seconds = time.perf_counter() - started
        found_min = fraction_found(minima, landscape.minima.x, tolerance)
        found_ts = fraction_found(states, landscape.transition_states.x, tolerance)
        rows.append((found_min, found_ts, seconds))
    rows = np.array(rows)
    complete = float(np.mean((rows[:, 0] == 1) & (rows[:, 1] == 1)))
    return complete, rows[:, 0].mean(), rows[:, 1].mean(), statistics.median(rows[:, 2])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--hops", type=int, default=100)
    parser.add_argument("--surfaces", nargs="*", default=list(SURFACES))
    args = parser.parse_args()
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    print(
        f"explore(surface, n_hops={args.hops}, n_chains=4, connect=True), "
        f"seeds {seeds.start}..{seeds.stop - 1}, one core; columns: complete, minima, TS, time"
    )
    print(
        f"{'surface':18s} {'min':>4s} {'TS':>4s} | {'default':^29s} | "
        f"{'single_ended=0':^29s} | {'single_ended=0, fixed step':^29s}"
    )
    with threadpool_limits(limits=1):
        for name in args.surfaces:
            surface = SURFACES[name]()
            columns = [
                run(surface, seeds, args.hops),
                run(surface, seeds, args.hops, single_ended=0),
            ]
            with fixed_step():
                columns.append(run(surface, seeds, args.hops, single_ended=0))
            cells = " | ".join(
                f"{c[0]:6.0%} {c[1]:7.1%} {c[2]:6.1%} {c[3]:6.2f}s" for c in columns
            )
            print(
                f"{name:18s} {len(surface.known_minima()):4d} "
                f"{len(required_transition_states(surface)):4d} | {cells}",
                flush=True,
            )


if __name__ == "__main__":
    main()
