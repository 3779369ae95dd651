"""Local minimisation and verification of stationary points.

Every minimum and transition state the engine stores passes
:func:`verify_stationary_point`: the projected gradient is below tolerance and
the Hessian, restricted to the free subspace (coordinates not held at a bound),
has the required number of negative eigenvalues (0 for a minimum, 1 for a
transition state) and no unexpected zero eigenvalue.
"""

from dataclasses import dataclass, field

import numpy as np
from scipy.sparse.linalg import ArpackNoConvergence
from threadpoolctl import ThreadpoolController

from ._optimizer import (
    ZERO_EIGENVALUE_RTOL,
    MinimizeResult,
    NonFiniteEnergyError,
    capped_descent,
    checked_value_and_grad,
    newton_polish,
)
from ._spectrum import lanczos_minimum_spectrum

__all__ = [
    "MinimizeResult",
    "NonFiniteEnergyError",
    "StationaryPoint",
    "VerifiedMinimum",
    "free_mask",
    "local_minimize",
    "minimize_and_verify",
    "box_widths",
    "projected_gradient",
    "quench",
    "single_threaded_blas",
    "verify_stationary_point",
]

#: Multiple of ``Objective.gtol`` accepted when verifying a stationary point.
VERIFY_GTOL_FACTOR = 10.0


_BLAS_CONTROLLER = None


def single_threaded_blas():
    """Context manager limiting BLAS to one thread (about 10 microseconds to enter).

    Local minimisation calls BLAS/LAPACK on tiny arrays (Hessian spectra,
    quasi-Newton updates); a multi-threaded BLAS made scipy's L-BFGS-B up to
    ~70 times slower on a busy two-core machine. The
    :class:`threadpoolctl.ThreadpoolController` is created once per process
    (``threadpool_limits`` would rescan the loaded libraries at every call,
    about 2 ms).
    """
    global _BLAS_CONTROLLER
    if _BLAS_CONTROLLER is None:
        _BLAS_CONTROLLER = ThreadpoolController()
    return _BLAS_CONTROLLER.limit(limits=1, user_api="blas")


@dataclass(frozen=True)
class StationaryPoint:
    """A verified stationary point.

    Attributes
    ----------
    eigenvalues : ndarray
        Hessian eigenvalues in the free subspace, ascending (zero modes included).
    eigenvectors : ndarray of shape (n_params, n_free)
        Matching eigenvectors embedded in the full space.
    log_hessian_product : float
        Sum of ``log`` of the positive eigenvalues (LPPHE).
    index : int
        Number of negative eigenvalues.
    n_modes : int
        Number of positive eigenvalues (the harmonic modes; zero modes, the
        negative one and held coordinates excluded).
    bound_slopes, bound_curvatures : ndarray of shape (n_held,)
        For each coordinate held at a bound, the outward slope ``g = |g_i| >= 0``
        (the energy rises by ``g s`` a distance ``s`` into the box) and the
        curvature ``c = H_hh - sum_k (v_k . H_fh)^2 / lambda_k`` along it with the
        positive free modes relaxed (the diagonal of a Schur complement). They
        give the edge factors of :mod:`sklandscape.landscape._harmonic`.
    bound_widths : ndarray of shape (n_held,)
        Width of the box along each held coordinate (``high - low``, possibly
        infinite): the edge integral stops there.
    min_eigenvalue, max_eigenvalue, trace : float
        Smallest, largest and sum of the Hessian eigenvalues in the free
        subspace, the ``objective.n_zero_modes`` of smallest magnitude left out.
    complete_spectrum : bool
        ``True`` when ``eigenvalues`` and ``eigenvectors`` hold the whole
        spectrum; ``False`` for a minimum verified without diagonalisation
        (:mod:`._spectrum`), where they hold the zero modes and the two extreme
        eigenvalues only.
    """

    eigenvalues: np.ndarray
    eigenvectors: np.ndarray
    log_hessian_product: float
    index: int
    n_modes: int = -1
    bound_slopes: np.ndarray = field(default_factory=lambda: np.empty(0))
    bound_curvatures: np.ndarray = field(default_factory=lambda: np.empty(0))
    bound_widths: np.ndarray = field(default_factory=lambda: np.empty(0))
    min_eigenvalue: float = float("nan")
    max_eigenvalue: float = float("nan")
    trace: float = float("nan")
    complete_spectrum: bool = True


@dataclass(frozen=True)
class VerifiedMinimum:
    """A local minimum that passed :func:`verify_stationary_point` with index 0.

    Attributes
    ----------
    x : ndarray
        Position as found (not canonicalised).
    energy : float
    stationary_point : StationaryPoint
        Hessian spectrum and LPPHE in the free subspace.
    n_evaluations : int
        Energy+gradient evaluations the minimisation spent.
    """

    x: np.ndarray
    energy: float
    stationary_point: StationaryPoint
    n_evaluations: int


