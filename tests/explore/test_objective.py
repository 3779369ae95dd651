"""The Objective contract: finite-difference Hessian, geometry helpers, FunctionObjective."""

import pickle

import numpy as np
import pytest
from scipy.optimize import rosen, rosen_der, rosen_hess

from sklandscape._explore._objective import FunctionObjective, Objective
from sklandscape.surfaces import MullerBrown


class GradientOnly(Objective):
    """Müller-Brown through value_and_grad only, so the base-class Hessian is used."""

    def __init__(self, bounds=None):
        super().__init__(2, bounds=bounds)
        self._surface = MullerBrown()

    def value_and_grad(self, x):
        return self._surface.value_and_grad(x)


def test_finite_difference_hessian_matches_analytic():
    objective, exact = GradientOnly(), MullerBrown()
    rng = np.random.default_rng(0)
    for x in rng.uniform([-1.5, -0.5], [1.2, 2.0], size=(10, 2)):
        expected = exact.hessian(x)
        np.testing.assert_allclose(
            objective.hessian(x), expected, atol=1e-6 * np.abs(expected).max()
        )


def test_hessian_vector_product_by_differences_matches_the_analytic_hessian():
    """Central differences of the gradient against MullerBrown's analytic Hessian."""
    objective, exact = GradientOnly(), MullerBrown()
    rng = np.random.default_rng(1)
    x = np.array([-0.5, 1.2])
    vectors = rng.standard_normal((3, 2))
    expected = vectors @ exact.hessian(x)
    products = objective.hessian_vector_product(x, vectors)
    np.testing.assert_allclose(products, expected, atol=1e-6 * np.abs(expected).max())
    np.testing.assert_allclose(objective.hessian_vector_product(x, vectors[0]), products[0])
    np.testing.assert_array_equal(objective.hessian_vector_product(x, np.zeros(2)), 0.0)
    with pytest.raises(ValueError, match="2 columns"):
        objective.hessian_vector_product(x, np.ones(3))


def test_one_sided_differences_at_the_bounds():
    """On a bound the difference goes into the box; exact for a quadratic."""
    matrix = np.array([[3.0, 1.0], [1.0, 2.0]])
    objective = FunctionObjective(
        lambda x: 0.5 * float(x @ matrix @ x),
        2,
        jac=lambda x: matrix @ x,
        bounds=[(0.0, 1.0), (-1.0, 0.5)],
    )
    for x in ([0.0, 0.5], [1.0, -1.0], [0.0, -1.0]):
        np.testing.assert_allclose(Objective.hessian(objective, np.array(x)), matrix, atol=1e-7)


def test_function_objective_gradient_variants_agree():
    x = np.array([0.3, -0.7, 1.1])
    with_jac = FunctionObjective(rosen, 3, jac=rosen_der, hess=rosen_hess)
    combined = FunctionObjective(lambda z: (rosen(z), rosen_der(z)), 3, jac=True)
    numerical = FunctionObjective(rosen, 3)
    expected = rosen_der(x)
    np.testing.assert_allclose(with_jac.gradient(x), expected)
    np.testing.assert_allclose(combined.gradient(x), expected)
    np.testing.assert_allclose(numerical.gradient(x), expected, rtol=1e-6, atol=1e-6)
    assert combined.value(x) == pytest.approx(rosen(x))
    np.testing.assert_allclose(with_jac.hessian(x), rosen_hess(x))
    np.testing.assert_allclose(combined.hessian(x), rosen_hess(x), rtol=1e-6, atol=1e-6)


def test_function_objective_refuses_malformed_callables():
    with pytest.raises(TypeError, match="fun must be callable"):
        FunctionObjective(3.0, 1)
    with pytest.raises(TypeError, match="jac"):
        FunctionObjective(rosen, 2, jac="2-point")
    with pytest.raises(TypeError, match="hess"):
        FunctionObjective(rosen, 2, hess=np.eye(2))
    wrong_gradient = FunctionObjective(rosen, 2, jac=lambda x: np.zeros(3))
    with pytest.raises(ValueError, match="gradient must have shape"):
        wrong_gradient.value_and_grad(np.zeros(2))
    wrong_hessian = FunctionObjective(rosen, 2, jac=rosen_der, hess=lambda x: np.eye(3))
    with pytest.raises(ValueError, match="Hessian must have shape"):
        wrong_hessian.hessian(np.zeros(2))
    vector_valued = FunctionObjective(lambda x: x, 2)
    with pytest.raises(ValueError, match="scalar"):
        vector_valued.value(np.zeros(2))


