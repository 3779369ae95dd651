"""Transition states: hybrid eigenvector following, pushoff and verification.

A connection attempt between two minima (:func:`find_connections`) relaxes a
doubly-nudged elastic band between them (:mod:`._neb`), refines every local
maximum of the band into an index-one saddle by hybrid eigenvector following
(:func:`hybrid_eigenvector_following`), verifies it, and finds the two minima
it joins by pushing off along the negative eigenvector both ways and
minimising (:func:`pushoff`).

Non-smooth objectives (``objective.smooth is False``, e.g. K-means) have no
Hessian index at their kinks; there the transition state is the highest point
of the converged band, located exactly on its highest segment by
``objective.segment_maximum``.
"""

import logging
import warnings
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse.linalg import LinearOperator, lobpcg

from ._minimize import (
    VerifiedMinimum,
    box_widths,
    free_mask,
    minimize_and_verify,
    verify_stationary_point,
)
from ._neb import band_maxima, band_top, interpolate_band, relax_band
from ._optimizer import (
    ZERO_EIGENVALUE_RTOL,
    NonFiniteEnergyError,
    TrustRadius,
    capped_descent,
    checked_value_and_grad,
)

__all__ = [
    "Connection",
    "SaddleSearchResult",
    "find_connections",
    "hybrid_eigenvector_following",
    "pushoff",
]

logger = logging.getLogger(__name__)

#: Pushoff distance from a transition state, in units of the band's image spacing.
PUSHOFF_FRACTION = 0.05
#: Relative DNEB tolerance (see ``relax_band``) on a smooth surface, where
#: eigenvector following refines the band's maxima.
SMOOTH_BAND_RTOL = 5e-2
#: Iterations between checks that a non-smooth band's highest point has
#: settled (see ``relax_band``).
NONSMOOTH_SETTLE_EVERY = 25
#: Relative DNEB tolerance on a non-smooth surface, where the band's highest
#: point *is* the transition state.
NONSMOOTH_BAND_RTOL = 1e-3
#: The pushoff descent hands over to the objective's minimiser when its
#: gradient has fallen to this fraction of the largest met on the way down.
HANDOVER_RTOL = 1e-2
#: Most steps of the step-limited pushoff descent before the objective's minimiser takes over.
PUSHOFF_DESCENT_ITERATIONS = 2000
#: Most evaluations of that descent: two per step on average. Where rounding noise in the
#: energy defeats the Armijo test (a nearly singular GP kernel matrix) every step may spend
#: all its halvings; on iris-like data with duplicate rows two pushoffs spent 58,000
#: evaluations (three minutes) without this cap.
PUSHOFF_DESCENT_EVALUATIONS = 2 * PUSHOFF_DESCENT_ITERATIONS
#: Residual tolerance of the Rayleigh-Ritz eigenvector, relative to ``|Hv|``.
RAYLEIGH_RTOL = 1e-4
#: Distance either side of a kink, as a fraction of the band spacing, at which the
#: gradient jump (the ridge normal) is measured.
RIDGE_PROBE_FRACTION = 1e-3
#: A gradient jump (after the smooth change is subtracted, leaving third-order terms for
#: a smooth function) above this fraction of the smooth change over the probe marks a kink.
KINK_RTOL = 1e-2
#: Rayleigh-Ritz iterations (Hessian-vector products) per eigenvector-following step.
RAYLEIGH_MAX_ITERATIONS = 20
#: Searches run again beside an index-two saddle that hybrid eigenvector following
#: converged to (see ``_index_one_saddle``).
HIGHER_INDEX_RESTARTS = 1
#: The displacement beside an index-two saddle adds a gradient of this many ``gtol``.
ESCAPE_GTOL_FACTOR = 10.0
#: Iterations of a double-ended search's hybrid eigenvector following (beyond
#: ``exact_hessian_max_params``; the exact path keeps ``hybrid_eigenvector_following``'s 100).
#: In a default fit on digits (1,210 parameters) 61 of 67 converged searches needed at most 50
#: (median 7); the 18 that did not converge in 100 took 60 % of the iterations of the fit, and
#: beyond 50 iterations a saddle cost about 180 more iterations (about 10 s of CPU) where a new
#: search costs about 4 s. A cap of 50 made default digits fits faster but left the lowest
#: minimum 1 % and 0.15 % higher on two of four seeds (fewer pushoffs reach it), so the cap
#: stays at the iterations the exact path allows.
HYBRID_MAX_ITERATIONS = 100


