r"""Single-ended transition-state searches: uphill from a minimum along its softest modes.

Double-ended searches only join minima that basin-hopping already found. On
lattice-like surfaces (Rastrigin, Schwefel, egg crates) most minima sit in
small basins a chain seldom visits, but every one of them is a neighbour of
a minimum it did visit. Single-ended searches find those neighbours from
the minimum alone, as OPTIM does (Wales, *Energy Landscapes*, 2003, §6.2;
Munro & Wales, Phys. Rev. B 59, 3969, 1999):

1. at a verified minimum ``x_m`` with Hessian modes ``v_1, v_2, ...`` (ascending
   eigenvalues), for each of the ``n_modes`` softest and both signs
   ``s = +-1``, walk uphill along the line ``x_m + s t v_j``, ``t = h, 2h,
   ...`` (``h = SCAN_FRACTION * length_scale``), to the first point where the
   energy stops rising: the line has crossed the ridge into a neighbouring
   basin (or reached the bound);
2. refine that line maximum into an index-one saddle by hybrid eigenvector
   following (:func:`._transition_state.hybrid_eigenvector_following`), which
   steps uphill along the lowest Hessian mode and minimises in the others;
3. keep it only if :func:`._minimize.verify_stationary_point` finds exactly
   one negative eigenvalue, and descend both ways along that eigenvector to
   the two minima it joins (:func:`._transition_state.pushoff`); the
   connection counts when they differ.

The line scan replaces the first, uphill stage of mode following: eigenvector
following started at a minimum always follows the softest mode, so a search
along the second mode would fall back to the minimum; started near the ridge
it converges to the saddle on it, as it does from the highest image of an
elastic band.

The searches use no random number for objectives of at most
``objective.exact_hessian_max_params`` parameters (exact Hessians); beyond, the
Rayleigh-Ritz start vectors come from the generator passed in.
"""

import logging

import numpy as np
from joblib import effective_n_jobs
from sklearn.utils.parallel import Parallel, delayed

from ._budget import focus_indices
from ._minimize import NonFiniteEnergyError, single_threaded_blas, verify_stationary_point
from ._transition_state import (
    PUSHOFF_FRACTION,
    Connection,
    _distinct_minima,
    _same_point,
    hybrid_eigenvector_following,
    pushoff,
)

__all__ = ["line_maximum", "run_single_ended", "single_ended_connections"]

logger = logging.getLogger("sklandscape")

#: Step of the uphill line scan, as a fraction of ``objective.length_scale``.
SCAN_FRACTION = 0.01
#: Longest line scanned, in steps (half the length scale at the default fraction).
MAX_SCAN_STEPS = 50
#: Eigenvector-following iterations from a line maximum.
MAX_HEF_ITERATIONS = 100


def single_ended_connections(objective, x_min, rng=None, *, n_modes=2):
    """Transition states next to one minimum, found uphill along its softest modes.

    Parameters
    ----------
    objective : Objective
        A smooth objective (``objective.smooth``).
    x_min : ndarray of shape (n_params,)
        A minimum; it is verified first (its Hessian modes, ascending, with
        the ``objective.n_zero_modes`` zero modes skipped).
    rng : numpy.random.Generator, int or None
        Rayleigh-Ritz start vectors of the hybrid path (large objectives).
    n_modes : int, default=2
        Softest modes searched, each in both directions (``2 * n_modes``
        searches).

    Returns
    -------
    list of Connection
        Distinct verified transition states with the minima their pushoffs
        reach (the starting minimum is usually one of them); empty when
        ``x_min`` does not verify as a minimum.
    """
    rng = np.random.default_rng(rng)
    x_min = np.asarray(x_min, dtype=float)
    point = verify_stationary_point(objective, x_min, index=0)
    if point is None:
        return []
    first = objective.n_zero_modes
    modes = point.eigenvectors[:, first : first + n_modes]
    step = SCAN_FRACTION * objective.length_scale
    connections = []
    for j in range(modes.shape[1]):
        for sign in (1.0, -1.0):
            try:
                connection = _search_along(objective, x_min, sign * modes[:, j], step, rng)
            except NonFiniteEnergyError:
                continue
            if connection is not None and not any(
                _same_point(objective, connection.ts_x, connection.ts_energy, c.ts_x, c.ts_energy)
                for c in connections
            ):
                connections.append(connection)
    return connections


