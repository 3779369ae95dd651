"""explore(): map the minima and transition states of a loss surface.

The exploration runs in two stages, both fanned out with joblib:

1. **Basin-hopping** (:mod:`._basin_hopping`): ``n_chains`` independent
   Metropolis chains of ``n_hops`` steps; every verified minimum enters the
   database (:mod:`._database`).
2. **Connection** (``connect=True``): rounds of double-ended transition-state
   searches between pairs of minima chosen by :func:`._connect.select_pairs`
   (the "missing connection" strategy of Carr, Trygubenko & Wales, J. Chem.
   Phys. 122, 234903, 2005), each search by :func:`._transition_state.find_connections`
   (doubly-nudged elastic band and hybrid eigenvector following). Minima found
   by the pushoffs from a transition state join the database.

The work is bounded by a budget (:mod:`._budget`): ``n_chains * (n_hops + 1)``
quenches, at most ``max_searches`` searches, and a *focus* of at most
``max_minima`` minima within ``energy_window`` of the global minimum. Only the
kept minima are connection targets, and every round first completes the
missing connections of the kept minima to the global minimum; near-neighbour
pairs (more transition states between minima already connected) come only
once nothing is left to try for that. Optional ``max_time`` and ``callback``
can stop a run early (machine- or user-dependent).

Every random stream is created from ``random_state`` before dispatch
(:class:`numpy.random.SeedSequence`), and results are merged in a fixed
order, so the landscape does not depend on ``n_jobs`` or the joblib backend.
"""

import logging
import numbers
import time
import warnings

import numpy as np
from joblib import effective_n_jobs
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from sklearn.utils.parallel import Parallel, delayed

from .._sklearn_compat import Interval, StrOptions, validate_params
from ..landscape._landscape import Landscape
from ._basin_hopping import run_chain
from ._budget import Budget, budget_values, chain_minima, focus_indices
from ._database import (
    MinimaDatabase,
    MinimumRecord,
    TransitionStateDatabase,
    TransitionStateRecord,
    minimum_record,
    mode_columns,
    mode_fields,
    transition_state_record,
)
from ._minimize import NonFiniteEnergyError, single_threaded_blas
from ._objective import FunctionObjective, Objective
from ._parameters import EXPLORATION_CONSTRAINTS, with_options
from ._single_ended import run_single_ended

__all__ = ["explore"]

logger = logging.getLogger("sklandscape")

#: Default cap on the rounds of pair selection and transition-state searches.
DEFAULT_MAX_CONNECT_ROUNDS = 20
#: ``single_ended="auto"`` searches from minima of smooth objectives up to this size only: the
#: low-dimensional surfaces whose small basins basin-hopping misses (a search diagonalises the
#: Hessian at every eigenvector-following step).
SINGLE_ENDED_AUTO_MAX_PARAMS = 10
#: Softest modes searched (both ways) by ``single_ended="auto"``.
SINGLE_ENDED_AUTO_MODES = 2
#: Connection tasks per worker in a round (pairs are chunked into about this many tasks each).
#: Each task ships the objective once, so fewer tasks ship less; but transition-state searches
#: vary in length (K-means most), and with 2 tasks per worker the last chunk of a round left one
#: worker idle: 4 raised the K-means speed-up on 2 cores from 1.54x to 1.7-2.0x
#: (benchmarks/bench_parallel.py). Results do not depend on it.
_TASKS_PER_WORKER = 4
#: Searches a pair of minima may get on a smooth objective while none finds a transition state.
#: On iris subsamples, a second search of a failed pair (new band jitter) found a connection
#: where the first ended at a nearly degenerate saddle (see ``_connect_minima``).
_SMOOTH_SEARCHES_PER_PAIR = 2


#: The constraints :func:`explore` validates: the estimators' (:mod:`._parameters`),
#: ``None`` (the objective's default, or no limit) for the four that may be left out,
#: a :class:`numpy.random.Generator` as ``random_state``, and the arguments only
#: :func:`explore` has.
EXPLORE_CONSTRAINTS = {
    **with_options(
        with_options(
            EXPLORATION_CONSTRAINTS,
            ("temperature", "step_size", "max_minima", "max_searches"),
            None,
        ),
        ("random_state",),
        np.random.Generator,
    ),
    "fun": [callable, Objective],
    "x0": ["array-like", None],
    "jac": [callable, "boolean", None],
    "hess": [callable, None],
    "bounds": ["array-like", None],
    "landscape": [Landscape, None],
    "max_connect_rounds": [Interval(numbers.Integral, 0, None, closed="left")],
    "n_neighbors": [Interval(numbers.Integral, 1, None, closed="left")],
    "max_pairs_per_round": [Interval(numbers.Integral, 1, None, closed="left"), None],
    "callback": [callable, None],
    "single_ended": [Interval(numbers.Integral, 0, None, closed="left"), StrOptions({"auto"})],
    "n_neighbours": [Interval(numbers.Integral, 1, None, closed="left"), None],
}