@dataclass(frozen=True)
class Connection:
    """A verified transition state and the two minima it joins.

    Attributes
    ----------
    ts_x : ndarray of shape (n_params,)
        Position of the transition state (not canonicalised).
    ts_energy : float
    ts_log_hessian_product : float
        Sum of the logs of the positive Hessian eigenvalues at the TS (free
        subspace, zero modes excluded). For a non-smooth objective, of the
        Hessian projected orthogonal to the ridge normal (see
        :func:`find_connections`).
    ts_negative_eigenvalue : float
        The Hessian's negative eigenvalue; ``nan`` for a non-smooth objective.
    minimum_plus, minimum_minus : VerifiedMinimum
        The minima reached from ``ts_x + s v`` and ``ts_x - s v``, with ``v``
        the negative eigenvector (band tangent when non-smooth) oriented from
        ``x_a`` towards ``x_b``.
    ts_n_modes : int
        Number of positive eigenvalues behind ``ts_log_hessian_product``.
    ts_bound_slopes, ts_bound_curvatures, ts_bound_widths : ndarray of shape (n_held,)
        Outward slope, relaxed curvature and box width of each coordinate
        held at a bound (see :class:`._minimize.StationaryPoint`).
    """

    ts_x: np.ndarray
    ts_energy: float
    ts_log_hessian_product: float
    ts_negative_eigenvalue: float
    minimum_plus: VerifiedMinimum
    minimum_minus: VerifiedMinimum
    ts_n_modes: int = -1
    ts_bound_slopes: np.ndarray = field(default_factory=lambda: np.empty(0))
    ts_bound_curvatures: np.ndarray = field(default_factory=lambda: np.empty(0))
    ts_bound_widths: np.ndarray = field(default_factory=lambda: np.empty(0))

    @classmethod
    def at_saddle(cls, search, point, minimum_plus, minimum_minus):
        """The connection through a converged saddle search and its verified point.

        Parameters
        ----------
        search : SaddleSearchResult
            Converged eigenvector following (position and energy).
        point : StationaryPoint
            ``verify_stationary_point(..., index=1)`` of ``search.x``.
        minimum_plus, minimum_minus : VerifiedMinimum
        """
        return cls(
            search.x,
            search.energy,
            point.log_hessian_product,
            float(np.min(point.eigenvalues)),
            minimum_plus,
            minimum_minus,
            point.n_modes,
            point.bound_slopes,
            point.bound_curvatures,
            point.bound_widths,
        )


@dataclass(frozen=True)
class SaddleSearchResult:
    """Outcome of :func:`hybrid_eigenvector_following`.

    Attributes
    ----------
    x : ndarray
        Final point.
    energy : float
    grad : ndarray
    eigenvalue : float
        Lowest (non-zero-mode) Hessian eigenvalue found at the last iteration.
    converged : bool
        The free-subspace gradient max-norm reached ``gtol`` (the Hessian
        index is checked separately by ``verify_stationary_point``).
    n_iterations : int
    n_evaluations : int
        Energy+gradient evaluations (Hessians and Hessian-vector products
        not counted).
    hessian : ndarray or None
        Hessian at ``x`` when it was computed there (exact path), else None.
    """

    x: np.ndarray
    energy: float
    grad: np.ndarray
    eigenvalue: float
    converged: bool
    n_iterations: int
    n_evaluations: int
    hessian: np.ndarray | None


# --------------------------------------------------------------------- helpers
def _ef_step(force, eigenvalue):
    """Eigenvector-following step magnitude along one eigenvector (uphill sign).

    ``h = 2 F / (|b| (1 + sqrt(1 + 4 F^2 / b^2))) = 2 F / (|b| + sqrt(b^2 + 4 F^2))``
    (Cerjan & Miller 1981; Wales, J. Chem. Soc. Faraday Trans. 86, 3505
    (1990)), ``F`` the gradient component and ``b`` the eigenvalue. It is the
    Newton step ``F/|b|`` for large ``|b|`` and stays bounded as ``b -> 0``.
    The minimising step is ``-h``. Written in the second form it has no
    division by zero unless ``F = b = 0`` (then 0).
    """
    denominator = np.abs(eigenvalue) + np.sqrt(eigenvalue**2 + 4.0 * force**2)
    return np.divide(2.0 * force, denominator, out=np.zeros_like(force), where=denominator > 0)


def _zero_mode_mask(eigenvalues, n_zero_modes):
    """Mask of the ``n_zero_modes`` eigenvalues closest to zero."""
    mask = np.zeros(eigenvalues.size, dtype=bool)
    if n_zero_modes:
        mask[np.argsort(np.abs(eigenvalues), kind="stable")[:n_zero_modes]] = True
    return mask


def _hessian_vector_products(objective, x, free, block):
    """``H v`` on the free coordinates for every column ``v`` of ``block`` (n_free, m).

    By ``objective.hessian_vector_product`` (central differences of the
    gradient unless the objective has an exact product).

    Raises
    ------
    NonFiniteEnergyError
        When a product is not finite.
    """
    full = np.zeros((block.shape[1], x.size))
    full[:, free] = block.T
    products = np.asarray(objective.hessian_vector_product(x, full), dtype=float)
    if not np.isfinite(products).all():
        raise NonFiniteEnergyError(f"non-finite Hessian-vector product at x={x!r}")
    return products[:, free].T


