"""The negative log marginal likelihood of a Gaussian process as an energy surface.

The coordinates are the kernel's log-hyperparameters ``theta = kernel.theta``
inside ``kernel.bounds`` (both in log space, as scikit-learn stores them).
For training inputs ``X`` with targets ``Y`` (``n`` rows, ``t`` columns) and
``K(theta) = k_theta(X, X) + diag(alpha)``, the energy is

.. math::

    E(\\theta) = -\\log p(Y \\mid X, \\theta)
               = \\tfrac12 \\sum_k y_k^\\top K^{-1} y_k + t \\sum_i \\log L_{ii}
                 + \\tfrac{n t}{2} \\log 2\\pi,

with ``K = L L^T`` (Cholesky), and its gradient

.. math::

    \\partial_j E = -\\tfrac12 \\operatorname{tr}\\Big(
        \\big(\\textstyle\\sum_k a_k a_k^\\top - t K^{-1}\\big)
        \\,\\partial K / \\partial \\theta_j \\Big), \\qquad a_k = K^{-1} y_k

(Rasmussen & Williams, *Gaussian Processes for Machine Learning*, 2006,
eqs. 2.30 and 5.9). The Hessian is the :class:`Objective` default: central
differences of this analytic gradient, one-sided at a bound.
"""

import numpy as np
from scipy.linalg import LinAlgError, cho_solve, cholesky
from scipy.linalg.lapack import dpotri
from scipy.optimize import minimize

from .._explore._minimize import (
    MinimizeResult,
    NonFiniteEnergyError,
    free_mask,
    local_minimize,
)
from .._explore._objective import Objective

__all__ = ["GaussianProcessObjective"]

#: Random starting points lie within this many log units (four decades) of the
#: kernel's initial log-hyperparameters, inside the bounds.
SAMPLING_HALF_WIDTH = np.log(1e4)
#: Basin-hopping step ("auto") as a fraction of the mean width of the sampling window.
STEP_FRACTION = 0.15
#: Temperature ("auto") per observed target value, in nats.
TEMPERATURE_PER_OBSERVATION = 0.1
#: Fractions of the way to a bound at which a flat direction is checked to descend.
_DESCENT_CHECK_FRACTIONS = (0.125, 0.25, 0.5)
#: Iteration cap of the L-BFGS-B stage of :meth:`GaussianProcessObjective.local_minimize`.
LBFGSB_MAXITER = 1000
#: Iteration cap of the engine-minimiser polish in the same method.
POLISH_MAXITER = 500
#: Evaluation cap of that polish: two per iteration on average. Where the energy's
#: rounding noise defeats the Armijo test (an ill-conditioned kernel matrix:
#: duplicate inputs with a tiny ``alpha``), every step would otherwise spend all
#: its halvings, 31 evaluations, on the way to the iteration cap.
POLISH_MAX_EVALUATIONS = 2 * POLISH_MAXITER