@validate_params(EXPLORE_CONSTRAINTS, prefer_skip_nested_validation=True)
def explore(
    fun,
    x0=None,
    *,
    jac=None,
    hess=None,
    bounds=None,
    n_hops=100,
    n_chains=4,
    temperature=None,
    step_size=None,
    connect=True,
    n_jobs=None,
    random_state=None,
    verbose=0,
    landscape=None,
    max_connect_rounds=DEFAULT_MAX_CONNECT_ROUNDS,
    n_neighbors=5,
    max_pairs_per_round=None,
    max_minima=None,
    energy_window=None,
    max_searches=None,
    max_time=None,
    callback=None,
    single_ended="auto",
    n_neighbours=None,
):
    """Explore the energy landscape of ``fun``: its minima and transition states.

    Basin-hopping chains (Wales & Doye, 1997) collect the minima; with
    ``connect=True`` double-ended searches then find the transition states
    joining them, until every minimum is connected to the global minimum or
    the pair-selection strategy has nothing left to try.

    Parameters
    ----------
    fun : callable or Objective
        The energy, with scipy.optimize conventions: ``fun(x) -> float``, or
        ``fun(x) -> (float, gradient)`` when ``jac=True``. An
        :class:`~sklandscape._explore.Objective` is used as it is (then
        ``jac``, ``hess`` and ``bounds`` must be None).
    x0 : array-like of shape (n_params,) or (n_chains, n_params), default=None
        Starting point of every chain (or one per chain). ``None``: each chain
        starts at ``objective.random_point``, which needs finite bounds (or,
        with ``landscape``, at the lowest known minima).
    jac : callable or True, default=None
        Gradient ``jac(x)``; ``True`` when ``fun`` returns it; ``None`` for
        central differences.
    hess : callable, default=None
        Hessian ``hess(x)``; ``None`` for central differences of the gradient.
    bounds : sequence of (low, high), default=None
        Box constraints (``None`` entries for no bound).
    n_hops : int, default=100
        Basin-hopping steps per chain (``>= 0``).
    n_chains : int, default=4
        Independent chains (``>= 1``).
    temperature : float, default=None
        Metropolis temperature in energy units (``>= 0``); ``None`` takes
        ``objective.default_temperature()``. A temperature of 0 is accepted,
        as by the estimators: the chains then take only steps that do not
        raise the energy (monotonic basin-hopping, Leary, J. Global Optim.
        18, 367 (2000)), which the Metropolis test handles exactly.
    step_size : float, default=None
        Initial basin-hopping step (``> 0``), adapted by each chain toward 50 %
        acceptance; ``None`` takes ``objective.default_step_size()``.
    connect : bool, default=True
        Search transition states between the minima.
    n_jobs : int, default=None
        joblib workers for the chains and the connection searches.
    random_state : int, RandomState instance, Generator or None, default=None
        Seeds every chain and every search.
    verbose : int, default=0
        Log progress to the ``"sklandscape"`` logger (INFO; DEBUG above 1).
    landscape : Landscape, default=None
        A landscape of the same objective to extend (warm start): its minima
        and transition states are kept, chains start from its lowest minima
        (unless ``x0`` is given) and the random streams differ from those of
        the runs that made it.
    max_connect_rounds : int, default=20
        Maximum rounds of pair selection and searches.
    n_neighbors : int, default=5
        Nearest neighbors of each minimum offered as pairs to connect.
    max_pairs_per_round : int, default=None
        Cap on the pairs searched per round (``None``: no cap).
    max_minima : int, default=None
        Keep (and connect) only the ``max_minima`` lowest minima; ``None``
        keeps every minimum found. Minima found above the focus (by
        basin-hopping or by pushoffs) are counted in ``metadata`` and are
        never connection targets; the next ``max_minima`` of them, and any
        minimum on a chain of transition states found between two of these
        or of the kept minima, are stepping stones the paths to the global
        minimum may cross, returned when joined to it. The choice of pairs
        also crosses every minimum a transition state found joins (the
        intermediate minima of searches that ended between higher minima);
        those are returned only when on such a chain.
    energy_window : float, default=None
        Keep only minima with energy at most ``E_0 + energy_window``, ``E_0``
        the lowest energy found (``None``: no window).
    max_searches : int, default=None
        Cap on the double-ended transition-state searches of this call
        (``None``: no cap). With ``max_minima`` it bounds the connection
        work in machine-independent units.
    max_time : float, default=None
        Wall-clock limit in seconds (``None``: none), checked after every
        chain and every chunk of searches. Machine-dependent: a run it stops
        is **not reproducible**.
    callback : callable, default=None
        ``callback(progress) -> bool``, called after every basin-hopping
        chain and every chunk of searches with a dict of counts: ``stage``
        (``"basin-hopping"`` or ``"connecting"``), ``hops``, ``minima``
        (distinct minima found), ``minima_kept``, ``transition_states``,
        ``connection_attempts``, ``fraction_connected`` (of the kept minima,
        to the global minimum) and ``seconds``. Returning ``True`` stops the
        run; the landscape found so far is returned (verified and
        consistent), with ``metadata["stopped_by"] = "callback"``.
    single_ended : int or "auto", default="auto"
        Softest Hessian modes searched uphill, both ways, from every kept
        minimum for the transition states around it and the minima beyond
        (:mod:`._single_ended`; 0: none). Minima these searches reach are
        searched from in turn, so the searches spread over the kept minima
        before the double-ended connection stage; each minimum searched from
        counts ``2 * single_ended`` searches against ``max_searches``.
        ``"auto"``: 2 (every mode of a 2-D surface) for smooth objectives of
        at most :data:`SINGLE_ENDED_AUTO_MAX_PARAMS` parameters explored
        without ``max_minima`` and ``max_searches`` (a run asking for the
        whole landscape), else 0. Needs ``connect=True``.
    n_neighbours : int, default=None
        Deprecated alias of ``n_neighbors`` (scikit-learn's spelling); emits a
        ``FutureWarning`` and will be removed.

    Returns
    -------
    Landscape
        Minima sorted by energy (minimum 0 is the global minimum) with
        canonical coordinates, columns ``hessian_min_eigenvalue``,
        ``hessian_max_eigenvalue``, ``hessian_trace`` on minima and
        ``negative_eigenvalue`` on transition states; ``metadata`` holds the
        settings and counts (``n_hops_total``, ``n_nonfinite_rejected``,
        ``n_unconverged``, ``n_connection_attempts``, ...) and the budget:
        ``n_minima_found``, ``n_minima_discarded``, ``n_ts_discarded``,
        ``n_searches``, ``fraction_connected`` and ``stopped_by`` (one of
        ``"complete"``, ``"max_searches"``, ``"max_connect_rounds"``,
        ``"callback"``, ``"max_time"``, ``"no_connect"``, ``"no_pairs_left"``:
        no pair left to try while some kept minima are not joined to the
        global minimum).

    Raises
    ------
    InvalidParameterError
        scikit-learn's error (a subclass of ``ValueError`` and ``TypeError``)
        when an argument breaks :data:`EXPLORE_CONSTRAINTS`, the constraints
        the estimators' ``_parameter_constraints`` share
        (:mod:`._parameters`): the same value is refused with the same error
        whether given to :func:`explore` or to an estimator.
    TypeError
        When ``jac``, ``hess`` or ``bounds`` accompany an Objective.
    ValueError
        On invalid sizes, bounds or starting points, a default temperature
        or step of the objective that is not valid, or a gradient of the
        wrong shape.

    Examples
    --------
    >>> import numpy as np
    >>> from sklandscape import explore
    >>> def double_well(x):
    ...     return (x[0] ** 2 - 1) ** 2 + 0.1 * x[0], np.array([4 * x[0] ** 3 - 4 * x[0] + 0.1])
    >>> landscape = explore(double_well, jac=True, bounds=[(-2, 2)], n_hops=20, n_chains=2,
    ...                     connect=False, random_state=0)
    >>> landscape.n_minima
    2
    >>> np.round(landscape.minima.x[:, 0], 3)
    array([-1.012,  0.987])
    """
    started = time.perf_counter()
    _configure_logging(verbose)
    if n_neighbours is not None:
        warnings.warn(
            "n_neighbours was renamed n_neighbors (scikit-learn's spelling); "
            "n_neighbours will be removed.",
            FutureWarning,
            stacklevel=2,
        )
        n_neighbors = n_neighbours
    n_hops, n_chains, max_connect_rounds, n_neighbors = (
        int(n_hops),
        int(n_chains),
        int(max_connect_rounds),
        int(n_neighbors),
    )
    if max_pairs_per_round is not None:
        max_pairs_per_round = int(max_pairs_per_round)
    max_minima, energy_window, max_searches, max_time = budget_values(
        max_minima, energy_window, max_searches, max_time
    )
    budget = Budget(max_searches, max_time, callback, started)
    focus = (max_minima, energy_window)

    objective = _as_objective(fun, x0, jac, hess, bounds)
    temperature = _check_default(
        objective.default_temperature() if temperature is None else temperature,
        "temperature",
        allow_zero=True,
    )
    step_size = _check_default(
        objective.default_step_size() if step_size is None else step_size, "step_size"
    )

    previous = dict(landscape.metadata) if landscape is not None else {}
    run_index = int(previous.get("n_explore_runs", 0))
    chain_seeds, connect_seed, single_ended_seed = _spawn_seeds(random_state, run_index, n_chains)
    chain_rngs = [np.random.default_rng(seed) for seed in chain_seeds]

    minima = MinimaDatabase(objective)
    states = TransitionStateDatabase(objective)
    counts = _Counts(previous)
    if landscape is not None:
        _load_landscape(landscape, objective, minima, states)
    starts = _starting_points(objective, x0, n_chains, chain_rngs, minima)
    try:  # fail early, in this process, on a malformed fun (e.g. a gradient of wrong shape)
        objective.value_and_grad(starts[0])
    except NonFiniteEnergyError:
        pass

    _run_basin_hopping(
        objective,
        starts,
        chain_rngs,
        (n_hops, temperature, step_size),
        n_jobs,
        (minima, states, counts, focus),
        budget,
    )

    if single_ended == "auto":
        small = objective.n_params <= SINGLE_ENDED_AUTO_MAX_PARAMS
        unbudgeted = max_minima is None and max_searches is None
        single_ended = SINGLE_ENDED_AUTO_MODES if objective.smooth and small and unbudgeted else 0
    if connect and single_ended and budget.stopped_by is None:
        run_single_ended(
            objective,
            (minima, states, counts, focus),
            single_ended_seed,
            n_modes=single_ended,
            n_jobs=n_jobs,
            budget=budget,
            progress=lambda: _progress("single-ended", counts, minima, states, budget, focus),
            add_connection=_add_connection,
        )
    if connect and budget.stopped_by is None:
        _connect_minima(
            objective,
            minima,
            states,
            counts,
            connect_seed,
            n_jobs=n_jobs,
            max_rounds=max_connect_rounds,
            n_neighbors=n_neighbors,
            max_pairs=max_pairs_per_round,
            focus=focus,
            budget=budget,
        )
    elif not connect:
        budget.stopped_by = "no_connect"

    kept, returned = _returned_minima(minima, states, focus)

    metadata = {
        **{key: value for key, value in previous.items() if key not in counts.values},
        **counts.values,
        "n_explore_runs": run_index + 1,
        "n_chains": n_chains,
        "n_hops": n_hops,
        "temperature": temperature,
        "step_size": step_size,
        "connect": bool(connect),
        "objective": type(objective).__name__,
        "max_minima": max_minima,
        "energy_window": energy_window,
        "max_searches": max_searches,
        "max_time": max_time,
        "n_searches": budget.n_searches,
        "n_minima_found": len(minima),
        "n_minima_focus": kept.size,
        "n_minima_intermediate": returned.size - kept.size,
        "n_minima_discarded": len(minima) - returned.size,
        "single_ended": int(single_ended),
        "stopped_by": budget.stopped_by,
    }
    result = _build_landscape(objective, minima, states, metadata, returned, kept.size)
    logger.info(
        "explore finished (%s): %d minima kept of %d found, %d transition states, "
        "%.0f%% of the kept minima connected to the global minimum, %d searches, in %.2f s",
        budget.stopped_by,
        result.n_minima,
        len(minima),
        result.n_transition_states,
        100 * result.metadata["fraction_connected"],
        budget.n_searches,
        time.perf_counter() - started,
        extra={"progress": _progress("finished", counts, minima, states, budget, focus)},
    )
    return result