def _lowest_eigenpair_iterative(objective, x, free, start):
    """Lowest non-zero-mode Hessian eigenpair by Rayleigh-Ritz on Hessian-vector products.

    LOBPCG (Knyazev, SIAM J. Sci. Comput. 23, 517 (2001)) minimises the
    Rayleigh quotient ``v.Hv / v.v`` by Rayleigh-Ritz in the span of the
    current vector, its residual and its previous update, which needs one
    Hessian-vector product per iteration (``objective.hessian_vector_product``:
    exact for the MLP, else central differences of the gradient) and no Hessian.
    A block of ``1 + n_zero_modes`` vectors is followed and the
    ``n_zero_modes`` eigenvalues closest to zero dropped, so an exact flat
    direction is never mistaken for the softest mode. The block of the
    previous iteration is the starting guess; a loose residual tolerance
    (:data:`RAYLEIGH_RTOL` of ``|Hv|``) suffices to steer the uphill step.

    Returns
    -------
    eigenvalue : float
        ``nan`` when the solver failed.
    block : ndarray of shape (n_free, 1 + n_zero_modes)
        Ritz vectors, the lowest non-zero mode first.
    """
    n_free = int(free.sum())

    def matvec(block):
        return _hessian_vector_products(objective, x, free, block.reshape(n_free, -1))

    operator = LinearOperator((n_free, n_free), matvec=matvec, matmat=matvec, dtype=float)
    scale = float(np.linalg.norm(matvec(start[:, :1])))
    with warnings.catch_warnings():
        # Small problems fall back to a dense solve, and loose tolerances end
        # on maxiter: both are expected here.
        warnings.simplefilter("ignore", UserWarning)
        values, vectors = lobpcg(
            operator,
            start,
            largest=False,
            tol=RAYLEIGH_RTOL * max(scale, np.finfo(float).tiny),
            maxiter=RAYLEIGH_MAX_ITERATIONS,
        )
    if not np.all(np.isfinite(values)):
        return np.nan, start
    keep = ~_zero_mode_mask(values, objective.n_zero_modes)
    order = np.argsort(np.where(keep, values, np.inf), kind="stable")
    return float(values[order[0]]), vectors[:, order]


# ------------------------------------------------------------------------ HEF
def hybrid_eigenvector_following(
    objective,
    x0,
    *,
    max_iterations=100,
    max_step=None,
    rng=None,
    exact_max_params=None,
    complement_steps=10,
):
    """Refine a guess into an index-one saddle by (hybrid) eigenvector following.

    Every iteration finds the lowest eigenpair ``(b_1, v_1)`` of the Hessian
    in the free subspace (coordinates not held at a bound; the
    ``objective.n_zero_modes`` eigenvalues closest to zero are ignored), steps
    uphill along ``v_1`` by the eigenvector-following step
    ``h = 2 F_1 / (|b_1| + sqrt(b_1^2 + 4 F_1^2))``, ``F_1 = g . v_1``, and
    minimises the energy in the space orthogonal to ``v_1``:

    * ``n <= exact_max_params`` (exact path): the Hessian is diagonalised
      (``objective.hessian``) and every other eigendirection takes the
      minimising step ``-2 F_i / (|b_i| + sqrt(b_i^2 + 4 F_i^2))``, a
      Newton step for a quadratic surface, so convergence is quadratic.
    * beyond (hybrid path, Munro & Wales, Phys. Rev. B 59, 3969 (1999);
      Kumeda, Munro & Wales, Chem. Phys. Lett. 341, 185 (2001)): ``v_1``
      comes from Rayleigh-Ritz minimisation of the Rayleigh quotient (LOBPCG)
      with Hessian-vector products (``objective.hessian_vector_product``), and up to
      ``complement_steps`` L-BFGS steps with backtracking minimise the energy
      orthogonal to ``v_1``.

    A trust radius (:class:`~._optimizer.TrustRadius`) bounds the step (the
    whole step on the exact path, the uphill step on the hybrid path): it
    grows by 1.5 when the gradient predicted by the local quadratic model is
    accurate to 25% and halves, rejecting the step when the gradient also
    grew, when the prediction is off by more than 100%.

    Parameters
    ----------
    objective : Objective
    x0 : ndarray of shape (n_params,)
        Starting guess, e.g. the highest image of an elastic band.
    max_iterations : int, default=100
    max_step : float, optional
        Initial trust radius; default ``0.1 * objective.length_scale``. The
        radius never exceeds 4 times this value.
    rng : numpy.random.Generator, optional
        Seeds the first Rayleigh-Ritz vector of the hybrid path.
    exact_max_params : int, optional
        Largest dimension diagonalised exactly; by default
        ``objective.exact_hessian_max_params`` (200 unless the objective has a
        cheap exact Hessian). Beyond it the lowest eigenvector comes from
        Rayleigh-Ritz iterations on Hessian-vector products.
    complement_steps : int, default=10
        L-BFGS steps per iteration in the orthogonal complement (hybrid path).

    Returns
    -------
    SaddleSearchResult
        ``converged`` means a stationary point was reached; check its index
        with ``verify_stationary_point(objective, result.x, index=1)``.

    Raises
    ------
    NonFiniteEnergyError
        When the search reaches a non-finite energy or gradient.

    Examples
    --------
    The two-Gaussian surface has its saddle at the origin, with Hessian
    eigenvalues ``-4/e`` and ``4/e``:

    >>> import numpy as np
    >>> from sklandscape.surfaces import TwoGaussians
    >>> from sklandscape._explore._transition_state import hybrid_eigenvector_following
    >>> result = hybrid_eigenvector_following(TwoGaussians(), [0.3, -0.2], max_step=0.2)
    >>> result.converged, bool(np.allclose(result.x, 0, atol=1e-8))
    (True, True)
    >>> round(result.eigenvalue * np.e, 6)
    -4.0
    """
    x = objective.project_into_bounds(np.array(x0, dtype=float, copy=True))
    if max_step is None:
        max_step = 0.1 * objective.length_scale
    if exact_max_params is None:
        exact_max_params = objective.exact_hessian_max_params
    if x.size <= exact_max_params:
        return _hef_exact(objective, x, max_iterations, max_step)
    rng = np.random.default_rng(rng)
    return _hef_hybrid(objective, x, max_iterations, max_step, rng, complement_steps)


