"""Harmonic partition functions of stationary points, with edge factors for bounds.

A stationary point ``x`` (minimum, or transition state without its reaction
coordinate) with energy ``E_x``, ``m_x`` positive Hessian eigenvalues
``lambda_i`` in its free subspace, coordinates ``j`` held at a bound with
outward slope ``g_j >= 0`` and curvature ``c_j``, and symmetry order ``o_x``
has the configurational partition function (k_B = 1)

    Z_x(T) = exp(-E_x / T) (2 pi T)^(m_x / 2) exp(-LPPHE_x / 2) prod_j e(T; g_j, c_j) / o_x,

where ``LPPHE_x = sum_i ln lambda_i`` and the *edge factor* of a held
coordinate is the exact 1-D integral over the inside of the box,

    e(T; g, c) = int_0^inf exp(-(g s + c s^2 / 2) / T) ds
               = sqrt(pi T / (2 c)) erfcx(g / sqrt(2 c T))        (c > 0),
               = T / g                                             (c <= 0, g > 0),

(``erfcx(z) = exp(z^2) erfc(z)``; the second line is also the ``c -> 0``
limit and the leading Laplace term for ``c < 0``). For a free coordinate the
same integral over the whole line would be the Gaussian ``sqrt(2 pi T / c)``.
``c`` is the curvature along the held coordinate with the positive free
modes relaxed (a Schur complement), so the factor is exact for one held
coordinate of a quadratic-plus-linear well; couplings between several held
coordinates are neglected. The integral stops at the box width ``W`` along
the held coordinate (see :func:`edge_terms`): a flat held direction cannot
claim more volume than the box has.

The mean energy ``U_x = T^2 d ln Z_x / dT`` and its temperature derivative
``C_x = dU_x / dT`` follow in closed form: ``U_x = E_x + m_x T / 2 + sum_j
T u_j``, ``C_x = m_x / 2 + sum_j c_j^{edge}`` with ``u = T d ln e / dT``
(1/2 for a half-Gaussian ``g = 0``, 1 for a linear edge ``c = 0``).
"""

import numpy as np
from numpy.polynomial import polynomial as P
from scipy.special import erfcx, logsumexp

__all__ = ["edge_terms", "log_partition_terms", "mode_columns"]

LOG_2PI = np.log(2.0 * np.pi)
#: Above ``z = g / sqrt(2 c T) = SERIES_Z`` the edge factor uses its asymptotic series
#: in ``w = 1 / (2 z^2)``.
SERIES_Z = 20.0
#: ``sqrt(pi) z erfcx(z) ~ sum_n (-1)^n (2n-1)!! w^n``, ``w = c T / g^2 = 1 / (2 z^2)``.
_SERIES = np.array([1.0, -1.0, 3.0, -15.0, 105.0, -945.0, 10395.0, -135135.0])