# ------------------------------------------------------------------ inputs
def _check_default(value, name, allow_zero=False):
    """``value`` as a float, refused unless finite and positive (or zero when allowed).

    Checks what the objective's ``default_temperature``/``default_step_size``
    return; the user's values were checked against :data:`EXPLORE_CONSTRAINTS`.
    """
    value = float(value)
    if not np.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be finite and {bound}, got {value}.")
    return value


def _as_objective(fun, x0, jac, hess, bounds):
    """Wrap ``fun`` in a :class:`FunctionObjective` unless it is an Objective."""
    if isinstance(fun, Objective):
        given = [n for n, v in (("jac", jac), ("hess", hess), ("bounds", bounds)) if v is not None]
        if given:
            raise TypeError(
                f"{', '.join(given)} cannot be passed with an Objective: "
                "the Objective defines its own gradient, Hessian and bounds."
            )
        return fun
    if not callable(fun):
        raise TypeError(f"fun must be callable or an Objective, got {type(fun).__name__}.")
    if x0 is not None:
        x0 = np.asarray(x0, dtype=float)
        if x0.ndim not in (1, 2) or x0.shape[-1] == 0:
            raise ValueError(
                f"x0 must have shape (n_params,) or (n_chains, n_params), got {x0.shape}."
            )
        n_params = x0.shape[-1]
    elif bounds is not None:
        n_params = len(bounds)
    else:
        raise ValueError("x0 is required unless bounds give every parameter a finite range.")
    return FunctionObjective(fun, n_params, jac=jac, hess=hess, bounds=bounds)


