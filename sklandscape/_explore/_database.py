"""The minima and transition-state database of an exploration.

Basin-hopping finds the same minimum many times, and double-ended searches
find the same transition state (TS) from different pairs. Two points are the
same stationary point when their energies agree within
``objective.energy_tolerance(E)`` **and** their canonical coordinates lie
within ``objective.position_tolerance()`` (in ``objective.distance``); the
first point found is kept as the representative.

Candidates are looked up in a hash of energy bins rather than by a scan over
every stored point: the energy is mapped to ``u = arcsinh(E)`` (linear for
``|E| < 1``, logarithmic beyond, like the default tolerance
``1e-7 max(1, |E|)``) and ``u`` is cut into bins of width ``w``. A query of
tolerance ``tol`` visits the bins overlapping ``[u(E - tol), u(E + tol)]``,
usually one or two; when an objective's tolerance would span more than
:data:`MAX_BINS_PER_QUERY` bins the index is rebuilt with wider bins (at most
a logarithmic number of times). An insertion therefore costs O(1) dictionary
operations plus one distance per candidate of (nearly) equal energy.
"""

from dataclasses import dataclass

import numpy as np

__all__ = [
    "MinimaDatabase",
    "MinimumRecord",
    "TransitionStateDatabase",
    "TransitionStateRecord",
    "minimum_record",
    "mode_columns",
    "mode_fields",
    "transition_state_record",
]

#: A query may visit at most this many energy bins before the bins are widened.
MAX_BINS_PER_QUERY = 8


@dataclass(frozen=True)
class MinimumRecord:
    """A verified minimum as the database stores it.

    Attributes
    ----------
    x : ndarray of shape (n_params,)
        Canonical coordinates (``objective.canonical``).
    energy : float
    log_hessian_product : float
        Sum of the logs of the positive Hessian eigenvalues (free subspace).
    hessian_min_eigenvalue, hessian_max_eigenvalue, hessian_trace : float
        Smallest and largest eigenvalue and their sum in the free subspace,
        the objective's zero modes excluded (NaN, NaN, 0 when no eigenvalue
        remains, e.g. a minimum in a corner of the box).
    n_modes : int
        Number of positive Hessian eigenvalues (-1: unknown, taken as
        ``n_params`` when the landscape is built).
    bound_slopes, bound_curvatures, bound_widths : tuple of float
        Outward slope, relaxed curvature and box width of each coordinate held
        at a bound (:class:`~._minimize.StationaryPoint`).
    symmetry_order : int
        ``objective.symmetry_order(x)``: the number of symmetry operations
        leaving the point unchanged.
    """

    x: np.ndarray
    energy: float
    log_hessian_product: float
    hessian_min_eigenvalue: float
    hessian_max_eigenvalue: float
    hessian_trace: float
    n_modes: int = -1
    bound_slopes: tuple = ()
    bound_curvatures: tuple = ()
    bound_widths: tuple = ()
    symmetry_order: int = 1


@dataclass(frozen=True)
class TransitionStateRecord:
    """A verified transition state as the database stores it.

    Attributes
    ----------
    x : ndarray of shape (n_params,)
        Canonical coordinates.
    energy : float
    log_hessian_product : float
        Sum of the logs of the positive Hessian eigenvalues.
    negative_eigenvalue : float
        The single negative Hessian eigenvalue.
    n_modes, bound_slopes, bound_curvatures, symmetry_order
        As for :class:`MinimumRecord` (``n_modes`` -1 taken as ``n_params - 1``).
    """

    x: np.ndarray
    energy: float
    log_hessian_product: float
    negative_eigenvalue: float
    n_modes: int = -1
    bound_slopes: tuple = ()
    bound_curvatures: tuple = ()
    bound_widths: tuple = ()
    symmetry_order: int = 1


def minimum_record(objective, minimum):
    """A :class:`MinimumRecord` from a :class:`~._minimize.VerifiedMinimum`.

    The Hessian statistics are those of the verification
    (:class:`~._minimize.StationaryPoint`): the ``objective.n_zero_modes``
    eigenvalues of smallest magnitude, the zero modes, are left out.
    """
    point = minimum.stationary_point
    x = np.asarray(objective.canonical(minimum.x), dtype=float).copy()
    return MinimumRecord(
        x=x,
        energy=float(minimum.energy),
        log_hessian_product=float(point.log_hessian_product),
        hessian_min_eigenvalue=float(point.min_eigenvalue),
        hessian_max_eigenvalue=float(point.max_eigenvalue),
        hessian_trace=float(point.trace),
        n_modes=int(point.n_modes),
        bound_slopes=tuple(float(v) for v in point.bound_slopes),
        bound_curvatures=tuple(float(v) for v in point.bound_curvatures),
        bound_widths=tuple(float(v) for v in point.bound_widths),
        symmetry_order=_symmetry_order(objective, x),
    )


