"""Pinned GP hyperparameters on scikit-learn's noisy-sine example (two optima)."""

import numpy as np
import pytest
from shared import noisy_sine, noisy_sine_kernel
from sklearn.gaussian_process import GaussianProcessRegressor

from sklandscape import LandscapeGPRegressor
from sklandscape.inspection import loss_function, parameter_names, pinned_hyperparameters


@pytest.fixture(scope="module")
def sine_fit():
    X, y = noisy_sine()
    model = LandscapeGPRegressor(
        noisy_sine_kernel(), alpha=0.0, n_hops=10, n_chains=2, connect=False, random_state=0
    ).fit(X, y)
    return X, y, model


def test_laplace_widths_match_finite_differences_of_scikit_learn(sine_fit):
    X, y, model = sine_fit
    result = pinned_hyperparameters(model, minima=0)
    assert result.names == ["k1__k1__constant_value", "k1__k2__length_scale", "k2__noise_level"]
    assert not result.at_bound.any()
    # independent Hessian: central differences of scikit-learn's LML gradient
    gpr = GaussianProcessRegressor(model.kernel_, alpha=0.0, optimizer=None).fit(X, y)
    theta, h = result.theta, 1e-5
    hessian = np.empty((3, 3))
    for k in range(3):
        step = np.zeros(3)
        step[k] = h
        plus = gpr.log_marginal_likelihood(theta + step, eval_gradient=True)[1]
        minus = gpr.log_marginal_likelihood(theta - step, eval_gradient=True)[1]
        hessian[:, k] = -(plus - minus) / (2 * h)
    expected = np.sqrt(np.diag(np.linalg.inv(0.5 * (hessian + hessian.T))))
    np.testing.assert_allclose(result.log_std, expected, rtol=1e-3)
    np.testing.assert_array_equal(result.pinned, expected <= 0.5)


def test_length_scale_at_its_bound_in_the_second_optimum(sine_fit):
    X, y, model = sine_fit
    result = pinned_hyperparameters(model, minima=1)
    # the second optimum has its length scale at the upper bound 1e3
    # (doc/developers/reference_values.rst)
    assert result.at_bound.tolist() == [False, True, False]
    assert result.log_std[1] == np.inf and not result.pinned[1]
    assert np.all(np.isfinite(result.log_std[[0, 2]]))
    both = pinned_hyperparameters(model, minima=[0, 1])
    assert both.minimum == 0
    np.testing.assert_allclose(both.spread, model.landscape_.minima.x.std(axis=0))
    fun = loss_function(model, X, y)
    assert fun(model.landscape_.minima.x[1]) == pytest.approx(model.landscape_.minima.energy[1])


def test_parameter_names_of_hyperparameters(sine_fit):
    _, _, model = sine_fit
    assert parameter_names(model).tolist() == [
        "log k1__k1__constant_value",
        "log k1__k2__length_scale",
        "log k2__noise_level",
    ]
