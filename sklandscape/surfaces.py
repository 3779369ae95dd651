"""Analytic test surfaces with exact gradients and Hessians.

Small energy functions whose minima and transition states are known
independently, for tests, benchmarks and tutorials. Each is an
:class:`~sklandscape._explore.Objective`, so it goes straight into
:func:`sklandscape.explore`, and has a vectorised :meth:`energies` for
contour plots.

- :class:`MullerBrown`: the Müller-Brown potential (3 minima, 2 transition
  states), the classic test of reaction-path methods.
- :class:`TwoGaussians`: two Gaussian wells, joined by a transition state at
  the origin with energy ``-2/e``.
- :class:`DoubleWell1D`: the quartic double well, optionally tilted.
- :class:`SeparableEggCrate`: ``E = g(x) + g(y)``, a grid of
  ``n_wells x n_wells`` minima whose stationary points all follow from those
  of the one-dimensional ``g``.
- Standard optimisation test functions with every stationary point known:
  :class:`SixHumpCamel` (6 minima, 7 transition states), :class:`Himmelblau`
  (4 and 4), :class:`Rastrigin` (121 and 220), :class:`Schwefel` (64 and 98,
  some minima on the bounds) and :class:`BoundedDoubleWell` (its global
  minimum on a bound). Their ``known_minima()`` and
  ``known_transition_states()`` give the reference points.

Examples
--------
>>> import numpy as np
>>> from sklandscape.surfaces import TwoGaussians
>>> surface = TwoGaussians()
>>> energy, gradient = surface.value_and_grad(np.zeros(2))
>>> bool(np.isclose(energy, -2 / np.e)), gradient.tolist()
(True, [0.0, 0.0])
"""

import warnings

import numpy as np

from ._explore._objective import Objective

__all__ = [
    "BoundedDoubleWell",
    "DoubleWell1D",
    "Himmelblau",
    "MullerBrown",
    "Rastrigin",
    "Schwefel",
    "SeparableEggCrate",
    "SixHumpCamel",
    "TwoGaussians",
]


class _AnalyticSurface(Objective):
    """An Objective whose energy, gradient and Hessian come from one vectorised method.

    Subclasses implement ``_evaluate(points, order)`` for points of shape
    ``(m, n_params)``, returning energies ``(m,)``, and with ``order >= 1``
    gradients ``(m, n_params)``, with ``order == 2`` Hessians
    ``(m, n_params, n_params)``.
    """

    _temperature = 1.0
    _step_size = None

    def energies(self, points):
        """Energies of many points at once.

        Parameters
        ----------
        points : array-like of shape (..., n_params)

        Returns
        -------
        ndarray of shape (...)
        """
        points = np.asarray(points, dtype=float)
        if points.shape[-1] != self.n_params:
            raise ValueError(
                f"points must have last dimension {self.n_params}, got shape {points.shape}."
            )
        flat = points.reshape(-1, self.n_params)
        return self._evaluate(flat, 0)[0].reshape(points.shape[:-1])

    def value_and_grad(self, x):
        energy, gradient = self._evaluate(np.asarray(x, dtype=float).reshape(1, -1), 1)
        return float(energy[0]), gradient[0]

    def value(self, x):
        return float(self._evaluate(np.asarray(x, dtype=float).reshape(1, -1), 0)[0][0])

    def hessian(self, x):
        return self._evaluate(np.asarray(x, dtype=float).reshape(1, -1), 2)[2][0]

    def default_temperature(self):
        return self._temperature

    def default_step_size(self):
        return super().default_step_size() if self._step_size is None else self._step_size


