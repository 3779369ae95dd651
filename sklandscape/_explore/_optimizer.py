"""The engine's optimisers: one of each, with every constant named here.

* :func:`checked_value_and_grad`: the one evaluation guarded against NaN/inf;
* :class:`LBFGSMemory`: the one limited-memory BFGS inverse-Hessian estimate
  (two-loop recursion, one curvature guard), used by the quench, the elastic
  band and the descents of transition-state searches;
* :func:`capped_descent`: the one step-capped L-BFGS descent with Armijo
  backtracking (quenches, pushoffs, the complement of hybrid eigenvector
  following);
* :func:`newton_step`, :func:`newton_solver` and :func:`newton_polish`: the
  one damped Newton iteration with an exact Hessian (finishing a quench, the
  MLP minimiser), optionally reusing a factorisation (the chord method);
* :class:`TrustRadius`: the one trust-radius update (eigenvector following);
* :class:`FIREStepper`: FIRE, the band minimiser of non-smooth surfaces.

References
----------
Nocedal, Math. Comp. 35, 773 (1980); Nocedal & Wright, *Numerical
Optimization*, 2nd ed., Springer 2006 (Armijo condition, eq. 3.4; two-loop
recursion, Algorithm 7.4; trust regions, Algorithm 4.1); Bitzek et al.,
Phys. Rev. Lett. 97, 170201 (2006) (FIRE).
"""

import math
from dataclasses import dataclass

import numpy as np
from scipy.linalg import cho_factor, cho_solve

__all__ = [
    "FIREStepper",
    "LBFGSMemory",
    "MinimizeResult",
    "NonFiniteEnergyError",
    "TrustRadius",
    "capped_descent",
    "checked_value_and_grad",
    "checked_values_and_grads",
    "newton_polish",
    "newton_solver",
    "newton_step",
]

# ------------------------------------------------------------------ constants
#: Steps ``(s, y)`` kept by the limited-memory BFGS estimate.
LBFGS_MEMORY = 10
#: A pair is stored only when ``s.y > LBFGS_CURVATURE_RTOL |s| |y|`` (positive
#: curvature, not lost in rounding): keeps the estimate positive definite.
LBFGS_CURVATURE_RTOL = 1e-10
#: Step halvings tried by the backtracking of :func:`capped_descent` before the
#: L-BFGS memory is reset (or, without memory, the descent stops).
LBFGS_MAX_HALVINGS = 30
#: Sufficient-decrease constant ``c_1`` of the Armijo condition.
ARMIJO = 1e-4
#: Energy rise accepted by the Armijo test, relative to ``max(1, |E|)``: rounding only.
ENERGY_RISE_RTOL = 1e-14
#: Eigenvalues with ``|lambda| <= ZERO_EIGENVALUE_RTOL * max(1, max|lambda|)`` count as zero.
ZERO_EIGENVALUE_RTOL = 1e-7
#: Newton steps that finish a quench stopped just short of ``gtol``.
MAX_NEWTON_STEPS = 5
#: Step halvings of the Newton backtracking (smallest fraction ``2^-19``, about ``2e-6``).
NEWTON_MAX_HALVINGS = 20
#: Trust radius: grows by ``TRUST_GROW`` when the model error is below
#: ``TRUST_GOOD_FIT``, shrinks by ``TRUST_SHRINK`` when above ``TRUST_POOR_FIT``,
#: and stays within ``[TRUST_MIN_FACTOR, TRUST_MAX_FACTOR]`` times its start.
TRUST_GROW = 1.5
TRUST_SHRINK = 0.5
TRUST_GOOD_FIT = 0.25
TRUST_POOR_FIT = 1.0
TRUST_MAX_FACTOR = 4.0
TRUST_MIN_FACTOR = 1e-8
#: FIRE (Bitzek et al. 2006): steps of positive power before the time step
#: grows, its growth and shrink factors, the starting and reset mixing
#: ``alpha`` and its decay, and the first time step as a fraction of ``dt_max``.
FIRE_N_MIN = 5
FIRE_DT_GROW = 1.1
FIRE_DT_SHRINK = 0.5
FIRE_ALPHA_START = 0.1
FIRE_ALPHA_SHRINK = 0.99
FIRE_DT_START = 0.1


class NonFiniteEnergyError(FloatingPointError):
    """The objective returned NaN or inf (energy or gradient)."""


