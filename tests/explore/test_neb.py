"""Tests of the doubly-nudged elastic band (sklandscape._explore._neb)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sklandscape._explore import Objective
from sklandscape._explore._neb import (
    band_maxima,
    band_tangents,
    band_top,
    default_spring_constant,
    dneb_components,
    interpolate_band,
    relax_band,
)
from sklandscape.surfaces import MullerBrown


class Constant(Objective):
    def value_and_grad(self, x):
        return 0.0, np.zeros_like(x)


# ---------------------------------------------------------------- tangents
def test_tangent_follows_the_higher_neighbour():
    images = np.array([[0.0, 0.0], [1.0, 0.0], [2.0, 1.0], [3.0, 1.0]])
    rising = band_tangents(images, np.array([0.0, 1.0, 2.0, 3.0]))
    # Monotonic rise: tangent = unit (x_{i+1} - x_i).
    np.testing.assert_allclose(rising[0], np.array([1.0, 1.0]) / np.sqrt(2))
    np.testing.assert_allclose(rising[1], [1.0, 0.0])
    falling = band_tangents(images, np.array([3.0, 2.0, 1.0, 0.0]))
    # Monotonic fall: tangent = unit (x_i - x_{i-1}).
    np.testing.assert_allclose(falling[0], [1.0, 0.0])
    np.testing.assert_allclose(falling[1], np.array([1.0, 1.0]) / np.sqrt(2))


def test_tangent_at_a_maximum_is_energy_weighted():
    images = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0]])
    energies = np.array([0.0, 3.0, 2.0])  # a maximum with E_{i+1} = 2 > E_{i-1} = 0
    # Henkelman & Jonsson (2000), eq. 10: tau = tau+ dE_max + tau- dE_min with
    # dE_max = 3 (to the previous image) and dE_min = 1 (to the next).
    expected = 3.0 * np.array([0.0, 1.0]) + 1.0 * np.array([1.0, 0.0])
    np.testing.assert_allclose(
        band_tangents(images, energies)[0], expected / np.linalg.norm(expected)
    )


def test_flat_band_has_finite_unit_tangents_and_gradient():
    images = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [2.0, 1.0]])
    energies = np.zeros(4)
    tangents = band_tangents(images, energies)
    assert np.all(np.isfinite(tangents))
    np.testing.assert_allclose(np.linalg.norm(tangents, axis=1), 1.0)
    # Bisector of the two unit segments.
    np.testing.assert_allclose(tangents[0], np.array([1.0, 1.0]) / np.sqrt(2))
    parts = dneb_components(images, energies, np.zeros((2, 2)), 1.0)
    assert np.all(np.isfinite(parts.gradient))


def test_coincident_images_fall_back_to_the_chord():
    images = np.array([[0.0, 0.0], [1.0, 1.0], [1.0, 1.0], [2.0, 2.0]])
    tangents = band_tangents(images, np.zeros(4))
    np.testing.assert_allclose(tangents, np.full((2, 2), 1 / np.sqrt(2)))


@pytest.mark.filterwarnings("error")
def test_relaxing_a_band_on_a_flat_surface_gives_no_nan():
    objective = Constant(3)
    images = interpolate_band(objective, np.zeros(3), np.ones(3), 5, np.random.default_rng(0))
    band = relax_band(objective, images)
    assert np.all(np.isfinite(band.images))
    assert np.all(np.isfinite(band.energies))
    assert band.converged


# ------------------------------------------------- DNEB force decomposition
# Coordinates, energies and gradients of ordinary size (or exactly zero: squares
# of values near 1e-160 underflow, in the test's own algebra as much as here).
_finite = st.floats(-10, 10, allow_nan=False, allow_infinity=False).map(
    lambda v: 0.0 if abs(v) < 1e-6 else v
)


@settings(max_examples=60, deadline=None)
@given(
    images=arrays(float, (6, 3), elements=_finite),
    energies=arrays(float, 6, elements=_finite),
    gradients=arrays(float, (4, 3), elements=_finite),
    k=st.floats(0.01, 100.0),
)
def test_dneb_components_are_parallel_and_perpendicular_as_defined(images, energies, gradients, k):
    parts = dneb_components(images, energies, gradients, k)
    tau = parts.tangents
    atol = 1e-9 * (1 + np.abs(gradients).max() + k * (1 + np.abs(images).max()))
    assert np.all(np.isfinite(parts.gradient))
    norms = np.linalg.norm(tau, axis=1)
    assert np.all(np.isclose(norms, 1.0) | (norms == 0))

    def along(a, b):
        return np.einsum("ij,ij->i", a, b)

    # True gradient: the part perpendicular to the tangent, and nothing lost
    # besides its component along the tangent.
    np.testing.assert_allclose(along(parts.true_perpendicular, tau), 0.0, atol=atol)
    np.testing.assert_allclose(
        parts.true_perpendicular + along(gradients, tau)[:, None] * tau, gradients, atol=atol
    )
    # Spring force along the tangent, of size k (|x_{i+1}-x_i| - |x_i-x_{i-1}|).
    lengths = np.linalg.norm(np.diff(images, axis=0), axis=1)
    np.testing.assert_allclose(
        parts.spring_parallel, (k * (lengths[1:] - lengths[:-1]))[:, None] * tau, atol=atol
    )
    # Doubly nudged part: orthogonal to the tangent and to the perpendicular
    # true gradient, and equal to the full spring force with those two
    # components removed.
    spring = k * (images[2:] - 2 * images[1:-1] + images[:-2])
    np.testing.assert_allclose(along(parts.spring_perpendicular, tau), 0.0, atol=atol)
    perp = parts.true_perpendicular
    perp_size = np.linalg.norm(perp, axis=1) / np.maximum(
        np.linalg.norm(gradients, axis=1), 1e-300
    )
    for i in range(len(tau)):
        if 1e-12 < perp_size[i] < 1e-6:
            continue  # the direction of g_perp is only known to rounding error
        # (A zero tangent only occurs for a band folded back onto coincident end points.)
        basis = [tau[i]] if norms[i] > 0 else []
        if perp_size[i] >= 1e-6:
            unit = perp[i] / np.linalg.norm(perp[i])
            assert abs(parts.spring_perpendicular[i] @ unit) <= atol
            basis.append(unit)
        q = np.linalg.qr(np.array(basis).T)[0] if basis else np.zeros((3, 0))
        expected = spring[i] - q @ (q.T @ spring[i])
        np.testing.assert_allclose(parts.spring_perpendicular[i], expected, atol=atol)
    np.testing.assert_allclose(
        parts.gradient,
        parts.true_perpendicular - parts.spring_parallel - parts.spring_perpendicular,
    )


# --------------------------------------------------------------------- band
def test_interpolated_band_is_linear_and_stays_in_bounds():
    objective = Constant(2, bounds=[(0, 1), (0, 1)])
    a, b = np.array([0.0, 0.0]), np.array([1.0, 0.0])
    images = interpolate_band(objective, a, b, 4, np.random.default_rng(0))
    assert images.shape == (6, 2)
    np.testing.assert_array_equal(images[[0, -1]], [a, b])
    np.testing.assert_allclose(images[:, 0], np.linspace(0, 1, 6), atol=1e-3)
    assert np.all((images >= 0) & (images <= 1))


def test_band_maxima_are_interior_local_maxima_highest_first():
    energies = np.array([0.0, 2.0, 1.0, 3.0, 3.0, 0.5, 4.0])
    np.testing.assert_array_equal(band_maxima(energies), [3, 1])


def test_relaxed_band_follows_the_muller_brown_path():
    objective = MullerBrown()
    # Minima of the Müller-Brown surface (Müller & Brown 1979), refined.
    a = objective.local_minimize(np.array([-0.558, 1.442])).x
    c = objective.local_minimize(np.array([-0.050, 0.467])).x
    images = interpolate_band(objective, a, c, 10, np.random.default_rng(1))
    straight_max = max(objective.value(x) for x in images)
    band = relax_band(objective, images, rtol=1e-3)
    # Any continuous path between the two minima crosses the ridge no lower
    # than the saddle (E = -40.66); the relaxed band's polygon comes within a
    # fraction of a unit of it, far below the straight line's maximum, and its
    # images stay evenly spaced.
    assert band.converged
    fractions = np.linspace(0, 1, 201)[:, None]
    polygon_max = max(
        objective.value(x0 + t * (x1 - x0))
        for x0, x1 in zip(band.images[:-1], band.images[1:], strict=True)
        for t in fractions
    )
    assert polygon_max < straight_max - 20
    assert -40.665 <= polygon_max < -40.66 + 1.0
    assert abs(band.energies.max() - (-40.66)) < 1.0
    lengths = np.linalg.norm(np.diff(band.images, axis=0), axis=1)
    assert lengths.max() < 1.5 * lengths.min()


def test_fire_and_lbfgs_relax_to_the_same_band():
    objective = MullerBrown()
    a = objective.local_minimize(np.array([-0.558, 1.442])).x
    c = objective.local_minimize(np.array([-0.050, 0.467])).x
    images = interpolate_band(objective, a, c, 8, np.random.default_rng(2))
    lbfgs = relax_band(objective, images, rtol=1e-6, max_iterations=3000)
    fire = relax_band(objective, images, rtol=1e-6, max_iterations=3000, method="fire")
    assert lbfgs.converged and fire.converged
    np.testing.assert_allclose(fire.images, lbfgs.images, atol=1e-4)
    with pytest.raises(ValueError, match="method"):
        relax_band(objective, images, method="sgd")


def test_band_top_is_the_polygon_maximum():
    objective = MullerBrown()
    a = objective.local_minimize(np.array([-0.558, 1.442])).x
    c = objective.local_minimize(np.array([-0.050, 0.467])).x
    band = relax_band(objective, interpolate_band(objective, a, c, 6))
    top = band_top(objective, band.images, band.energies)
    # Second method: dense sampling of every segment of the polygon.
    fractions = np.linspace(0, 1, 2001)[:, None]
    dense = max(
        objective.value(x0 + t * (x1 - x0))
        for x0, x1 in zip(band.images[:-1], band.images[1:], strict=True)
        for t in fractions
    )
    # Brent finds the maximum to ~1e-8 at worst; sampling may miss up to ~1e-3.
    assert dense - 1e-8 <= top.energy <= dense + 1e-3
    assert top.energy >= band.energies.max()


def test_default_spring_constant_is_the_curvature_along_the_band():
    # E = x^T A x / 2 with A = diag(3, 1): along e1 the gradient changes by
    # 3 per unit length, so k = 3; on a flat surface k falls back to 1.
    hessian = np.diag([3.0, 1.0])
    images = np.column_stack([np.linspace(-1, 1, 7), np.full(7, 0.5)])
    gradients = images @ hessian
    assert default_spring_constant(images, gradients) == pytest.approx(3.0)
    assert default_spring_constant(images, np.zeros_like(images)) == 1.0
