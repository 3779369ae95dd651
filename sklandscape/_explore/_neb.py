"""Doubly-nudged elastic band (DNEB).

A band of images ``x_0 = x_a, x_1, ..., x_N, x_{N+1} = x_b`` joins two minima.
The end points stay fixed; every interior image ``i`` moves under the DNEB
gradient (the negative of the force; Trygubenko & Wales, J. Chem. Phys. 120,
2082 (2004))

.. math::

    \\tilde g_i = g_i^{\\perp} - F_i^{s\\parallel} - F_i^{s\\perp *},

with ``tau_i`` the unit tangent,

* ``g_i^perp = g_i - (g_i . tau_i) tau_i``: the true gradient with its
  component along the path removed (the "nudge", Jonsson, Mills & Jacobsen
  1998), so images slide down to the minimum energy path without sliding
  along it;
* ``F_i^{s||} = k (|x_{i+1} - x_i| - |x_i - x_{i-1}|) tau_i``: the spring
  force along the tangent, which keeps the images equally spaced (Henkelman &
  Jonsson, J. Chem. Phys. 113, 9978 (2000));
* ``F_i^{s perp *} = F^{s perp} - (F^{s perp} . u) u`` with
  ``F^s = k (x_{i+1} - 2 x_i + x_{i-1})``, ``F^{s perp}`` its part
  orthogonal to ``tau_i`` and ``u = g^perp / |g^perp|``: the "doubly
  nudged" share of the perpendicular spring force, the part that does not
  oppose the true force. It straightens the band where the true force is
  weak and makes the band stable under L-BFGS minimisation.

The tangent is the improved tangent of Henkelman & Jonsson (2000): the
segment towards the higher neighbour, and an energy-weighted mixture of both
segments at a local extremum of the band, so that no kinks form.

The band is minimised with L-BFGS without line search (the DNEB gradient is
not the gradient of any function), with a maximum displacement per image and
a memory reset whenever the L-BFGS direction is not a descent direction, as
in OPTIM; or, where the gradient jumps (non-smooth surfaces), with FIRE.
"""

import logging
from dataclasses import dataclass

import numpy as np

from ._optimizer import (
    FIREStepper,
    LBFGSMemory,
    NonFiniteEnergyError,
    checked_value_and_grad,
    checked_values_and_grads,
)

__all__ = [
    "BandResult",
    "BandTop",
    "DNEBComponents",
    "band_maxima",
    "band_top",
    "band_tangents",
    "default_spring_constant",
    "dneb_components",
    "dneb_gradient",
    "interpolate_band",
    "relax_band",
]

logger = logging.getLogger(__name__)

#: Relative size, in units of the image spacing, of the random displacement
#: that breaks the symmetry of a straight initial band (a band lying exactly on
#: a ridge would otherwise stay there).
INITIAL_JITTER = 1e-3
#: The L-BFGS memory is cleared when a step multiplies the RMS DNEB gradient
#: by more than this (the quasi-Newton model failed: a kink, or the band's
#: non-conservative force field).
RESET_GROWTH = 4.0
#: Relative norm below which a tangent is considered degenerate.
_TANGENT_TINY = 1e-12
#: Relative size below which the perpendicular gradient has no direction.
_PERPENDICULAR_TINY = 1e-12


def interpolate_band(objective, x_a, x_b, n_images, rng=None):
    """Images interpolated linearly between ``x_a`` and ``x_b`` (end points included).

    Parameters
    ----------
    objective : Objective
        Its bounds are respected: the box is convex, so the segment stays in
        it, and the optional jitter is reflected back inside.
    x_a, x_b : ndarray of shape (n_params,)
        End points.
    n_images : int
        Number of interior (moving) images, at least 1.
    rng : numpy.random.Generator, optional
        When given, interior images get a uniform random displacement of
        relative size :data:`INITIAL_JITTER` times the image spacing.

    Returns
    -------
    ndarray of shape (n_images + 2, n_params)
    """
    if n_images < 1:
        raise ValueError(f"n_images must be at least 1, got {n_images}.")
    x_a = np.asarray(x_a, dtype=float)
    x_b = np.asarray(x_b, dtype=float)
    fractions = np.linspace(0.0, 1.0, n_images + 2)[:, None]
    images = x_a + fractions * (x_b - x_a)
    if rng is not None:
        spacing = np.linalg.norm(x_b - x_a) / (n_images + 1)
        jitter = INITIAL_JITTER * spacing / np.sqrt(x_a.size)
        images[1:-1] += rng.uniform(-jitter, jitter, size=images[1:-1].shape)
        images[1:-1] = objective.project_into_bounds(images[1:-1])
    return images