@pytest.mark.parametrize(
    "bounds, error, match",
    [
        ([(0, 1)], ValueError, "shape"),
        ([(1, 0), (0, 1)], ValueError, "low < high"),
        ([(0, 0), (0, 1)], ValueError, "low < high"),
        ([("a", 1), (0, 1)], TypeError, "bounds"),
        (5, TypeError, "bounds"),
    ],
)
def test_bounds_validation(bounds, error, match):
    with pytest.raises(error, match=match):
        Objective(2, bounds=bounds)


def test_none_bounds_mean_unbounded_and_length_scale():
    objective = Objective(3, bounds=[(None, 1.0), (0.0, None), (-2.0, 2.0)])
    np.testing.assert_array_equal(objective.bounds[:, 0], [-np.inf, 0.0, -2.0])
    np.testing.assert_array_equal(objective.bounds[:, 1], [1.0, np.inf, 2.0])
    assert objective.length_scale == 4.0  # mean of the finite widths only
    assert Objective(2).length_scale == 1.0
    with pytest.raises(ValueError, match="n_params"):
        Objective(0)


def test_finite_bounds_are_the_bounds_or_infinite():
    objective = Objective(2, bounds=[(None, 1.0), (0.0, 3.0)])
    low, high = objective.finite_bounds()
    np.testing.assert_array_equal(low, [-np.inf, 0.0])
    np.testing.assert_array_equal(high, [1.0, 3.0])
    low, high = Objective(3).finite_bounds()
    np.testing.assert_array_equal(low, np.full(3, -np.inf))
    np.testing.assert_array_equal(high, np.full(3, np.inf))


def test_random_point_and_perturb_stay_in_the_box():
    objective = Objective(2, bounds=[(0.0, 1.0), (-1.0, 1.0)])
    rng = np.random.default_rng(0)
    points = np.array([objective.random_point(rng) for _ in range(500)])
    assert np.all(points >= objective.bounds[:, 0]) and np.all(points <= objective.bounds[:, 1])
    np.testing.assert_allclose(points.mean(axis=0), [0.5, 0.0], atol=0.06)
    moved = np.array([objective.perturb(np.array([0.95, -0.95]), rng, 0.5) for _ in range(500)])
    assert np.all(moved >= objective.bounds[:, 0]) and np.all(moved <= objective.bounds[:, 1])
    # reflection: 1.2 leaves [0, 1] by 0.2 and comes back to 0.8
    np.testing.assert_allclose(objective.project_into_bounds(np.array([1.2, -1.3])), [0.8, -0.7])
    with pytest.raises(ValueError, match="finite bounds"):
        Objective(2).random_point(rng)


def test_check_point():
    objective = Objective(2, bounds=[(0.0, 1.0), (0.0, 1.0)])
    np.testing.assert_array_equal(objective.check_point([0.5, 1.0]), [0.5, 1.0])
    for bad, match in (([0.5], "length 2"), ([np.nan, 0.5], "finite"), ([1.5, 0.5], "outside")):
        with pytest.raises(ValueError, match=match):
            objective.check_point(bad)


def test_segment_maximum_of_a_sine_bump():
    objective = FunctionObjective(lambda x: float(np.sin(np.pi * x[0] / 2) + x[1]), 2)
    t = objective.segment_maximum(np.array([0.0, 0.0]), np.array([2.0, 0.5]))
    # E(t) = sin(pi t) + 0.5 t is maximal where pi cos(pi t) + 0.5 = 0
    expected = np.arccos(-0.5 / np.pi) / np.pi
    assert t == pytest.approx(expected, abs=1e-5)


def test_default_tolerances_and_geometry():
    objective = Objective(4, bounds=[(0.0, 2.0)] * 4)
    assert objective.position_tolerance() == pytest.approx(1e-3 * 2.0 * 2.0)
    assert objective.energy_tolerance(0.5) == pytest.approx(1e-7)
    assert objective.energy_tolerance(-300.0) == pytest.approx(3e-5)
    assert objective.distance(np.zeros(4), np.full(4, 0.5)) == pytest.approx(1.0)
    assert objective.default_step_size() == pytest.approx(0.2)
    assert objective.default_temperature() == 1.0


def test_function_objective_pickles():
    objective = FunctionObjective(rosen, 2, jac=rosen_der, bounds=[(-2, 2), (-2, 2)])
    clone = pickle.loads(pickle.dumps(objective))
    x = np.array([0.1, 0.2])
    assert clone.value_and_grad(x)[0] == objective.value_and_grad(x)[0]
    np.testing.assert_array_equal(clone.bounds, objective.bounds)