class _KnownStationaryPoints:
    """Mixin: the minima and transition states of a surface, polished from tabulated values.

    Subclasses list ``_MINIMA`` and ``_TRANSITION_STATES`` to six decimals;
    :meth:`known_minima` and :meth:`known_transition_states` refine them by
    Newton steps on the gradient of the coordinates not held by a bound, to
    machine precision.
    """

    _MINIMA = ()
    _TRANSITION_STATES = ()

    def known_minima(self):
        """Every local minimum in the box (on a bound: a KKT minimum), by increasing energy.

        Returns
        -------
        ndarray of shape (n_minima, n_params)
        """
        return self._sorted(self._polish(np.array(self._MINIMA, dtype=float)))

    def known_transition_states(self):
        """Every index-one saddle inside the box, by increasing energy.

        Returns
        -------
        ndarray of shape (n_transition_states, n_params)
        """
        return self._sorted(self._polish(np.array(self._TRANSITION_STATES, dtype=float)))

    def _sorted(self, points):
        points = points.reshape(-1, self.n_params)
        return points[np.argsort(self.energies(points), kind="stable")]

    def _polish(self, points):
        points = points.reshape(-1, self.n_params).copy()
        low, high = self.bounds[:, 0], self.bounds[:, 1]
        for point in points:
            free = (point > low) & (point < high)
            for _ in range(50):
                _, gradient, hessian = self._evaluate(point[None, :], 2)
                g, h = gradient[0][free], hessian[0][np.ix_(free, free)]
                if not free.any() or np.max(np.abs(g)) < 1e-13:
                    break
                point[free] -= np.linalg.solve(h, g)
        return points


class MullerBrown(_KnownStationaryPoints, _AnalyticSurface):
    r"""The Müller-Brown potential (Müller & Brown, Theor. Chim. Acta 53, 75, 1979).

    .. math::

        E(x, y) = \sum_{k=1}^{4} A_k \exp\left(a_k (x - x_k)^2
                  + b_k (x - x_k)(y - y_k) + c_k (y - y_k)^2\right)

    with ``A = (-200, -100, -170, 15)``, ``a = (-1, -1, -6.5, 0.7)``,
    ``b = (0, 0, 11, 0.6)``, ``c = (-10, -10, -6.5, 0.7)``,
    ``x_k = (1, 0, -0.5, -1)``, ``y_k = (0, 0.5, 1.5, 1)``.
    Three minima, ``(-0.558224, 1.441726)``, ``(0.623499, 0.028038)``,
    ``(-0.050011, 0.466694)`` (E ≈ -146.70, -108.17, -80.77), and two
    transition states, ``(-0.822002, 0.624313)`` and ``(0.212487, 0.292988)``
    (E ≈ -40.66, -72.25).

    Parameters
    ----------
    bounds : array-like of shape (2, 2), default=((-1.5, 1.2), (-0.5, 2.0))
        The box explored; the energy rises towards every side of the default
        box, so it holds no stationary point on its boundary.

    Examples
    --------
    >>> from sklandscape.surfaces import MullerBrown
    >>> round(MullerBrown().value([-0.558224, 1.441726]), 2)
    -146.7
    """

    A = np.array([-200.0, -100.0, -170.0, 15.0])
    a = np.array([-1.0, -1.0, -6.5, 0.7])
    b = np.array([0.0, 0.0, 11.0, 0.6])
    c = np.array([-10.0, -10.0, -6.5, 0.7])
    x_center = np.array([1.0, 0.0, -0.5, -1.0])
    y_center = np.array([0.0, 0.5, 1.5, 1.0])

    _temperature = 10.0
    _step_size = 1.2
    _MINIMA = [(-0.558224, 1.441726), (0.623499, 0.028038), (-0.050011, 0.466694)]
    _TRANSITION_STATES = [(-0.822002, 0.624313), (0.212487, 0.292988)]

    def __init__(self, bounds=((-1.5, 1.2), (-0.5, 2.0))):
        super().__init__(2, bounds=bounds)

    @property
    def x_centre(self):
        """Deprecated alias of ``x_center`` (scikit-learn's spelling)."""
        warnings.warn(
            "MullerBrown.x_centre is deprecated and will be removed in 0.3; use x_center.",
            FutureWarning,
            stacklevel=2,
        )
        return self.x_center

    @property
    def y_centre(self):
        """Deprecated alias of ``y_center`` (scikit-learn's spelling)."""
        warnings.warn(
            "MullerBrown.y_centre is deprecated and will be removed in 0.3; use y_center.",
            FutureWarning,
            stacklevel=2,
        )
        return self.y_center

    def _evaluate(self, points, order):
        dx = points[:, :1] - self.x_center  # (m, 4)
        dy = points[:, 1:] - self.y_center
        terms = self.A * np.exp(self.a * dx**2 + self.b * dx * dy + self.c * dy**2)
        energy = terms.sum(axis=1)
        if order == 0:
            return (energy,)
        ux = 2 * self.a * dx + self.b * dy  # d(exponent)/dx
        uy = self.b * dx + 2 * self.c * dy
        gradient = np.stack([(terms * ux).sum(axis=1), (terms * uy).sum(axis=1)], axis=1)
        if order == 1:
            return energy, gradient
        hessian = np.empty((points.shape[0], 2, 2))
        hessian[:, 0, 0] = (terms * (ux**2 + 2 * self.a)).sum(axis=1)
        hessian[:, 0, 1] = hessian[:, 1, 0] = (terms * (ux * uy + self.b)).sum(axis=1)
        hessian[:, 1, 1] = (terms * (uy**2 + 2 * self.c)).sum(axis=1)
        return energy, gradient, hessian