def _spawn_seeds(random_state, run_index, n_chains):
    """Seed sequences of the chains and of the connection stage, drawn before dispatch.

    The root is ``SeedSequence(entropy, spawn_key=(run_index,))``: a warm
    start (``run_index >= 1``) gets streams independent of earlier runs.
    """
    if random_state is None:
        entropy = None
    elif isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        if random_state < 0:
            raise ValueError(f"random_state must be non-negative, got {random_state}.")
        entropy = int(random_state)
    elif isinstance(random_state, np.random.RandomState):
        entropy = [int(v) for v in random_state.randint(0, 2**32, size=4, dtype=np.uint64)]
    elif isinstance(random_state, np.random.Generator):
        entropy = [int(v) for v in random_state.integers(0, 2**32, size=4, dtype=np.uint64)]
    else:
        raise TypeError(
            "random_state must be None, an int, a numpy RandomState or Generator, "
            f"got {type(random_state).__name__}."
        )
    root = np.random.SeedSequence(entropy, spawn_key=(run_index,))
    chains_root, connect_root, single_ended_root = root.spawn(3)
    return chains_root.spawn(n_chains), connect_root, single_ended_root


def _starting_points(objective, x0, n_chains, rngs, minima):
    if x0 is not None:
        x0 = np.asarray(x0, dtype=float)
        if x0.ndim == 2:
            if x0.shape[0] != n_chains:
                raise ValueError(
                    f"x0 has {x0.shape[0]} rows; a 2-d x0 needs one per chain ({n_chains})."
                )
            return [objective.check_point(row, "x0") for row in x0]
        point = objective.check_point(x0, "x0")
        return [point.copy() for _ in range(n_chains)]
    if len(minima):
        order = np.argsort(minima.energies(), kind="stable")
        return [minima.records[order[c % order.size]].x.copy() for c in range(n_chains)]
    return [np.asarray(objective.random_point(rng), dtype=float) for rng in rngs]