def _hef_exact(objective, x, max_iterations, max_step):
    """Eigenvector following, exact diagonalisation; see :func:`hybrid_eigenvector_following`."""
    gtol = objective.gtol
    trust = TrustRadius(max_step)
    energy, grad = checked_value_and_grad(objective, x)
    n_evaluations = 1
    hessian = objective.hessian(x)
    eigenvalue = np.nan
    converged = False
    iteration = 0
    while iteration < max_iterations:
        iteration += 1
        free = free_mask(objective, x, grad)
        g_free = grad[free]
        h_free = hessian[np.ix_(free, free)]
        eigenvalues, vectors = np.linalg.eigh(h_free)
        active = ~_zero_mode_mask(eigenvalues, objective.n_zero_modes)
        if not np.any(active):
            break
        uphill = int(np.flatnonzero(active)[0])
        eigenvalue = float(eigenvalues[uphill])
        if np.max(np.abs(g_free), initial=0.0) <= gtol:
            converged = True
            break
        forces = vectors.T @ g_free
        steps = -_ef_step(forces, eigenvalues)
        steps[uphill] = -steps[uphill]
        steps[~active] = 0.0
        length = float(np.linalg.norm(steps))
        if length > trust.radius:
            steps *= trust.radius / length
        step = np.zeros(x.size)
        step[free] = vectors @ steps
        trial = objective.project_into_bounds(x + step)
        trial_energy, trial_grad = checked_value_and_grad(objective, trial)
        n_evaluations += 1
        moved = (trial - x)[free]
        predicted = g_free + h_free @ moved
        model_error = np.linalg.norm(trial_grad[free] - predicted) / max(
            np.linalg.norm(g_free), np.finfo(float).tiny
        )
        if trust.update(model_error) and np.linalg.norm(trial_grad[free]) > np.linalg.norm(g_free):
            continue
        x, energy, grad = trial, trial_energy, trial_grad
        hessian = objective.hessian(x)
    return SaddleSearchResult(
        x, energy, grad, eigenvalue, converged, iteration, n_evaluations, hessian
    )


def _hef_hybrid(objective, x, max_iterations, max_step, rng, complement_steps):
    """Hybrid eigenvector following (see :func:`hybrid_eigenvector_following`)."""
    gtol = objective.gtol
    trust = TrustRadius(max_step)
    energy, grad = checked_value_and_grad(objective, x)
    n_evaluations = 1
    start = None
    eigenvalue = np.nan
    converged = False
    iteration = 0
    while iteration < max_iterations:
        iteration += 1
        free = free_mask(objective, x, grad)
        n_block = 1 + objective.n_zero_modes
        if start is None or start.shape[0] != free.sum():
            start = rng.standard_normal((int(free.sum()), n_block))
        eigenvalue, block = _lowest_eigenpair_iterative(objective, x, free, start)
        if not np.isfinite(eigenvalue):
            break
        start = block
        v_free = block[:, 0] / np.linalg.norm(block[:, 0])
        if np.max(np.abs(grad[free]), initial=0.0) <= gtol:
            converged = True
            break
        v = np.zeros(x.size)
        v[free] = v_free
        # Uphill eigenvector-following step along v, inside the trust radius.
        force = float(grad @ v)
        uphill = float(_ef_step(np.array([force]), np.array([eigenvalue]))[0])
        uphill = float(np.clip(uphill, -trust.radius, trust.radius))
        trial = objective.project_into_bounds(x + uphill * v)
        trial_energy, trial_grad = checked_value_and_grad(objective, trial)
        n_evaluations += 1
        predicted = force + eigenvalue * uphill
        model_error = abs(float(trial_grad @ v) - predicted) / max(
            abs(force), np.finfo(float).tiny
        )
        if not trust.update(model_error) or abs(float(trial_grad @ v)) <= abs(force):
            x, energy, grad = trial, trial_energy, trial_grad
        x, energy, grad, spent = _capped_descent(
            objective,
            x,
            energy,
            grad,
            max_step=max_step,
            max_iterations=complement_steps,
            orthogonal_to=v,
        )
        n_evaluations += spent
    return SaddleSearchResult(
        x, energy, grad, eigenvalue, converged, iteration, n_evaluations, None
    )