class TwoGaussians(_AnalyticSurface):
    r"""Two Gaussian wells in the plane.

    .. math::

        E(\mathbf{x}) = -e^{-|\mathbf{x} + \mathbf{e}_1|^2} - e^{-|\mathbf{x} - \mathbf{e}_1|^2}

    Two minima on the first axis, mirror images of each other, and one
    transition state at the origin with ``E = -2/e`` and Hessian
    ``diag(-4/e, 4/e)``.

    Parameters
    ----------
    bounds : array-like of shape (2, 2), default=((-2.5, 2.5), (-2.5, 2.5))
        The energy rises towards every side of the default box.
    """

    _temperature = 0.2
    _step_size = 1.5

    def __init__(self, bounds=((-2.5, 2.5), (-2.5, 2.5))):
        super().__init__(2, bounds=bounds)

    def _evaluate(self, points, order):
        energy = np.zeros(points.shape[0])
        gradient = np.zeros_like(points)
        hessian = np.zeros((points.shape[0], 2, 2))
        for sign in (-1.0, 1.0):
            d = points.copy()
            d[:, 0] -= sign  # x - c, c = sign * e1
            weight = np.exp(-np.sum(d**2, axis=1))
            energy -= weight
            if order >= 1:
                gradient += 2 * d * weight[:, None]
            if order == 2:
                hessian += weight[:, None, None] * (
                    2 * np.eye(2) - 4 * d[:, :, None] * d[:, None, :]
                )
        return (energy, gradient, hessian)[: order + 1]


class DoubleWell1D(_AnalyticSurface):
    r"""The quartic double well, optionally tilted.

    .. math::

        E(x) = h (x^2 - 1)^2 + \tau x

    Untilted (``tau = 0``): minima at ``x = ±1`` (``E = 0``), the transition
    state at ``x = 0`` (``E = h``). The stationary points are the real roots of
    ``4 h x^3 - 4 h x + tau``.

    Parameters
    ----------
    barrier : float, default=1.0
        ``h``, the barrier height of the untilted well (> 0).
    tilt : float, default=0.0
        ``tau``; two minima remain while ``|tau| < 8 h / (3 sqrt(3))``.
    bounds : array-like of shape (1, 2), default=((-2, 2),)
    """

    _temperature = 0.5
    _step_size = 1.5

    def __init__(self, barrier=1.0, tilt=0.0, bounds=((-2.0, 2.0),)):
        super().__init__(1, bounds=bounds)
        if not barrier > 0:
            raise ValueError(f"barrier must be positive, got {barrier!r}.")
        self.barrier = float(barrier)
        self.tilt = float(tilt)

    def _evaluate(self, points, order):
        x = points[:, 0]
        energy = self.barrier * (x**2 - 1) ** 2 + self.tilt * x
        gradient = (4 * self.barrier * x * (x**2 - 1) + self.tilt)[:, None]
        hessian = (self.barrier * (12 * x**2 - 4))[:, None, None]
        return (energy, gradient, hessian)[: order + 1]


