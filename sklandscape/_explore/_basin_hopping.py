r"""Basin-hopping: Metropolis Monte Carlo on the surface of local minima.

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

**Adaptive step** (as GMIN and :func:`scipy.optimize.basinhopping` do). The
``step_size`` given is the initial step ``s``. Every :data:`ADJUST_INTERVAL`
hops the chain compares its Metropolis acceptance ratio ``a`` over those hops
with :data:`TARGET_ACCEPTANCE` and rescales

.. math::

    s \leftarrow s \, \exp\bigl(\kappa (a - a^*)\bigr), \qquad \kappa = \mathtt{ADAPT\_GAIN},

clipped to ``[s_0 / 100, 100 s_0]`` and to the widest side of a finite box.
A ratio near 1 means most steps fall back into the current basin (or into
one of the same energy), so the step grows; a ratio near 0 means steps land
in high basins the criterion refuses, so it shrinks. The rule uses no random
number: a chain stays a pure function of its own generator.

**Jumps**. A chain that has found no minimum new to it for
:data:`JUMP_PATIENCE` hops is circling in a region it knows: it jumps, taking
the quench of ``objective.random_point`` as its new current minimum without
the Metropolis test (a random restart, GMIN's "reseeding"), or, when the
objective has no way to draw a point (an unbounded plain function), of a
step :data:`JUMP_STEP_FACTOR` times the current one.

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
from ._objective import Objective

__all__ = ["ChainResult", "run_chain", "run_chains"]

#: Metropolis acceptance ratio the adaptive step aims at (GMIN and scipy use 0.5).
TARGET_ACCEPTANCE = 0.5
#: Hops between two step adjustments.
ADJUST_INTERVAL = 10
#: ``kappa`` of the step update ``s <- s exp(kappa (a - a*))``: at most a factor
#: ``exp(0.4) = 1.49`` per interval, so the step can grow fivefold in 40 hops.
ADAPT_GAIN = 0.8
#: The step stays within this factor of its initial value.
STEP_RANGE = 100.0
#: Hops without a minimum new to the chain before it jumps.
JUMP_PATIENCE = 20
#: A jump without ``random_point`` is one step this many times the current step.
JUMP_STEP_FACTOR = 5.0


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
    step_size : float or None
        The adapted step at the end of the chain.
    n_jumps : int
        Jumps taken after :data:`JUMP_PATIENCE` hops without a new minimum.
    """

    minima: list = field(default_factory=list)
    final_x: np.ndarray | None = None
    n_hops: int = 0
    n_accepted: int = 0
    n_nonfinite_rejected: int = 0
    n_unconverged: int = 0
    n_not_minimum: int = 0
    n_evaluations: int = 0
    step_size: float | None = None
    n_jumps: int = 0


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
        Initial step passed to ``objective.perturb``, then adapted (see the
        module notes).

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
        """Quench ``x``; return ``(minimum or None, whether it is new to the chain)``."""
        minimum, status = quench(objective, x)
        if status == "nonfinite":
            result.n_nonfinite_rejected += 1
        elif status == "unconverged":
            result.n_unconverged += 1
        elif status == "not_minimum":
            result.n_not_minimum += 1
        else:
            result.n_evaluations += minimum.n_evaluations
            return minimum, database.add(minimum_record(objective, minimum))[1]
        return None, False

    current, _ = record(np.asarray(x_start, dtype=float))
    current_x = np.asarray(x_start, dtype=float) if current is None else current.x
    current_energy = np.inf if current is None else current.energy
    can_draw = _can_draw_points(objective)
    step = _StepController(objective, step_size)
    since_new = 0
    for _ in range(n_hops):
        jump = current is not None and since_new >= JUMP_PATIENCE
        if (current is None or jump) and can_draw:
            # no minimum yet, or circling: start afresh from a random point
            trial, is_new = record(np.asarray(objective.random_point(rng), dtype=float))
        else:
            size = step.size * (JUMP_STEP_FACTOR if jump else 1.0)
            trial, is_new = record(objective.perturb(current_x, rng, size))
        result.n_hops += 1
        result.n_jumps += jump
        since_new = 0 if (is_new or jump) else since_new + 1
        accepted = False
        if trial is not None:
            accepted = jump or _metropolis_accepts(trial.energy, current_energy, temperature, rng)
        if accepted:
            current, current_x, current_energy = trial, trial.x, trial.energy
            result.n_accepted += 1
        if not jump:
            step.record(accepted)
    result.minima = database.records
    result.final_x = None if current is None else np.asarray(current_x, dtype=float)
    result.step_size = step.size
    return result


def _can_draw_points(objective):
    """Whether ``objective.random_point`` can draw: finite bounds, or an override."""
    if type(objective).random_point is not Objective.random_point:
        return True
    return objective.bounds is not None and bool(np.all(np.isfinite(objective.bounds)))


class _StepController:
    """The adaptive step: ``s <- s exp(kappa (a - a*))`` every ``ADJUST_INTERVAL`` hops."""

    def __init__(self, objective, initial):
        self.size = float(initial)
        self._low = self.size / STEP_RANGE
        self._high = self.size * STEP_RANGE
        if objective.bounds is not None:
            widths = objective.bounds[:, 1] - objective.bounds[:, 0]
            if np.all(np.isfinite(widths)):
                self._high = max(self.size, min(self._high, float(np.max(widths))))
        self._hops = 0
        self._accepted = 0

    def record(self, accepted):
        self._hops += 1
        self._accepted += bool(accepted)
        if self._hops == ADJUST_INTERVAL:
            ratio = self._accepted / self._hops
            factor = np.exp(ADAPT_GAIN * (ratio - TARGET_ACCEPTANCE))
            self.size = float(np.clip(self.size * factor, self._low, self._high))
            self._hops = self._accepted = 0


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
