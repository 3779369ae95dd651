"""Local minimisation to a tight gradient: L-BFGS-B, then damped Newton with an exact Hessian.

Used by objectives whose Hessian is exact and cheap (the MLP loss), whose
minima are too soft for quasi-Newton convergence alone to pin them down.
"""

import numpy as np
from scipy.optimize import minimize

from .._explore._minimize import MinimizeResult, NonFiniteEnergyError

__all__ = ["newton_polished_minimize"]

#: Gradient max-norm at which L-BFGS-B hands over to Newton the first time.
LBFGS_GTOL = 1e-5
#: Gradient max-norm a converged minimum reaches.
NEWTON_GTOL = 1e-10
#: Newton iterations per hand-over.
MAX_NEWTON_STEPS = 20
#: Eigenvalues below this fraction of the largest one are treated as zero modes.
ZERO_EIGENVALUE_RTOL = 1e-7
#: Sufficient-decrease constant of the Armijo backtracking.
ARMIJO = 1e-4
#: Smallest step fraction tried by the backtracking.
MIN_STEP_FRACTION = 1e-6


def newton_polished_minimize(objective, x0, *, maxiter=10_000):
    """Minimise ``objective`` (unbounded) from ``x0`` to a gradient max-norm of ``NEWTON_GTOL``.

    Rounds of L-BFGS-B (to ``LBFGS_GTOL``, then ten times tighter each round
    down to ``NEWTON_GTOL``) each followed by damped Newton iterations
    ``dx = -sum_k (v_k . g / lambda_k) v_k`` over the Hessian eigenpairs with
    ``lambda_k > ZERO_EIGENVALUE_RTOL * max|lambda|`` (zero modes, such as a
    softmax shift, are left alone), with Armijo backtracking on the energy.
    Newton stops at negative curvature (the point is not yet in a minimum's
    quadratic region) or when the energy stops decreasing.

    Parameters
    ----------
    objective : Objective
        Provides ``value_and_grad`` and an exact ``hessian``; no bounds.
    x0 : ndarray of shape (n_params,)
    maxiter : int, default=10000
        Iteration cap of each L-BFGS-B round.

    Returns
    -------
    MinimizeResult
        ``converged`` when the gradient max-norm is at most ``NEWTON_GTOL``.

    Raises
    ------
    NonFiniteEnergyError
        When the energy or gradient becomes NaN or infinite.
    """
    n_evaluations = 0

    def fun(x):
        nonlocal n_evaluations
        n_evaluations += 1
        energy, grad = objective.value_and_grad(x)
        if not np.isfinite(energy) or not np.all(np.isfinite(grad)):
            raise NonFiniteEnergyError(f"non-finite energy or gradient at x={x!r}")
        return energy, grad

    x = np.asarray(x0, dtype=float)
    lbfgs_gtol = LBFGS_GTOL
    message = ""
    while True:
        result = minimize(
            fun,
            x,
            jac=True,
            method="L-BFGS-B",
            options={"gtol": lbfgs_gtol, "ftol": 0.0, "maxiter": maxiter, "maxcor": 20},
        )
        message = str(result.message)
        x = np.asarray(result.x, dtype=float)
        energy, grad = fun(x)
        x, energy, grad = _newton(objective, x, energy, grad, fun)
        converged = bool(np.max(np.abs(grad)) <= NEWTON_GTOL)
        if converged or lbfgs_gtol <= NEWTON_GTOL:
            break
        lbfgs_gtol = max(NEWTON_GTOL, lbfgs_gtol / 10.0)
    if converged:
        message = "converged (L-BFGS-B + Newton)"
    return MinimizeResult(x, float(energy), grad, converged, n_evaluations, message)


def _newton(objective, x, energy, grad, fun):
    """Damped Newton iterations in the space of the non-zero Hessian eigenvalues."""
    for _ in range(MAX_NEWTON_STEPS):
        if np.max(np.abs(grad)) <= NEWTON_GTOL:
            break
        eigenvalues, vectors = np.linalg.eigh(objective.hessian(x))
        zero_tol = ZERO_EIGENVALUE_RTOL * max(1.0, float(np.max(np.abs(eigenvalues))))
        nonzero = np.abs(eigenvalues) > zero_tol
        if np.any(eigenvalues[nonzero] < 0):
            break
        kept = vectors[:, nonzero]
        step = -kept @ ((kept.T @ grad) / eigenvalues[nonzero])
        slope = float(grad @ step)
        fraction = 1.0
        while fraction >= MIN_STEP_FRACTION:
            trial = x + fraction * step
            trial_energy, trial_grad = fun(trial)
            if trial_energy <= energy + ARMIJO * fraction * slope or _rounding_tie(
                energy, trial_energy, grad, trial_grad
            ):
                break
            fraction *= 0.5
        else:
            break
        x, energy, grad = trial, trial_energy, trial_grad
    return x, energy, grad


def _rounding_tie(energy, trial_energy, grad, trial_grad):
    """Energies equal to rounding while the gradient shrinks (the last Newton steps)."""
    rounding = 8.0 * np.finfo(float).eps * max(1.0, abs(energy))
    return trial_energy <= energy + rounding and np.max(np.abs(trial_grad)) < np.max(np.abs(grad))