class SeparableEggCrate(_AnalyticSurface):
    r"""A separable egg-crate surface with a grid of ``n_wells x n_wells`` minima.

    .. math::

        E(x, y) = g(x) + g(y), \qquad
        g(t) = -\cos\bigl(2\pi (t - s)\bigr) + \gamma t^2 + \beta t,
        \quad s = (n_\mathrm{wells} - 1) / 2

    on the box ``[-s - 1/4, s + 1/4]^2``. ``g`` has ``n_wells`` minima
    ``m_i`` near ``t = -s, ..., s`` and ``n_wells - 1`` maxima ``M_j`` between
    them (``g'`` does not vanish at the bounds). Because the Hessian is
    ``diag(g''(x), g''(y))``, the minima of ``E`` are the ``n_wells^2`` points
    ``(m_i, m_k)`` and its transition states the ``2 n_wells (n_wells - 1)``
    points ``(m_i, M_j)`` and ``(M_j, m_i)``, each joining two grid neighbours
    (49 minima and 84 transition states for the default 7 wells). The
    curvature ``gamma`` gives the wells a funnel and the tilt ``beta`` breaks
    the mirror symmetry, so that only the swap ``x <-> y`` pairs up energies.

    Parameters
    ----------
    n_wells : int, default=7
        Wells per axis.
    curvature : float, default=0.1
        ``gamma``; keep ``2 gamma s`` well below ``2 pi`` so that every well survives.
    tilt : float, default=0.05
        ``beta``.
    """

    _temperature = 1.0
    _step_size = 1.2

    def __init__(self, n_wells=7, curvature=0.1, tilt=0.05):
        if int(n_wells) != n_wells or n_wells < 1:
            raise ValueError(f"n_wells must be a positive integer, got {n_wells!r}.")
        self.n_wells = int(n_wells)
        self.curvature = float(curvature)
        self.tilt = float(tilt)
        half_width = (self.n_wells - 1) / 2 + 0.25
        super().__init__(2, bounds=[(-half_width, half_width)] * 2)

    def one_dimensional(self, t, order=0):
        """The factor ``g(t)`` (``order=0``), ``g'(t)`` (1) or ``g''(t)`` (2), vectorised."""
        t = np.asarray(t, dtype=float)
        phase = 2 * np.pi * (t - (self.n_wells - 1) / 2)
        if order == 0:
            return -np.cos(phase) + self.curvature * t**2 + self.tilt * t
        if order == 1:
            return 2 * np.pi * np.sin(phase) + 2 * self.curvature * t + self.tilt
        if order == 2:
            return 4 * np.pi**2 * np.cos(phase) + 2 * self.curvature
        raise ValueError(f"order must be 0, 1 or 2, got {order!r}.")

    def _evaluate(self, points, order):
        phase = 2 * np.pi * (points - (self.n_wells - 1) / 2)
        cosine = np.cos(phase)
        energy = (-cosine + self.curvature * points**2 + self.tilt * points).sum(axis=1)
        if order == 0:
            return (energy,)
        gradient = 2 * np.pi * np.sin(phase) + 2 * self.curvature * points + self.tilt
        if order == 1:
            return energy, gradient
        second = 4 * np.pi**2 * cosine + 2 * self.curvature
        hessian = np.zeros((points.shape[0], 2, 2))
        hessian[:, 0, 0], hessian[:, 1, 1] = second[:, 0], second[:, 1]
        return energy, gradient, hessian