def checked_value_and_grad(objective, x):
    """``objective.value_and_grad(x)`` as ``(float, ndarray)``, refusing NaN and inf.

    Raises
    ------
    NonFiniteEnergyError
        When the energy or any gradient component is not finite.
    """
    energy, grad = objective.value_and_grad(x)
    grad = np.asarray(grad, dtype=float)
    if not math.isfinite(energy) or not np.isfinite(grad).all():
        raise NonFiniteEnergyError(f"non-finite energy or gradient at x={x!r}")
    return float(energy), grad


def checked_values_and_grads(objective, points):
    """``objective.values_and_grads(points)`` as float arrays, refusing NaN and inf.

    Raises
    ------
    NonFiniteEnergyError
        When any energy or gradient component is not finite.
    """
    energies, gradients = objective.values_and_grads(points)
    energies = np.asarray(energies, dtype=float)
    gradients = np.asarray(gradients, dtype=float)
    if not np.isfinite(energies).all() or not np.isfinite(gradients).all():
        bad = int(np.flatnonzero(~(np.isfinite(energies) & np.isfinite(gradients).all(axis=1)))[0])
        raise NonFiniteEnergyError(f"non-finite energy or gradient at x={points[bad]!r}")
    return energies, gradients


# --------------------------------------------------------------------- L-BFGS
class LBFGSMemory:
    """Limited-memory BFGS inverse-Hessian estimate (Nocedal, Math. Comp. 35, 773 (1980)).

    Stores the last ``size`` pairs ``s_k = x_{k+1} - x_k``,
    ``y_k = g_{k+1} - g_k`` and applies the two-loop recursion
    (Nocedal & Wright, Algorithm 7.4) with the initial matrix ``gamma I``,
    ``gamma = s.y / y.y`` of the newest pair. A pair is skipped unless
    ``s.y > LBFGS_CURVATURE_RTOL |s| |y|`` (positive curvature), which keeps
    the estimate positive definite, so ``direction(g)`` is a descent
    direction.

    Parameters
    ----------
    size : int, default=LBFGS_MEMORY
        Number of stored pairs.
    initial_scale : float, default=1.0
        ``gamma`` used before any pair is stored.
    """

    def __init__(self, size=LBFGS_MEMORY, initial_scale=1.0):
        self.size = size
        self.initial_scale = float(initial_scale)
        self.reset()

    def __len__(self):
        return len(self._s)

    def reset(self, initial_scale=None):
        """Forget every stored pair (and optionally set a new ``initial_scale``)."""
        if initial_scale is not None:
            self.initial_scale = float(initial_scale)
        self._s = []
        self._y = []
        self._rho = []
        self._gamma = self.initial_scale

    def update(self, s, y):
        """Store the pair ``(s, y)`` if it has positive curvature; return whether it did."""
        sy = s @ y
        yy = y @ y
        if yy == 0 or sy <= LBFGS_CURVATURE_RTOL * math.sqrt((s @ s) * yy):
            return False
        if len(self._s) == self.size:
            del self._s[0], self._y[0], self._rho[0]
        self._s.append(s)
        self._y.append(y)
        self._rho.append(1.0 / sy)
        self._gamma = sy / yy
        return True

    def direction(self, grad):
        """The quasi-Newton direction ``-H_k grad`` (two-loop recursion)."""
        q = np.array(grad, dtype=float)
        alphas = []
        for s, y, rho in zip(
            reversed(self._s), reversed(self._y), reversed(self._rho), strict=True
        ):
            alpha = rho * (s @ q)
            q -= alpha * y
            alphas.append(alpha)
        r = self._gamma * q
        for s, y, rho, alpha in zip(self._s, self._y, self._rho, reversed(alphas), strict=True):
            r += (alpha - rho * (y @ r)) * s
        return -r


@dataclass(frozen=True)
class MinimizeResult:
    """Outcome of one local minimisation (:func:`capped_descent`, ``local_minimize``...).

    Attributes
    ----------
    x : ndarray
        Final point.
    energy : float
        Energy at ``x``.
    grad : ndarray
        (Full) gradient at ``x``.
    converged : bool
        The projected gradient max-norm reached the tolerance the minimiser
        was given (``local_minimize``: ``Objective.gtol * VERIFY_GTOL_FACTOR``).
    n_evaluations : int
        Energy+gradient evaluations spent.
    message : str
        Why the minimiser stopped.
    """

    x: np.ndarray
    energy: float
    grad: np.ndarray
    converged: bool
    n_evaluations: int
    message: str


