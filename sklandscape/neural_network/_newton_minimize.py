"""Local minimisation to a tight gradient: L-BFGS-B, then damped Newton with an exact Hessian.

Used by objectives whose Hessian is exact and cheap (the MLP loss), whose
minima are too soft for quasi-Newton convergence alone to pin them down.
"""

import numpy as np
from scipy.optimize import minimize

from .._explore._minimize import MinimizeResult
from .._explore._optimizer import checked_value_and_grad, newton_polish

__all__ = ["newton_polished_minimize"]

#: Gradient max-norm at which L-BFGS-B hands over to Newton the first time.
LBFGS_GTOL = 1e-4
#: Gradient max-norm a converged minimum reaches.
NEWTON_GTOL = 1e-10
#: Newton iterations per hand-over (steps from a fresh Hessian and chord steps alike).
NEWTON_STEPS_PER_ROUND = 20
#: A Newton step reuses the last Hessian's factorisation (the chord method of
#: :func:`~sklandscape._explore._optimizer.newton_polish`) while each step at least halves
#: the gradient max-norm. On digits (1,210 parameters) a Hessian costs about 70 times a
#: gradient, and a quench spent three quarters of its time in the 6-8 Hessians of its
#: Newton rounds (``benchmarks/bench_mlp_digits.py``).
NEWTON_CHORD_RATE = 0.5
#: Up to this many parameters an indefinite Hessian still gives a (saddle-free) Newton step,
#: from its eigendecomposition; beyond, the dense eigendecomposition costs more than the
#: L-BFGS-B iterations it saves and the round goes back to L-BFGS-B. On iris subsamples
#: (83 parameters) the saddle-free steps joined more kept minima to the global minimum
#: (seed 4: 88 % against 50 %); on breast cancer (321) and digits (1,210) quenches were 3.4
#: and 9 times faster without them.
SADDLE_FREE_MAX_PARAMS = 200
#: Above ``SADDLE_FREE_MAX_PARAMS`` parameters, where an indefinite Hessian gives no Newton
#: step, Newton is tried only from a gradient max-norm below this: the Hessians computed
#: above it were indefinite, and wasted. Ten quenches each from basin-hopping steps on
#: standardised digits ((16,), 1,210 parameters) and breast cancer ((10,), 321): 0 of 28
#: Newton attempts from a gradient of 1e-5 or more found a positive definite Hessian, 10 of 22
#: from 1e-6 to 1e-5 and 19 of 20 below 1e-6. On digits a Hessian costs about 70 gradients.
LARGE_MODEL_NEWTON_GTOL = 1e-5
#: Iteration cap of each L-BFGS-B round. The longest rounds measured on standardised data took
#: about 900 iterations (100 blobs, 63 parameters) and 530 (digits, 1,210 parameters); on
#: saturating inputs a round never converges, and every iteration up to the cap is lost.
LBFGS_MAX_ITERATIONS = 3000


def newton_polished_minimize(objective, x0, *, maxiter=LBFGS_MAX_ITERATIONS):
    """Minimise ``objective`` (unbounded) from ``x0`` to a gradient max-norm of ``NEWTON_GTOL``.

    Rounds of L-BFGS-B (to ``LBFGS_GTOL``, then ten times tighter each round
    down to ``NEWTON_GTOL``) each followed by damped Newton iterations (the
    engine's :func:`~sklandscape._explore._optimizer.newton_polish`: exact
    zero modes such as a softmax shift are left alone; a factorised Hessian
    is reused while each step at least halves the gradient, see
    :data:`NEWTON_CHORD_RATE`) with Armijo
    backtracking on the energy, for as long as the point is in the quadratic
    region of a minimum (full steps accepted; an indefinite Hessian gives a
    saddle-free step up to ``SADDLE_FREE_MAX_PARAMS`` parameters and hands
    back to L-BFGS-B beyond, where Newton is tried only once the gradient is
    below :data:`LARGE_MODEL_NEWTON_GTOL`). A round that used all its ``maxiter``
    iterations without converging ends the minimisation (unconverged, unless
    its Newton steps converged): on inputs that saturate every hidden unit
    (unscaled data such as scikit-learn's ``check_fit_idempotent``, ``X ~
    N(100, 1)``) each of the eight rounds used to run 10,000 iterations, 4 s
    per quench for a minimum that never verified (0.6 s with one such round,
    0.2 s with the cap of 3,000).

    Parameters
    ----------
    objective : Objective
        Provides ``value_and_grad`` and an exact ``hessian``; no bounds.
    x0 : ndarray of shape (n_params,)
    maxiter : int, default=LBFGS_MAX_ITERATIONS
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
        return checked_value_and_grad(objective, x)

    x = np.asarray(x0, dtype=float)
    zero_modes = _zero_mode_basis(objective)
    large = zero_modes is not None and x.size > SADDLE_FREE_MAX_PARAMS
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
        if large and np.max(np.abs(grad)) >= LARGE_MODEL_NEWTON_GTOL:
            spent = 0  # the Hessian would be indefinite: the next, tighter round
        else:
            x, energy, grad, spent = newton_polish(
                objective,
                x,
                energy,
                grad,
                gtol=NEWTON_GTOL,
                max_steps=NEWTON_STEPS_PER_ROUND,
                zero_modes=zero_modes,
                saddle_free_max_params=SADDLE_FREE_MAX_PARAMS,
                quadratic_region_only=True,
                chord_rate=NEWTON_CHORD_RATE,
            )
        n_evaluations += spent
        converged = bool(np.max(np.abs(grad)) <= NEWTON_GTOL)
        stalled = result.nit >= maxiter  # a tighter round from here would stall too
        if converged or stalled or lbfgs_gtol <= NEWTON_GTOL:
            break
        lbfgs_gtol = max(NEWTON_GTOL, lbfgs_gtol / 10.0)
    if converged:
        message = "converged (L-BFGS-B + Newton)"
    return MinimizeResult(x, float(energy), grad, converged, n_evaluations, message)


def _zero_mode_basis(objective):
    """Orthonormal rows spanning the objective's exact zero modes, or ``None`` if unknown."""
    if objective.n_zero_modes == 0:
        return np.empty((0, objective.n_params))
    basis = getattr(objective, "zero_mode_basis", None)
    return None if basis is None else basis()