class SixHumpCamel(_KnownStationaryPoints, _AnalyticSurface):
    r"""The six-hump camel-back function (Dixon & Szegő, 1978).

    .. math::

        E(x, y) = \left(4 - 2.1 x^2 + \frac{x^4}{3}\right) x^2 + x y + (4 y^2 - 4) y^2

    on ``[-3, 3] x [-2, 2]``, symmetric under ``(x, y) -> (-x, -y)``. Six minima:
    ``±(0.089842, -0.712656)`` (E = -1.031628, the global minima),
    ``±(1.703607, -0.796084)`` (E = -0.215464) and ``±(1.607105, 0.568651)``
    (E = 2.104250); seven transition states: the origin (E = 0),
    ``±(1.109205, -0.768268)`` (E = 0.543719), ``±(1.638068, 0.228674)``
    (E = 2.229357) and ``±(1.296070, 0.605084)`` (E = 2.229471); two maxima
    ``±(1.230230, 0.162335)``. These are all the stationary points (a dense
    grid of Newton searches finds no other; ``#min - #saddle + #max = 1``, the
    Euler characteristic of the box, on whose sides the energy rises). The
    two minima of highest energy have small basins.
    """

    _temperature = 0.5
    _MINIMA = [
        (0.089842, -0.712656),
        (-0.089842, 0.712656),
        (1.703607, -0.796084),
        (-1.703607, 0.796084),
        (1.607105, 0.568651),
        (-1.607105, -0.568651),
    ]
    _TRANSITION_STATES = [
        (0.0, 0.0),
        (1.109205, -0.768268),
        (-1.109205, 0.768268),
        (1.638068, 0.228674),
        (-1.638068, -0.228674),
        (1.296070, 0.605084),
        (-1.296070, -0.605084),
    ]

    def __init__(self):
        super().__init__(2, bounds=((-3.0, 3.0), (-2.0, 2.0)))

    def _evaluate(self, points, order):
        x, y = points[:, 0], points[:, 1]
        energy = (4 - 2.1 * x**2 + x**4 / 3) * x**2 + x * y + (4 * y**2 - 4) * y**2
        if order == 0:
            return (energy,)
        gradient = np.stack([8 * x - 8.4 * x**3 + 2 * x**5 + y, x - 8 * y + 16 * y**3], axis=1)
        if order == 1:
            return energy, gradient
        hessian = np.empty((points.shape[0], 2, 2))
        hessian[:, 0, 0] = 8 - 25.2 * x**2 + 10 * x**4
        hessian[:, 0, 1] = hessian[:, 1, 0] = 1.0
        hessian[:, 1, 1] = -8 + 48 * y**2
        return energy, gradient, hessian


class Himmelblau(_KnownStationaryPoints, _AnalyticSurface):
    r"""Himmelblau's function (Himmelblau, Applied Nonlinear Programming, 1972).

    .. math::

        E(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2

    on ``[-5, 5]^2``. Four minima with ``E = 0``: ``(3, 2)``,
    ``(-2.805118, 3.131313)``, ``(-3.779310, -3.283186)``,
    ``(3.584428, -1.848127)``; four transition states ``(3.385154, 0.073852)``
    (E = 13.311926), ``(0.086678, 2.884255)`` (E = 67.719150),
    ``(-3.073026, -0.081353)`` (E = 104.015163), ``(-0.127961, -1.953715)``
    (E = 178.337239); one maximum ``(-0.270845, -0.923039)`` (E = 181.616522).
    """

    _temperature = 10.0
    _MINIMA = [
        (3.0, 2.0),
        (-2.805118, 3.131313),
        (-3.779310, -3.283186),
        (3.584428, -1.848127),
    ]
    _TRANSITION_STATES = [
        (3.385154, 0.073852),
        (0.086678, 2.884255),
        (-3.073026, -0.081353),
        (-0.127961, -1.953715),
    ]

    def __init__(self):
        super().__init__(2, bounds=((-5.0, 5.0), (-5.0, 5.0)))

    def _evaluate(self, points, order):
        x, y = points[:, 0], points[:, 1]
        a, b = x**2 + y - 11, x + y**2 - 7
        energy = a**2 + b**2
        if order == 0:
            return (energy,)
        gradient = np.stack([4 * x * a + 2 * b, 2 * a + 4 * y * b], axis=1)
        if order == 1:
            return energy, gradient
        hessian = np.empty((points.shape[0], 2, 2))
        hessian[:, 0, 0] = 12 * x**2 + 4 * y - 42
        hessian[:, 0, 1] = hessian[:, 1, 0] = 4 * (x + y)
        hessian[:, 1, 1] = 4 * x + 12 * y**2 - 26
        return energy, gradient, hessian