# ------------------------------------------------------------- warm start
def _load_landscape(landscape, objective, minima, states):
    """Insert an earlier landscape's minima and transition states into the databases."""
    if landscape.n_params != objective.n_params:
        raise ValueError(
            f"landscape has n_params={landscape.n_params}, the objective {objective.n_params}."
        )
    shapes = (landscape.minima.x.shape[1], landscape.transition_states.x.shape[1])
    if (landscape.n_minima and shapes[0] != objective.n_params) or (
        landscape.n_transition_states and shapes[1] != objective.n_params
    ):
        raise ValueError("landscape has no coordinates to extend; it was not made by explore().")
    table = landscape.minima
    nan = np.full(landscape.n_minima, np.nan)
    low = table["hessian_min_eigenvalue"] if "hessian_min_eigenvalue" in table else nan
    high = table["hessian_max_eigenvalue"] if "hessian_max_eigenvalue" in table else nan
    trace = table["hessian_trace"] if "hessian_trace" in table else nan
    mapping = [
        minima.add(
            MinimumRecord(
                np.array(table.x[i], dtype=float),
                float(table.energy[i]),
                float(table.log_hessian_product[i]),
                float(low[i]),
                float(high[i]),
                float(trace[i]),
                **mode_fields(table, i),
            )
        )[0]
        for i in range(landscape.n_minima)
    ]
    table = landscape.transition_states
    negative = (
        table["negative_eigenvalue"]
        if "negative_eigenvalue" in table
        else np.full(landscape.n_transition_states, np.nan)
    )
    for t in range(landscape.n_transition_states):
        a, b = table.minima[t]
        states.add(
            (mapping[a], mapping[b]),
            TransitionStateRecord(
                np.array(table.x[t], dtype=float),
                float(table.energy[t]),
                float(table.log_hessian_product[t]),
                float(negative[t]),
                **mode_fields(table, t),
            ),
        )


# ---------------------------------------------------------- basin-hopping
def _run_basin_hopping(objective, starts, rngs, settings, n_jobs, databases, budget):
    """Run the chains (one joblib task each) and merge them, in chain order.

    Results are consumed as the chains finish (in order), so that progress is
    reported, and ``budget`` checked, after every chain: a stop keeps the
    chains already merged.
    """
    minima, states, counts, focus = databases
    n_hops, temperature, step_size = settings
    with single_threaded_blas():
        outputs = Parallel(n_jobs=n_jobs, return_as="generator")(
            delayed(run_chain)(objective, start, rng, n_hops, temperature, step_size)
            for start, rng in zip(starts, rngs, strict=True)
        )
        try:
            for index, chain in enumerate(outputs):
                counts.add_chain(chain)
                for record in chain.minima:
                    minima.add(record)
                progress = _progress("basin-hopping", counts, minima, states, budget, focus)
                logger.info(
                    "basin-hopping: %d hops in %d/%d chains, %d minima (%d rejected as "
                    "non-finite, %d unconverged) in %.2f s",
                    counts.values["n_hops_total"],
                    index + 1,
                    len(starts),
                    len(minima),
                    counts.values["n_nonfinite_rejected"],
                    counts.values["n_unconverged"],
                    progress["seconds"],
                    extra={"progress": progress},
                )
                if budget.check(progress):
                    break
        finally:
            outputs.close()