def free_mask(objective, x, grad, *, atol=None):
    """Boolean mask of the free coordinates at ``x``.

    A coordinate is held (not free) when it sits on a bound, within ``atol``
    (default ``1e-10`` times the bound's scale), and the gradient does not
    point back into the box: ``g_i >= 0`` at a lower bound, ``g_i <= 0`` at an
    upper bound (the Karush-Kuhn-Tucker conditions).
    """
    if objective.bounds is None:
        return np.ones(x.size, dtype=bool)
    low, high = objective.bounds[:, 0], objective.bounds[:, 1]
    if atol is None:
        atol = 1e-10 * np.maximum(1.0, np.abs(x))
    at_low = (x - low <= atol) & (grad >= 0)
    at_high = (high - x <= atol) & (grad <= 0)
    return ~(at_low | at_high)


def projected_gradient(objective, x, grad):
    """The gradient with held coordinates zeroed (see :func:`free_mask`)."""
    return np.where(free_mask(objective, x, grad), grad, 0.0)


def local_minimize(objective, x0, *, maxiter=10_000, max_step=None, max_evaluations=None):
    """Minimise ``objective`` from ``x0`` to ``objective.gtol`` by step-limited L-BFGS.

    A projected limited-memory BFGS (Nocedal, Math. Comp. 35, 773, 1980) in
    the style of GMIN/OPTIM, :func:`~._optimizer.capped_descent`: the
    quasi-Newton direction ``d = -H g`` (two-loop recursion over the last
    :data:`~._optimizer.LBFGS_MEMORY` steps, in the free subspace of
    :func:`free_mask`) is scaled down to at most ``max_step``, the step
    ``x + d`` is clipped into the bounds, and halved until the energy
    satisfies the Armijo condition ``E(x') <= E(x) + 1e-4 g.(x' - x)``.
    The step limit keeps the minimiser in the basin of attraction of ``x0``
    (an unrestricted line search may leap over a ridge into a lower basin),
    which basin-hopping and transition-state pushoffs both rely on. It stops
    when the projected gradient max-norm is below ``objective.gtol``; if it
    stalls above ``VERIFY_GTOL_FACTOR * gtol`` (rounding near machine
    precision), a few damped Newton steps in the free subspace
    (:func:`~._optimizer.newton_polish`) finish it. BLAS runs on one thread
    (:func:`single_threaded_blas`).

    Parameters
    ----------
    objective : Objective
    x0 : ndarray of shape (n_params,)
    maxiter : int, default=10000
        Most L-BFGS iterations.
    max_step : float, default=None
        Longest step; ``None`` takes ``objective.max_quench_step()``.
    max_evaluations : int, optional
        Most evaluations of the L-BFGS descent (see
        :func:`~._optimizer.capped_descent`); ``None``: no cap beyond ``maxiter``.

    Returns
    -------
    MinimizeResult

    Raises
    ------
    NonFiniteEnergyError
        When the energy or gradient becomes NaN/inf along the way; the caller
        rejects the step.
    """
    if max_step is None:
        max_step = objective.max_quench_step()
    with single_threaded_blas():
        return _local_minimize(objective, x0, maxiter, float(max_step), max_evaluations)


def _local_minimize(objective, x0, maxiter, max_step, max_evaluations=None):
    x = np.asarray(x0, dtype=float)
    subspace, project_point = None, None
    if objective.bounds is not None:
        low, high = objective.finite_bounds()
        x = np.clip(x, low, high)

        def subspace(point, grad):
            free = free_mask(objective, point, grad)
            return lambda vector: np.where(free, vector, 0.0)

        def project_point(point):
            return np.clip(point, low, high)

    energy, grad = checked_value_and_grad(objective, x)
    descent = capped_descent(
        objective,
        x,
        energy,
        grad,
        max_step=max_step,
        max_iterations=maxiter,
        gtol=objective.gtol,
        max_evaluations=max_evaluations,
        subspace=subspace,
        project_point=project_point,
    )
    x, energy, grad = descent.x, descent.energy, descent.grad
    n_evaluations = 1 + descent.n_evaluations
    tolerance = objective.gtol * VERIFY_GTOL_FACTOR
    if np.max(np.abs(projected_gradient(objective, x, grad))) > tolerance:
        x, energy, grad, spent = newton_polish(
            objective,
            x,
            energy,
            grad,
            gtol=objective.gtol,
            free=lambda point, gradient: free_mask(objective, point, gradient),
            zero_modes=None if objective.n_zero_modes else np.empty((0, 0)),
            project_point=objective.project_into_bounds,
        )
        n_evaluations += spent
    converged = bool(np.max(np.abs(projected_gradient(objective, x, grad))) <= tolerance)
    return MinimizeResult(x, float(energy), grad, converged, n_evaluations, descent.message)