class BoundedDoubleWell(_KnownStationaryPoints, _AnalyticSurface):
    r"""A tilted double well cut by a bound: its global minimum lies on the bound.

    .. math::

        E(x, y) = (x^2 - 1)^2 - 0.3 x + y^2

    on ``[-1.5, 0.8] x [-2, 2]``. One interior minimum at
    ``(-0.961, 0)`` (the lowest real root of ``4x^3 - 4x - 0.3``,
    E = 0.294), the global minimum on the bound, ``(0.8, 0)``
    (E = -0.1104, a KKT point: ``dE/dx = -0.3`` pushes into the bound), and
    one transition state ``(-0.075, 0)`` (the middle root, E = 0.0225)
    between them. The default basin-hopping step (a tenth of the box) cannot
    cross from the left well, which covers most of the box.
    """

    _temperature = 0.1
    _MINIMA = [(-0.961046, 0.0), (0.8, 0.0)]
    _TRANSITION_STATES = [(-0.074944, 0.0)]

    def __init__(self):
        super().__init__(2, bounds=((-1.5, 0.8), (-2.0, 2.0)))

    def _evaluate(self, points, order):
        x, y = points[:, 0], points[:, 1]
        energy = (x**2 - 1) ** 2 - 0.3 * x + y**2
        if order == 0:
            return (energy,)
        gradient = np.stack([4 * x * (x**2 - 1) - 0.3, 2 * y], axis=1)
        if order == 1:
            return energy, gradient
        hessian = np.zeros((points.shape[0], 2, 2))
        hessian[:, 0, 0] = 12 * x**2 - 4
        hessian[:, 1, 1] = 2.0
        return energy, gradient, hessian


class _SeparableKnown(_AnalyticSurface):
    """``E(x, y) = g(x) + g(y)``: stationary points from the roots of ``g'`` (see Notes).

    Subclasses implement ``_g(t, order)``. The minima of ``E`` are the pairs of
    minima of ``g`` (including a KKT minimum of ``g`` at a bound where ``g``
    falls towards it), its transition states the pairs (minimum, interior
    maximum) in either order.
    """

    def one_dimensional_stationary_points(self):
        """Minima and interior maxima of ``g`` on the box side, sorted.

        The roots of ``g'`` are bracketed on a grid of 200,001 points and
        refined by Brent's method; a bound is a minimum when ``g'`` points into
        the box there.

        Returns
        -------
        minima, maxima : ndarray
        """
        from scipy.optimize import brentq

        low, high = self.bounds[0]
        t = np.linspace(low, high, 200_001)
        slope = self._g(t, 1)
        change = np.nonzero(np.sign(slope[:-1]) * np.sign(slope[1:]) < 0)[0]
        roots = np.array(
            [brentq(lambda u: self._g(u, 1), t[i], t[i + 1], xtol=1e-15) for i in change]
            + list(t[1:-1][slope[1:-1] == 0])  # roots that fall on the grid exactly
        )
        curvature = self._g(roots, 2)
        minima = list(roots[curvature > 0])
        if slope[0] > 0:
            minima.append(low)
        if slope[-1] < 0:
            minima.append(high)
        return np.sort(minima), np.sort(roots[curvature < 0])

    def known_minima(self):
        """Every minimum (KKT minima on a bound included), by increasing energy."""
        minima, _ = self.one_dimensional_stationary_points()
        points = np.array([(a, b) for a in minima for b in minima])
        return points[np.argsort(self.energies(points), kind="stable")]

    def known_transition_states(self):
        """Every index-one saddle inside the box, by increasing energy."""
        minima, maxima = self.one_dimensional_stationary_points()
        low, high = self.bounds[0]
        interior = minima[(minima > low) & (minima < high)]
        points = np.array([p for a in interior for b in maxima for p in ((a, b), (b, a))]).reshape(
            -1, 2
        )
        return points[np.argsort(self.energies(points), kind="stable")]

    def _evaluate(self, points, order):
        energy = self._g(points, 0).sum(axis=1)
        if order == 0:
            return (energy,)
        gradient = self._g(points, 1)
        if order == 1:
            return energy, gradient
        hessian = np.zeros((points.shape[0], 2, 2))
        second = self._g(points, 2)
        hessian[:, 0, 0], hessian[:, 1, 1] = second[:, 0], second[:, 1]
        return energy, gradient, hessian


