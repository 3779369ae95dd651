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

Examples
--------
>>> import numpy as np
>>> from sklandscape.surfaces import TwoGaussians
>>> surface = TwoGaussians()
>>> energy, gradient = surface.value_and_grad(np.zeros(2))
>>> bool(np.isclose(energy, -2 / np.e)), gradient.tolist()
(True, [0.0, 0.0])
"""

import numpy as np

from ._explore._objective import Objective

__all__ = ["DoubleWell1D", "MullerBrown", "SeparableEggCrate", "TwoGaussians"]


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


class MullerBrown(_AnalyticSurface):
    r"""The Müller-Brown potential (Müller & Brown, Theor. Chim. Acta 53, 75, 1979).

    .. math::

        E(x, y) = \sum_{k=1}^{4} A_k \exp\left(a_k (x - x_k)^2
                  + b_k (x - x_k)(y - y_k) + c_k (y - y_k)^2\right)

    with ``A = (-200, -100, -170, 15)``, ``a = (-1, -1, -6.5, 0.7)``,
    ``b = (0, 0, 11, 0.6)``, ``c = (-10, -10, -6.5, 0.7)``,
    ``x_k = (1, 0, -0.5, -1)``, ``y_k = (0, 0.5, 1.5, 1)``.
    Three minima (E ≈ -146.70, -108.17, -80.77) and two transition states
    (E ≈ -72.25, -40.66).

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
    x_centre = np.array([1.0, 0.0, -0.5, -1.0])
    y_centre = np.array([0.0, 0.5, 1.5, 1.0])

    _temperature = 10.0
    _step_size = 1.2

    def __init__(self, bounds=((-1.5, 1.2), (-0.5, 2.0))):
        super().__init__(2, bounds=bounds)

    def _evaluate(self, points, order):
        dx = points[:, :1] - self.x_centre  # (m, 4)
        dy = points[:, 1:] - self.y_centre
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