def line_maximum(objective, x_min, direction, step):
    """The first local maximum of the energy on ``x_min + t d``, ``t = step, 2 step, ...``.

    Returns ``None`` when the energy never drops within :data:`MAX_SCAN_STEPS`
    steps or the line leaves the box before it does (then the mode leads to
    a bound, not to a neighbouring basin).
    """
    direction = np.asarray(direction, dtype=float)
    direction = direction / np.linalg.norm(direction)
    previous_x, previous = x_min, objective.value(x_min)
    for k in range(1, MAX_SCAN_STEPS + 1):
        trial = x_min + k * step * direction
        if not np.array_equal(objective.project_into_bounds(trial), trial):
            return None
        energy = objective.value(trial)
        if not np.isfinite(energy):
            raise NonFiniteEnergyError("non-finite energy on a single-ended line scan")
        if energy < previous:
            return previous_x if k > 1 else None
        previous_x, previous = trial, energy
    return None


def _search_along(objective, x_min, direction, step, rng):
    """One single-ended search: line maximum, eigenvector following, verification, pushoffs."""
    start = line_maximum(objective, x_min, direction, step)
    if start is None:
        return None
    search = hybrid_eigenvector_following(
        objective,
        start,
        max_iterations=MAX_HEF_ITERATIONS,
        max_step=step,
        rng=rng,
    )
    if not search.converged:
        return None
    point = verify_stationary_point(
        objective, search.x, index=1, grad=search.grad, hessian=search.hessian
    )
    if point is None:
        return None
    negative = int(np.argmin(point.eigenvalues))
    mode = point.eigenvectors[:, negative]
    if mode @ (search.x - x_min) < 0:  # the "+" side leads away from the starting minimum
        mode = -mode
    plus, minus = pushoff(
        objective, search.x, search.energy, mode, PUSHOFF_FRACTION * step, max_step=step
    )
    if not _distinct_minima(objective, plus, minus):
        return None
    return Connection.at_saddle(search, point, plus, minus)


def run_single_ended(
    objective, databases, seed, *, n_modes, n_jobs, budget, progress, add_connection
):
    """Single-ended searches from every kept minimum, spreading to the minima they reach.

    Rounds: every kept minimum (the focus of :func:`._budget.focus_indices`)
    not searched from yet is searched from, in parallel (one joblib task per
    chunk of minima, each minimum with a generator spawned from ``seed``
    before dispatch, merged in database order); the connections found join
    the databases through ``add_connection``. The rounds end when every kept
    minimum has been searched from, or ``budget`` stops the run (checked
    after every round). Every minimum searched from counts ``2 * n_modes``
    searches against ``budget.max_searches``, and is searched from only if
    they fit in what is left.

    Parameters
    ----------
    objective : Objective
    databases : tuple
        ``(minima, states, counts, focus)`` of :func:`._explorer.explore`.
    seed : numpy.random.SeedSequence
    n_modes : int
        Softest modes per minimum (see :func:`single_ended_connections`).
    n_jobs : int or None
    budget : Budget
    progress : callable
        ``progress()`` returns the progress dict for ``budget.check``.
    add_connection : callable
        ``add_connection(objective, minima, states, counts, connection)``.
    """
    minima, states, counts, focus = databases
    searched = set()
    while True:
        kept = focus_indices(minima.energies(), *focus)
        todo = [int(i) for i in kept if int(i) not in searched]
        left = budget.searches_left()
        if left is not None:
            todo = todo[: left // (2 * n_modes)]
        if not todo:
            return
        searched.update(todo)
        jobs = [
            (minima.records[i].x, np.random.default_rng(child))
            for i, child in zip(todo, seed.spawn(len(todo)), strict=True)
        ]
        n_tasks = min(len(jobs), 4 * effective_n_jobs(n_jobs))
        chunks = np.array_split(np.arange(len(jobs)), n_tasks)
        with single_threaded_blas():
            outputs = Parallel(n_jobs=n_jobs)(
                delayed(_search_minima)(objective, [jobs[k] for k in chunk], n_modes)
                for chunk in chunks
            )
        for output in outputs:
            for connections in output:
                for connection in connections:
                    add_connection(objective, minima, states, counts, connection)
        counts.values["n_single_ended_searches"] += 2 * n_modes * len(todo)
        budget.n_searches += 2 * n_modes * len(todo)
        state = progress()
        logger.info(
            "single-ended searches from %d minima: %d minima, %d transition states",
            len(todo),
            state["minima"],
            state["transition_states"],
            extra={"progress": state},
        )
        if budget.check(state):
            return


def _search_minima(objective, jobs, n_modes):
    """Single-ended searches from a chunk of minima, in a worker."""
    with single_threaded_blas():
        return [single_ended_connections(objective, x, rng, n_modes=n_modes) for x, rng in jobs]
