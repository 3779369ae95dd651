"""The energy function as the exploration engine sees it.

An :class:`Objective` bundles everything the engine needs to know about a loss
surface: its value and gradient, its Hessian, the box it lives in, the
symmetries that make two parameter vectors the same solution, and how to take
a basin-hopping step. The engine knows nothing else about the model; the
estimators of sklandscape subclass :class:`Objective`, and :func:`explore`
wraps a plain function in :class:`FunctionObjective`.
"""

import numbers

import numpy as np

__all__ = ["FunctionObjective", "Objective"]

#: Relative step of central differences, ``eps ** (1/3)``: it balances the
#: truncation error O(h^2) against the rounding error O(eps / h) of a gradient
#: difference.
_FD_RELATIVE_STEP = np.finfo(float).eps ** (1.0 / 3.0)


class Objective:
    """A loss surface to explore.

    Subclasses implement :meth:`value_and_grad` and may override every other
    method to give the engine better information (an analytic Hessian, a
    canonical form that removes symmetry, a model-specific step taker or
    local minimiser).

    Parameters
    ----------
    n_params : int
        Number of parameters (the dimension of the surface).
    bounds : array-like of shape (n_params, 2), default=None
        Lower and upper bound of each parameter; ``-inf``/``inf`` for none.

    Attributes
    ----------
    smooth : bool
        ``True`` when the energy is twice continuously differentiable, so that
        transition states are index-one saddles. ``False`` for piecewise
        smooth costs such as K-means, where the engine defines a transition
        state as the highest point of a converged elastic band (see
        :meth:`segment_maximum`).
    n_zero_modes : int
        Number of exactly flat directions every stationary point has (for
        instance a softmax layer's shift invariance). They are excluded from
        the Hessian index and from ``log_hessian_product``, as translations
        and rotations are for molecules.
    gtol : float
        Gradient tolerance of local minimisation (max-norm of the projected
        gradient); stationary points are verified against ``10 * gtol``.
    exact_hessian_max_params : int
        Largest number of parameters for which eigenvector following
        diagonalises :meth:`hessian` at every step (quadratic convergence);
        beyond, it follows the lowest mode by Rayleigh-Ritz on Hessian-vector
        products (see
        :func:`~sklandscape._explore._transition_state.hybrid_eigenvector_following`).
        200 by default, right for a finite-difference Hessian; an objective
        with a cheap exact Hessian raises it.
    """

    smooth = True
    n_zero_modes = 0
    gtol = 1e-6
    exact_hessian_max_params = 200

    def __init__(self, n_params, *, bounds=None):
        if not isinstance(n_params, numbers.Integral) or n_params < 1:
            raise ValueError(f"n_params must be a positive integer, got {n_params!r}.")
        self.n_params = int(n_params)
        self.bounds = _validate_bounds(bounds, self.n_params)

    # ------------------------------------------------------------------ energy
    def value_and_grad(self, x):
        """Energy and gradient at ``x``: ``(float, ndarray of shape (n_params,))``."""
        raise NotImplementedError

    def values_and_grads(self, points):
        """Energies and gradients of several points: ``(ndarray (m,), ndarray (m, n_params))``.

        One :meth:`value_and_grad` per row by default. The elastic band
        evaluates all its images at once through this method; an objective
        whose evaluation is cheap next to the interpreter's overhead of one
        call (K-means on small data) overrides it with one vectorised
        evaluation of all rows, equal to the rows evaluated one by one.

        Parameters
        ----------
        points : ndarray of shape (m, n_params)
        """
        points = np.asarray(points, dtype=float)
        energies = np.empty(len(points))
        gradients = np.empty_like(points)
        for i, point in enumerate(points):
            energies[i], gradients[i] = self.value_and_grad(point)
        return energies, gradients

    def value(self, x):
        """Energy at ``x``."""
        return self.value_and_grad(x)[0]

    def gradient(self, x):
        """Gradient at ``x``."""
        return self.value_and_grad(x)[1]

    def hessian(self, x):
        """Hessian at ``x`` by central differences of the analytic gradient.

        Column ``i`` is ``(g(x + h_i e_i) - g(x - h_i e_i)) / (2 h_i)`` with
        ``h_i = eps^(1/3) max(1, |x_i|)``; where a bound is closer than
        ``h_i`` the one-sided difference into the box is used. The result is
        symmetrised, ``(H + H^T) / 2``.
        """
        x = np.asarray(x, dtype=float)
        n = x.size
        hess = np.empty((n, n))
        steps = _FD_RELATIVE_STEP * np.maximum(1.0, np.abs(x))
        low, high = self.finite_bounds()
        for i in range(n):
            h = steps[i]
            forward = x.copy()
            backward = x.copy()
            up_ok = x[i] + h <= high[i]
            down_ok = x[i] - h >= low[i]
            if up_ok and down_ok:
                forward[i] += h
                backward[i] -= h
                hess[:, i] = (self.gradient(forward) - self.gradient(backward)) / (2.0 * h)
            elif up_ok:
                forward[i] += h
                hess[:, i] = (self.gradient(forward) - self.gradient(x)) / h
            else:
                backward[i] -= h
                hess[:, i] = (self.gradient(x) - self.gradient(backward)) / h
        return 0.5 * (hess + hess.T)

    def hessian_vector_product(self, x, vectors):
        """Products ``H(x) v`` for one direction or a batch, by central differences.

        ``H v ~ |v| (g(x + z u) - g(x - z u)) / (2 z)``, ``u = v / |v|``,
        ``z = eps^(1/3) max(1, max |x_i|)``: two gradients per direction and
        no Hessian. Objectives with an exact product (the MLP's R-operator)
        override it; the transition-state searches of large models
        (Rayleigh-Ritz on these products) then follow the exact Hessian.

        Parameters
        ----------
        x : ndarray of shape (n_params,)
        vectors : ndarray of shape (n_params,) or (n_directions, n_params)

        Returns
        -------
        ndarray of the shape of ``vectors``
        """
        x = np.asarray(x, dtype=float)
        vectors = np.asarray(vectors, dtype=float)
        single = vectors.ndim == 1
        vectors = np.atleast_2d(vectors)
        if vectors.shape[1] != self.n_params:
            raise ValueError(
                f"vectors must have {self.n_params} columns, got shape {vectors.shape}."
            )
        zeta = _FD_RELATIVE_STEP * max(1.0, float(np.max(np.abs(x))))
        products = np.zeros_like(vectors)
        for row, vector in enumerate(vectors):
            norm = np.linalg.norm(vector)
            if norm == 0:
                continue
            direction = vector / norm
            g_plus = self.gradient(x + zeta * direction)
            g_minus = self.gradient(x - zeta * direction)
            products[row] = (g_plus - g_minus) / (2.0 * zeta) * norm
        return products[0] if single else products

    # -------------------------------------------------------------- geometry
    def canonical(self, x):
        """Canonical representative of ``x`` under the objective's symmetries.

        Two parameter vectors describing the same solution (clusters relabelled,
        hidden units permuted) must map to the same canonical vector, so that
        the engine counts them as one minimum. Default: ``x`` itself.
        """
        return np.asarray(x, dtype=float)

    def symmetry_order(self, x):
        """Order ``o`` of the symmetry group of the point ``x``.

        The number of the objective's symmetry operations (those
        :meth:`canonical` quotients out) that leave ``x`` itself unchanged:
        1 for a generic point, more for a degenerate one (coincident K-means
        centres, identical hidden units). A minimum's partition function is
        divided by ``o`` and a rate through a transition state ``t`` out of
        ``a`` carries ``o_a / o_t``, as point-group orders do for molecules
        (Wales, *Energy Landscapes*, 2003). Default: 1.
        """
        return 1

    def distance(self, x, y):
        """Distance between two canonical vectors (Euclidean by default)."""
        return float(np.linalg.norm(np.asarray(x) - np.asarray(y)))

    def align(self, x, reference):
        """``x`` moved to its symmetry copy closest to ``reference``.

        The copy ``x'`` describes the same solution as ``x`` (same energy,
        same canonical form) and minimises, exactly or approximately,
        ``distance(x', reference)``; it is never farther from ``reference``
        than ``x`` itself. The engine aligns the endpoints of every
        double-ended search and measures the distances of pair selection
        after alignment (as OPTIM's ``minpermdist`` does for clusters of
        atoms), so that searches start from the closest pair of copies.
        Identity tests still use :meth:`canonical`. Default: ``x`` itself
        (no symmetry).

        Parameters
        ----------
        x, reference : ndarray of shape (n_params,)

        Returns
        -------
        ndarray of shape (n_params,)
        """
        return np.asarray(x, dtype=float)

    @property
    def length_scale(self):
        """Typical scale of one parameter, for tolerances and default steps.

        The mean width of the finite bounds, else 1.
        """
        if self.bounds is not None:
            widths = self.bounds[:, 1] - self.bounds[:, 0]
            widths = widths[np.isfinite(widths)]
            if widths.size:
                return float(np.mean(widths))
        return 1.0

    def position_tolerance(self):
        """Two minima closer than this (in :meth:`distance`) may be the same."""
        return 1e-3 * self.length_scale * np.sqrt(self.n_params)

    def energy_tolerance(self, energy):
        """Two minima whose energies differ by less than this may be the same."""
        return 1e-7 * max(1.0, abs(float(energy)))

    # ----------------------------------------------------------- exploration
    def default_step_size(self):
        """Basin-hopping step used when ``step_size=None``: ``0.1 * length_scale``.

        Estimator objectives override this with a value scaled to their data.
        """
        return 0.1 * self.length_scale

    def max_quench_step(self):
        """Longest step (Euclidean) of local minimisation: ``0.25 * default_step_size()``.

        Capping the step keeps a quench inside the basin of attraction of its
        starting point (steepest-descent basins, as in GMIN's L-BFGS with
        ``MAXBFGS``): scipy's L-BFGS-B, unrestricted, leapt into another basin
        from 53% of 2000 random starts on the egg-crate test surface; with
        this cap none did. (On the steeper Müller-Brown surface 7% of random
        starts still end elsewhere than a fine gradient flow, against 33%
        uncapped.)
        """
        return 0.25 * self.default_step_size()

    def default_temperature(self):
        """Metropolis temperature used when ``temperature=None``: 1 by default.

        Estimator objectives override this with a value scaled to their loss.
        """
        return 1.0

    def random_point(self, rng):
        """A random starting point, uniform in the bounds.

        Raises
        ------
        ValueError
            When some parameter has no finite bounds (then ``x0`` is needed).
        """
        if self.bounds is None or not np.all(np.isfinite(self.bounds)):
            raise ValueError(
                "x0 is required unless every parameter has finite bounds to draw from."
            )
        return rng.uniform(self.bounds[:, 0], self.bounds[:, 1])

    def perturb(self, x, rng, step_size):
        """Basin-hopping step: uniform displacement in ``[-step_size, step_size]``.

        Coordinates leaving the box are reflected back into it.
        """
        x = np.asarray(x, dtype=float)
        trial = x + rng.uniform(-step_size, step_size, size=x.shape)
        return self.project_into_bounds(trial)

    def local_minimize(self, x):
        """Minimise locally from ``x``; see :func:`.local_minimize`."""
        from ._minimize import local_minimize

        return local_minimize(self, x)

    def segment_maximum(self, x0, x1):
        """Fraction ``t`` in [0, 1] maximising the energy on the segment ``x0 -> x1``.

        Used for non-smooth objectives to place a transition state exactly on
        the highest segment of a converged band. Default: bounded scalar
        maximisation (Brent); subclasses with a known piecewise form locate
        the maximum exactly.
        """
        from scipy.optimize import minimize_scalar

        x0 = np.asarray(x0, dtype=float)
        direction = np.asarray(x1, dtype=float) - x0
        result = minimize_scalar(
            lambda t: -self.value(x0 + t * direction), bounds=(0.0, 1.0), method="bounded"
        )
        return float(result.x)

    # --------------------------------------------------------------- helpers
    def finite_bounds(self):
        """Lower and upper bounds as two arrays, ``-inf``/``inf`` where unbounded.

        Returns
        -------
        low, high : ndarray of shape (n_params,)
            ``bounds[:, 0]`` and ``bounds[:, 1]``, or infinite arrays when
            ``bounds`` is None.
        """
        if self.bounds is None:
            inf = np.full(self.n_params, np.inf)
            return -inf, inf
        return self.bounds[:, 0], self.bounds[:, 1]

    def project_into_bounds(self, x):
        """Reflect coordinates that left the box back into it (then clip)."""
        if self.bounds is None:
            return x
        low, high = self.bounds[:, 0], self.bounds[:, 1]
        x = np.where(x < low, 2 * low - x, x)
        x = np.where(x > high, 2 * high - x, x)
        return np.clip(x, low, high)

    def check_point(self, x, name="x0"):
        """Validate a user-supplied point: finite, right length, inside bounds."""
        x = np.asarray(x, dtype=float)
        if x.ndim != 1 or x.size != self.n_params:
            raise ValueError(
                f"{name} must be a 1-d array of length {self.n_params}, got shape {x.shape}."
            )
        if not np.all(np.isfinite(x)):
            raise ValueError(f"{name} must be finite.")
        if self.bounds is not None:
            low, high = self.bounds[:, 0], self.bounds[:, 1]
            if np.any(x < low) or np.any(x > high):
                raise ValueError(f"{name} lies outside bounds.")
        return x