def transition_state_record(objective, connection):
    """A :class:`TransitionStateRecord` from a :class:`~._transition_state.Connection`."""
    x = np.asarray(objective.canonical(connection.ts_x), dtype=float).copy()
    return TransitionStateRecord(
        x=x,
        energy=float(connection.ts_energy),
        log_hessian_product=float(connection.ts_log_hessian_product),
        negative_eigenvalue=float(connection.ts_negative_eigenvalue),
        n_modes=int(connection.ts_n_modes),
        bound_slopes=tuple(float(v) for v in connection.ts_bound_slopes),
        bound_curvatures=tuple(float(v) for v in connection.ts_bound_curvatures),
        bound_widths=tuple(float(v) for v in connection.ts_bound_widths),
        symmetry_order=_symmetry_order(objective, x),
    )


def _symmetry_order(objective, x):
    order = objective.symmetry_order(x)
    if int(order) != order or order < 1:
        raise ValueError(f"symmetry_order must be a positive integer, got {order!r}.")
    return int(order)


def mode_columns(records, n_params, transition_states=False):
    r"""Landscape columns ``n_modes``, ``bound_{slope,curvature,width}`` and ``pgorder``.

    The ``bound_*`` columns have one column per held coordinate of the point
    holding most, padded with NaN. ``pgorder`` is int64 while every order fits
    and float64 beyond (a layer of :math:`m` interchangeable tanh units has
    order :math:`m!\,2^m`, past int64 from :math:`m = 17`); only its
    logarithm enters the thermodynamics.
    """
    default = n_params - 1 if transition_states else n_params
    held = max((len(r.bound_slopes) for r in records), default=0)
    slope = np.full((len(records), held), np.nan)
    curvature = np.full((len(records), held), np.nan)
    width = np.full((len(records), held), np.nan)
    for i, record in enumerate(records):
        slope[i, : len(record.bound_slopes)] = record.bound_slopes
        curvature[i, : len(record.bound_curvatures)] = record.bound_curvatures
        width[i, : len(record.bound_widths)] = record.bound_widths
    return {
        "n_modes": np.array(
            [default if r.n_modes < 0 else r.n_modes for r in records], dtype=np.int64
        ),
        "bound_slope": slope,
        "bound_curvature": curvature,
        "bound_width": width,
        "pgorder": _order_column([r.symmetry_order for r in records]),
    }


def _order_column(orders):
    """Symmetry orders as int64, or as float64 when one does not fit int64."""
    if max(orders, default=1) <= np.iinfo(np.int64).max:
        return np.array(orders, dtype=np.int64)
    return np.array([float(order) for order in orders])


def mode_fields(table, row):
    """The :func:`mode_columns` entries of ``table[row]`` as record keyword arguments."""
    fields = {}
    if "n_modes" in table:
        fields["n_modes"] = int(table["n_modes"][row])
    if "bound_slope" in table:
        slope, curvature = table["bound_slope"][row], table["bound_curvature"][row]
        held = np.isfinite(slope)
        fields["bound_slopes"] = tuple(float(v) for v in slope[held])
        fields["bound_curvatures"] = tuple(float(v) for v in curvature[held])
        if "bound_width" in table:
            fields["bound_widths"] = tuple(float(v) for v in table["bound_width"][row][held])
    if "pgorder" in table:
        fields["symmetry_order"] = int(table["pgorder"][row])
    return fields