def _capped_descent(
    objective,
    x,
    energy,
    grad,
    *,
    max_step,
    max_iterations,
    orthogonal_to=None,
    relative_gtol=0.0,
    max_evaluations=None,
):
    """:func:`~._optimizer.capped_descent` on the free coordinates, orthogonal to a vector.

    Steps never exceed ``max_step`` (as OPTIM's L-BFGS), so the descent
    cannot jump over a ridge into another basin; the gradient is projected
    onto the free coordinates and, when ``orthogonal_to`` is given, onto the
    complement of that unit vector. A steepest-descent step has length
    ``max_step``, which leaves the neighbourhood of a saddle quickly. Stops
    after ``max_iterations`` steps or when the projected gradient max-norm
    falls below ``max(objective.gtol, relative_gtol * largest max-norm met)``,
    or after about ``max_evaluations`` evaluations (``None``: no cap).

    Returns
    -------
    x, energy, grad, n_evaluations
    """

    def subspace(point, gradient):
        free = free_mask(objective, point, gradient)

        def project(vector):
            vector = np.where(free, vector, 0.0)
            if orthogonal_to is not None:
                vector = vector - (vector @ orthogonal_to) * orthogonal_to
            return vector

        return project

    result = capped_descent(
        objective,
        x,
        energy,
        grad,
        max_step=max_step,
        max_iterations=max_iterations,
        gtol=objective.gtol,
        max_evaluations=max_evaluations,
        relative_gtol=relative_gtol,
        subspace=subspace,
        project_point=objective.project_into_bounds,
        restart_length="cap",
    )
    return result.x, result.energy, result.grad, result.n_evaluations


# -------------------------------------------------------------------- pushoff
def pushoff(objective, x_ts, energy_ts, direction, step, *, max_step=None, max_doublings=4):
    """Minima on both sides of a transition state.

    Start from ``x_ts + s d`` and ``x_ts - s d``, with ``d`` the unit
    ``direction`` (negative eigenvector, or band tangent) and ``s = step``.
    When the energy does not drop below ``energy_ts`` on both sides (a
    residual gradient larger than ``|b| s / 2``), ``s`` is doubled, at most
    ``max_doublings`` times. Each side descends by L-BFGS with steps no
    longer than ``max_step`` (default ``20 s``), so that it cannot leap over
    a ridge into a third basin, and is finished and verified by
    ``minimize_and_verify`` (the objective's own minimiser); see
    :func:`_descend_to_minimum`. Handing a point near the transition state
    straight to scipy's L-BFGS-B would be unsafe: its first trial step has
    unit length whatever the gradient, and on a surface with basins about one
    unit wide it lands, and stays, in a basin further away.

    Returns
    -------
    (VerifiedMinimum or None, VerifiedMinimum or None)
        The minimum reached on the ``+d`` and on the ``-d`` side.
    """
    direction = np.asarray(direction, dtype=float)
    direction = direction / np.linalg.norm(direction)
    if max_step is None:
        max_step = 20.0 * step
    for _ in range(max_doublings + 1):
        sides = [objective.project_into_bounds(x_ts + sign * step * direction) for sign in (1, -1)]
        try:
            evaluated = [checked_value_and_grad(objective, side) for side in sides]
        except NonFiniteEnergyError:
            return None, None
        if all(energy < energy_ts for energy, _ in evaluated):
            break
        step *= 2.0
    else:
        return None, None
    minima = []
    for side, (energy, grad) in zip(sides, evaluated, strict=True):
        try:
            minima.append(_descend_to_minimum(objective, side, energy, grad, max_step))
        except NonFiniteEnergyError:
            minima.append(None)
    return tuple(minima)


def _descend_to_minimum(objective, x, energy, grad, max_step):
    """Step-limited descent, handed over to ``minimize_and_verify`` when safe.

    The capped descent runs until the gradient is :data:`HANDOVER_RTOL` of
    the largest met on the way down (the bottom of the basin). The
    objective's minimiser finishes from there; its result is kept if the
    straight segment from the hand-over point to it never rises above the
    hand-over energy (no ridge was jumped). Otherwise the capped descent
    goes on to ``objective.gtol`` and the minimiser only verifies.
    """
    x, energy, grad, _ = _capped_descent(
        objective,
        x,
        energy,
        grad,
        max_step=max_step,
        max_iterations=PUSHOFF_DESCENT_ITERATIONS,
        relative_gtol=HANDOVER_RTOL,
        max_evaluations=PUSHOFF_DESCENT_EVALUATIONS,
    )
    minimum = minimize_and_verify(objective, x)
    if minimum is not None and _downhill_segment(objective, x, energy, minimum.x):
        return minimum
    x, *_ = _capped_descent(
        objective,
        x,
        energy,
        grad,
        max_step=max_step,
        max_iterations=PUSHOFF_DESCENT_ITERATIONS,
        max_evaluations=PUSHOFF_DESCENT_EVALUATIONS,
    )
    return minimize_and_verify(objective, x)


