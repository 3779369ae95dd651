"""Exchange with the GMIN / OPTIM / PATHSAMPLE tool chain (min.data, ts.data, points.*).

``min.data`` has one line per minimum, ``E fvib pgorder I1 I2 I3``; ``ts.data``
one line per transition state, ``E fvib pgorder min1 min2 I1 I2 I3`` with
1-based minima. ``fvib`` is the log product of the positive Hessian
eigenvalues (``log_hessian_product`` here), ``pgorder`` the order of the point
group and ``I1 I2 I3`` the principal moments of inertia (no meaning for a
loss; written as zeros, ignored on reading). Coordinates, when known, go to
``points.min`` / ``points.ts``: unformatted direct-access records of
``n_params`` native float64 values, one record per stationary point.

PATHSAMPLE divides the partition function of a minimum by its ``pgorder`` and
multiplies a TS rate by ``pgorder_min / pgorder_ts``. A landscape read here
keeps the orders as ``pgorder`` columns, and the thermodynamic and kinetic
methods use them the same way, so both tools agree; landscapes without the
column behave as if every order were 1, which is what is written for them.
Energies and ``fvib`` are written with 17 significant digits (``repr``), so a
round trip is lossless for landscapes whose points all have the same number
of harmonic modes and none on a bound.

What the format cannot hold: the per-point mode counts (``n_modes``) and the
slopes and curvatures of coordinates held at a bound (``bound_slope``,
``bound_curvature``; see :mod:`._harmonic`). PATHSAMPLE gives every minimum
``kappa`` modes and every TS ``kappa - 1``, with ``fvib`` alone as the
volume; :meth:`PathsampleMixin.to_pathsample` warns when those columns carry
information and writes ``fvib`` as it is, so PATHSAMPLE's weights and rates
of points on a bound then differ from this library's (by the edge factor,
about ``T / g`` per held coordinate against a Gaussian ``sqrt(2 pi T / c)``).
A landscape read back has no such columns.
"""

import os
import warnings
from pathlib import Path

import numpy as np

__all__ = ["PathsampleMixin"]

MIN_FILE, TS_FILE = "min.data", "ts.data"
POINTS_MIN, POINTS_TS = "points.min", "points.ts"


def _format(value):
    return repr(float(value))


def _read_table(path, min_columns, label):
    """Rows of floats from a whitespace table; Fortran ``D`` exponents accepted."""
    rows = []
    with open(path) as handle:
        for number, line in enumerate(handle, start=1):
            fields = line.split()
            if not fields:
                continue
            if len(fields) < min_columns:
                raise ValueError(
                    f"{path}:{number}: a {label} line needs at least {min_columns} columns, "
                    f"got {len(fields)}."
                )
            try:
                rows.append(
                    [float(f.replace("D", "E").replace("d", "e")) for f in fields[:min_columns]]
                )
            except ValueError as exc:
                raise ValueError(f"{path}:{number}: cannot read {label} line: {exc}") from exc
    return np.array(rows, dtype=float).reshape(-1, min_columns)


def _read_points(path, n_rows, n_params, label):
    """Coordinates from a points file (``n_rows`` records of ``n_params`` float64)."""
    data = np.fromfile(path, dtype=np.float64)
    if n_params is None:
        if n_rows == 0 or data.size % n_rows:
            raise ValueError(
                f"{path} holds {data.size} values, not a multiple of {n_rows} {label}."
            )
        n_params = data.size // n_rows
    if data.size != n_rows * n_params:
        raise ValueError(
            f"{path} holds {data.size} values; expected {n_rows} {label} x {n_params} parameters."
        )
    return data.reshape(n_rows, n_params), n_params


def _has_mode_information(minima, states):
    """Whether a point is on a bound or the mode counts are not kappa / kappa - 1 throughout."""
    for table in (minima, states):
        if "bound_slope" in table and np.any(np.isfinite(table["bound_slope"])):
            return True
    counts = [
        np.asarray(t["n_modes"]) + k for t, k in ((minima, 0), (states, 1)) if "n_modes" in t
    ]
    return np.unique(np.concatenate(counts)).size > 1 if counts else False


def _integer_column(values, path, label):
    if not np.all(values == np.round(values)) or np.any(values < 1):
        raise ValueError(f"{path}: {label} must be positive integers.")
    return values.astype(np.int64)