class Rastrigin(_SeparableKnown):
    r"""The two-dimensional Rastrigin function (Rastrigin, 1974; Mühlenbein et al., 1991).

    .. math::

        E(x, y) = g(x) + g(y), \qquad g(t) = 10 + t^2 - 10 \cos(2 \pi t)

    on ``[-5.12, 5.12]^2``. ``g`` has 11 minima near the integers ``-5..5``
    (exactly 0 at ``t = 0``) and 10 maxima near the half-integers, so ``E``
    has 121 minima and 220 transition states (the global minimum ``E = 0`` at
    the origin); ``g`` rises towards both bounds.
    """

    _temperature = 2.0

    def __init__(self):
        super().__init__(2, bounds=((-5.12, 5.12), (-5.12, 5.12)))

    @staticmethod
    def _g(t, order):
        t = np.asarray(t, dtype=float)
        if order == 0:
            return 10 + t * t - 10 * np.cos(2 * np.pi * t)
        if order == 1:
            return 2 * t + 20 * np.pi * np.sin(2 * np.pi * t)
        return 2 + 40 * np.pi**2 * np.cos(2 * np.pi * t)


class Schwefel(_SeparableKnown):
    r"""The two-dimensional Schwefel function (Schwefel, 1981).

    .. math::

        E(x, y) = g(x) + g(y), \qquad g(t) = 418.9829 - t \sin\sqrt{|t|}

    on ``[-500, 500]^2``. ``g`` has 7 interior minima (the lowest at
    ``t = 420.9687``, so the global minimum ``E ≈ 2.5e-5`` is at
    ``(420.9687, 420.9687)``), a KKT minimum on the bound ``t = -500`` and 7
    maxima, so ``E`` has 64 minima (15 of them on a bound) and 98 interior
    transition states, 84 of which join two interior minima. ``t = 0`` is a
    degenerate critical point of ``g`` (``g' ≈ -1.5 sqrt|t|`` on both
    sides), not an extremum; ``g''`` diverges there and the Hessian is NaN
    on the lines ``x = 0`` and ``y = 0`` exactly.
    """

    _temperature = 20.0

    def __init__(self):
        super().__init__(2, bounds=((-500.0, 500.0), (-500.0, 500.0)))

    @staticmethod
    def _g(t, order):
        t = np.asarray(t, dtype=float)
        root = np.sqrt(np.abs(t))
        if order == 0:
            return 418.9829 - t * np.sin(root)
        if order == 1:
            return -np.sin(root) - 0.5 * root * np.cos(root)
        with np.errstate(divide="ignore", invalid="ignore"):
            second = np.sign(t) * (-0.75 * np.cos(root) / root + 0.25 * np.sin(root))
        return np.where(root > 0, second, np.nan)
