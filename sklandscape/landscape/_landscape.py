"""The Landscape container: tables of minima and transition states.

A :class:`Landscape` is the database of a loss surface: the minima, the
transition states (TSs) joining them, and what the exploration recorded. It
is immutable once built. The analysis methods (thermodynamics, network
metrics, disconnectivity graphs) live in sibling modules and are attached as
methods here; they need only the arrays, so a Landscape built by
:meth:`Landscape.from_arrays` from another tool's database works as well as
an explored one.
"""

import io
import json
import os
import zipfile

import networkx as nx
import numpy as np

from ._disconnectivity import DisconnectivityMixin
from ._flatness import FlatnessMixin
from ._free_energy import FreeEnergyMixin
from ._funnels import FunnelMixin
from ._network import NetworkMixin
from ._paths import PathMixin
from ._pathsample import PathsampleMixin
from ._plot import PlotMixin
from ._rates import KineticsMixin
from ._summary import SummaryMixin
from ._thermodynamics import ThermodynamicsMixin

__all__ = ["Landscape", "LandscapeTable"]

FILE_FORMAT = "sklandscape.landscape"
FILE_VERSION = 1


class LandscapeTable:
    """Read-only named columns of equal length (a minimal, dependency-free frame).

    Columns are numpy arrays whose first axis indexes the rows; read them as
    attributes (``table.energy``) or items (``table["energy"]``).
    """

    def __init__(self, columns):
        lengths = {name: np.shape(value)[0] for name, value in columns.items()}
        if len(set(lengths.values())) > 1:
            raise ValueError(f"columns have different lengths: {lengths}.")
        self._columns = {}
        for name, value in columns.items():
            array = np.array(value, copy=True)
            array.setflags(write=False)
            self._columns[name] = array
        self._length = next(iter(lengths.values()), 0)

    @property
    def columns(self):
        """Column names, in insertion order."""
        return list(self._columns)

    def __getattr__(self, name):
        columns = self.__dict__.get("_columns", {})
        if name in columns:
            return columns[name]
        raise AttributeError(f"no column {name!r}; columns are {list(columns)}.")

    def __getitem__(self, name):
        return self._columns[name]

    def __contains__(self, name):
        return name in self._columns

    def __len__(self):
        return self._length

    def __repr__(self):
        return f"LandscapeTable({self._length} rows; columns {self.columns})"

    def to_dict(self):
        """A dict of the columns (read-only arrays)."""
        return dict(self._columns)

    def to_pandas(self):
        """A :class:`pandas.DataFrame` of the one-dimensional columns (needs pandas)."""
        try:
            import pandas as pd
        except ImportError as error:
            raise ImportError(
                "to_pandas needs pandas: pip install 'sklandscape[pandas]'."
            ) from error

        return pd.DataFrame({k: v for k, v in self._columns.items() if v.ndim == 1})