class GaussianProcessObjective(Objective):
    """Negative log marginal likelihood over a kernel's log-hyperparameters.

    Parameters
    ----------
    kernel : sklearn.gaussian_process.kernels.Kernel
        Kernel with at least one free hyperparameter (``kernel.n_dims >= 1``);
        its ``theta`` is the initial guess, its ``bounds`` the box.
    X : array-like of shape (n_samples, n_features) or list of object
        Training inputs, already validated.
    y : ndarray of shape (n_samples,) or (n_samples, n_targets)
        Training targets, already normalised if the estimator normalises them.
    alpha : float or ndarray of shape (n_samples,), default=1e-10
        Value added to the diagonal of the kernel matrix (noise variance).

    Notes
    -----
    Where the Cholesky factorisation fails (the kernel matrix is not
    numerically positive definite) or the kernel returns non-finite values,
    the energy is ``inf`` and the gradient NaN: the engine's minimiser
    raises :class:`~sklandscape._explore._minimize.NonFiniteEnergyError` and
    rejects the step, and such points never pass verification.

    Length scales often run off to a bound along an asymptotically flat
    direction, where the gradient falls below tolerance long before the
    bound. :meth:`local_minimize` therefore pushes such coordinates onto the
    bound when the energy descends monotonically towards it, so that each
    of these optima is stored once, at the bound, rather than wherever the
    minimiser happened to stop.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.gaussian_process.kernels import RBF
    >>> X = np.linspace(0, 1, 5).reshape(-1, 1)
    >>> objective = GaussianProcessObjective(RBF(0.3), X, np.sin(6 * X[:, 0]))
    >>> energy, grad = objective.value_and_grad(np.log([0.3]))
    >>> grad.shape
    (1,)
    """

    def __init__(self, kernel, X, y, *, alpha=1e-10):
        if kernel.n_dims < 1:
            raise ValueError("the kernel has no free hyperparameters: nothing to explore.")
        super().__init__(kernel.n_dims, bounds=kernel.bounds)
        self.kernel = kernel
        self.X = X
        y = np.asarray(y, dtype=float)
        self.Y = y.reshape(-1, 1) if y.ndim == 1 else y
        self.alpha = alpha
        self.theta0 = np.clip(kernel.theta, self.bounds[:, 0], self.bounds[:, 1])

    # ------------------------------------------------------------------ energy
    def value_and_grad(self, x):
        """Negative log marginal likelihood and its gradient at ``theta = x``."""
        theta = np.asarray(x, dtype=float)
        n_samples, n_targets = self.Y.shape
        failure = np.inf, np.full(self.n_params, np.nan)
        with np.errstate(all="ignore"):
            K, K_gradient = self.kernel.clone_with_theta(theta)(self.X, eval_gradient=True)
        if not (np.all(np.isfinite(K)) and np.all(np.isfinite(K_gradient))):
            return failure
        K[np.diag_indices_from(K)] += self.alpha
        try:
            L = cholesky(K, lower=True, check_finite=False)
            inverse = _inverse_from_cholesky(L)
        except LinAlgError:
            return failure
        weights = cho_solve((L, True), self.Y, check_finite=False)
        energy = (
            0.5 * np.sum(self.Y * weights)
            + n_targets * np.sum(np.log(np.diag(L)))
            + 0.5 * n_samples * n_targets * np.log(2.0 * np.pi)
        )
        inner = weights @ weights.T - n_targets * inverse
        gradient = -0.5 * (inner.reshape(-1) @ K_gradient.reshape(n_samples**2, -1))
        if not (np.isfinite(energy) and np.all(np.isfinite(gradient))):
            return failure
        return float(energy), gradient

    # ------------------------------------------------------------- geometry
    def position_tolerance(self):
        """Two minima closer than ``0.05 sqrt(n_params)`` log units may be the same.

        A 5% relative change of every hyperparameter: far below the spacing of
        distinct optima, far above the scatter of a converged minimiser in a
        shallow basin.
        """
        return 0.05 * np.sqrt(self.n_params)

    # ---------------------------------------------------------- exploration
    def sampling_window(self):
        """Box of random starting points, ``(low, high)`` arrays in log units.

        The bounds intersected with ``theta0 +/- log(1e4)``: four decades
        either side of the kernel's initial hyperparameters (clipped into the
        bounds), so that starts neither sit at numerically singular extremes
        (noise levels of 1e-10) nor depend on bounds left at huge defaults.
        """
        low = np.maximum(self.bounds[:, 0], self.theta0 - SAMPLING_HALF_WIDTH)
        high = np.minimum(self.bounds[:, 1], self.theta0 + SAMPLING_HALF_WIDTH)
        return low, high

    def random_point(self, rng):
        """Log-hyperparameters drawn uniformly in :meth:`sampling_window`.

        Uniform in ``theta`` is log-uniform in the hyperparameters, as
        scikit-learn's ``n_restarts_optimizer`` draws (there over the bounds).
        """
        low, high = self.sampling_window()
        return rng.uniform(low, high)

    def default_step_size(self):
        """``"auto"`` step: ``0.15 * mean(high - low)`` of :meth:`sampling_window`.

        With bounds of several decades this is one to two log units, a
        factor of 3 to 7 in each hyperparameter per hop.
        """
        low, high = self.sampling_window()
        return float(STEP_FRACTION * np.mean(high - low))

    def default_temperature(self):
        """``"auto"`` temperature: ``max(1, 0.1 * n_samples * n_targets)`` nats.

        The energy is a sum over the observed values, so the gaps between
        optima grow in proportion to their number; ``T = 1`` is the
        Bayesian posterior itself.
        """
        return float(max(1.0, TEMPERATURE_PER_OBSERVATION * self.Y.size))

    def local_minimize(self, x):
        """scipy's L-BFGS-B, polished by the engine's minimiser, flat directions on bounds.

        1. scipy's L-BFGS-B (as scikit-learn's optimiser) to ``gtol``, at most
           :data:`LBFGSB_MAXITER` iterations. The engine's step-limited
           L-BFGS alone crawls through the stiff, rippled valleys of some
           kernels: on a periodic (``ExpSineSquared``) problem, 60 random
           starts cost it 383,301 evaluations (one quench 196,431) against
           3,415 for L-BFGS-B.
        2. The engine's :func:`~sklandscape._explore._minimize.local_minimize`
           from there, which converges to ``gtol`` in the free subspace, for
           at most :data:`POLISH_MAXITER` iterations and
           :data:`POLISH_MAX_EVALUATIONS` evaluations: where L-BFGS-B stalls
           (tiny periodic length scales give an energy rippled on scales far
           below the step), the point is left unconverged and the engine
           rejects it rather than crawl on.
        3. Every free coordinate is tried at the bound its gradient points to
           (``theta_i -> high_i`` when ``g_i < 0``, ``low_i`` when
           ``g_i > 0``). The move is kept when the energy decreases
           monotonically along the way (checked at 1/8, 1/4, 1/2 and all of
           the way) and ends strictly lower, and step 2 restarts from there.
           An interior minimum fails the check at once (one energy evaluation
           per coordinate); an optimum at infinite length scale lands exactly
           on the bound.

        Raises
        ------
        NonFiniteEnergyError
            When the energy becomes infinite on the way (Cholesky failure).
        """
        start, n_evaluations = self._lbfgsb(x)
        result = self._polish(start)
        n_evaluations += result.n_evaluations
        for _ in range(self.n_params):
            if not result.converged:
                break
            pushed, spent = self._push_flat_coordinates(result)
            n_evaluations += spent
            if pushed is None:
                break
            result = self._polish(pushed)
            n_evaluations += result.n_evaluations
        return MinimizeResult(
            result.x,
            result.energy,
            result.grad,
            result.converged,
            n_evaluations,
            result.message,
        )

    def _polish(self, x):
        """The engine's minimiser from ``x``, within the polish caps (iterations, evaluations)."""
        return local_minimize(
            self, x, maxiter=POLISH_MAXITER, max_evaluations=POLISH_MAX_EVALUATIONS
        )

    def _lbfgsb(self, x):
        """scipy L-BFGS-B from ``x``; returns ``(end point, evaluations)``."""
        n_evaluations = 0

        def fun(theta):
            nonlocal n_evaluations
            n_evaluations += 1
            energy, grad = self.value_and_grad(theta)
            if not np.isfinite(energy):
                raise NonFiniteEnergyError(f"non-finite energy at theta={theta!r}")
            return energy, grad

        result = minimize(
            fun,
            self.project_into_bounds(np.asarray(x, dtype=float)),
            jac=True,
            method="L-BFGS-B",
            bounds=self.bounds,
            options={"gtol": self.gtol, "ftol": 0.0, "maxiter": LBFGSB_MAXITER, "maxcor": 20},
        )
        return np.asarray(result.x, dtype=float), n_evaluations

    def _push_flat_coordinates(self, result):
        """Move free coordinates to the bound they descend to; ``(x or None, evaluations)``."""
        x, energy = result.x.copy(), result.energy
        free = free_mask(self, x, result.grad)
        moved, spent = False, 0
        for i in np.flatnonzero(free & (result.grad != 0)):
            target = self.bounds[i, 1] if result.grad[i] < 0 else self.bounds[i, 0]
            if not np.isfinite(target):
                continue
            end_energy, evaluations = self._descent_to(x, energy, i, target)
            spent += evaluations
            if end_energy is not None:
                x[i], energy, moved = target, end_energy, True
        return (x if moved else None), spent

    def _descent_to(self, x, energy, i, target):
        """Energy at ``x_i = target`` if it is reached by monotone descent, else None.

        The end point is evaluated first (an interior minimum fails there);
        then ``E(x) >= E(1/8) >= E(1/4) >= E(1/2) >= E(end)`` must hold within
        ``energy_tolerance``. Returns ``(energy or None, evaluations spent)``.
        """
        end = x.copy()
        end[i] = target
        end_energy = self.value(end)
        if not end_energy < energy:
            return None, 1
        path = [energy]
        for fraction in _DESCENT_CHECK_FRACTIONS:
            trial = x.copy()
            trial[i] += fraction * (target - x[i])
            path.append(self.value(trial))
        path.append(end_energy)
        descends = bool(np.all(np.diff(path) <= self.energy_tolerance(energy)))
        return (end_energy if descends else None), 1 + len(_DESCENT_CHECK_FRACTIONS)


def _inverse_from_cholesky(L):
    """``K^-1`` from the lower Cholesky factor ``L`` by LAPACK ``dpotri``.

    About ``2 n^3 / 3`` flops, a third of solving ``K X = I`` with the factor.
    """
    inverse, info = dpotri(L, lower=1)
    if info != 0:
        raise LinAlgError(f"dpotri failed with info={info}.")
    return np.tril(inverse) + np.tril(inverse, -1).T