# ------------------------------------------------------------- connection
def _connect_minima(
    objective,
    minima,
    states,
    counts,
    seed,
    *,
    n_jobs,
    max_rounds,
    n_neighbors,
    max_pairs,
    focus,
    budget,
):
    """Rounds of pair selection over the kept minima and parallel transition-state searches.

    Every round first offers the missing connections of the kept minima to
    the global minimum (:func:`._connect.select_pairs` without neighbours),
    with routes of their own for the kept minima the previous round left
    disconnected (:func:`_select_focused_pairs`); only when none is left are
    near-neighbour pairs offered. A round's pairs
    are cut to the searches left in ``budget``; the chunks of a round are
    merged in order, and ``budget`` is checked after each.

    On a smooth objective a pair whose search found no transition state is
    offered again (with a fresh random stream), up to
    :data:`_SMOOTH_SEARCHES_PER_PAIR` searches: eigenvector following from a
    band maximum sometimes ends at a nearly degenerate saddle (a negative
    eigenvalue near zero, where the pushoff cannot descend on both sides), and
    a band relaxed from another jitter often leads elsewhere. A pair is not
    offered again once one of its searches found a connection.
    """
    attempted = set()
    failed_once = set()
    waiting = frozenset()
    searches_per_pair = _SMOOTH_SEARCHES_PER_PAIR if objective.smooth else 1
    for round_index in range(max_rounds):
        cap, left = max_pairs, budget.searches_left()
        if left is not None:
            cap = left if cap is None else min(cap, left)
        pairs, waiting = _select_focused_pairs(
            objective,
            minima,
            states,
            attempted,
            focus,
            n_neighbors,
            1 if cap == 0 else cap,
            waiting,
        )
        if not pairs:
            progress = _progress("connecting", counts, minima, states, budget, focus)
            joined = progress["fraction_connected"] == 1.0
            budget.stopped_by = "complete" if joined else "no_pairs_left"
            return
        if cap == 0:
            budget.stopped_by = "max_searches"
            return
        pair_seeds = seed.spawn(len(pairs))
        jobs = [
            (minima.records[i].x, minima.records[j].x, np.random.default_rng(pair_seed))
            for (i, j), pair_seed in zip(pairs, pair_seeds, strict=True)
        ]
        n_tasks = min(len(jobs), _TASKS_PER_WORKER * effective_n_jobs(n_jobs))
        chunks = np.array_split(np.arange(len(jobs)), n_tasks)
        counts.values["n_connect_rounds"] += 1
        with single_threaded_blas():
            outputs = Parallel(n_jobs=n_jobs, return_as="generator")(
                delayed(_search_pairs)(objective, [jobs[k] for k in chunk]) for chunk in chunks
            )
            try:
                for chunk, output in zip(chunks, outputs, strict=True):
                    counts.values["n_connection_attempts"] += len(chunk)
                    budget.n_searches += len(chunk)
                    for k, connections in zip(chunk, output, strict=True):
                        key = frozenset(pairs[k])
                        if connections or searches_per_pair == 1 or key in failed_once:
                            attempted.add(key)
                        else:
                            failed_once.add(key)
                        counts.values["n_successful_connection_attempts"] += bool(connections)
                        for connection in connections:
                            _add_connection(objective, minima, states, counts, connection)
                    progress = _progress("connecting", counts, minima, states, budget, focus)
                    logger.debug(
                        "connect round %d: %d of %d pairs searched",
                        round_index + 1,
                        chunk[-1] + 1,
                        len(pairs),
                        extra={"progress": progress},
                    )
                    if budget.check(progress):
                        break
            finally:
                outputs.close()
        logger.info(
            "connect round %d: %d pairs tried, %d minima (%d kept, %.0f%% connected to the "
            "global minimum), %d transition states, %d searches (%.2f s)",
            round_index + 1,
            len(pairs),
            progress["minima"],
            progress["minima_kept"],
            100 * progress["fraction_connected"],
            progress["transition_states"],
            budget.n_searches,
            progress["seconds"],
            extra={"progress": progress},
        )
        if budget.stopped_by is not None:
            return
    budget.stopped_by = "max_connect_rounds"


def _select_focused_pairs(
    objective, minima, states, attempted, focus, n_neighbors, cap, waiting=frozenset()
):
    """The next pairs for the kept minima (database indices): missing connections first.

    The kept minima are the targets; the minima just above the focus and
    every minimum a transition state joins (:func:`_support` with
    ``ts_minima``) are stepping stones the paths may cross. A kept minimum in
    ``waiting`` (left disconnected by the previous round) gets a missing
    connection of its own (``own_routes`` of :func:`._connect.select_pairs`):
    the way in its path shared with lower minima was searched and did not
    join it, so alternatives are offered together rather than one per
    round; a minimum met for the first time shares its path, so that a way in
    that works is not searched twice. Near-neighbour pairs come only when no
    missing connection is left; when minima were discarded (the landscape is
    larger than the focus) each kept minimum is offered its nearest neighbour
    only, so that the budget goes to joining the focus rather than to more
    transition states inside it.

    Returns
    -------
    pairs : list of tuple of int
    disconnected : frozenset of int
        The kept minima not joined to the global minimum before these pairs
        are searched (the ``waiting`` of the next round).
    """
    from ._connect import select_pairs

    kept, nodes = _support(minima, states, focus, ts_minima=True)
    local = np.full(len(minima), -1, dtype=np.int64)
    local[nodes] = np.arange(nodes.size)
    ts_pairs = local[states.pair_array()]
    ts_pairs = ts_pairs[np.all(ts_pairs >= 0, axis=1)]
    graph = coo_matrix(
        (np.ones(len(ts_pairs)), (ts_pairs[:, 0], ts_pairs[:, 1])), shape=(nodes.size,) * 2
    )
    _, component = connected_components(graph, directed=False)
    apart = np.flatnonzero(component[: kept.size] != component[0]) if kept.size else []
    disconnected = frozenset(int(nodes[i]) for i in apart)
    own = [int(i) for i in apart if int(nodes[i]) in waiting]
    tried = {frozenset(int(local[i]) for i in pair) for pair in attempted}
    tried = {pair for pair in tried if min(pair) >= 0}
    arguments = (minima.positions(objective.n_params)[nodes], minima.energies()[nodes], ts_pairs)
    options = {"max_pairs": cap, "n_targets": kept.size}
    pairs = select_pairs(*arguments, tried, objective, n_neighbors=0, own_routes=own, **options)
    if not pairs:
        if kept.size < len(minima):  # a landscape larger than the focus: no more than one
            n_neighbors = min(n_neighbors, 1)
        pairs = select_pairs(*arguments, tried, objective, n_neighbors=n_neighbors, **options)
    return [(int(nodes[i]), int(nodes[j])) for i, j in pairs], disconnected