class Landscape(
    ThermodynamicsMixin,
    NetworkMixin,
    KineticsMixin,
    DisconnectivityMixin,
    PlotMixin,
    PathsampleMixin,
    SummaryMixin,
    FunnelMixin,
    FlatnessMixin,
    PathMixin,
    FreeEnergyMixin,
):
    """Minima and transition states of an energy (loss) landscape.

    Build one with :func:`sklandscape.explore`, from an estimator's
    ``landscape_``, with :meth:`from_arrays`, :meth:`load` or
    :meth:`from_pathsample`.

    The analysis methods come from one module each: thermodynamics
    (occupation probabilities, heat capacity with C+/C-, entropy, frustration,
    basin volumes), network metrics (MSBs, barriers, degrees, components,
    communities), kinetics (TST rates combined by graph transformation,
    first-passage times, committors), disconnectivity trees, plots, PATHSAMPLE
    exchange and :meth:`summary`. k_B = 1 and energies are losses.

    Parameters
    ----------
    minima : dict of array-like
        Columns of the minima table; required ``energy`` (n_min,),
        ``log_hessian_product`` (n_min,) and ``x`` (n_min, n_params or 0).
    transition_states : dict of array-like
        Columns of the TS table; required ``energy`` (n_ts,), ``minima``
        (n_ts, 2) integer indices into the minima, ``log_hessian_product``
        (n_ts,) and ``x`` (n_ts, n_params or 0). Optional on both tables:
        ``n_modes`` (number of positive Hessian eigenvalues; default
        ``n_params``, ``n_params - 1`` for TSs), ``bound_slope`` and
        ``bound_curvature`` (n, k) (outward slope ``g >= 0`` and relaxed
        curvature of each coordinate held at a bound, NaN-padded; see
        :mod:`sklandscape.landscape._harmonic`), ``bound_width`` (n, k) (box
        width along it; default infinite) and ``pgorder`` (symmetry orders,
        default 1).
    n_params : int
        Number of parameters (kappa, the number of vibrational degrees of
        freedom in the harmonic superposition approximation).
    metadata : dict, optional
        JSON-serialisable facts about how the landscape was made.

    Attributes
    ----------
    minima : LandscapeTable
    transition_states : LandscapeTable
    n_params : int
    metadata : dict
    """

    def __init__(self, minima, transition_states, n_params, metadata=None):
        self.minima = LandscapeTable(minima)
        self.transition_states = LandscapeTable(transition_states)
        self.n_params = int(n_params)
        self.metadata = dict(metadata or {})
        self._graph = None
        _check_consistency(self)

    # ------------------------------------------------------------ builders
    @classmethod
    def from_arrays(
        cls,
        minima_energy,
        ts_energy,
        ts_minima,
        *,
        minima_log_hessian_product=None,
        ts_log_hessian_product=None,
        n_params=0,
        minima_x=None,
        ts_x=None,
        metadata=None,
        minima_n_modes=None,
        ts_n_modes=None,
        minima_symmetry_order=None,
        ts_symmetry_order=None,
    ):
        """Build a Landscape from plain arrays (for databases made elsewhere).

        Parameters
        ----------
        minima_energy : array-like of shape (n_min,)
        ts_energy : array-like of shape (n_ts,)
        ts_minima : array-like of shape (n_ts, 2)
            0-based indices of the two minima each TS joins.
        minima_log_hessian_product, ts_log_hessian_product : array-like, optional
            Log product of the positive Hessian eigenvalues; zeros when
            omitted (every basin then has the same harmonic volume).
        n_params : int, default=0
            Number of parameters (kappa).
        minima_x, ts_x : array-like of shape (n, n_params), optional
            Coordinates, if known.
        metadata : dict, optional
        minima_n_modes, ts_n_modes : array-like of int, optional
            Number of positive Hessian eigenvalues of each point (column
            ``n_modes``); default ``n_params`` (``n_params - 1`` for TSs).
        minima_symmetry_order, ts_symmetry_order : array-like of int, optional
            Symmetry orders (column ``pgorder``); default 1.

        Raises
        ------
        ValueError
            On inconsistent lengths, non-finite energies, TS indices out of
            range, or a TS lower than one of the minima it joins.
        """
        minima_energy = _as_1d(minima_energy, "minima_energy")
        ts_energy = _as_1d(ts_energy, "ts_energy")
        n_min, n_ts = minima_energy.size, ts_energy.size
        ts_minima = np.asarray(ts_minima)
        if ts_minima.size == 0:
            ts_minima = np.empty((0, 2), dtype=np.int64)
        if ts_minima.ndim != 2 or ts_minima.shape != (n_ts, 2):
            raise ValueError(f"ts_minima must have shape ({n_ts}, 2), got {ts_minima.shape}.")
        if not np.issubdtype(ts_minima.dtype, np.integer):
            if not np.all(np.mod(ts_minima, 1) == 0):
                raise ValueError("ts_minima must hold integer indices.")
        ts_minima = ts_minima.astype(np.int64)
        minima = {
            "energy": minima_energy,
            "log_hessian_product": _optional_1d(minima_log_hessian_product, n_min, "minima"),
            "x": _optional_x(minima_x, n_min, n_params, "minima_x"),
        }
        transition_states = {
            "energy": ts_energy,
            "minima": ts_minima,
            "log_hessian_product": _optional_1d(ts_log_hessian_product, n_ts, "ts"),
            "x": _optional_x(ts_x, n_ts, n_params, "ts_x"),
        }
        for table, modes, order in (
            (minima, minima_n_modes, minima_symmetry_order),
            (transition_states, ts_n_modes, ts_symmetry_order),
        ):
            if modes is not None:
                table["n_modes"] = np.asarray(modes)
            if order is not None:
                table["pgorder"] = np.asarray(order)
        return cls(minima, transition_states, n_params, metadata)

    # ---------------------------------------------------------- properties
    @property
    def n_minima(self):
        """Number of minima."""
        return len(self.minima)

    @property
    def n_transition_states(self):
        """Number of transition states."""
        return len(self.transition_states)

    @property
    def global_minimum(self):
        """Index of the lowest minimum."""
        if self.n_minima == 0:
            raise ValueError("the landscape has no minima.")
        return int(np.argmin(self.minima.energy))

    @property
    def graph(self):
        """The kinetic transition network as a :class:`networkx.MultiGraph`.

        Nodes are minima indices (attribute ``energy``); each transition state
        is an edge keyed by its index with attributes ``energy`` and ``ts``.
        Built once and cached; treat it as read-only.
        """
        if self._graph is None:
            graph = nx.MultiGraph()
            graph.add_nodes_from(
                (i, {"energy": float(e)}) for i, e in enumerate(self.minima.energy)
            )
            for t, ((a, b), e) in enumerate(
                zip(self.transition_states.minima, self.transition_states.energy, strict=True)
            ):
                graph.add_edge(int(a), int(b), key=t, energy=float(e), ts=t)
            self._graph = graph
        return self._graph

    def __repr__(self):
        if self.n_minima == 0:
            return f"Landscape(0 minima, 0 transition states, n_params={self.n_params})"
        n_msb = len(self.monotonic_sequence_basins())
        return (
            f"Landscape({self.n_minima} minima, {self.n_transition_states} transition states, "
            f"n_params={self.n_params}, global minimum {self.global_minimum} "
            f"at E={self.minima.energy[self.global_minimum]:.6g}, "
            f"{n_msb} monotonic sequence basin{'s' if n_msb != 1 else ''})"
        )

    # ------------------------------------------------------------- storage
    def save(self, path):
        """Write the landscape to ``path`` (a compressed ``.npz`` archive).

        Every column, ``n_params`` and ``metadata`` are stored with a format
        tag and version; :meth:`load` restores an identical object.
        """
        arrays = {
            "__format__": np.array(FILE_FORMAT),
            "__version__": np.array(FILE_VERSION),
            "n_params": np.array(self.n_params),
            "metadata": np.array(json.dumps(self.metadata, default=_json_default)),
        }
        for prefix, table in (("minima", self.minima), ("ts", self.transition_states)):
            for name, column in table.to_dict().items():
                arrays[f"{prefix}.{name}"] = column
        with open(os.fspath(path), "wb") as handle:
            np.savez_compressed(handle, **arrays)

    @classmethod
    def load(cls, path):
        """Read a landscape written by :meth:`save`.

        Raises
        ------
        FileNotFoundError
            When ``path`` does not exist.
        ValueError
            When the file is truncated, corrupt, of another format or of an
            unsupported version.
        """
        path = os.fspath(path)
        try:
            with open(path, "rb") as handle:
                payload = handle.read()
            with np.load(io.BytesIO(payload), allow_pickle=False) as archive:
                contents = {name: archive[name] for name in archive.files}
        except FileNotFoundError:
            raise
        except (zipfile.BadZipFile, ValueError, OSError, EOFError, KeyError) as exc:
            raise ValueError(
                f"{path!r} is not a readable sklandscape landscape file: {exc}"
            ) from exc
        if str(contents.get("__format__", "")) != FILE_FORMAT:
            raise ValueError(f"{path!r} is not a sklandscape landscape file.")
        version = int(contents["__version__"])
        if version > FILE_VERSION:
            raise ValueError(
                f"{path!r} has format version {version}; this sklandscape reads up to "
                f"{FILE_VERSION}. Upgrade sklandscape."
            )
        minima = {k.split(".", 1)[1]: v for k, v in contents.items() if k.startswith("minima.")}
        states = {k.split(".", 1)[1]: v for k, v in contents.items() if k.startswith("ts.")}
        try:
            metadata = json.loads(str(contents["metadata"]))
            return cls(minima, states, int(contents["n_params"]), metadata)
        except (KeyError, ValueError, TypeError) as exc:
            raise ValueError(f"{path!r} is a corrupt sklandscape landscape file: {exc}") from exc