def _downhill_segment(objective, start, energy, end, n_points=8):
    """Whether the energy on the segment ``start -> end`` stays at or below ``energy``."""
    tolerance = objective.energy_tolerance(energy)
    for t in np.arange(1, n_points) / n_points:
        point = objective.project_into_bounds(start + t * (end - start))
        if objective.value(point) > energy + tolerance:
            return False
    return True


def _same_point(objective, x, energy, y, other_energy):
    """Whether two stationary points coincide (canonical distance and energy)."""
    distance = objective.distance(objective.canonical(x), objective.canonical(y))
    return distance <= objective.position_tolerance() and abs(
        energy - other_energy
    ) <= objective.energy_tolerance(energy)


def _distinct_minima(objective, plus, minus):
    return (
        plus is not None
        and minus is not None
        and not _same_point(objective, plus.x, plus.energy, minus.x, minus.energy)
    )


# ---------------------------------------------------------------- connections
def find_connections(objective, x_a, x_b, rng, *, n_images=10, max_band_iterations=500):
    """Transition states on the path between two minima, each with the minima it joins.

    1. ``x_b`` is moved to its symmetry copy closest to ``x_a``
       (``objective.align``). A doubly-nudged elastic band of ``n_images``
       images, interpolated linearly from ``x_a`` to that copy (with a tiny random jitter from
       ``rng`` to break symmetry), is relaxed (:func:`._neb.relax_band`).
    2. Smooth objectives: every local maximum of the band is refined by
       :func:`hybrid_eigenvector_following` and kept if it passes
       ``verify_stationary_point(objective, x, index=1)``; duplicates are
       dropped. Its minima come from :func:`pushoff` along the negative
       eigenvector ``v`` (sign chosen so that ``v . (x_b - x_a) >= 0``),
       ``ts_log_hessian_product`` is the sum of the logs of its positive
       eigenvalues and ``ts_negative_eigenvalue`` its negative one.
    3. Non-smooth objectives (``objective.smooth is False``): the transition
       state is the highest point of the converged band, located exactly on
       the highest segment adjacent to the highest image by
       ``objective.segment_maximum``; pushoff follows the segment direction
       ``t`` both ways; ``ts_log_hessian_product`` is the sum of the logs of
       the positive eigenvalues of ``P H P``, ``P = I - n n^T`` the projector
       orthogonal to the ridge normal ``n`` (the direction of the gradient jump
       across the kink, :func:`_ridge_frame`; the band tangent if there is no
       kink), ``H`` averaged over the two sides: the Hessian within the
       dividing surface. ``ts_negative_eigenvalue`` is ``nan``.

    A connection is returned only when both pushoff minima are verified and
    distinct. Failures (a band or a search hitting a non-finite energy, an
    unconverged or wrong-index saddle) are dropped, not raised.

    Parameters
    ----------
    objective : Objective
    x_a, x_b : ndarray of shape (n_params,)
        The two minima.
    rng : numpy.random.Generator or int or None
        Random source (band jitter, Rayleigh-Ritz start vectors).
    n_images : int, default=10
        Interior images of the band.
    max_band_iterations : int, default=500

    Returns
    -------
    list of Connection
        Ordered from the highest to the lowest transition state.

    Examples
    --------
    >>> import numpy as np
    >>> from sklandscape._explore import FunctionObjective
    >>> from sklandscape._explore._transition_state import find_connections
    >>> def two_gaussians(x):
    ...     a, b = np.exp(-np.sum((x + [1, 0]) ** 2)), np.exp(-np.sum((x - [1, 0]) ** 2))
    ...     return -a - b, 2 * a * (x + [1, 0]) + 2 * b * (x - [1, 0])
    >>> objective = FunctionObjective(two_gaussians, 2, jac=True)
    >>> minima = [objective.local_minimize(x).x for x in ([-1.0, 0.0], [1.0, 0.0])]
    >>> [connection] = find_connections(objective, *minima, rng=0)
    >>> print(np.round(connection.ts_x, 6) + 0.0, round(connection.ts_energy, 6))
    [0. 0.] -0.735759
    """
    rng = np.random.default_rng(rng)
    x_a = np.asarray(x_a, dtype=float)
    # The band joins x_a to the symmetry copy of x_b closest to it.
    x_b = np.asarray(objective.align(np.asarray(x_b, dtype=float), x_a), dtype=float)
    if not np.any(x_b != x_a):
        return []
    images = interpolate_band(objective, x_a, x_b, n_images, rng)
    # Step scales come from the initial spacing: a band that wandered must
    # not license long pushoff or eigenvector-following steps.
    spacing = float(np.linalg.norm(x_b - x_a)) / (n_images + 1)
    try:
        band = relax_band(
            objective,
            images,
            max_iterations=max_band_iterations,
            rtol=SMOOTH_BAND_RTOL if objective.smooth else NONSMOOTH_BAND_RTOL,
            method="lbfgs" if objective.smooth else "fire",
            settle_every=None if objective.smooth else NONSMOOTH_SETTLE_EVERY,
        )
    except NonFiniteEnergyError:
        logger.debug("connection attempt dropped: non-finite energy on the band")
        return []
    if objective.smooth:
        connections = _smooth_connections(objective, band, x_b - x_a, spacing, rng)
    else:
        connection = _band_maximum_connection(objective, band, spacing)
        connections = [] if connection is None else [connection]
    return sorted(connections, key=lambda c: -c.ts_energy)