class PathsampleMixin:
    """PATHSAMPLE database export and import (mixed into Landscape)."""

    def to_pathsample(self, directory, *, coordinates=True):
        """Write ``min.data`` and ``ts.data`` (and ``points.min``/``points.ts``) to a directory.

        Format of the GMIN/OPTIM/PATHSAMPLE tool chain (Wales,
        https://www-wales.ch.cam.ac.uk/PATHSAMPLE/): per minimum
        ``E fvib pgorder I1 I2 I3``; per TS ``E fvib pgorder min1 min2 I1 I2 I3``
        with 1-based minima and ``fvib`` the log product of the positive Hessian
        eigenvalues. ``pgorder`` comes from a ``pgorder`` column when present,
        else 1; the moments of inertia are written as zeros.

        The per-point mode counts and bound edge data have no field in this
        format and are not written (a :class:`UserWarning` says so when they
        carry information; see the module notes).

        Parameters
        ----------
        directory : str or path-like
            Created if missing; existing files of these names are replaced.
        coordinates : bool, default=True
            Also write ``points.min`` and ``points.ts`` when coordinates are known.
        """
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        for table, label in (
            (self.minima, "minima"),
            (self.transition_states, "transition_states"),
        ):
            if not np.all(np.isfinite(table.log_hessian_product)):
                raise ValueError(f"{label}.log_hessian_product must be finite to export.")
        minima, states = self.minima, self.transition_states
        if _has_mode_information(minima, states):
            warnings.warn(
                "PATHSAMPLE files cannot hold per-point mode counts or the edge factors of "
                "coordinates held at a bound; they are not written, and PATHSAMPLE will give "
                "these points other weights and rates.",
                UserWarning,
                stacklevel=2,
            )
        min_order = minima["pgorder"] if "pgorder" in minima else np.ones(len(minima), int)
        ts_order = states["pgorder"] if "pgorder" in states else np.ones(len(states), int)
        with open(directory / MIN_FILE, "w") as handle:
            for e, f, o in zip(minima.energy, minima.log_hessian_product, min_order, strict=True):
                handle.write(f"{_format(e)} {_format(f)} {int(o)} 0.0 0.0 0.0\n")
        with open(directory / TS_FILE, "w") as handle:
            for e, f, o, (a, b) in zip(
                states.energy, states.log_hessian_product, ts_order, states.minima, strict=True
            ):
                handle.write(
                    f"{_format(e)} {_format(f)} {int(o)} {int(a) + 1} {int(b) + 1} 0.0 0.0 0.0\n"
                )
        have_x = self.n_params > 0 and minima.x.shape[1] == self.n_params
        if coordinates and have_x and states.x.shape[1] == self.n_params:
            np.ascontiguousarray(minima.x, dtype=np.float64).tofile(directory / POINTS_MIN)
            np.ascontiguousarray(states.x, dtype=np.float64).tofile(directory / POINTS_TS)

    @classmethod
    def from_pathsample(cls, directory, n_params=None):
        """Read a PATHSAMPLE database (``min.data``, ``ts.data``, optional ``points.*``).

        Parameters
        ----------
        directory : str or path-like
            Holds ``min.data``; ``ts.data`` may be missing (no transition states).
        n_params : int, optional
            Number of parameters (kappa). Default: from the size of
            ``points.min`` when present, else 0 (thermodynamics then lacks the
            constant ``kappa/2``; peaks, probabilities and rates are unaffected).

        Returns
        -------
        landscape : Landscape
            With ``pgorder`` columns on both tables.

        Raises
        ------
        FileNotFoundError
            When ``min.data`` is missing.
        ValueError
            On malformed lines, non-integer orders or minima, indices out of
            range, or points files of the wrong size.
        """
        directory = Path(os.fspath(directory))
        min_path, ts_path = directory / MIN_FILE, directory / TS_FILE
        if not min_path.is_file():
            raise FileNotFoundError(f"no {MIN_FILE} in {directory}")
        minima = _read_table(min_path, 3, "min.data")
        states = _read_table(ts_path, 5, "ts.data") if ts_path.is_file() else np.empty((0, 5))
        min_order = _integer_column(minima[:, 2], min_path, "pgorder")
        ts_order = _integer_column(states[:, 2], ts_path, "pgorder")
        pairs = _integer_column(states[:, 3:5], ts_path, "minima indices") - 1
        if n_params is not None and (not isinstance(n_params, int | np.integer) or n_params < 0):
            raise ValueError(f"n_params must be a non-negative integer, got {n_params!r}.")
        minima_x = ts_x = None
        if (directory / POINTS_MIN).is_file():
            minima_x, n_params = _read_points(
                directory / POINTS_MIN, len(minima), n_params, "minima"
            )
            if (directory / POINTS_TS).is_file():
                ts_x, _ = _read_points(directory / POINTS_TS, len(states), n_params, "TSs")
        n_params = int(n_params or 0)
        base = cls.from_arrays(
            minima[:, 0],
            states[:, 0],
            pairs,
            minima_log_hessian_product=minima[:, 1],
            ts_log_hessian_product=states[:, 1],
            n_params=n_params,
            minima_x=minima_x,
            ts_x=ts_x,
        )
        return cls(
            {**base.minima.to_dict(), "pgorder": min_order},
            {**base.transition_states.to_dict(), "pgorder": ts_order},
            n_params,
            base.metadata,
        )