def verify_stationary_point(objective, x, *, index, grad=None, hessian=None, full_spectrum=True):
    """Check that ``x`` is a stationary point of Hessian index ``index``.

    Conditions (all in the free subspace of :func:`free_mask`):

    1. ``max |g_i| <= VERIFY_GTOL_FACTOR * objective.gtol``;
    2. exactly ``index`` eigenvalues below ``-zero_tol`` and exactly
       ``objective.n_zero_modes`` with ``|lambda| <= zero_tol``, where
       ``zero_tol = ZERO_EIGENVALUE_RTOL * max(1, max |lambda|)``.

    3. every held coordinate confines: its outward slope ``g = |g_i|`` is
       positive, or its relaxed curvature ``c`` (see :class:`StationaryPoint`)
       exceeds ``zero_tol``, or it is flat (``|c| <= zero_tol``) in a box of
       finite width (its edge integral is then the width).

    The log product of the positive eigenvalues (LPPHE) is
    ``sum_{lambda_i > zero_tol} log lambda_i``, the harmonic measure of the
    basin volume (Wales, *Energy Landscapes*, 2003); the held coordinates'
    slopes and curvatures are returned for their edge factors.

    With ``full_spectrum=False``, a minimum (``index=0``) of more than
    ``objective.exact_hessian_max_params`` parameters, none held at a bound,
    whose zero modes the objective spans (``zero_mode_basis``) is verified
    without diagonalising the Hessian: one Cholesky factorisation decides the
    index and gives the LPPHE, Lanczos runs give the extreme eigenvalues
    (:func:`~._spectrum.lanczos_minimum_spectrum`); the same conditions hold.

    Parameters
    ----------
    objective : Objective
    x : ndarray
    index : int
        0 for a minimum, 1 for a transition state.
    grad, hessian : ndarray, optional
        Precomputed gradient / Hessian at ``x``.
    full_spectrum : bool, default=True
        Diagonalise the Hessian whatever its size (callers that need every
        eigenvector: the softest modes of single-ended searches).

    Returns
    -------
    StationaryPoint or None
        ``None`` when a condition fails.
    """
    x = np.asarray(x, dtype=float)
    if grad is None:
        try:
            _, grad = checked_value_and_grad(objective, x)
        except NonFiniteEnergyError:
            return None
    free = free_mask(objective, x, grad)
    if np.max(np.abs(grad[free]), initial=0.0) > VERIFY_GTOL_FACTOR * objective.gtol:
        return None
    if hessian is None:
        hessian = objective.hessian(x)
    if not np.all(np.isfinite(hessian)):
        return None
    large = x.size > max(objective.exact_hessian_max_params, 2)  # Lanczos needs n >= 3
    if not full_spectrum and index == 0 and large and free.all():
        decided, point = _minimum_without_diagonalising(objective, hessian)
        if decided:
            return point
    eigenvalues, vectors = _symmetric_eigh(hessian[np.ix_(free, free)])
    zero_tol = ZERO_EIGENVALUE_RTOL * max(1.0, float(np.max(np.abs(eigenvalues), initial=0.0)))
    n_negative = int(np.sum(eigenvalues < -zero_tol))
    n_zero = int(np.sum(np.abs(eigenvalues) <= zero_tol))
    if n_negative != index or n_zero != objective.n_zero_modes:
        return None
    is_positive = eigenvalues > zero_tol
    positive = eigenvalues[is_positive]
    held = ~free
    slopes = np.abs(grad[held])
    coupling = vectors[:, is_positive].T @ hessian[np.ix_(free, held)]
    curvatures = np.diag(hessian[np.ix_(held, held)]) - np.sum(
        coupling**2 / positive[:, None], axis=0
    )
    widths = box_widths(objective)[held]
    flat = (slopes <= 0) & (curvatures <= zero_tol)
    if np.any(flat & ((curvatures < -zero_tol) | ~np.isfinite(widths))):
        return None
    embedded = np.zeros((x.size, vectors.shape[1]))
    embedded[free] = vectors
    modes = np.sort(
        eigenvalues[np.argsort(np.abs(eigenvalues), kind="stable")[objective.n_zero_modes :]]
    )
    low, high = (float(modes[0]), float(modes[-1])) if modes.size else (np.nan, np.nan)
    return StationaryPoint(
        eigenvalues,
        embedded,
        float(np.sum(np.log(positive))),
        n_negative,
        int(positive.size),
        slopes,
        curvatures,
        widths,
        min_eigenvalue=low,
        max_eigenvalue=high,
        trace=float(np.sum(modes)),
    )