class FunctionObjective(Objective):
    """An :class:`Objective` from scipy.optimize-style callables.

    Parameters
    ----------
    fun : callable
        ``fun(x) -> float``, or ``fun(x) -> (float, gradient)`` when ``jac is True``.
    n_params : int
        Dimension.
    jac : callable or bool, default=None
        Gradient ``jac(x) -> ndarray``; ``True`` if ``fun`` returns it;
        ``None`` for central differences of ``fun`` (slower, less accurate).
    hess : callable, default=None
        Hessian ``hess(x) -> ndarray (n, n)``; ``None`` for central
        differences of the gradient.
    bounds : array-like of shape (n_params, 2), default=None
        Box constraints.
    symmetry_order : callable, default=None
        ``symmetry_order(x) -> int``, the order of the symmetry group of a
        point (see :meth:`Objective.symmetry_order`); ``None`` for 1.

    Raises
    ------
    TypeError
        When ``fun``, ``jac`` or ``hess`` is not callable as documented.
    ValueError
        When a gradient or Hessian comes back with the wrong shape.
    """

    def __init__(self, fun, n_params, *, jac=None, hess=None, bounds=None, symmetry_order=None):
        super().__init__(n_params, bounds=bounds)
        if not callable(fun):
            raise TypeError(f"fun must be callable, got {type(fun).__name__}.")
        if not (jac is None or jac is True or callable(jac)):
            raise TypeError("jac must be None, True or a callable.")
        if not (hess is None or callable(hess)):
            raise TypeError("hess must be None or a callable.")
        if not (symmetry_order is None or callable(symmetry_order)):
            raise TypeError("symmetry_order must be None or a callable.")
        self._symmetry_order = symmetry_order
        self.fun = fun
        self.jac = jac
        self.hess = hess

    def value_and_grad(self, x):
        x = np.asarray(x, dtype=float)
        if self.jac is True:
            value, grad = self.fun(x)
        elif callable(self.jac):
            value, grad = self.fun(x), self.jac(x)
        else:
            value, grad = self.fun(x), self._numerical_gradient(x)
        value = _as_energy(value)
        grad = np.asarray(grad, dtype=float)
        if grad.shape != (self.n_params,):
            raise ValueError(f"the gradient must have shape ({self.n_params},), got {grad.shape}.")
        return value, grad

    def value(self, x):
        if self.jac is True:
            return _as_energy(self.fun(np.asarray(x, dtype=float))[0])
        return _as_energy(self.fun(np.asarray(x, dtype=float)))

    def symmetry_order(self, x):
        if self._symmetry_order is None:
            return 1
        return int(self._symmetry_order(np.asarray(x, dtype=float)))

    def hessian(self, x):
        if self.hess is None:
            return super().hessian(x)
        hess = np.asarray(self.hess(np.asarray(x, dtype=float)), dtype=float)
        if hess.shape != (self.n_params, self.n_params):
            raise ValueError(
                f"the Hessian must have shape ({self.n_params}, {self.n_params}), "
                f"got {hess.shape}."
            )
        return 0.5 * (hess + hess.T)

    def _numerical_gradient(self, x):
        steps = np.sqrt(np.finfo(float).eps) * np.maximum(1.0, np.abs(x))
        grad = np.empty_like(x)
        for i in range(x.size):
            up, down = x.copy(), x.copy()
            up[i] += steps[i]
            down[i] -= steps[i]
            grad[i] = (_as_energy(self.fun(up)) - _as_energy(self.fun(down))) / (2 * steps[i])
        return grad


def _as_energy(value):
    """Convert ``fun``'s return value to a float, refusing arrays of size > 1."""
    array = np.asarray(value, dtype=float)
    if array.size != 1:
        raise ValueError(f"fun must return a scalar, got an array of shape {array.shape}.")
    return float(array.reshape(()))


def _validate_bounds(bounds, n_params):
    if bounds is None:
        return None
    try:
        bounds = np.array(
            [[np.nan if value is None else value for value in pair] for pair in bounds],
            dtype=float,
        )
    except (TypeError, ValueError) as exc:
        raise TypeError("bounds must be an array-like of (low, high) pairs.") from exc
    if bounds.ndim != 2 or bounds.shape != (n_params, 2):
        raise ValueError(f"bounds must have shape ({n_params}, 2), got {bounds.shape}.")
    bounds = np.where(np.isnan(bounds), np.array([-np.inf, np.inf]), bounds)
    if np.any(bounds[:, 0] >= bounds[:, 1]):
        raise ValueError("every bound must satisfy low < high.")
    return bounds
