"""Benchmark of the exploration engine.

1. explore() on the analytic surfaces of :mod:`sklandscape.surfaces`: minima
   and transition states found (of the known numbers) and time, median of
   repeats with ``n_jobs=1`` (wall clock and CPU time of this process; the
   machine may be shared). The goal: the complete landscape of the 7 x 7
   separable egg crate (49 minima, 84 transition states) in under a second
   on one core.
2. Local minimisation: the step-limited L-BFGS of ``local_minimize`` against
   scipy's L-BFGS-B (the baseline, same process) from the same random
   starts: CPU time, evaluations, and how often the quench leaves the basin
   of its start (egg crate: the basins are the grid cells).
3. Database insertion cost against the number of stored minima (1e3, 1e4,
   1e5 synthetic minima): the energy-binned hash must keep the cost per
   insertion flat, where a linear scan (the baseline) grows linearly.

Run: ``PYTHONPATH=. python benchmarks/bench_explore.py [--quick]``.
"""

import argparse
import statistics
import time

import numpy as np
from scipy.optimize import minimize
from threadpoolctl import threadpool_limits

from sklandscape import explore
from sklandscape._explore._database import MinimaDatabase, MinimumRecord
from sklandscape._explore._minimize import local_minimize
from sklandscape._explore._objective import Objective
from sklandscape.surfaces import DoubleWell1D, MullerBrown, SeparableEggCrate, TwoGaussians


def median_times(function, repeats):
    """Median wall-clock and CPU seconds of ``function()``, and its last result."""
    wall, cpu, result = [], [], None
    for _ in range(repeats):
        start_wall, start_cpu = time.perf_counter(), time.process_time()
        result = function()
        wall.append(time.perf_counter() - start_wall)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu), result


def bench_surfaces(repeats, connect):
    cases = [
        ("MullerBrown", MullerBrown(), dict(n_hops=30, n_chains=2), (3, 2)),
        ("TwoGaussians", TwoGaussians(), dict(n_hops=10, n_chains=2), (2, 1)),
        ("DoubleWell1D", DoubleWell1D(), dict(n_hops=10, n_chains=2), (2, 1)),
        ("SeparableEggCrate 7x7", SeparableEggCrate(), dict(n_hops=250, n_chains=4), (49, 84)),
    ]
    print(f"\nexplore(connect={connect}), n_jobs=1, median of {repeats} (random_state=0)")
    print(f"{'surface':<24}{'minima':>9}{'TS':>9}{'wall s':>9}{'CPU s':>9}")
    for name, surface, kwargs, (n_min, n_ts) in cases:
        wall, cpu, landscape = median_times(
            lambda s=surface, k=kwargs: explore(s, connect=connect, random_state=0, n_jobs=1, **k),
            repeats,
        )
        ts = f"{landscape.n_transition_states}/{n_ts}" if connect else "-"
        print(f"{name:<24}{f'{landscape.n_minima}/{n_min}':>9}{ts:>9}{wall:>9.3f}{cpu:>9.3f}")


def scipy_lbfgsb(objective, x0):
    """The baseline quench: scipy L-BFGS-B to the same gradient tolerance."""
    result = minimize(
        objective.value_and_grad,
        x0,
        jac=True,
        method="L-BFGS-B",
        bounds=objective.bounds,
        options={"gtol": objective.gtol, "ftol": 0.0, "maxcor": 20},
    )
    return result.x, result.nfev


def bench_local_minimisation(n_starts):
    surface = SeparableEggCrate()
    wells = np.arange(surface.n_wells) - (surface.n_wells - 1) / 2
    starts = np.random.default_rng(0).uniform(*surface.bounds[0], size=(n_starts, 2))
    inside = np.all(np.abs(starts - np.round(starts)) < 0.45, axis=1)  # clear of the ridges

    def leaps(ends):
        nearest = wells[np.abs(wells[:, None, None] - ends[None]).argmin(axis=0)]
        return int(np.sum(np.any(nearest != np.round(starts), axis=1) & inside))

    def ours():
        results = [local_minimize(surface, x) for x in starts]
        return np.array([r.x for r in results]), np.mean([r.n_evaluations for r in results])

    def baseline():
        results = [scipy_lbfgsb(surface, x) for x in starts]
        return np.array([r[0] for r in results]), np.mean([r[1] for r in results])

    print(f"\nlocal minimisation on the egg crate, {n_starts} random starts ({inside.sum()} clear")
    print("of the ridges): CPU per quench, evaluations, quenches leaving their start's cell")
    for name, function in (("scipy L-BFGS-B", baseline), ("step-limited L-BFGS", ours)):
        _, cpu, (ends, evaluations) = median_times(function, 3)
        print(
            f"{name:<22}{cpu / n_starts * 1e6:>8.0f} us{evaluations:>8.1f} evals"
            f"{leaps(ends):>6d} leaps"
        )


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

    Returns the CPU seconds spent inserting ``new`` into a table pre-filled with ``stored``.
    """
    n = len(stored)
    energies = np.empty(n + len(new))
    positions = np.empty((n + len(new), 3))
    energies[:n] = [r.energy for r in stored]
    positions[:n] = [r.x for r in stored]
    tolerance = objective.position_tolerance()
    start = time.process_time()
    for record in new:
        close = np.abs(energies[:n] - record.energy) <= objective.energy_tolerance(record.energy)
        close &= np.linalg.norm(positions[:n] - record.x, axis=1) <= tolerance
        if not close.any():
            energies[n], positions[n] = record.energy, record.x
            n += 1
    return time.process_time() - start


def bench_database(sizes, probe=2000):
    """Microseconds per insertion of ``probe`` new minima into a database of n minima."""
    objective = Plane(3)
    rng = np.random.default_rng(0)
    print(f"\ndatabase: CPU microseconds per insertion of {probe} minima into n stored minima")
    print(f"{'n':>8}{'binned hash':>14}{'linear scan':>14}{'ratio':>8}")
    costs = {}
    for n in sizes:
        stored = synthetic_records(n, rng)
        new = synthetic_records(probe, rng)
        database = MinimaDatabase(objective)
        for record in stored:
            database.add(record)
        start = time.process_time()
        for record in new:
            database.add(record)
        hashed = (time.process_time() - start) / probe * 1e6
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
        bench_local_minimisation(500 if args.quick else 2000)
        bench_database([1000, 10_000] if args.quick else [1000, 10_000, 100_000])


if __name__ == "__main__":
    main()