def capped_descent(
    objective,
    x,
    energy,
    grad,
    *,
    max_step,
    max_iterations,
    gtol,
    max_evaluations=None,
    relative_gtol=0.0,
    subspace=None,
    project_point=None,
    restart_length="gradient",
):
    """Step-capped L-BFGS descent with Armijo backtracking (GMIN/OPTIM style).

    The quasi-Newton direction ``d = -H g`` (:class:`LBFGSMemory`, on the
    projected gradient ``g = P g_full``, ``P = subspace(x, g_full)``) is
    projected by ``P``, scaled down to at most
    ``max_step`` and halved until the Armijo condition

    .. math:: E(x') \\le E(x) + c_1\\, g_{full} \\cdot (x' - x) + \\epsilon \\max(1, |E|)

    holds (``c_1 =`` :data:`ARMIJO`, ``epsilon =`` :data:`ENERGY_RISE_RTOL`,
    ``x' = project_point(x + d)``). The step cap keeps the descent in the
    basin of attraction of its start: an unrestricted line search may leap
    over a ridge into a lower basin. Where the memory gives no descent
    direction, or :data:`LBFGS_MAX_HALVINGS` halvings fail, the memory is
    reset and the step is steepest descent; failing without memory stops.

    Parameters
    ----------
    objective : Objective
        Evaluated through :func:`checked_value_and_grad`.
    x : ndarray of shape (n_params,)
        Start, with its ``energy`` and ``grad``.
    energy : float
    grad : ndarray of shape (n_params,)
    max_step : float
        Longest step.
    max_iterations : int
        Most steps (accepted or reset).
    max_evaluations : int, optional
        Most energy and gradient evaluations; ``None``: only the steps are
        capped. Where rounding noise in the energy defeats the Armijo test,
        every step may take all :data:`LBFGS_MAX_HALVINGS` halvings, so the
        evaluations per step are otherwise bounded only by that number.
    gtol : float
        Stop when ``max |P g| <= max(gtol, relative_gtol * largest max |P g| met)``.
    relative_gtol : float, default=0.0
    subspace : callable ``subspace(x, grad) -> P``, optional
        The linear projection ``P(vector) -> vector`` onto the subspace the
        descent moves in at ``x`` (free coordinates, the complement of an
        eigenvector...); applied to the gradient, the direction and the
        gradient differences stored in the memory. ``None``: the whole space.
    project_point : callable ``project_point(x) -> x``, optional
        Brings a trial point back into the feasible box.
    restart_length : {"gradient", "cap"}, default="gradient"
        Length of a steepest-descent step: ``"gradient"`` takes ``-g`` itself
        (capped at ``max_step``), suited to a quench; ``"cap"`` takes
        ``max_step``, which leaves the neighbourhood of a saddle quickly (pushoffs).

    Returns
    -------
    MinimizeResult
        ``n_evaluations`` excludes the starting point's.

    Raises
    ------
    NonFiniteEnergyError
        When the energy or gradient becomes NaN or infinite.
    """
    if restart_length not in ("gradient", "cap"):
        raise ValueError(f"restart_length must be 'gradient' or 'cap', got {restart_length!r}.")
    n_evaluations = 0
    memory = LBFGSMemory()
    project = None if subspace is None else subspace(x, grad)
    g = grad if project is None else project(grad)
    largest = 0.0
    message = "maxiter reached"
    converged = False
    for _ in range(max_iterations):
        size = float(np.max(np.abs(g), initial=0.0))
        largest = max(largest, size)
        if size <= max(gtol, relative_gtol * largest):
            message, converged = "projected gradient below tolerance", True
            break
        if max_evaluations is not None and n_evaluations >= max_evaluations:
            message = "max_evaluations reached"
            break
        if len(memory):
            direction = memory.direction(g)
            if project is not None:
                direction = project(direction)
        if not len(memory) or direction @ g >= 0:
            memory.reset()
            norm = max(math.sqrt(g @ g), np.finfo(float).tiny)
            scale = max_step / norm if restart_length == "cap" else min(1.0, max_step / norm)
            direction = -scale * g
        length = math.sqrt(direction @ direction)
        if length > max_step:
            direction = direction * (max_step / length)
        allowed_rise = ENERGY_RISE_RTOL * max(1.0, abs(energy))
        for _ in range(LBFGS_MAX_HALVINGS):
            trial = x + direction
            if project_point is not None:
                trial = project_point(trial)
            trial_energy, trial_grad = checked_value_and_grad(objective, trial)
            n_evaluations += 1
            if trial_energy <= energy + ARMIJO * (grad @ (trial - x)) + allowed_rise:
                break
            direction = 0.5 * direction
        else:
            if not len(memory):
                message = "no decrease along the steepest-descent direction"
                break
            memory.reset()
            continue
        if subspace is None:
            trial_g = trial_grad
        else:
            project = subspace(trial, trial_grad)
            trial_g = project(trial_grad)
        memory.update(trial - x, trial_g - g)
        x, energy, grad, g = trial, trial_energy, trial_grad, trial_g
    else:
        size = float(np.max(np.abs(g), initial=0.0))
        converged = size <= max(gtol, relative_gtol * max(largest, size))
    return MinimizeResult(x, float(energy), grad, converged, n_evaluations, message)