def edge_terms(T, slope, curvature, width=None):
    """Log edge factor and its energy and heat-capacity terms.

    The integral runs over ``0 <= s <= W``, ``W`` the width of the box along
    the held coordinate (a basin cannot extend beyond the box). Where the
    cut matters at double precision (``(g W + c W^2 / 2) / T < 40``) the
    factor and the moments of ``phi = g s + c s^2 / 2`` are integrated by
    Gauss-Legendre quadrature on ``[0, W]`` (:data:`N_NODES` nodes: the
    integrand varies by at most ``e^40`` there and is entire); otherwise the
    closed forms for ``W = inf`` hold.

    Parameters
    ----------
    T : ndarray
        Positive temperatures, broadcastable against ``slope``.
    slope, curvature : ndarray
        Outward slope ``g >= 0`` and curvature ``c`` of held coordinates;
        NaN entries (padding) contribute nothing.
    width : ndarray, optional
        Box width ``W`` along each held coordinate; default infinite.

    Returns
    -------
    log_e, u, heat : ndarray
        ``ln e(T)``, ``T d ln e / dT`` (the edge's energy is ``T u``) and
        ``d(T u)/dT``; zero on padding.
    """
    if width is None:
        width = np.full(np.shape(slope), np.inf)
    T, slope, curvature, width = np.broadcast_arrays(
        np.asarray(T, float),
        np.asarray(slope, float),
        np.asarray(curvature, float),
        np.asarray(width, float),
    )
    held = np.isfinite(slope)
    g = np.where(held, slope, 1.0)
    c = np.where(held, curvature, 0.0)
    log_e = np.zeros(T.shape)
    u = np.zeros(T.shape)
    heat = np.zeros(T.shape)
    positive = held & (c > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(positive, g / np.sqrt(2.0 * np.where(positive, c, 1.0) * T), np.inf)
    with np.errstate(invalid="ignore", over="ignore"):
        cut = held & (np.where(held, g * width + 0.5 * c * width * width, np.inf) < 40.0 * T)
    exact = positive & (z < SERIES_Z) & ~cut
    series = held & ~exact & ~cut
    if np.any(cut):
        log_e[cut], u[cut], heat[cut] = _truncated_edge(T[cut], g[cut], c[cut], width[cut])
    if np.any(exact):
        te, ce, ze = T[exact], c[exact], z[exact]
        f = erfcx(ze)
        r = 1.0 / (np.sqrt(np.pi) * f)
        h = 2.0 * ze - 2.0 * r  # d ln erfcx / dz
        dh = 2.0 + 4.0 * ze * r - 4.0 * r * r
        log_e[exact] = 0.5 * np.log(np.pi * te / (2.0 * ce)) + np.log(f)
        u[exact] = 0.5 * (1.0 - ze * h)
        heat[exact] = u[exact] + 0.25 * ze * (h + ze * dh)
    if np.any(series):
        gs, ts = g[series], T[series]
        w = np.where(c[series] > 0, c[series] * ts / (gs * gs), 0.0)
        s0 = P.polyval(w, _SERIES)
        s1 = P.polyval(w, P.polyder(_SERIES))
        s2 = P.polyval(w, P.polyder(_SERIES, 2))
        log_e[series] = np.log(ts / gs) + np.log(s0)
        u[series] = 1.0 + w * s1 / s0
        heat[series] = 1.0 + 2.0 * w * s1 / s0 + w * w * (s2 / s0 - (s1 / s0) ** 2)
    return log_e, u, heat


#: Gauss-Legendre nodes of the edge integral cut at the box width.
N_NODES = 128
_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(N_NODES)


def _truncated_edge(T, g, c, width):
    """``ln int_0^W e^{-phi/T} ds``, ``<phi>/T`` and ``Var(phi)/T^2`` by Gauss-Legendre."""
    s = 0.5 * width[:, None] * (_NODES[None, :] + 1.0)
    phi = g[:, None] * s + 0.5 * c[:, None] * s * s
    log_terms = np.log(0.5 * width[:, None] * _WEIGHTS[None, :]) - phi / T[:, None]
    log_e = logsumexp(log_terms, axis=1)
    weight = np.exp(log_terms - log_e[:, None])
    mean = np.sum(weight * phi, axis=1)
    variance = np.sum(weight * (phi - mean[:, None]) ** 2, axis=1)
    return log_e, mean / T, variance / (T * T)


def mode_columns(table, n_params, transition_states=False):
    """``(n_modes, bound_slope, bound_curvature, bound_width, log_order)`` of a table.

    Without an ``n_modes`` column every point has ``n_params`` modes
    (``n_params - 1`` for transition states), without bound columns no held
    coordinate, without ``bound_width`` an unbounded edge, without ``pgorder``
    order 1.
    """
    n = len(table)
    if "n_modes" in table:
        modes = np.asarray(table["n_modes"], dtype=float)
    else:
        modes = np.full(n, float(n_params - (1 if transition_states else 0)))
    if "bound_slope" in table:
        slope = np.asarray(table["bound_slope"], dtype=float).reshape(n, -1)
        curvature = np.asarray(table["bound_curvature"], dtype=float).reshape(n, -1)
        if "bound_width" in table:
            width = np.asarray(table["bound_width"], dtype=float).reshape(n, -1)
        else:
            width = np.full(slope.shape, np.inf)
    else:
        slope = curvature = width = np.empty((n, 0))
    if "pgorder" in table:
        log_order = np.log(np.asarray(table["pgorder"], dtype=float))
    else:
        log_order = np.zeros(n)
    return modes, slope, curvature, width, log_order


def log_partition_terms(table, n_params, temperatures, *, transition_states=False, offset=0.0):
    """``ln Z_x``, the parts of ``U_x`` and ``C_x`` over a temperature grid.

    Parameters
    ----------
    table : LandscapeTable
    n_params : int
    temperatures : ndarray of shape (n_T,)
    transition_states : bool
        Default mode count ``n_params - 1``.
    offset : float
        Energy subtracted from every ``E_x`` (for numerical range; it shifts
        every ``ln Z`` by ``offset / T``).

    Returns
    -------
    log_z : ndarray of shape (n_T, n)
    energy : ndarray of shape (n,)
        ``E_x - offset``.
    thermal : ndarray of shape (n_T, n)
        ``(U_x - E_x) / T = m_x / 2 + sum_j u_j``, kept apart from ``E_x`` so that
        differences of mean energies between points with equal mode data are exact.
    heat : ndarray of shape (n_T, n)
        ``C_x``.
    """
    modes, slope, curvature, width, log_order = mode_columns(table, n_params, transition_states)
    temperatures = np.asarray(temperatures, dtype=float)
    t = temperatures[:, None]
    energy = np.asarray(table["energy"], dtype=float) - offset
    log_z = (
        -energy[None, :] / t
        + 0.5 * modes[None, :] * (LOG_2PI + np.log(t))
        - 0.5 * np.asarray(table["log_hessian_product"], dtype=float)[None, :]
        - log_order[None, :]
    )
    thermal = np.broadcast_to(0.5 * modes[None, :], log_z.shape).copy()
    heat = np.broadcast_to(0.5 * modes[None, :], log_z.shape).copy()
    if slope.shape[1]:
        log_e, u, c_edge = edge_terms(
            temperatures[:, None, None], slope[None], curvature[None], width[None]
        )
        log_z = log_z + log_e.sum(axis=2)
        thermal = thermal + u.sum(axis=2)
        heat = heat + c_edge.sum(axis=2)
    return log_z, energy, thermal, heat
