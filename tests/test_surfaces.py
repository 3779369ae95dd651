"""Analytic test surfaces: derivatives by finite differences, stationary points independently."""

import numpy as np
import pytest
from scipy.optimize import brentq, minimize

from sklandscape.surfaces import (
    BoundedDoubleWell,
    DoubleWell1D,
    Himmelblau,
    MullerBrown,
    Rastrigin,
    Schwefel,
    SeparableEggCrate,
    SixHumpCamel,
    TwoGaussians,
)

SURFACES = [
    MullerBrown(),
    TwoGaussians(),
    DoubleWell1D(),
    DoubleWell1D(tilt=0.4),
    SeparableEggCrate(),
    SeparableEggCrate(n_wells=4),
    SixHumpCamel(),
    Himmelblau(),
    BoundedDoubleWell(),
    Rastrigin(),
    Schwefel(),
]


def random_points(surface, n, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(surface.bounds[:, 0], surface.bounds[:, 1], size=(n, surface.n_params))


@pytest.mark.parametrize("surface", SURFACES, ids=lambda s: type(s).__name__)
def test_gradient_matches_central_differences_of_the_energy(surface):
    h = 1e-6
    for x in random_points(surface, 20):
        steps = h * np.eye(surface.n_params)
        numerical = [(surface.value(x + e) - surface.value(x - e)) / (2 * h) for e in steps]
        scale = max(1.0, np.max(np.abs(numerical)))
        np.testing.assert_allclose(surface.gradient(x), numerical, atol=1e-6 * scale)


@pytest.mark.parametrize("surface", SURFACES, ids=lambda s: type(s).__name__)
def test_hessian_matches_central_differences_of_the_gradient(surface):
    h = 1e-6
    for x in random_points(surface, 20, seed=1):
        steps = h * np.eye(surface.n_params)
        numerical = np.array(
            [(surface.gradient(x + e) - surface.gradient(x - e)) / (2 * h) for e in steps]
        ).T
        scale = max(1.0, np.max(np.abs(numerical)))
        np.testing.assert_allclose(surface.hessian(x), numerical, atol=1e-5 * scale)
        np.testing.assert_array_equal(surface.hessian(x), surface.hessian(x).T)


@pytest.mark.parametrize("surface", SURFACES, ids=lambda s: type(s).__name__)
def test_vectorised_energies_match_pointwise_values(surface):
    points = random_points(surface, 12, seed=2).reshape(3, 4, surface.n_params)
    expected = np.array([[surface.value(p) for p in row] for row in points])
    np.testing.assert_allclose(surface.energies(points), expected, rtol=1e-14, atol=1e-14)
    with pytest.raises(ValueError, match="last dimension"):
        surface.energies(np.zeros((3, surface.n_params + 1)))


@pytest.mark.parametrize(
    "surface",
    [
        MullerBrown(),
        TwoGaussians(),
        SeparableEggCrate(),
        SixHumpCamel(),
        Himmelblau(),
        Rastrigin(),
    ],
    ids=lambda s: type(s).__name__,
)
def test_energy_rises_towards_every_side_of_the_default_box(surface):
    """No stationary point (KKT point) can sit on the boundary of the box."""
    t = np.linspace(0, 1, 501)
    (x_low, x_high), (y_low, y_high) = surface.bounds
    ys, xs = y_low + t * (y_high - y_low), x_low + t * (x_high - x_low)
    sides = [
        (np.c_[np.full_like(t, x_low), ys], 0, -1),
        (np.c_[np.full_like(t, x_high), ys], 0, 1),
        (np.c_[xs, np.full_like(t, y_low)], 1, -1),
        (np.c_[xs, np.full_like(t, y_high)], 1, 1),
    ]
    for points, axis, outward in sides:
        slopes = np.array([surface.gradient(p)[axis] for p in points]) * outward
        assert slopes.min() > 100 * surface.gtol  # far above the stationarity test


def test_muller_brown_minima_reference_energies():
    surface = MullerBrown()
    starts = [(-0.5, 1.5), (0.6, 0.0), (-0.05, 0.47)]
    energies = [
        minimize(surface.value_and_grad, s, jac=True, method="BFGS", options={"gtol": 1e-10}).fun
        for s in starts
    ]
    np.testing.assert_allclose(energies, [-146.70, -108.17, -80.77], atol=5e-3)


def test_two_gaussians_saddle_at_origin():
    surface = TwoGaussians()
    energy, gradient = surface.value_and_grad(np.zeros(2))
    assert energy == pytest.approx(-2 / np.e)
    np.testing.assert_allclose(gradient, 0)
    np.testing.assert_allclose(surface.hessian(np.zeros(2)), np.diag([-4 / np.e, 4 / np.e]))


@pytest.mark.parametrize("tilt", [0.0, 0.4])
def test_double_well_stationary_points_are_cubic_roots(tilt):
    surface = DoubleWell1D(barrier=1.5, tilt=tilt)
    roots = np.sort(np.roots([6.0, 0.0, -6.0, tilt]).real)
    for root in roots:
        assert abs(surface.gradient([root])[0]) < 1e-12
    curvatures = [surface.hessian([r])[0, 0] for r in roots]
    assert curvatures[0] > 0 and curvatures[1] < 0 and curvatures[2] > 0
    if tilt == 0:
        assert surface.value([0.0]) == 1.5


def one_dimensional_stationary_points(surface):
    """Roots of g' by a dense sign scan plus brentq, split by the sign of g''."""
    low, high = surface.bounds[0]
    grid = np.linspace(low, high, 20001)
    slope = surface.one_dimensional(grid, 1)
    brackets = np.flatnonzero(np.sign(slope[:-1]) != np.sign(slope[1:]))
    roots = np.array(
        [
            brentq(surface.one_dimensional, grid[i], grid[i + 1], args=(1,), xtol=1e-14)
            for i in brackets
        ]
    )
    curvature = surface.one_dimensional(roots, 2)
    return roots[curvature > 0], roots[curvature < 0]


@pytest.mark.parametrize("n_wells", [7, 4])
def test_egg_crate_grid_of_stationary_points(n_wells):
    surface = SeparableEggCrate(n_wells=n_wells)
    minima, maxima = one_dimensional_stationary_points(surface)
    assert minima.size == n_wells and maxima.size == n_wells - 1
    # minima and maxima alternate, one minimum per unit cell
    assert np.all(np.diff(np.sort(np.r_[minima, maxima])) > 0.3)
    for a in minima:
        for b in maxima:
            saddle = np.array([a, b])
            assert np.max(np.abs(surface.gradient(saddle))) < 1e-10
            assert np.sum(np.linalg.eigvalsh(surface.hessian(saddle)) < 0) == 1


def test_constructor_validation():
    with pytest.raises(ValueError, match="n_wells"):
        SeparableEggCrate(n_wells=0)
    with pytest.raises(ValueError, match="barrier"):
        DoubleWell1D(barrier=0.0)
    with pytest.raises(ValueError, match="order"):
        SeparableEggCrate().one_dimensional(0.0, order=3)


KNOWN = [MullerBrown(), SixHumpCamel(), Himmelblau(), BoundedDoubleWell(), Rastrigin(), Schwefel()]


def _stationary_points_by_newton_grid(surface, n_grid):
    """Every interior stationary point reached by Newton (scipy root) from a grid of starts."""
    from scipy.optimize import root

    low, high = surface.bounds[:, 0], surface.bounds[:, 1]
    axes = [np.linspace(lo, hi, n_grid) for lo, hi in zip(low, high, strict=True)]
    found = []
    for start in np.array(np.meshgrid(*axes)).reshape(2, -1).T:
        with np.errstate(over="ignore", invalid="ignore"):  # Newton may wander far off
            result = root(surface.gradient, start, jac=surface.hessian, tol=1e-14)
        x = result.x
        inside = np.all(x > low + 1e-9) and np.all(x < high - 1e-9)
        if result.success and inside and np.max(np.abs(surface.gradient(x))) < 1e-8:
            if all(np.linalg.norm(x - y) > 1e-6 for y in found):
                found.append(x)
    return np.array(found)


@pytest.mark.parametrize("surface", KNOWN, ids=lambda s: type(s).__name__)
def test_known_points_are_stationary_with_the_right_index(surface):
    low, high = surface.bounds[:, 0], surface.bounds[:, 1]
    for point in surface.known_minima():
        free = (point > low) & (point < high)
        gradient = surface.gradient(point)
        assert np.max(np.abs(gradient[free]), initial=0.0) < 1e-9
        # on a bound the energy must rise into the box (a KKT minimum)
        assert np.all(gradient[point <= low] > 0) and np.all(gradient[point >= high] < 0)
        curvature = surface.hessian(point)[np.ix_(free, free)]
        assert np.all(np.linalg.eigvalsh(curvature) > 0)
    for point in surface.known_transition_states():
        assert np.all((point > low) & (point < high))
        assert np.max(np.abs(surface.gradient(point))) < 1e-9
        eigenvalues = np.linalg.eigvalsh(surface.hessian(point))
        assert eigenvalues[0] < 0 < eigenvalues[1]
    energies = surface.energies(surface.known_minima())
    assert np.all(np.diff(energies) >= 0)


@pytest.mark.parametrize(
    "surface, n_minima, n_ts",
    [
        (MullerBrown(), 3, 2),
        (SixHumpCamel(), 6, 7),
        (Himmelblau(), 4, 4),
        (BoundedDoubleWell(), 1, 1),
    ],
    ids=lambda s: type(s).__name__ if not isinstance(s, int) else str(s),
)
def test_known_points_are_all_the_interior_stationary_points(surface, n_minima, n_ts):
    """An independent Newton search from a 40 x 40 grid finds the same minima and saddles."""
    found = _stationary_points_by_newton_grid(surface, 40)
    index = np.array([np.sum(np.linalg.eigvalsh(surface.hessian(x)) < 0) for x in found])
    low, high = surface.bounds[:, 0], surface.bounds[:, 1]
    interior = [p for p in surface.known_minima() if np.all((p > low) & (p < high))]
    for expected, points in (
        (interior, found[index == 0]),
        (surface.known_transition_states(), found[index == 1]),
    ):
        assert len(points) == len(expected)
        for point in expected:
            assert np.min(np.linalg.norm(points - point, axis=1)) < 1e-8
    assert len(interior) == n_minima and len(surface.known_transition_states()) == n_ts


@pytest.mark.parametrize(
    "surface, n_minima, n_ts",
    [(Rastrigin(), 121, 220), (Schwefel(), 64, 98)],
    ids=["Rastrigin", "Schwefel"],
)
def test_separable_surfaces_have_the_documented_stationary_points(surface, n_minima, n_ts):
    """1-D roots of g' checked by Newton from 4,000 starts; counts as documented."""
    from scipy.optimize import newton

    minima, maxima = surface.one_dimensional_stationary_points()
    low, high = surface.bounds[0]
    starts = np.linspace(low, high, 4000)
    roots = []
    for start in starts:
        try:
            t = newton(
                lambda u: surface._g(u, 1), start, fprime=lambda u: surface._g(u, 2), tol=1e-13
            )
        except RuntimeError:
            continue
        if low < t < high and abs(t) > 1e-6 and all(abs(t - r) > 1e-6 for r in roots):
            roots.append(t)
    interior = np.concatenate([minima[(minima > low) & (minima < high)], maxima])
    interior = interior[np.abs(interior) > 1e-6]  # Newton cannot land on a root at 0 exactly
    assert len(roots) == len(interior)
    np.testing.assert_allclose(np.sort(roots), np.sort(interior), atol=1e-7)
    assert len(surface.known_minima()) == n_minima
    assert len(surface.known_transition_states()) == n_ts
    np.testing.assert_allclose(surface.energies(surface.known_minima()[0]), 0.0, atol=1e-4)


def test_muller_brown_centre_names_are_deprecated_aliases():
    surface = MullerBrown()
    # Muller & Brown (1979), Table I: x0 = (1, 0, -0.5, -1), y0 = (0, 0.5, 1.5, 1)
    np.testing.assert_array_equal(surface.x_center, [1.0, 0.0, -0.5, -1.0])
    np.testing.assert_array_equal(surface.y_center, [0.0, 0.5, 1.5, 1.0])
    with pytest.warns(FutureWarning, match="x_center"):
        np.testing.assert_array_equal(surface.x_centre, surface.x_center)
    with pytest.warns(FutureWarning, match="y_center"):
        np.testing.assert_array_equal(surface.y_centre, surface.y_center)