def _smooth_connections(objective, band, chord, spacing, rng):
    connections = []
    step = PUSHOFF_FRACTION * spacing
    for index in band_maxima(band.energies):
        search, point = _index_one_saddle(objective, band.images[index], chord, spacing, rng)
        if search is None:
            logger.debug("no index-one saddle from band image %d", index)
            continue
        if any(
            _same_point(objective, search.x, search.energy, c.ts_x, c.ts_energy)
            for c in connections
        ):
            continue
        negative = int(np.argmin(point.eigenvalues))
        direction = point.eigenvectors[:, negative]
        if direction @ chord < 0:
            direction = -direction
        plus, minus = pushoff(
            objective, search.x, search.energy, direction, step, max_step=spacing
        )
        if not _distinct_minima(objective, plus, minus):
            logger.debug("pushoff from the saddle at %.6g failed", search.energy)
            continue
        connections.append(Connection.at_saddle(search, point, plus, minus))
    return connections


def _index_one_saddle(objective, start, chord, spacing, rng):
    """Eigenvector following from ``start`` to a verified index-one saddle.

    :func:`hybrid_eigenvector_following` (steps up to ``spacing``; at most
    :data:`HYBRID_MAX_ITERATIONS` iterations on the hybrid path) until
    converged, then ``verify_stationary_point(..., index=1)``. On the hybrid
    path (beyond ``objective.exact_hessian_max_params``) the search can
    converge to an index-two saddle: the descent in the complement of the
    followed mode (a few L-BFGS steps per iteration) stops wherever the
    gradient vanishes, also on a second direction of negative curvature. On
    digits (1,210 parameters) 18 of 53 converged searches of a default fit
    ended at such points. There, as a pushoff from a transition state, the
    point is displaced along the second negative eigenvector ``u_2`` (the
    mode the search should have minimised; ``u_2 . chord >= 0``), where the
    energy falls by ``|lambda_2| s^2 / 2``, by
    ``s = min(spacing, f gtol / (|lambda_2| max_i |u_2i|))`` with ``f`` =
    :data:`ESCAPE_GTOL_FACTOR`: the gradient the step adds then exceeds the
    convergence test ``f`` times over (a pushoff's ``PUSHOFF_FRACTION *
    spacing`` left the search converged where it was on soft modes). The
    search is run again from there, at most :data:`HIGHER_INDEX_RESTARTS`
    times.

    Returns
    -------
    (SaddleSearchResult, StationaryPoint) or (None, None)
    """
    hybrid = objective.n_params > objective.exact_hessian_max_params
    options = {"max_iterations": HYBRID_MAX_ITERATIONS} if hybrid else {}
    for restart in range(HIGHER_INDEX_RESTARTS + 1):
        try:
            search = hybrid_eigenvector_following(
                objective, start, max_step=spacing, rng=rng, **options
            )
        except NonFiniteEnergyError:
            return None, None
        if not search.converged:
            return None, None
        hessian = search.hessian if search.hessian is not None else objective.hessian(search.x)
        point = verify_stationary_point(
            objective, search.x, index=1, grad=search.grad, hessian=hessian
        )
        if point is not None:
            return search, point
        if not hybrid or restart == HIGHER_INDEX_RESTARTS:
            return None, None
        mode = _second_negative_mode(objective, search, hessian)
        if mode is None:
            return None, None
        eigenvalue, direction = mode
        if direction @ chord < 0:
            direction = -direction
        # far enough that the gradient it adds, |lambda_2| s u_2, leaves the convergence test
        distance = ESCAPE_GTOL_FACTOR * objective.gtol / (-eigenvalue * np.max(np.abs(direction)))
        start = objective.project_into_bounds(search.x + min(distance, spacing) * direction)
        logger.debug("index-two saddle at %.6g: searching again beside it", search.energy)
    return None, None