def band_tangents(images, energies):
    """Unit tangents of the interior images (improved tangent of Henkelman & Jonsson 2000).

    With ``tau+ = x_{i+1} - x_i`` and ``tau- = x_i - x_{i-1}``:
    ``tau = tau+`` if ``E_{i+1} > E_i > E_{i-1}``; ``tau = tau-`` if
    ``E_{i+1} < E_i < E_{i-1}``; otherwise (a local extremum)
    ``tau = tau+ dE_max + tau- dE_min`` when ``E_{i+1} > E_{i-1}`` and
    ``tau = tau+ dE_min + tau- dE_max`` when not, with
    ``dE_max/min = max/min(|E_{i+1} - E_i|, |E_{i-1} - E_i|)``.

    Where that vector vanishes (a flat band: equal energies) the bisector of
    the two unit segments is used, and where that vanishes too (coincident
    images) the chord ``x_{N+1} - x_0``; so the result is always finite.

    Parameters
    ----------
    images : ndarray of shape (n_images + 2, n_params)
    energies : ndarray of shape (n_images + 2,)

    Returns
    -------
    ndarray of shape (n_images, n_params)
    """
    segments = np.diff(images, axis=0)
    return _tangents(segments, _row_norms(segments), energies, images[-1] - images[0])


def _row_norms(vectors):
    return np.sqrt(np.einsum("ij,ij->i", vectors, vectors))


def _tangents(segments, lengths, energies, chord):
    """:func:`band_tangents` from precomputed segments ``x_{i+1} - x_i`` and their lengths."""
    forward, backward = segments[1:], segments[:-1]
    delta_next = energies[2:] - energies[1:-1]
    delta_prev = energies[:-2] - energies[1:-1]
    abs_next, abs_prev = np.abs(delta_next), np.abs(delta_prev)
    delta_max = np.maximum(abs_next, abs_prev)
    delta_min = np.minimum(abs_next, abs_prev)
    next_higher = delta_next > delta_prev
    weight_forward = np.where(next_higher, delta_max, delta_min)
    weight_backward = np.where(next_higher, delta_min, delta_max)
    rising = (delta_next > 0) & (delta_prev < 0)
    falling = (delta_next < 0) & (delta_prev > 0)
    weight_forward[rising], weight_backward[rising] = 1.0, 0.0
    weight_forward[falling], weight_backward[falling] = 0.0, 1.0
    tangents = weight_forward[:, None] * forward + weight_backward[:, None] * backward
    norms = _row_norms(tangents)
    # Degenerate when the energy weights vanish (flat band), relative to the
    # same weights times the segment lengths.
    scale = (weight_forward + weight_backward) * (lengths[1:] + lengths[:-1])
    degenerate = norms <= _TANGENT_TINY * scale
    if np.any(degenerate):
        unit = _safe_unit(segments, lengths)
        tangents[degenerate] = unit[1:][degenerate] + unit[:-1][degenerate]
        norms = _row_norms(tangents)
        coincident = norms == 0
        if np.any(coincident) and np.any(chord):
            tangents[coincident] = chord
            norms = _row_norms(tangents)
    return _safe_unit(tangents, norms)


def _safe_unit(vectors, norms):
    """Rows divided by their norms; zero rows stay zero."""
    norms = norms[:, None]
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)


@dataclass(frozen=True)
class DNEBComponents:
    """The three parts of the DNEB gradient of every interior image.

    Attributes
    ----------
    tangents : ndarray of shape (n_images, n_params)
        Unit tangents.
    true_perpendicular : ndarray
        ``g - (g . tau) tau``.
    spring_parallel : ndarray
        Spring *force* along the tangent, ``k (|tau+| - |tau-|) tau``.
    spring_perpendicular : ndarray
        Doubly-nudged perpendicular spring *force*, ``F^{s perp *}``.
    """

    tangents: np.ndarray
    true_perpendicular: np.ndarray
    spring_parallel: np.ndarray
    spring_perpendicular: np.ndarray

    @property
    def gradient(self):
        """The DNEB gradient ``g^perp - F^{s||} - F^{s perp *}``."""
        return self.true_perpendicular - self.spring_parallel - self.spring_perpendicular