# ----------------------------------------------------------------- helpers
def _json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"metadata value of type {type(value).__name__} is not JSON-serialisable")


def _as_1d(values, name):
    array = np.asarray(values, dtype=float)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}.")
    return array


def _optional_1d(values, length, name):
    if values is None:
        return np.zeros(length)
    array = _as_1d(values, f"{name}_log_hessian_product")
    if array.size != length:
        raise ValueError(
            f"{name}_log_hessian_product has {array.size} entries, expected {length}."
        )
    return array


def _optional_x(values, length, n_params, name):
    if values is None:
        return np.empty((length, 0))
    array = np.asarray(values, dtype=float)
    if array.ndim != 2 or array.shape[0] != length or array.shape[1] != n_params:
        raise ValueError(f"{name} must have shape ({length}, {n_params}), got {array.shape}.")
    return array


def _check_mode_columns(table, label):
    """Validate the optional ``n_modes``, ``bound_*`` and ``pgorder`` columns."""
    for name in ("n_modes", "pgorder"):
        if name in table:
            values = table[name]
            if values.ndim != 1 or not np.all(np.isfinite(values)):
                raise ValueError(f"{label}.{name} must be a finite 1-d column.")
            if np.any(np.mod(values, 1) != 0) or np.any(values < (1 if name == "pgorder" else 0)):
                kind = "positive" if name == "pgorder" else "non-negative"
                raise ValueError(f"{label}.{name} must hold {kind} integers.")
    if ("bound_slope" in table) != ("bound_curvature" in table):
        raise ValueError(f"{label} needs both bound_slope and bound_curvature, or neither.")
    if "bound_slope" in table:
        slope, curvature = table["bound_slope"], table["bound_curvature"]
        if slope.ndim != 2 or slope.shape != curvature.shape:
            raise ValueError(
                f"{label}.bound_slope and bound_curvature must be 2-d of one shape, "
                f"got {slope.shape} and {curvature.shape}."
            )
        held = ~np.isnan(slope)
        if np.any(np.isnan(curvature) != ~held):
            raise ValueError(f"{label}.bound_curvature must be NaN exactly where bound_slope is.")
        if "bound_width" in table:
            width = table["bound_width"]
            if width.shape != slope.shape or np.any(np.isnan(width) != ~held):
                raise ValueError(
                    f"{label}.bound_width must have bound_slope's shape and its NaN pattern."
                )
            if np.any(width[held] <= 0):
                raise ValueError(f"{label}.bound_width must be positive.")
        g, c = slope[held], curvature[held]
        if not (np.all(np.isfinite(g)) and np.all(np.isfinite(c))) or np.any(g < 0):
            raise ValueError(f"{label}.bound_slope must be finite and non-negative.")
        width = table["bound_width"][held] if "bound_width" in table else np.inf
        if np.any((g == 0) & (c <= 0) & ~np.isfinite(width)):
            raise ValueError(
                f"{label}: a held coordinate needs a positive slope or curvature or a finite "
                "bound_width (else its edge integral diverges)."
            )