def _second_negative_mode(objective, search, hessian):
    """``(lambda_2, u_2)``, the second-lowest eigenpair, when exactly two are negative, else None.

    Eigenvalues as in ``verify_stationary_point`` (free subspace, the
    ``objective.n_zero_modes`` closest to zero left out, negative below
    ``-ZERO_EIGENVALUE_RTOL max(1, max |lambda|)``).
    """
    if not np.all(np.isfinite(hessian)):
        return None
    free = free_mask(objective, search.x, search.grad)
    eigenvalues, vectors = np.linalg.eigh(hessian[np.ix_(free, free)])
    zero_tol = ZERO_EIGENVALUE_RTOL * max(1.0, float(np.max(np.abs(eigenvalues), initial=0.0)))
    active = ~_zero_mode_mask(eigenvalues, objective.n_zero_modes)
    negative = np.flatnonzero(active & (eigenvalues < -zero_tol))
    if negative.size != 2:
        return None
    direction = np.zeros(search.x.size)
    direction[free] = vectors[:, negative[1]]
    return float(eigenvalues[negative[1]]), direction


def _band_maximum_connection(objective, band, spacing):
    """The highest point of a band (:func:`._neb.band_top`) as a non-smooth transition state.

    Its energy bounds the lowest ridge crossing from above, within
    ``O(spacing^2)`` for a relaxed band.
    """
    top = band_top(objective, band.images, band.energies)
    if top is None:
        return None
    tangent = top.segment / np.linalg.norm(top.segment)
    plus, minus = pushoff(
        objective, top.x, top.energy, tangent, PUSHOFF_FRACTION * spacing, max_step=spacing
    )
    if not _distinct_minima(objective, plus, minus):
        return None
    normal, hessian = _ridge_frame(objective, top.x, tangent, spacing)
    log_product, n_modes, slopes, curvatures, widths = _projected_modes(
        objective, top.x, top.grad, normal, hessian
    )
    return Connection(
        top.x, top.energy, log_product, np.nan, plus, minus, n_modes, slopes, curvatures, widths
    )


def _ridge_frame(objective, x, tangent, spacing):
    """Unit normal of the ridge at a band's kink, and the Hessian averaged over its sides.

    The energy of a non-smooth objective is the lower of two smooth branches
    near the kink; their difference vanishes on the ridge, so the jump of the
    gradient across it is normal to the ridge. It is measured as
    ``g(x + h t) - g(x - h t) - H (2 h t)`` (``h`` = :data:`RIDGE_PROBE_FRACTION`
    times the band spacing, wide enough to straddle a kink located to the
    accuracy of ``segment_maximum``; ``H`` the mean of the two sides'
    Hessians, whose smooth change it removes, exactly for quadratic branches).
    The ridge is the dividing surface of transition-state theory, and its
    harmonic partition function comes from the Hessian projected orthogonal
    to that normal. The band tangent agrees with the normal only as the band
    spacing goes to zero (at the lowest point of a ridge both branches'
    gradients are normal to it, and so is the path). When the jump is no
    larger than a smooth function's change over ``2h`` (no kink: a smooth band
    maximum), the tangent is returned.
    """
    h = RIDGE_PROBE_FRACTION * spacing
    plus = objective.project_into_bounds(x + h * tangent)
    minus = objective.project_into_bounds(x - h * tangent)
    hessian = 0.5 * (objective.hessian(plus) + objective.hessian(minus))
    smooth_change = hessian @ (plus - minus)
    jump = objective.gradient(plus) - objective.gradient(minus) - smooth_change
    size = np.linalg.norm(jump)
    if not size > KINK_RTOL * np.linalg.norm(smooth_change):
        return tangent, hessian
    return jump / size, hessian


def _projected_modes(objective, x, grad, tangent, hessian=None):
    """Modes of ``P H P``, ``P = I - t t^T`` (free subspace), and the held coordinates.

    Returns the sum of the logs of its positive eigenvalues, their number, and
    the outward slopes, relaxed curvatures and box widths of held coordinates
    (as in :func:`._minimize.verify_stationary_point`).
    """
    free = free_mask(objective, x, grad)
    full = objective.hessian(x) if hessian is None else hessian
    hessian = full[np.ix_(free, free)]
    t = tangent[free]
    norm = np.linalg.norm(t)
    if norm > 0:
        t = t / norm
    projector = np.eye(t.size) - np.outer(t, t)
    eigenvalues, vectors = np.linalg.eigh(projector @ hessian @ projector)
    zero_tol = ZERO_EIGENVALUE_RTOL * max(1.0, float(np.max(np.abs(eigenvalues), initial=0.0)))
    is_positive = eigenvalues > zero_tol
    positive = eigenvalues[is_positive]
    held = ~free
    coupling = vectors[:, is_positive].T @ (projector @ full[np.ix_(free, held)])
    curvatures = np.diag(full[np.ix_(held, held)]) - np.sum(
        coupling**2 / positive[:, None], axis=0
    )
    return (
        float(np.sum(np.log(positive))),
        int(positive.size),
        np.abs(grad[held]),
        curvatures,
        box_widths(objective)[held],
    )