# --------------------------------------------------------------------- Newton
def newton_step(hessian, grad, zero_modes=None, saddle_free_max_params=None):
    """Newton step ``-H^-1 g`` away from the zero modes; ``|lambda|`` where ``H`` is indefinite.

    With the zero modes known (orthonormal rows of ``zero_modes``; an empty
    array when there are none), ``H + c Z^T Z`` (``c`` the largest diagonal
    entry, at least 1) is positive definite near a minimum and a Cholesky
    solve gives the step; since ``g`` has no zero-mode component neither has
    the step. Otherwise (zero modes unknown, or ``H`` indefinite: the point
    is not yet in a minimum's quadratic region) the step comes from the
    eigen-decomposition with every eigenvalue replaced by its absolute value
    and the zero ones (``|lambda| <= ZERO_EIGENVALUE_RTOL max(1, max|lambda|)``)
    dropped: a descent direction in all cases (Nocedal & Wright, section 3.4).
    That dense eigen-decomposition is skipped above ``saddle_free_max_params``
    parameters: with the zero modes known and ``H`` indefinite the step is
    then ``None`` (the caller goes back to quasi-Newton steps).

    Parameters
    ----------
    hessian : ndarray of shape (n, n)
    grad : ndarray of shape (n,)
    zero_modes : ndarray of shape (n_zero, n), optional
    saddle_free_max_params : int, optional
        Largest ``n`` for a saddle-free step; ``None``: any.

    Returns
    -------
    ndarray of shape (n,) or None
    """
    solve = newton_solver(hessian, zero_modes, saddle_free_max_params)
    return None if solve is None else solve(grad)


def newton_solver(hessian, zero_modes=None, saddle_free_max_params=None):
    """The map ``g -> step`` of :func:`newton_step` for one Hessian, factorised once.

    The factorisation (Cholesky, or the saddle-free eigen-decomposition) is
    the ``O(n^3)`` part of a Newton step; each further solve costs ``O(n^2)``.
    :func:`newton_polish` with ``chord_rate`` reuses it for later gradients
    (the chord method).

    Parameters
    ----------
    hessian, zero_modes, saddle_free_max_params
        As in :func:`newton_step`.
    Returns
    -------
    callable or None
        ``solve(grad) -> step``; ``None`` where :func:`newton_step` gives no step.
    """
    if zero_modes is not None:
        matrix = hessian
        if len(zero_modes):
            shift = max(1.0, float(np.max(np.abs(np.diag(hessian)), initial=0.0)))
            matrix = hessian + shift * zero_modes.T @ zero_modes
        try:
            factor = cho_factor(matrix)
        except np.linalg.LinAlgError:
            factor = None
        if factor is not None:
            return lambda grad: -cho_solve(factor, grad)
        if saddle_free_max_params is not None and hessian.shape[0] > saddle_free_max_params:
            return None
    eigenvalues, vectors = np.linalg.eigh(hessian)
    zero_tol = ZERO_EIGENVALUE_RTOL * max(1.0, float(np.max(np.abs(eigenvalues), initial=0.0)))
    kept = np.abs(eigenvalues) > zero_tol
    vectors, scales = vectors[:, kept], np.abs(eigenvalues[kept])
    return lambda grad: -vectors @ ((vectors.T @ grad) / scales)


