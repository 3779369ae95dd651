"""Benchmark of the exploration engine.

1. explore() on the analytic surfaces of :mod:`sklandscape.surfaces`: minima
   and transition states found, and wall time (median of repeats, one core).
   The goal: the complete landscape of the 7 x 7 separable egg crate (49
   minima, 84 transition states) in under a second.
2. Database insertion cost against the number of stored minima (1e3, 1e4,
   1e5 synthetic minima): the energy-binned hash must keep the cost per
   insertion flat, where a linear scan (the baseline, timed in the same
   process) grows linearly.

Run: ``python benchmarks/bench_explore.py [--quick]``.
"""

import argparse
import statistics
import time

import numpy as np
from threadpoolctl import threadpool_limits

from sklandscape import explore
from sklandscape._explore._database import MinimaDatabase, MinimumRecord
from sklandscape._explore._objective import Objective
from sklandscape.surfaces import DoubleWell1D, MullerBrown, SeparableEggCrate, TwoGaussians


def median_time(function, repeats):
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def bench_surfaces(repeats, connect):
    cases = [
        ("MullerBrown", MullerBrown(), dict(n_hops=30, n_chains=2), (3, 2)),
        ("TwoGaussians", TwoGaussians(), dict(n_hops=10, n_chains=2), (2, 1)),
        ("DoubleWell1D", DoubleWell1D(), dict(n_hops=10, n_chains=2), (2, 1)),
        ("SeparableEggCrate 7x7", SeparableEggCrate(), dict(n_hops=150, n_chains=4), (49, 84)),
    ]
    print(f"\nexplore(connect={connect}), n_jobs=1, median of {repeats}")
    print(f"{'surface':<24}{'minima':>12}{'TS':>12}{'seconds':>10}")
    for name, surface, kwargs, (n_min, n_ts) in cases:
        seconds, landscape = median_time(
            lambda s=surface, k=kwargs: explore(s, connect=connect, random_state=0, n_jobs=1, **k),
            repeats,
        )
        ts = f"{landscape.n_transition_states}/{n_ts}" if connect else "-"
        print(f"{name:<24}{f'{landscape.n_minima}/{n_min}':>12}{ts:>12}{seconds:>10.3f}")


class Plane(Objective):
    """A stand-in objective: only its tolerances and distance matter here."""

    def value_and_grad(self, x):  # pragma: no cover - never evaluated
        raise NotImplementedError


def synthetic_records(n, rng):
    energies = rng.normal(scale=10.0, size=n)
    positions = rng.uniform(-10, 10, size=(n, 3))
    return [
        MinimumRecord(p, float(e), 0.0, 1.0, 1.0, 3.0)
        for p, e in zip(positions, energies, strict=True)
    ]


def linear_scan_insert(objective, stored, new):
    """Baseline: compare each new minimum with every stored one (vectorised numpy scan).

    Returns the seconds spent inserting ``new`` into a table pre-filled with ``stored``.
    """
    n = len(stored)
    energies = np.empty(n + len(new))
    positions = np.empty((n + len(new), 3))
    energies[:n] = [r.energy for r in stored]
    positions[:n] = [r.x for r in stored]
    tolerance = objective.position_tolerance()
    start = time.perf_counter()
    for record in new:
        close = np.abs(energies[:n] - record.energy) <= objective.energy_tolerance(record.energy)
        close &= np.linalg.norm(positions[:n] - record.x, axis=1) <= tolerance
        if not close.any():
            energies[n], positions[n] = record.energy, record.x
            n += 1
    return time.perf_counter() - start


def bench_database(sizes, probe=2000):
    """Microseconds per insertion of ``probe`` new minima into a database of n minima."""
    objective = Plane(3)
    rng = np.random.default_rng(0)
    print(f"\ndatabase: microseconds per insertion of {probe} minima into n stored minima")
    print(f"{'n':>8}{'binned hash':>14}{'linear scan':>14}{'ratio':>8}")
    costs = {}
    for n in sizes:
        stored = synthetic_records(n, rng)
        new = synthetic_records(probe, rng)
        database = MinimaDatabase(objective)
        for record in stored:
            database.add(record)
        start = time.perf_counter()
        for record in new:
            database.add(record)
        hashed = (time.perf_counter() - start) / probe * 1e6
        assert len(database) == n + probe
        scan = linear_scan_insert(objective, stored, new) / probe * 1e6
        costs[n] = (hashed, scan)
        print(f"{n:>8}{hashed:>14.1f}{scan:>14.1f}{scan / hashed:>8.1f}")
    first, last = costs[sizes[0]], costs[sizes[-1]]
    print(
        f"growth from n={sizes[0]} to n={sizes[-1]}: binned hash x{last[0] / first[0]:.2f}, "
        f"linear scan x{last[1] / first[1]:.2f}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, smaller databases")
    parser.add_argument("--no-connect", action="store_true", help="basin-hopping only")
    args = parser.parse_args()
    repeats = 3 if args.quick else 5
    with threadpool_limits(limits=1, user_api="blas"):
        bench_surfaces(repeats, connect=False)
        if not args.no_connect:
            bench_surfaces(repeats, connect=True)
        bench_database([1000, 10_000] if args.quick else [1000, 10_000, 100_000])


if __name__ == "__main__":
    main()