def dneb_components(images, energies, gradients, spring_constant):
    """The DNEB gradient of the interior images, split into its parts.

    Parameters
    ----------
    images : ndarray of shape (n_images + 2, n_params)
        The band, end points included.
    energies : ndarray of shape (n_images + 2,)
    gradients : ndarray of shape (n_images, n_params)
        True gradients of the interior images.
    spring_constant : float
        ``k``, in energy per squared distance.

    Returns
    -------
    DNEBComponents
    """
    segments = np.diff(images, axis=0)
    lengths = _row_norms(segments)
    tangents = _tangents(segments, lengths, energies, images[-1] - images[0])
    forward, backward = segments[1:], segments[:-1]

    along = np.einsum("ij,ij->i", gradients, tangents)
    true_perpendicular = gradients - along[:, None] * tangents

    spring_parallel = (spring_constant * (lengths[1:] - lengths[:-1]))[:, None] * tangents

    spring = spring_constant * (forward - backward)
    spring_along = np.einsum("ij,ij->i", spring, tangents)
    spring_perpendicular = spring - spring_along[:, None] * tangents
    # The direction of a perpendicular gradient lost in rounding (|g_perp| at
    # the level of eps |g|) is noise: treat it as zero.
    perpendicular_norm = _row_norms(true_perpendicular)
    perpendicular_norm[perpendicular_norm <= _PERPENDICULAR_TINY * _row_norms(gradients)] = 0.0
    unit_perpendicular = _safe_unit(true_perpendicular, perpendicular_norm)
    overlap = np.einsum("ij,ij->i", spring_perpendicular, unit_perpendicular)
    doubly_nudged = spring_perpendicular - overlap[:, None] * unit_perpendicular
    return DNEBComponents(tangents, true_perpendicular, spring_parallel, doubly_nudged)


def dneb_gradient(images, energies, gradients, spring_constant):
    """The DNEB gradient (negative force) of the interior images; see :func:`dneb_components`."""
    return dneb_components(images, energies, gradients, spring_constant).gradient


def band_maxima(energies):
    """Indices of the interior images that are local maxima of the band energy.

    Image ``i`` qualifies when ``E_i > E_{i-1}`` and ``E_i >= E_{i+1}``
    (a plateau counts once, at its first image).

    Returns
    -------
    ndarray of int
        Indices into the full band (end points are 0 and ``N + 1``), ordered
        from the highest to the lowest energy.
    """
    energies = np.asarray(energies, dtype=float)
    here = energies[1:-1]
    is_max = (here > energies[:-2]) & (here >= energies[2:])
    indices = np.flatnonzero(is_max) + 1
    return indices[np.argsort(-energies[indices], kind="stable")]


@dataclass(frozen=True)
class BandTop:
    """The highest point of a piecewise-linear band.

    Attributes
    ----------
    energy : float
    x : ndarray
    grad : ndarray
        True gradient at ``x``.
    segment : ndarray
        ``x_{i+1} - x_i`` of the segment holding ``x``.
    """

    energy: float
    x: np.ndarray
    grad: np.ndarray
    segment: np.ndarray


def band_top(objective, images, energies):
    """The highest point of the band's polygon, located by ``objective.segment_maximum``.

    It lies on one of the two segments adjacent to the highest interior
    image. Being the maximum of a continuous path between the end points,
    its energy bounds the lowest crossing of any ridge between them from
    above.

    Returns
    -------
    BandTop or None
        None when both segments have zero length or non-finite energies.
    """
    top = int(np.argmax(energies[1:-1])) + 1
    best = None
    for start, end in ((top - 1, top), (top, top + 1)):
        segment = images[end] - images[start]
        if not np.any(segment):
            continue
        point = images[start] + objective.segment_maximum(images[start], images[end]) * segment
        try:
            energy, grad = checked_value_and_grad(objective, point)
        except NonFiniteEnergyError:
            continue
        if best is None or energy > best.energy:
            best = BandTop(float(energy), point, grad, segment)
    return best