def _rounding_tie(energy, trial_energy, gradient, trial_gradient):
    """Energies equal to rounding while the gradient shrinks (the last Newton steps)."""
    rounding = 8.0 * np.finfo(float).eps * max(1.0, abs(energy))
    return trial_energy <= energy + rounding and np.max(np.abs(trial_gradient)) < np.max(
        np.abs(gradient)
    )


def newton_polish(
    objective,
    x,
    energy,
    grad,
    *,
    gtol,
    max_steps=MAX_NEWTON_STEPS,
    free=None,
    zero_modes=None,
    project_point=None,
    saddle_free_max_params=None,
    quadratic_region_only=False,
    chord_rate=None,
):
    """Damped Newton iterations with the exact Hessian, in the free subspace.

    Each step is :func:`newton_step` on the free block of
    ``objective.hessian(x)``, backtracked (at most :data:`NEWTON_MAX_HALVINGS`
    halvings) until the Armijo condition ``E(x + t p) <= E(x) + c_1 t g.p``
    holds or the energy ties to rounding while the gradient shrinks (near
    machine precision, where the energy no longer resolves progress). Near a
    non-degenerate minimum the convergence is quadratic. Stops when the free
    gradient max-norm is at most ``gtol``, after ``max_steps`` steps, when
    no step fraction is accepted, when :func:`newton_step` gives no step
    (``saddle_free_max_params``), or, with ``quadratic_region_only``, after
    the first step whose full length failed the Armijo test: outside a
    minimum's quadratic region a Newton step costs a Hessian for little
    progress, where a quasi-Newton step costs a gradient.

    With ``chord_rate`` (the chord method, or Shamanskii's method: Kelley,
    *Iterative Methods for Linear and Nonlinear Equations*, SIAM 1995,
    section 5.4), a full step is followed by steps
    ``p_k = -H(x_0)^{-1} g(x_k)`` that reuse the factorisation of the last
    Hessian (:func:`newton_solver`) for as long as each one passes the Armijo
    test at full length and shrinks the free gradient max-norm by at least
    ``chord_rate``. The error then contracts by
    ``|I - H(x_0)^{-1} H(x_k)| = O(|x_0 - x^*|)`` per step: linearly, but each
    step costs a gradient and an ``O(n^2)`` solve instead of a Hessian and an
    ``O(n^3)`` factorisation. A step that fails either test is replaced by a
    step from a fresh Hessian (a step that passes Armijo is kept). The end
    point meets the same ``gtol``.

    Parameters
    ----------
    objective : Objective
        ``value_and_grad`` (through :func:`checked_value_and_grad`) and ``hessian``.
    x, energy, grad
        Start and its energy and gradient.
    gtol : float
    max_steps : int, default=MAX_NEWTON_STEPS
        Most accepted steps (fresh or reused factorisation).
    free : callable ``free(x, grad) -> bool mask``, optional
        Free coordinates (held ones do not move); ``None``: all.
    zero_modes : ndarray of shape (n_zero, n_free), optional
        Orthonormal rows spanning the exact zero modes, see :func:`newton_step`.
    project_point : callable, optional
        Brings a trial point back into the feasible box.
    saddle_free_max_params : int, optional
        Passed to :func:`newton_step`.
    quadratic_region_only : bool, default=False
        Stop after a damped (shortened) step.
    chord_rate : float in (0, 1), optional
        Reuse the factorisation while the gradient max-norm shrinks by at
        least this factor per step; ``None``: a fresh Hessian at every step.
    Returns
    -------
    x, energy, grad, n_evaluations
    """
    n_evaluations = 0
    n_steps = 0
    solve, solve_mask = None, None
    while n_steps < max_steps:
        mask = np.ones(x.size, dtype=bool) if free is None else free(x, grad)
        g_free = grad[mask]
        size = float(np.max(np.abs(g_free), initial=0.0))
        if size <= gtol or not mask.any():
            break
        reused = solve is not None and np.array_equal(mask, solve_mask)
        if not reused:
            hessian = objective.hessian(x)[np.ix_(mask, mask)]
            solve = newton_solver(hessian, zero_modes, saddle_free_max_params)
            solve_mask = mask
            if solve is None:
                break
        step = np.zeros_like(x)
        step[mask] = solve(g_free)
        slope = float(grad @ step)
        fraction = 1.0
        for _ in range(1 if reused else NEWTON_MAX_HALVINGS):
            trial = x + fraction * step
            if project_point is not None:
                trial = project_point(trial)
            trial_energy, trial_grad = checked_value_and_grad(objective, trial)
            n_evaluations += 1
            trial_mask = np.ones(x.size, dtype=bool) if free is None else free(trial, trial_grad)
            accepted = trial_energy <= energy + ARMIJO * fraction * slope or _rounding_tie(
                energy, trial_energy, g_free, trial_grad[trial_mask]
            )
            if accepted:
                break
            fraction *= 0.5
        if not accepted:
            if reused:  # the old factorisation no longer fits: a fresh Hessian at x
                solve = None
                continue
            break
        contracted = float(np.max(np.abs(trial_grad[trial_mask]), initial=0.0)) <= (
            (chord_rate or 0.0) * size
        )
        x, energy, grad = trial, trial_energy, trial_grad
        n_steps += 1
        if quadratic_region_only and fraction < 1.0:
            break
        if chord_rate is None or fraction < 1.0 or (reused and not contracted):
            solve = None
    return x, energy, grad, n_evaluations