def _support(minima, states, focus, ts_minima=False):
    """``(kept, nodes)``: the kept minima, and them with the stepping stones, by energy.

    With ``max_minima = m`` the stepping stones are the next ``m`` minima above
    the focus (within ``energy_window``) and, of any rank, the minima on the
    chains of transition states found between any two of these or of the kept
    minima (:func:`._budget.chain_minima`): paths of transition states from a
    kept minimum to the global minimum may cross them, and those that end up
    joined to the global minimum are returned as intermediate minima. Without
    the chain minima, a kept minimum joined to the global minimum only through
    minima ranked above ``2 m`` would count as disconnected, and the pair
    selection, which sees only ``nodes``, would search for a connection that
    exists.

    With ``ts_minima`` (the pair selection), every minimum a transition state
    found joins is a stepping stone too. A search between two kept minima
    often ends at a transition state between minima above the focus, on the
    way between them (the band's highest point lies wherever the highest
    barrier of the path is); those minima are the intermediate minima with
    which the missing-connection strategy of Carr, Trygubenko & Wales (2005)
    completes the path, by shorter searches from them. Without them such a
    search was lost: on per-K K-means landscapes of wine (K = 4..6) most
    searches ended between minima outside the ``2 m`` stepping stones, and the
    candidate pairs ran out with 30-70 % of the focus joined. Their number is
    at most twice that of the transition states, so the budget still bounds
    the graph.
    """
    max_minima, energy_window = focus
    energies = minima.energies()
    kept = focus_indices(energies, max_minima, energy_window)
    base = kept if max_minima is None else focus_indices(energies, 2 * max_minima, energy_window)
    pairs = states.pair_array()
    nodes = np.concatenate([base, chain_minima(base, pairs, len(minima))])
    if ts_minima and pairs.size:
        nodes = np.union1d(nodes, pairs.ravel())
    if nodes.size == base.size:
        return kept, base
    return kept, nodes[np.lexsort((nodes, energies[nodes]))]