@dataclass(frozen=True)
class BandResult:
    """A relaxed elastic band.

    Attributes
    ----------
    images : ndarray of shape (n_images + 2, n_params)
        End points included.
    energies : ndarray of shape (n_images + 2,)
    gradients : ndarray of shape (n_images + 2, n_params)
        True gradients (end points included).
    spring_constant : float
    converged : bool
        The RMS DNEB gradient fell below the tolerance.
    n_iterations : int
    n_evaluations : int
        Energy+gradient evaluations spent.
    """

    images: np.ndarray
    energies: np.ndarray
    gradients: np.ndarray
    spring_constant: float
    converged: bool
    n_iterations: int
    n_evaluations: int


def _evaluate(objective, points):
    """Energies and gradients of ``points`` (``objective.values_and_grads``, checked)."""
    return checked_values_and_grads(objective, points)


def default_spring_constant(images, gradients):
    """Spring constant matched to the surface's curvature along the band.

    ``k = median_i |g_{i+1} - g_i| / |x_{i+1} - x_i|``, a finite-difference
    estimate of the curvature the band feels (energy per squared distance, as
    ``k`` must be). The stiffest spring mode of the band, ``4 k``, then stays
    comparable to the Hessian eigenvalues, which keeps the band's L-BFGS
    minimisation well conditioned whatever the number of images; the median
    ignores a gradient jump across the kink of a non-smooth surface. Falls
    back to 1 where the band is flat.

    Parameters
    ----------
    images : ndarray of shape (n_images + 2, n_params)
        The band, end points included.
    gradients : ndarray of shape (n_images + 2, n_params)
        True gradients of all images, end points included.
    """
    lengths = _row_norms(np.diff(images, axis=0))
    changes = _row_norms(np.diff(gradients, axis=0))
    moving = lengths > 0
    if np.any(moving):
        curvature = float(np.median(changes[moving] / lengths[moving]))
        if curvature > 0 and np.isfinite(curvature):
            return curvature
    return 1.0


class _LBFGSStepper:
    """L-BFGS steps on the band without line search (as in OPTIM's DNEB).

    The memory is reset whenever the quasi-Newton direction is not a descent
    direction for the DNEB gradient, and when a step multiplies its RMS by
    more than :data:`RESET_GROWTH`.
    """

    def __init__(self, memory, spring_constant):
        self.lbfgs = LBFGSMemory(memory, 1.0 / spring_constant)

    def step(self, band_grad):
        direction = self.lbfgs.direction(band_grad)
        if direction @ band_grad >= 0:
            self.lbfgs.reset()
            direction = self.lbfgs.direction(band_grad)
        return direction

    def observe(self, displacement, old_grad, new_grad):
        if _rms(new_grad) > RESET_GROWTH * _rms(old_grad):
            self.lbfgs.reset()
        else:
            self.lbfgs.update(displacement, new_grad - old_grad)


class _FIREBandStepper:
    """FIRE on the band (:class:`~._optimizer.FIREStepper`), ``dt_max = 1 / sqrt(k)``.

    The time step is matched to the stiffest spring mode of a band whose
    spring constant ``k`` matches the surface's curvature.
    """

    def __init__(self, spring_constant):
        self.fire = FIREStepper(1.0 / np.sqrt(spring_constant))

    def step(self, band_grad):
        return self.fire.step(band_grad)

    def observe(self, displacement, old_grad, new_grad):
        pass