class _EnergyBinnedIndex:
    """Hash of energy bins: finds a stored point equal to a query within tolerance.

    Points are grouped (``group`` is ``None`` for minima and the unordered
    pair of minima for transition states); only points of the same group can
    match.
    """

    def __init__(self, objective):
        self._objective = objective
        self._position_tolerance = float(objective.position_tolerance())
        self._width = None
        self._bins = {}
        self._keys = []  # (group, u) of every stored point, for rebuilding

    def _span(self, energy):
        tolerance = float(self._objective.energy_tolerance(energy))
        return tolerance, np.arcsinh(energy - tolerance), np.arcsinh(energy + tolerance)

    def _bin(self, u):
        return int(np.floor(u / self._width))

    def _ensure_width(self, u_low, u_high, u):
        span = max(u_high - u_low, 4 * np.finfo(float).eps * max(1.0, abs(u)))
        if self._width is None:
            self._width = span
        elif span > MAX_BINS_PER_QUERY * self._width:
            self._width = span
            self._bins = {}
            for index, (group, stored_u) in enumerate(self._keys):
                self._bins.setdefault((group, self._bin(stored_u)), []).append(index)

    def find(self, group, energy, x, energies, positions):
        """Index of the stored point matching ``(energy, x)``, or ``None``.

        Among several matches the nearest in position wins (ties: the first stored).
        """
        tolerance, u_low, u_high = self._span(energy)
        self._ensure_width(u_low, u_high, np.arcsinh(energy))
        best, best_distance = None, np.inf
        for key in range(self._bin(u_low), self._bin(u_high) + 1):
            for index in self._bins.get((group, key), ()):
                if abs(energies[index] - energy) > tolerance:
                    continue
                distance = self._objective.distance(positions[index], x)
                if distance <= self._position_tolerance and distance < best_distance:
                    best, best_distance = index, distance
        return best

    def insert(self, group, energy):
        """Register the next stored point (its index is the number already stored)."""
        u = float(np.arcsinh(energy))
        if self._width is None:
            _, u_low, u_high = self._span(energy)
            self._ensure_width(u_low, u_high, u)
        self._bins.setdefault((group, self._bin(u)), []).append(len(self._keys))
        self._keys.append((group, u))


class MinimaDatabase:
    """Distinct minima, in the order they were first found.

    Parameters
    ----------
    objective : Objective
        Supplies ``energy_tolerance``, ``position_tolerance`` and ``distance``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklandscape._explore._objective import FunctionObjective
    >>> from sklandscape._explore._database import MinimaDatabase, MinimumRecord
    >>> objective = FunctionObjective(lambda x: float(x @ x), 2)
    >>> database = MinimaDatabase(objective)
    >>> def record(x, energy):
    ...     return MinimumRecord(np.asarray(x, float), energy, 0.0, 1.0, 1.0, 2.0)
    >>> database.add(record([0.0, 0.0], 1.0))
    (0, True)
    >>> database.add(record([1e-9, 0.0], 1.0 + 1e-12))   # the same minimum again
    (0, False)
    >>> database.add(record([1.0, 0.0], 1.0))            # same energy, elsewhere
    (1, True)
    """

    def __init__(self, objective):
        self._index = _EnergyBinnedIndex(objective)
        self.records = []
        self._energies = []
        self._positions = []

    def __len__(self):
        return len(self.records)

    def find(self, record):
        """Index of a stored minimum equal to ``record``, or ``None``."""
        return self._index.find(None, record.energy, record.x, self._energies, self._positions)

    def add(self, record):
        """Store ``record`` unless already present; return ``(index, is_new)``."""
        index = self.find(record)
        if index is not None:
            return index, False
        self._index.insert(None, record.energy)
        self.records.append(record)
        self._energies.append(record.energy)
        self._positions.append(record.x)
        return len(self.records) - 1, True

    def energies(self):
        """Energies of the stored minima, shape (n_minima,)."""
        return np.array(self._energies, dtype=float)

    def positions(self, n_params):
        """Canonical coordinates of the stored minima, shape (n_minima, n_params)."""
        if not self._positions:
            return np.empty((0, n_params))
        return np.array(self._positions, dtype=float)


class TransitionStateDatabase:
    """Distinct transition states, each joining two distinct minima.

    A transition state is identified by the unordered pair of minima it joins
    together with its energy and canonical position. One whose two minima are
    the same (after deduplication of the minima) is a degenerate rearrangement
    and is not stored.

    Parameters
    ----------
    objective : Objective
    """

    def __init__(self, objective):
        self._index = _EnergyBinnedIndex(objective)
        self.records = []
        self.pairs = []
        self._energies = []
        self._positions = []

    def __len__(self):
        return len(self.records)

    def add(self, pair, record):
        """Store ``record`` joining minima ``pair = (i, j)``.

        Returns
        -------
        index : int or None
            Index of the stored (new or existing) transition state; ``None``
            when the TS is degenerate.
        status : {"new", "duplicate", "degenerate"}
        """
        i, j = int(pair[0]), int(pair[1])
        if i == j:
            return None, "degenerate"
        group = (min(i, j), max(i, j))
        index = self._index.find(group, record.energy, record.x, self._energies, self._positions)
        if index is not None:
            return index, "duplicate"
        self._index.insert(group, record.energy)
        self.records.append(record)
        self.pairs.append(group)
        self._energies.append(record.energy)
        self._positions.append(record.x)
        return len(self.records) - 1, "new"

    def pair_array(self):
        """The minima joined by each stored TS, shape (n_ts, 2), smaller index first."""
        if not self.pairs:
            return np.empty((0, 2), dtype=np.int64)
        return np.array(self.pairs, dtype=np.int64)
