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

Every random stream is created from ``random_state`` before dispatch
(:class:`numpy.random.SeedSequence`), and results are merged in a fixed
order, so the landscape does not depend on ``n_jobs`` or the joblib backend.
"""

import logging
import numbers
import time

import numpy as np
from joblib import effective_n_jobs
from sklearn.utils.parallel import Parallel, delayed

from ..landscape._landscape import Landscape
from ._basin_hopping import run_chains
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

__all__ = ["explore"]

logger = logging.getLogger("sklandscape")

#: Default cap on the rounds of pair selection and transition-state searches.
DEFAULT_MAX_CONNECT_ROUNDS = 20
#: Connection tasks per worker in a round (pairs are chunked into about this many tasks each).
#: Each task ships the objective once, so fewer tasks ship less; but transition-state searches
#: vary in length (K-means most), and with 2 tasks per worker the last chunk of a round left one
#: worker idle: 4 raised the K-means speed-up on 2 cores from 1.54x to 1.7-2.0x
#: (benchmarks/bench_parallel.py). Results do not depend on it.
_TASKS_PER_WORKER = 4


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
    n_neighbours=5,
    max_pairs_per_round=None,
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
        ``objective.default_temperature()``.
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
    n_neighbours : int, default=5
        Nearest neighbours of each minimum offered as pairs to connect.
    max_pairs_per_round : int, default=None
        Cap on the pairs searched per round (``None``: no cap).

    Returns
    -------
    Landscape
        Minima sorted by energy (minimum 0 is the global minimum) with
        canonical coordinates, columns ``hessian_min_eigenvalue``,
        ``hessian_max_eigenvalue``, ``hessian_trace`` on minima and
        ``negative_eigenvalue`` on transition states; ``metadata`` holds the
        settings and counts (``n_hops_total``, ``n_nonfinite_rejected``,
        ``n_unconverged``, ``n_connection_attempts``, ...).

    Raises
    ------
    TypeError
        When ``fun`` is neither callable nor an Objective, or ``jac``,
        ``hess`` or ``bounds`` accompany an Objective.
    ValueError
        On invalid sizes, bounds, starting points, temperatures or steps, or
        a gradient of the wrong shape.

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
    n_hops = _check_integer(n_hops, "n_hops", minimum=0)
    n_chains = _check_integer(n_chains, "n_chains", minimum=1)
    max_connect_rounds = _check_integer(max_connect_rounds, "max_connect_rounds", minimum=0)
    n_neighbours = _check_integer(n_neighbours, "n_neighbours", minimum=1)
    if max_pairs_per_round is not None:
        max_pairs_per_round = _check_integer(max_pairs_per_round, "max_pairs_per_round", 1)
    if not isinstance(connect, bool | np.bool_):
        raise TypeError(f"connect must be a bool, got {type(connect).__name__}.")
    if landscape is not None and not isinstance(landscape, Landscape):
        raise TypeError(f"landscape must be a Landscape, got {type(landscape).__name__}.")

    objective = _as_objective(fun, x0, jac, hess, bounds)
    temperature = _check_positive(
        objective.default_temperature() if temperature is None else temperature,
        "temperature",
        allow_zero=True,
    )
    step_size = _check_positive(
        objective.default_step_size() if step_size is None else step_size, "step_size"
    )
    if not np.isfinite(step_size):
        raise ValueError("step_size must be finite.")

    previous = dict(landscape.metadata) if landscape is not None else {}
    run_index = int(previous.get("n_explore_runs", 0))
    chain_seeds, connect_seed = _spawn_seeds(random_state, run_index, n_chains)
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

    chains = run_chains(objective, starts, chain_rngs, n_hops, temperature, step_size, n_jobs)
    for chain in chains:
        counts.add_chain(chain)
        for record in chain.minima:
            minima.add(record)
    logger.info(
        "basin-hopping: %d hops in %d chains, %d minima (%d rejected as non-finite, "
        "%d unconverged) in %.2f s",
        sum(chain.n_hops for chain in chains),
        n_chains,
        len(minima),
        sum(chain.n_nonfinite_rejected for chain in chains),
        sum(chain.n_unconverged for chain in chains),
        time.perf_counter() - started,
        extra={"progress": _progress("basin-hopping", counts, minima, states, started)},
    )

    if connect:
        _connect_minima(
            objective,
            minima,
            states,
            counts,
            connect_seed,
            n_jobs=n_jobs,
            max_rounds=max_connect_rounds,
            n_neighbours=n_neighbours,
            max_pairs=max_pairs_per_round,
            started=started,
        )

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
    }
    result = _build_landscape(objective, minima, states, metadata)
    logger.info(
        "explore finished: %d minima, %d transition states in %.2f s",
        result.n_minima,
        result.n_transition_states,
        time.perf_counter() - started,
        extra={"progress": _progress("finished", counts, minima, states, started)},
    )
    return result


# ------------------------------------------------------------------ inputs
def _check_integer(value, name, minimum):
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}.")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}.")
    return int(value)


def _check_positive(value, name, allow_zero=False):
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}.")
    value = float(value)
    if np.isnan(value) or value < 0 or (value == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be {bound}, got {value}.")
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
    chains_root, connect_root = root.spawn(2)
    return chains_root.spawn(n_chains), connect_root


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
    n_neighbours,
    max_pairs,
    started,
):
    """Rounds of pair selection and parallel transition-state searches."""
    from ._connect import select_pairs

    attempted = set()
    for round_index in range(max_rounds):
        pairs = select_pairs(
            minima.positions(objective.n_params),
            minima.energies(),
            states.pair_array(),
            attempted,
            objective,
            n_neighbours=n_neighbours,
            max_pairs=max_pairs,
        )
        if not pairs:
            break
        attempted.update(frozenset((int(i), int(j))) for i, j in pairs)
        pair_seeds = seed.spawn(len(pairs))
        jobs = [
            (minima.records[i].x, minima.records[j].x, np.random.default_rng(pair_seed))
            for (i, j), pair_seed in zip(pairs, pair_seeds, strict=True)
        ]
        n_tasks = min(len(jobs), _TASKS_PER_WORKER * effective_n_jobs(n_jobs))
        chunks = np.array_split(np.arange(len(jobs)), n_tasks)
        with single_threaded_blas():
            outputs = Parallel(n_jobs=n_jobs)(
                delayed(_search_pairs)(objective, [jobs[k] for k in chunk]) for chunk in chunks
            )
        counts.values["n_connection_attempts"] += len(pairs)
        counts.values["n_connect_rounds"] += 1
        for connections in (c for output in outputs for c in output):
            counts.values["n_successful_connection_attempts"] += bool(connections)
            for connection in connections:
                _add_connection(objective, minima, states, counts, connection)
        logger.info(
            "connect round %d: %d pairs tried, %d minima, %d transition states (%.2f s)",
            round_index + 1,
            len(pairs),
            len(minima),
            len(states),
            time.perf_counter() - started,
            extra={"progress": _progress("connecting", counts, minima, states, started)},
        )


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


def _build_landscape(objective, minima, states, metadata):
    """The Landscape of the databases, minima and transition states sorted by energy."""
    n = objective.n_params
    energies = minima.energies()
    order = np.argsort(energies, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    records = [minima.records[i] for i in order]
    minima_columns = {
        "energy": energies[order],
        "log_hessian_product": _column(records, "log_hessian_product"),
        "x": minima.positions(n)[order] if records else np.empty((0, n)),
        "hessian_min_eigenvalue": _column(records, "hessian_min_eigenvalue"),
        "hessian_max_eigenvalue": _column(records, "hessian_max_eigenvalue"),
        "hessian_trace": _column(records, "hessian_trace"),
        **mode_columns(records, n),
    }
    pairs = rank[states.pair_array()] if len(states) else np.empty((0, 2), dtype=np.int64)
    pairs = np.sort(pairs, axis=1)
    ts_energy = np.array([record.energy for record in states.records], dtype=float)
    ts_order = np.argsort(ts_energy, kind="stable")
    ts_records = [states.records[t] for t in ts_order]
    ts_columns = {
        "energy": ts_energy[ts_order],
        "minima": pairs[ts_order].astype(np.int64),
        "log_hessian_product": _column(ts_records, "log_hessian_product"),
        "x": np.array([r.x for r in ts_records], dtype=float).reshape(len(ts_records), n),
        "negative_eigenvalue": _column(ts_records, "negative_eigenvalue"),
        **mode_columns(ts_records, n, transition_states=True),
    }
    return Landscape(minima_columns, ts_columns, n, metadata)


def _progress(stage, counts, minima, states, started):
    """Counts attached to the progress log records (``record.progress``), for live displays."""
    return {
        "stage": stage,
        "hops": counts.values["n_hops_total"],
        "minima": len(minima),
        "transition_states": len(states),
        "connection_attempts": counts.values["n_connection_attempts"],
        "seconds": time.perf_counter() - started,
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
