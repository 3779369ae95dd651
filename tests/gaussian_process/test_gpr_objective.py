"""The GP negative log marginal likelihood as an Objective.

Independent expectations: scikit-learn's ``GaussianProcessRegressor.log_marginal_likelihood``,
finite differences of the energy, and the bound-constrained optimum of the
noisy-sine example (length scale at its upper bound).
"""

import numpy as np
import pytest
from shared import noisy_sine, noisy_sine_kernel
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import RBF, ExpSineSquared, WhiteKernel
from sklearn.gaussian_process.kernels import ConstantKernel as C

from sklandscape._explore._minimize import (
    NonFiniteEnergyError,
    free_mask,
    local_minimize,
    minimize_and_verify,
    verify_stationary_point,
)
from sklandscape.gaussian_process._gpr_objective import GaussianProcessObjective


def sklearn_energy(kernel, X, y, theta, alpha=0.0):
    gpr = GaussianProcessRegressor(kernel=kernel, alpha=alpha, optimizer=None)
    gpr.fit(X, y)
    lml, grad = gpr.log_marginal_likelihood(theta, eval_gradient=True)
    return -lml, -grad


def energy_hessian_by_differences(objective, x, h=1e-3):
    """Second differences of the energy alone (no gradient involved)."""
    n = x.size
    hess = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            values = []
            for si, sj in ((1, 1), (1, -1), (-1, 1), (-1, -1)):
                point = x.copy()
                point[i] += si * h
                point[j] += sj * h
                values.append(objective.value(point))
            hess[i, j] = (values[0] - values[1] - values[2] + values[3]) / (4 * h * h)
    return hess


@pytest.fixture(scope="module")
def sine_objective():
    X, y = noisy_sine()
    return GaussianProcessObjective(noisy_sine_kernel(), X, y, alpha=0.0)


@pytest.mark.parametrize("seed", range(4))
def test_energy_and_gradient_equal_scikit_learn(sine_objective, seed):
    theta = sine_objective.random_point(np.random.default_rng(seed))
    energy, grad = sine_objective.value_and_grad(theta)
    expected_energy, expected_grad = sklearn_energy(
        sine_objective.kernel, sine_objective.X, sine_objective.Y[:, 0], theta
    )
    assert energy == pytest.approx(expected_energy, rel=1e-10)
    np.testing.assert_allclose(grad, expected_grad, rtol=1e-7, atol=1e-9)


def test_gradient_matches_finite_differences_multi_target():
    rng = np.random.RandomState(3)
    X = rng.uniform(-2, 2, size=(15, 2))
    Y = np.column_stack([np.sin(X[:, 0]), np.cos(X[:, 1]) * X[:, 0]]) + 0.1 * rng.randn(15, 2)
    kernel = C(1.0) * RBF([1.0, 1.0]) + WhiteKernel(0.1)
    objective = GaussianProcessObjective(kernel, X, Y, alpha=1e-10)
    theta = np.log([0.7, 1.3, 0.6, 0.05])
    energy, grad = objective.value_and_grad(theta)
    assert energy == pytest.approx(sklearn_energy(kernel, X, Y, theta, alpha=1e-10)[0])
    h = 1e-6
    numerical = np.array(
        [
            (objective.value(theta + h * e) - objective.value(theta - h * e)) / (2 * h)
            for e in np.eye(theta.size)
        ]
    )
    np.testing.assert_allclose(grad, numerical, rtol=1e-5, atol=1e-7)


def test_hessian_symmetric_and_matches_energy_differences(sine_objective):
    theta = np.array([0.1, -0.5, -2.0])
    hess = sine_objective.hessian(theta)
    np.testing.assert_array_equal(hess, hess.T)
    expected = energy_hessian_by_differences(sine_objective, theta)
    np.testing.assert_allclose(hess, expected, rtol=1e-4, atol=1e-4)


def test_hessian_at_a_bound_uses_the_inside_of_the_box(sine_objective):
    # the high-noise optimum: length scale held at its upper bound
    result = local_minimize(sine_objective, np.array([-0.5, 6.9, -0.6]))
    theta = result.x
    assert theta[1] == sine_objective.bounds[1, 1]
    free = free_mask(sine_objective, theta, result.grad)
    np.testing.assert_array_equal(free, [True, False, True])
    hess = sine_objective.hessian(theta)
    assert np.all(np.isfinite(hess))
    expected = energy_hessian_by_differences(sine_objective, theta)[np.ix_(free, free)]
    np.testing.assert_allclose(hess[np.ix_(free, free)], expected, rtol=1e-4, atol=1e-4)
    point = verify_stationary_point(sine_objective, theta, index=0)
    assert point is not None and point.eigenvalues.size == 2


def test_both_noisy_sine_optima_from_their_own_starts(sine_objective):
    # scikit-learn's example: -LML 18.43 (short length scale, noise 0.13) and
    # 23.50 (length scale at the upper bound 1e3, noise 0.52)
    low = minimize_and_verify(sine_objective, np.log([1.0, 0.1, 1e-2]))
    high = minimize_and_verify(sine_objective, np.log([1.0, 10.0, 1.0]))
    assert low.energy == pytest.approx(18.43, abs=5e-3)
    assert np.exp(low.x[2]) == pytest.approx(0.134, abs=5e-3)
    assert high.energy == pytest.approx(23.50, abs=5e-3)
    assert np.exp(high.x[1]) == pytest.approx(1e3)
    assert np.exp(high.x[2]) == pytest.approx(0.525, abs=5e-3)