def relax_band(
    objective,
    images,
    *,
    spring_constant=None,
    max_iterations=500,
    rtol=5e-2,
    max_step=None,
    method="lbfgs",
    memory=8,
    settle_every=None,
    settle_rtol=1e-3,
):
    """Minimise the DNEB gradient of a band (end points fixed).

    Parameters
    ----------
    objective : Objective
    images : ndarray of shape (n_images + 2, n_params)
        Initial band, e.g. from :func:`interpolate_band`.
    spring_constant : float, optional
        ``k``; default :func:`default_spring_constant` of the initial band.
    max_iterations : int, default=500
    rtol : float, default=5e-2
        Convergence when the RMS DNEB gradient is at most ``rtol`` times the
        larger of its initial value and the RMS true gradient of the initial
        images (or below ``objective.gtol``); the latter keeps the tolerance
        meaningful for a band that starts on a ridge, where the perpendicular
        force vanishes. On a smooth surface the band only has to bring each
        local maximum into the convergence basin of hybrid eigenvector
        following, so a loose tolerance suffices.
    max_step : float, optional
        Largest displacement of one image in one step; default half the
        initial image spacing.
    method : {"lbfgs", "fire"}, default="lbfgs"
        L-BFGS without line search (fast on smooth surfaces) or FIRE (robust
        where the gradient jumps: non-smooth surfaces).
    memory : int, default=8
        L-BFGS memory.
    settle_every : int, optional
        Every ``settle_every`` iterations, locate the band's highest point
        (:func:`band_top`); stop, as converged, when its energy changed by
        at most ``settle_rtol`` times the barrier (that energy minus the
        higher end point) since the previous check. For non-smooth surfaces,
        where that point is the transition state and the RMS criterion,
        hampered by the gradient jump at the kink, is met late or never.
    settle_rtol : float, default=1e-3

    Returns
    -------
    BandResult
        When not converged, the band in its best state met (lowest RMS DNEB
        gradient): an under-resolved path across many basins can wander.

    Raises
    ------
    NonFiniteEnergyError
        When an image reaches a non-finite energy or gradient.
    """
    images = np.array(images, dtype=float, copy=True)
    if images.ndim != 2 or len(images) < 3:
        raise ValueError("images must be a 2-d array with at least one interior image.")
    if method not in ("lbfgs", "fire"):
        raise ValueError(f"method must be 'lbfgs' or 'fire', got {method!r}.")
    end_energies, end_gradients = _evaluate(objective, images[[0, -1]])
    energies = np.empty(len(images))
    energies[[0, -1]] = end_energies
    energies[1:-1], gradients = _evaluate(objective, images[1:-1])
    n_evaluations = len(images)
    if spring_constant is None:
        spring_constant = default_spring_constant(
            images, np.vstack([end_gradients[:1], gradients, end_gradients[1:]])
        )
    spacing = float(np.mean(_row_norms(np.diff(images, axis=0))))
    if max_step is None:
        max_step = 0.5 * spacing if spacing > 0 else 1.0
    if method == "lbfgs":
        stepper = _LBFGSStepper(memory, spring_constant)
    else:
        stepper = _FIREBandStepper(spring_constant)

    band_grad = dneb_gradient(images, energies, gradients, spring_constant).ravel()
    tolerance = max(rtol * max(_rms(band_grad), _rms(gradients)), objective.gtol)
    converged = _rms(band_grad) <= tolerance
    best = (_rms(band_grad), images.copy(), energies.copy(), gradients)
    last_top = np.inf
    iteration = 0
    while not converged and iteration < max_iterations:
        iteration += 1
        step = stepper.step(band_grad).reshape(-1, images.shape[1])
        longest = float(np.max(_row_norms(step)))
        if longest > max_step:
            step *= max_step / longest
        old_interior = images[1:-1].copy()
        images[1:-1] = objective.project_into_bounds(old_interior + step)
        energies[1:-1], gradients = _evaluate(objective, images[1:-1])
        n_evaluations += len(images) - 2
        new_band_grad = dneb_gradient(images, energies, gradients, spring_constant).ravel()
        stepper.observe((images[1:-1] - old_interior).ravel(), band_grad, new_band_grad)
        band_grad = new_band_grad
        converged = _rms(band_grad) <= tolerance
        if settle_every and iteration % settle_every == 0 and not converged:
            top = band_top(objective, images, energies)
            if top is not None:
                barrier = top.energy - max(energies[0], energies[-1])
                converged = abs(top.energy - last_top) <= settle_rtol * max(barrier, 0.0)
                last_top = top.energy
        if _rms(band_grad) < best[0]:
            best = (_rms(band_grad), images.copy(), energies.copy(), gradients)
    if not converged:
        _, images, energies, gradients = best
    logger.debug(
        "DNEB (%s): %d iterations, converged=%s, rms gradient %.3g",
        method,
        iteration,
        converged,
        best[0],
    )
    all_gradients = np.vstack([end_gradients[:1], gradients, end_gradients[1:]])
    return BandResult(
        images,
        energies,
        all_gradients,
        float(spring_constant),
        converged,
        iteration,
        n_evaluations,
    )


def _rms(vector):
    return float(np.sqrt(np.mean(np.square(vector)))) if vector.size else 0.0