def _returned_minima(minima, states, focus):
    """The kept minima and the stepping stones joined to the global minimum, by energy."""
    kept, nodes = _support(minima, states, focus)
    if nodes.size == kept.size or kept.size == 0:
        return kept, kept
    local = np.full(len(minima), -1, dtype=np.int64)
    local[nodes] = np.arange(nodes.size)
    pairs = local[states.pair_array()]
    pairs = pairs[np.all(pairs >= 0, axis=1)]
    graph = coo_matrix(
        (np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(nodes.size, nodes.size)
    )
    _, component = connected_components(graph, directed=False)
    joined = component == component[0]
    joined[: kept.size] = True
    return kept, nodes[joined]


def _search_pairs(objective, jobs):
    """Transition-state searches for a chunk of pairs, in a worker."""
    from ._transition_state import find_connections

    with single_threaded_blas():
        return [find_connections(objective, x_a, x_b, rng) for x_a, x_b, rng in jobs]


def _add_connection(objective, minima, states, counts, connection):
    """Merge one transition state and the two minima its pushoffs reached."""
    plus, _ = minima.add(minimum_record(objective, connection.minimum_plus))
    minus, _ = minima.add(minimum_record(objective, connection.minimum_minus))
    energy = float(connection.ts_energy)
    highest_end = max(minima.records[plus].energy, minima.records[minus].energy)
    if energy < highest_end - 1e-9 * max(1.0, abs(highest_end)):
        counts.values["n_ts_below_minimum"] += 1
        return
    record = transition_state_record(objective, connection)
    _, status = states.add((plus, minus), record)
    counts.values[f"n_ts_{status}"] += 1


# ------------------------------------------------------------------ output
class _Counts:
    """Counters of the metadata, accumulated over warm-started runs."""

    _KEYS = (
        "n_hops_total",
        "n_accepted",
        "n_nonfinite_rejected",
        "n_unconverged",
        "n_not_minimum",
        "n_function_evaluations",
        "n_connection_attempts",
        "n_successful_connection_attempts",
        "n_connect_rounds",
        "n_ts_new",
        "n_ts_duplicate",
        "n_ts_degenerate",
        "n_ts_below_minimum",
        "n_single_ended_searches",
    )

    def __init__(self, previous):
        self.values = {key: int(previous.get(key, 0)) for key in self._KEYS}

    def add_chain(self, chain):
        self.values["n_hops_total"] += chain.n_hops
        self.values["n_accepted"] += chain.n_accepted
        self.values["n_nonfinite_rejected"] += chain.n_nonfinite_rejected
        self.values["n_unconverged"] += chain.n_unconverged
        self.values["n_not_minimum"] += chain.n_not_minimum
        self.values["n_function_evaluations"] += chain.n_evaluations


def _build_landscape(objective, minima, states, metadata, kept=None, n_focus=None):
    """The Landscape of the minima ``kept`` (by increasing energy; all by default).

    Transition states with an end outside ``kept`` are left out and counted
    in ``metadata["n_ts_discarded"]``; ``metadata["fraction_connected"]`` is
    the fraction of the ``n_focus`` lowest kept minima (all by default)
    joined to the global minimum by transition states (1 for a single
    minimum, 0 for none).
    """
    n = objective.n_params
    energies = minima.energies()
    if kept is None:
        kept = focus_indices(energies)
    rank = np.full(len(minima), -1, dtype=np.int64)
    rank[kept] = np.arange(kept.size)
    records = [minima.records[i] for i in kept]
    minima_columns = {
        "energy": energies[kept],
        "log_hessian_product": _column(records, "log_hessian_product"),
        "x": minima.positions(n)[kept] if records else np.empty((0, n)),
        "hessian_min_eigenvalue": _column(records, "hessian_min_eigenvalue"),
        "hessian_max_eigenvalue": _column(records, "hessian_max_eigenvalue"),
        "hessian_trace": _column(records, "hessian_trace"),
        **mode_columns(records, n),
    }
    pairs = rank[states.pair_array()] if len(states) else np.empty((0, 2), dtype=np.int64)
    inside = np.flatnonzero(np.all(pairs >= 0, axis=1))
    pairs = np.sort(pairs[inside], axis=1)
    ts_energy = np.array([states.records[t].energy for t in inside], dtype=float)
    ts_order = np.argsort(ts_energy, kind="stable")
    ts_records = [states.records[inside[t]] for t in ts_order]
    ts_columns = {
        "energy": ts_energy[ts_order],
        "minima": pairs[ts_order].astype(np.int64),
        "log_hessian_product": _column(ts_records, "log_hessian_product"),
        "x": np.array([r.x for r in ts_records], dtype=float).reshape(len(ts_records), n),
        "negative_eigenvalue": _column(ts_records, "negative_eigenvalue"),
        **mode_columns(ts_records, n, transition_states=True),
    }
    metadata = {
        **metadata,
        "n_ts_discarded": len(states) - inside.size,
        "fraction_connected": _fraction_connected(kept.size, pairs, n_focus),
    }
    return Landscape(minima_columns, ts_columns, n, metadata)


def _fraction_connected(n_minima, pairs, n_focus=None):
    """Fraction of minima ``0..n_focus-1`` joined to minimum 0 through the edges ``pairs``.

    ``pairs`` join minima ``0..n_minima-1``; ``n_focus=None`` counts them all.
    """
    n_focus = n_minima if n_focus is None else n_focus
    if n_focus == 0:
        return 0.0
    graph = coo_matrix(
        (np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n_minima, n_minima)
    )
    _, component = connected_components(graph, directed=False)
    return float(np.mean(component[:n_focus] == component[0]))


def _progress(stage, counts, minima, states, budget, focus):
    """Counts of the progress log records (``record.progress``) and of the callback."""
    kept, nodes = _support(minima, states, focus)
    rank = np.full(len(minima), -1, dtype=np.int64)
    rank[nodes] = np.arange(nodes.size)
    pairs = rank[states.pair_array()]
    pairs = pairs[np.all(pairs >= 0, axis=1)]
    return {
        "stage": stage,
        "hops": counts.values["n_hops_total"],
        "minima": len(minima),
        "minima_kept": int(kept.size),
        "transition_states": len(states),
        "connection_attempts": counts.values["n_connection_attempts"],
        "fraction_connected": _fraction_connected(nodes.size, pairs, kept.size),
        "seconds": time.perf_counter() - budget.started,
    }


def _column(records, name):
    return np.array([getattr(record, name) for record in records], dtype=float)


def _configure_logging(verbose):
    """With ``verbose > 0``, make the ``"sklandscape"`` logger's progress visible.

    If the application configured no logging at all, a stderr handler is
    attached to the ``"sklandscape"`` logger (once); its level is INFO, or
    DEBUG for ``verbose > 1``. Configured applications keep their settings.
    """
    if isinstance(verbose, bool) or not isinstance(verbose, numbers.Integral) or verbose < 0:
        raise ValueError(f"verbose must be a non-negative integer, got {verbose!r}.")
    if verbose == 0:
        return
    level = logging.DEBUG if verbose > 1 else logging.INFO
    if not logger.hasHandlers():
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("[sklandscape] %(message)s"))
        logger.addHandler(handler)
    if logger.getEffectiveLevel() > level:
        logger.setLevel(level)
