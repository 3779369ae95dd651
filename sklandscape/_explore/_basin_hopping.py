"""Basin-hopping: Metropolis Monte Carlo on the surface of local minima.

Basin-hopping (Li & Scheraga, PNAS 84, 6611, 1987; Wales & Doye, J. Phys.
Chem. A 101, 5111, 1997) replaces the energy ``E(x)`` by the transformed
surface ``E~(x) = min E`` reached by local minimisation from ``x``: a plateau
per basin of attraction. A chain repeats

1. ``trial = objective.perturb(x_current, rng, step_size)``;
2. ``minimum = local minimisation from trial`` (verified: gradient and
   Hessian index, see :func:`~._minimize.quench`);
3. accept ``minimum`` as the new current point with the Metropolis
   probability ``min(1, exp(-(E_minimum - E_current) / T))``.

Until a chain holds a minimum (its start may be NaN or not minimisable) its
steps are taken from the start point, or drawn from ``objective.random_point``
when the box is finite.

Every verified minimum a chain visits is recorded, accepted or not (it is
part of the landscape either way). Steps whose minimisation met NaN/inf are
rejected and counted, never fatal.

Chains are independent and run in parallel through
:class:`sklearn.utils.parallel.Parallel`, one task per chain; each chain owns
a :class:`numpy.random.Generator` created before dispatch, so the result does
not depend on the number of workers or the joblib backend.
"""

from dataclasses import dataclass, field

import numpy as np
from sklearn.utils.parallel import Parallel, delayed

from ._database import MinimaDatabase, minimum_record
from ._minimize import quench, single_threaded_blas

__all__ = ["ChainResult", "run_chain", "run_chains"]


@dataclass
class ChainResult:
    """What one basin-hopping chain found.

    Attributes
    ----------
    minima : list of MinimumRecord
        Distinct minima in the order the chain first found them.
    final_x : ndarray or None
        The chain's current minimum at the end (``None`` if it never had one).
    n_hops : int
        Steps taken (the initial quench is not a step).
    n_accepted : int
        Metropolis acceptances.
    n_nonfinite_rejected, n_unconverged, n_not_minimum : int
        Quenches (the initial one included) rejected because of NaN/inf,
        because the minimiser did not converge, or because the end point was
        not a verified minimum.
    n_evaluations : int
        Energy+gradient evaluations of the accepted-or-not verified quenches.
    """

    minima: list = field(default_factory=list)
    final_x: np.ndarray | None = None
    n_hops: int = 0
    n_accepted: int = 0
    n_nonfinite_rejected: int = 0
    n_unconverged: int = 0
    n_not_minimum: int = 0
    n_evaluations: int = 0


def _metropolis_accepts(trial_energy, current_energy, temperature, rng):
    """Metropolis criterion ``u < exp(-(E_trial - E_current) / T)``, u ~ U(0, 1).

    A uniform number is drawn at every call, so the stream of random numbers
    does not depend on the energies.
    """
    draw = rng.random()
    delta = trial_energy - current_energy
    if delta <= 0:
        return True
    if temperature == 0:
        return False
    return bool(np.log(draw) < -delta / temperature) if draw > 0 else True


def run_chain(objective, x_start, rng, n_hops, temperature, step_size):
    """Run one basin-hopping chain.

    Parameters
    ----------
    objective : Objective
    x_start : ndarray of shape (n_params,)
        Starting point (quenched first).
    rng : numpy.random.Generator
        The chain's own random stream.
    n_hops : int
        Number of steps.
    temperature : float
        Metropolis temperature (energy units), ``>= 0``.
    step_size : float
        Passed to ``objective.perturb``.

    Returns
    -------
    ChainResult

    Notes
    -----
    BLAS is limited to one thread while the chain runs: L-BFGS-B calls BLAS
    on tiny arrays, and a multi-threaded BLAS made it up to ~70 times slower
    on a busy two-core machine.
    """
    with single_threaded_blas():
        return _run_chain(objective, x_start, rng, n_hops, temperature, step_size)


def _run_chain(objective, x_start, rng, n_hops, temperature, step_size):
    result = ChainResult()
    database = MinimaDatabase(objective)

    def record(x):
        minimum, status = quench(objective, x)
        if status == "nonfinite":
            result.n_nonfinite_rejected += 1
        elif status == "unconverged":
            result.n_unconverged += 1
        elif status == "not_minimum":
            result.n_not_minimum += 1
        else:
            result.n_evaluations += minimum.n_evaluations
            database.add(minimum_record(objective, minimum))
        return minimum

    current = record(np.asarray(x_start, dtype=float))
    current_x = np.asarray(x_start, dtype=float) if current is None else current.x
    current_energy = np.inf if current is None else current.energy
    can_restart = objective.bounds is not None and np.all(np.isfinite(objective.bounds))
    for _ in range(n_hops):
        if current is None and can_restart:
            # no minimum yet (the start was NaN or not a minimum): try a fresh point
            trial = record(np.asarray(objective.random_point(rng), dtype=float))
        else:
            trial = record(objective.perturb(current_x, rng, step_size))
        result.n_hops += 1
        if trial is None:
            continue
        if _metropolis_accepts(trial.energy, current_energy, temperature, rng):
            current, current_x, current_energy = trial, trial.x, trial.energy
            result.n_accepted += 1
    result.minima = database.records
    result.final_x = None if current is None else np.asarray(current_x, dtype=float)
    return result


def run_chains(objective, starts, rngs, n_hops, temperature, step_size, n_jobs=None):
    """Run one chain per starting point in parallel; results in chain order.

    Each chain is one joblib task (the objective is pickled once per chain)
    and runs with BLAS limited to one thread, so that chains do not
    oversubscribe the cores and every backend computes bit-identical numbers.

    Parameters
    ----------
    objective : Objective
    starts : sequence of ndarray
        Starting point of each chain.
    rngs : sequence of numpy.random.Generator
        Random stream of each chain, created before dispatch.
    n_hops, temperature, step_size
        See :func:`run_chain`.
    n_jobs : int or None
        joblib ``n_jobs``.

    Returns
    -------
    list of ChainResult
    """
    with single_threaded_blas():
        return Parallel(n_jobs=n_jobs)(
            delayed(run_chain)(objective, start, rng, n_hops, temperature, step_size)
            for start, rng in zip(starts, rngs, strict=True)
        )