def _check_consistency(landscape):
    """Validate a freshly built landscape; raise ValueError on any inconsistency."""
    minima, states = landscape.minima, landscape.transition_states
    for table, label, required in (
        (minima, "minima", ("energy", "log_hessian_product", "x")),
        (states, "transition_states", ("energy", "minima", "log_hessian_product", "x")),
    ):
        missing = [name for name in required if name not in table]
        if missing:
            raise ValueError(f"{label} table lacks columns {missing}.")
        if not np.all(np.isfinite(table.energy)):
            raise ValueError(f"{label} energies must be finite.")
        for name in ("x",):
            if table[name].ndim != 2 or table[name].shape[1] not in (0, landscape.n_params):
                raise ValueError(
                    f"{label}.x must have shape (n, {landscape.n_params}) or (n, 0), "
                    f"got {table[name].shape}."
                )
        _check_mode_columns(table, label)
    if landscape.n_params < 0:
        raise ValueError("n_params must be non-negative.")
    if len(states) == 0:
        return
    pairs = states.minima
    if pairs.ndim != 2 or pairs.shape[1] != 2:
        raise ValueError(f"transition_states.minima must have shape (n_ts, 2), got {pairs.shape}.")
    if np.any(pairs < 0) or np.any(pairs >= len(minima)):
        raise ValueError(
            f"transition-state minima indices must lie in [0, {len(minima)}); "
            f"got range [{pairs.min()}, {pairs.max()}]."
        )
    highest_end = np.maximum(minima.energy[pairs[:, 0]], minima.energy[pairs[:, 1]])
    tolerance = 1e-9 * np.maximum(1.0, np.abs(highest_end))
    below = np.flatnonzero(states.energy < highest_end - tolerance)
    if below.size:
        raise ValueError(
            f"transition state {below[0]} (E={states.energy[below[0]]:.10g}) lies below a "
            f"minimum it joins (E={highest_end[below[0]]:.10g})."
        )