def test_flat_length_scale_lands_exactly_on_its_bound():
    # with a far bound the gradient along log(length scale) falls below gtol
    # decades before the bound; every start must still end on the bound
    X, y = noisy_sine()
    objective = GaussianProcessObjective(noisy_sine_kernel(1e8), X, y, alpha=0.0)
    ends = []
    for start in ([-0.5, 3.0, -0.6], [0.0, 8.0, 0.0], [-1.0, 12.0, -1.0]):
        minimum = minimize_and_verify(objective, np.array(start))
        assert minimum is not None
        ends.append(minimum.x)
    ends = np.array(ends)
    np.testing.assert_array_equal(ends[:, 1], np.log(1e8))
    assert np.ptp(ends, axis=0).max() < objective.position_tolerance()
    # an interior optimum is not pushed anywhere: the minimisation stays local
    interior = minimize_and_verify(objective, np.log([1.0, 0.5, 0.1]))
    assert np.all(free_mask(objective, interior.x, np.ones(3)))
    assert interior.energy == pytest.approx(18.43, abs=5e-3)


def test_singular_kernel_matrix_gives_infinite_energy():
    X = np.linspace(0, 1, 10).reshape(-1, 1)
    objective = GaussianProcessObjective(RBF(1.0, (1e-2, 1e6)), X, np.sin(X[:, 0]), alpha=0.0)
    energy, grad = objective.value_and_grad(np.log([1e6]))  # K = all ones: rank one
    assert energy == np.inf and np.all(np.isnan(grad))
    with pytest.raises(NonFiniteEnergyError):
        local_minimize(objective, np.log([1e6]))
    assert minimize_and_verify(objective, np.log([1e6])) is None
    assert verify_stationary_point(objective, np.log([1e6]), index=0) is None


def test_defaults_scale_with_the_problem(sine_objective):
    low, high = sine_objective.sampling_window()
    # bounds within four decades of the initial theta = log([1, 1, 1e-2])
    np.testing.assert_allclose(low, [-np.log(1e4), np.log(1e-2), np.log(1e-6)])
    np.testing.assert_allclose(high, [np.log(1e4), np.log(1e3), np.log(1e1)])
    assert sine_objective.default_step_size() == pytest.approx(0.15 * np.mean(high - low))
    assert sine_objective.default_temperature() == pytest.approx(2.0)  # 0.1 * 20 observations
    points = np.array([sine_objective.random_point(np.random.default_rng(s)) for s in range(200)])
    assert np.all(points >= low) and np.all(points <= high)
    assert np.all(points.min(axis=0) < low + 0.1 * (high - low))


def test_kernel_without_hyperparameters_is_refused():
    X = np.zeros((3, 1))
    with pytest.raises(ValueError, match="no free hyperparameters"):
        GaussianProcessObjective(RBF(1.0, "fixed"), X, np.zeros(3))


def test_quench_cost_stays_bounded_in_a_rippled_valley():
    # ExpSineSquared with a length scale of 1e-3: the energy ripples on scales
    # far below any useful step. From this start the engine's step-limited
    # L-BFGS alone spent 11,281 evaluations (measured); the L-BFGS-B stage
    # and the capped polish keep the quench short.
    rng = np.random.RandomState(0)
    X = rng.uniform(0, 10, size=(40, 1))
    y = np.sin(2 * np.pi * X[:, 0] / 1.7) + 0.3 * rng.randn(40)
    kernel = C(1.0) * ExpSineSquared(1.0, 1.0, periodicity_bounds=(1e-1, 1e1)) + WhiteKernel(0.1)
    objective = GaussianProcessObjective(kernel, X, y, alpha=0.0)
    result = objective.local_minimize(np.array([-8.689, -6.921, 0.786, 0.409]))
    assert result.n_evaluations < 1000
    assert result.energy < objective.value(np.array([-8.689, -6.921, 0.786, 0.409]))


def test_quench_cost_stays_bounded_when_rounding_noise_defeats_the_line_search():
    # Iris has duplicate rows: with alpha = 1e-10 the kernel matrix is nearly
    # singular and the energy carries rounding noise of ~1e-7 near the optimum
    # (theta ~ (-0.19, -0.80)), above what the Armijo test can resolve. Without
    # the polish's evaluation cap this quench spent 12,809 evaluations
    # (measured), nearly every step exhausting its halvings.
    from sklearn.datasets import load_iris

    from sklandscape._explore._optimizer import LBFGS_MAX_HALVINGS
    from sklandscape.gaussian_process._gpr_objective import (
        LBFGSB_MAXITER,
        POLISH_MAX_EVALUATIONS,
    )

    X, y = load_iris(return_X_y=True)
    objective = GaussianProcessObjective(
        C() * RBF(), X - X.min() + 1, y.astype(float), alpha=1e-10
    )
    from sklandscape._explore._minimize import single_threaded_blas

    with single_threaded_blas():  # as in a fit
        result = objective.local_minimize(np.array([6.669, -3.324]))
    # L-BFGS-B, then at most three polishes (the first, one per pushed coordinate)
    polishes = objective.n_params + 1
    assert result.n_evaluations <= LBFGSB_MAXITER + polishes * (
        POLISH_MAX_EVALUATIONS + LBFGS_MAX_HALVINGS + 50
    )
    assert result.n_evaluations < 3000
    # A second method, Nelder-Mead (no gradients, no line search) from the end
    # point, finds nothing lower beyond the noise: the cap lost no descent.
    from scipy.optimize import minimize

    with single_threaded_blas():
        polished = minimize(
            objective.value, result.x, method="Nelder-Mead", options={"maxfev": 100}
        )
    assert polished.fun >= result.energy - 1e-5