# --------------------------------------------------------------- trust radius
class TrustRadius:
    """Trust-radius update from the accuracy of a local model (Nocedal & Wright, Alg. 4.1).

    ``update(model_error)`` with ``model_error`` the relative error of the
    gradient the quadratic model predicted: above :data:`TRUST_POOR_FIT` the
    radius shrinks by :data:`TRUST_SHRINK` (not below
    ``TRUST_MIN_FACTOR * initial``); below :data:`TRUST_GOOD_FIT` it grows by
    :data:`TRUST_GROW` (not above ``TRUST_MAX_FACTOR * initial``).

    Parameters
    ----------
    initial : float
        Starting radius.
    """

    def __init__(self, initial):
        self.radius = float(initial)
        self.max_radius = TRUST_MAX_FACTOR * self.radius
        self.min_radius = TRUST_MIN_FACTOR * self.radius

    def update(self, model_error):
        """Adapt the radius; return True when it shrank (the caller may reject the step)."""
        if model_error > TRUST_POOR_FIT and self.radius > self.min_radius:
            self.radius *= TRUST_SHRINK
            return True
        if model_error < TRUST_GOOD_FIT:
            self.radius = min(TRUST_GROW * self.radius, self.max_radius)
        return False


# ----------------------------------------------------------------------- FIRE
class FIREStepper:
    """Fast inertial relaxation engine (Bitzek et al., Phys. Rev. Lett. 97, 170201 (2006)).

    Unit-mass dynamics under the force ``F = -g`` with the velocity mixed
    towards ``F`` (``v <- (1 - a) v + a |v| F/|F|``) while the power
    ``F . v`` is positive; after :data:`FIRE_N_MIN` such steps the time step
    grows by :data:`FIRE_DT_GROW` (up to ``dt_max``) and ``a`` shrinks by
    :data:`FIRE_ALPHA_SHRINK`; at non-positive power the velocity is zeroed,
    the time step multiplied by :data:`FIRE_DT_SHRINK` and ``a`` reset to
    :data:`FIRE_ALPHA_START`. It needs no curvature model, so it copes with
    gradient jumps where L-BFGS stalls, and with force fields that are not
    gradients (an elastic band).

    Parameters
    ----------
    dt_max : float
        Largest time step; the first is ``FIRE_DT_START * dt_max``.
    """

    def __init__(self, dt_max):
        self.dt_max = float(dt_max)
        self.dt = FIRE_DT_START * self.dt_max
        self.alpha = FIRE_ALPHA_START
        self.n_positive = 0
        self.velocity = None

    def step(self, grad):
        """The displacement of one FIRE step under the force ``-grad``."""
        force = -grad
        if self.velocity is None:
            self.velocity = np.zeros_like(force)
        power = float(force @ self.velocity)
        if power > 0:
            force_norm = np.linalg.norm(force)
            if force_norm > 0:
                self.velocity = (1 - self.alpha) * self.velocity + self.alpha * np.linalg.norm(
                    self.velocity
                ) / force_norm * force
            if self.n_positive > FIRE_N_MIN:
                self.dt = min(FIRE_DT_GROW * self.dt, self.dt_max)
                self.alpha *= FIRE_ALPHA_SHRINK
            self.n_positive += 1
        else:
            self.velocity = np.zeros_like(force)
            self.dt *= FIRE_DT_SHRINK
            self.alpha = FIRE_ALPHA_START
            self.n_positive = 0
        self.velocity = self.velocity + self.dt * force
        return self.dt * self.velocity