def _minimum_without_diagonalising(objective, hessian):
    """Verify a minimum by :func:`~._spectrum.lanczos_minimum_spectrum`.

    Returns
    -------
    decided : bool
        ``False`` when the objective does not span its zero modes
        (``zero_mode_basis``) or a Lanczos run did not converge: the caller
        diagonalises instead.
    point : StationaryPoint or None
        The verified minimum, or ``None`` when it is not one.
    """
    if objective.n_zero_modes == 0:
        zero_modes = np.empty((0, objective.n_params))
    elif hasattr(objective, "zero_mode_basis"):
        zero_modes = np.asarray(objective.zero_mode_basis(), dtype=float)
    else:
        return False, None
    try:
        spectrum = lanczos_minimum_spectrum(hessian, zero_modes, ZERO_EIGENVALUE_RTOL)
    except ArpackNoConvergence:
        return False, None
    if spectrum is None:
        return True, None
    return True, StationaryPoint(
        spectrum["eigenvalues"],
        spectrum["eigenvectors"],
        spectrum["log_hessian_product"],
        0,
        spectrum["n_modes"],
        min_eigenvalue=spectrum["min_eigenvalue"],
        max_eigenvalue=spectrum["max_eigenvalue"],
        trace=spectrum["trace"],
        complete_spectrum=False,
    )


def box_widths(objective):
    """``high - low`` of every coordinate (infinite without bounds)."""
    low, high = objective.finite_bounds()
    return high - low


def _symmetric_eigh(matrix):
    """``numpy.linalg.eigh`` (ascending eigenvalues), read off when ``matrix`` is diagonal.

    A diagonal Hessian (K-means: ``2 W_k / W`` per coordinate) has its
    diagonal as eigenvalues and the unit vectors as eigenvectors; reading them
    off costs ``O(n^2)`` for the test instead of the ``O(n^3)`` of a dense
    eigensolver, which took three quarters of a K-means basin-hopping step on
    the 640 parameters of digits with K = 10.
    """
    diagonal = np.diag(matrix)
    if np.count_nonzero(matrix) == np.count_nonzero(diagonal):
        order = np.argsort(diagonal, kind="stable")
        return diagonal[order].astype(float), np.eye(diagonal.size)[:, order]
    return np.linalg.eigh(matrix)


#: Outcomes of :func:`quench`, in the order they are checked.
QUENCH_STATUSES = ("minimum", "nonfinite", "unconverged", "not_minimum")


def quench(objective, x0):
    """Minimise from ``x0`` and say why the result is, or is not, a verified minimum.

    Like :func:`minimize_and_verify`, but also reports the reason for a
    rejection so that the engine can count them.

    Returns
    -------
    minimum : VerifiedMinimum or None
        The verified minimum, or ``None``.
    status : str
        One of :data:`QUENCH_STATUSES`: ``"minimum"`` (verified);
        ``"nonfinite"`` (NaN/inf energy, gradient or Hessian on the way or at
        the end point); ``"unconverged"`` (the minimiser stopped above the
        gradient tolerance); ``"not_minimum"`` (converged to a point whose
        free-subspace Hessian is not positive definite apart from the expected
        zero modes, e.g. a saddle or a flat region).
    """
    try:
        result = objective.local_minimize(x0)
    except NonFiniteEnergyError:
        return None, "nonfinite"
    if not np.isfinite(result.energy) or not np.all(np.isfinite(result.grad)):
        return None, "nonfinite"
    if not result.converged:
        return None, "unconverged"
    hessian = objective.hessian(result.x)
    if not np.all(np.isfinite(hessian)):
        return None, "nonfinite"
    point = verify_stationary_point(
        objective, result.x, index=0, grad=result.grad, hessian=hessian, full_spectrum=False
    )
    if point is None:
        return None, "not_minimum"
    return VerifiedMinimum(result.x, result.energy, point, result.n_evaluations), "minimum"


def minimize_and_verify(objective, x0):
    """Minimise from ``x0`` with ``objective.local_minimize`` and verify the result.

    Returns
    -------
    VerifiedMinimum or None
        ``None`` when the minimisation did not converge, hit a non-finite
        energy, or the end point is not a verified minimum (index 0, expected
        zero modes only). :func:`quench` also tells which.
    """
    return quench(objective, x0)[0]
