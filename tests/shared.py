"""Helpers shared by the test modules: data sets with known answers and Hypothesis strategies.

Test modules import it as ``shared`` (``tests/conftest.py`` puts this folder on
``sys.path``).
"""

import numpy as np
from hypothesis import strategies as st
from sklearn.gaussian_process.kernels import RBF, WhiteKernel

from sklandscape import Landscape


def noisy_sine():
    """The data of scikit-learn's example ``plot_gpr_noisy.py``: 20 noisy samples of a sine.

    Its GP log marginal likelihood (:func:`noisy_sine_kernel`, ``alpha=0``) has two
    optima, -LML about 18.43 (short length scale, noise about 0.13) and 23.50
    (length scale at its upper bound, noise about 0.52); see
    ``doc/developers/reference_values.rst``.
    """
    rng = np.random.RandomState(0)
    X = rng.uniform(0, 5, size=20).reshape(-1, 1)
    target = 0.5 + np.sin(3 * X)
    target += np.random.RandomState(1).normal(0, 0.3, size=target.shape)
    return X, target.squeeze()


def noisy_sine_kernel(length_scale_upper=1e3):
    """The kernel of that example, ``1.0 * RBF(1.0) + WhiteKernel(1e-2)``, with its bounds."""
    return 1.0 * RBF(1.0, (1e-2, length_scale_upper)) + WhiteKernel(1e-2, (1e-10, 1e1))


#: Finite energies and coordinates of either sign, over a wide range.
finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)


def _array(draw, elements, size):
    return np.array(draw(st.lists(elements, min_size=size, max_size=size)), dtype=float)


@st.composite
def landscapes(draw, *, with_x=False, extra_columns=False):
    """A landscape of 1-7 minima and 0-9 transition states, each TS above both its minima.

    Parameters
    ----------
    with_x : bool
        Coordinates for every point, with 1-4 parameters (otherwise 0-4 parameters
        and no coordinates, unless ``extra_columns``).
    extra_columns : bool
        Built with the ``Landscape`` constructor: coordinates always (0-3 parameters),
        an extra ``hessian_trace`` column on the minima, and metadata.
    """
    n_min = draw(st.integers(1, 7))
    n_ts = draw(st.integers(0, 9))
    energy = _array(draw, finite, n_min)
    pair = st.tuples(st.integers(0, n_min - 1), st.integers(0, n_min - 1))
    pairs = np.array(draw(st.lists(pair, min_size=n_ts, max_size=n_ts)), dtype=np.int64).reshape(
        -1, 2
    )
    heights = _array(draw, st.floats(0, 1e3), n_ts)
    ts_energy = np.maximum(energy[pairs[:, 0]], energy[pairs[:, 1]]) + heights
    lhp = _array(draw, finite, n_min + n_ts)
    if extra_columns:
        n_params = draw(st.integers(0, 3))
    else:
        n_params = draw(st.integers(1, 4)) if with_x else draw(st.integers(0, 4))
    x = None
    if with_x or extra_columns:
        x = _array(draw, finite, (n_min + n_ts) * n_params).reshape(n_min + n_ts, n_params)
    if not extra_columns:
        return Landscape.from_arrays(
            energy,
            ts_energy,
            pairs,
            minima_log_hessian_product=lhp[:n_min],
            ts_log_hessian_product=lhp[n_min:],
            n_params=n_params,
            minima_x=None if x is None else x[:n_min],
            ts_x=None if x is None else x[n_min:],
        )
    minima = {
        "energy": energy,
        "log_hessian_product": lhp[:n_min],
        "x": x[:n_min],
        "hessian_trace": _array(draw, finite, n_min),
    }
    states = {
        "energy": ts_energy,
        "minima": pairs,
        "log_hessian_product": lhp[n_min:],
        "x": x[n_min:],
    }
    metadata = {"n_hops_total": draw(st.integers(0, 1000)), "note": draw(st.text(max_size=5))}
    return Landscape(minima, states, n_params, metadata)


def random_landscape(
    rng,
    n_min,
    n_extra,
    *,
    energy_scale=1.0,
    barrier_offset=0.0,
    barrier_scale=1.0,
    symmetry_orders=False,
):
    """A connected random kinetic network: a random tree plus ``n_extra`` TSs (some parallel).

    Minimum energies are ``energy_scale * N(0, 1)``; each TS lies ``barrier_offset +
    barrier_scale * Exp(1)`` above the higher of its minima; log Hessian products are
    ``N(0, 1)``; with ``symmetry_orders``, every point gets an order of 1 or 2.
    """
    pairs = [(i, int(rng.integers(0, i))) for i in range(1, n_min)]
    pairs += [tuple(int(v) for v in rng.choice(n_min, 2, replace=False)) for _ in range(n_extra)]
    pairs = np.array(pairs)
    energy = energy_scale * rng.normal(size=n_min)
    ts_energy = np.maximum(energy[pairs[:, 0]], energy[pairs[:, 1]])
    ts_energy = ts_energy + barrier_offset + barrier_scale * rng.exponential(size=len(pairs))
    orders = {}
    minima_lhp = rng.normal(size=n_min)
    ts_lhp = rng.normal(size=len(pairs))
    if symmetry_orders:
        orders = {
            "minima_symmetry_order": rng.integers(1, 3, size=n_min),
            "ts_symmetry_order": rng.integers(1, 3, size=len(pairs)),
        }
    return Landscape.from_arrays(
        energy,
        ts_energy,
        pairs,
        minima_log_hessian_product=minima_lhp,
        ts_log_hessian_product=ts_lhp,
        n_params=4,
        **orders,
    )
