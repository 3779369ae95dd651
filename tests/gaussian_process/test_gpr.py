"""LandscapeGPRegressor against scikit-learn's GaussianProcessRegressor and Monte Carlo."""

import warnings

import numpy as np
import pytest
from scipy.optimize import root
from shared import noisy_sine, noisy_sine_kernel
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import RBF, WhiteKernel
from sklearn.gaussian_process.kernels import ConstantKernel as C

from sklandscape import LandscapeGPRegressor
from sklandscape.gaussian_process._gpr_objective import GaussianProcessObjective

CHEAP = dict(n_hops=10, n_chains=2, connect=False, random_state=0)
X_QUERY = np.linspace(0, 5, 7).reshape(-1, 1)


@pytest.fixture(scope="module")
def sine_fit():
    X, y = noisy_sine()
    model = LandscapeGPRegressor(noisy_sine_kernel(), alpha=0.0, **CHEAP).fit(X, y)
    return X, y, model


@pytest.fixture(scope="module")
def sine_mixture():
    X, y = noisy_sine()
    model = LandscapeGPRegressor(
        noisy_sine_kernel(), alpha=0.0, prediction="mixture", **CHEAP
    ).fit(X, y)
    return X, y, model


def test_both_noisy_sine_optima_found(sine_fit):
    _, _, model = sine_fit
    minima = model.landscape_.minima
    # doc/developers/reference_values.rst: -LML 18.43 (short length scale, noise 0.13) and 23.50
    # (length scale at its upper bound, noise 0.52)
    np.testing.assert_allclose(minima.energy, [18.43, 23.50], atol=5e-3)
    low, high = model.at_minimum(0).kernel_, model.at_minimum(1).kernel_
    assert low.k2.noise_level == pytest.approx(0.134, abs=5e-3)
    assert low.k1.k2.length_scale < 1.0
    assert high.k1.k2.length_scale == pytest.approx(1e3)
    assert high.k2.noise_level == pytest.approx(0.525, abs=5e-3)
    assert model.log_marginal_likelihood_value_ == pytest.approx(-minima.energy[0])


def test_far_bound_optimum_stored_once():
    X, y = noisy_sine()
    model = LandscapeGPRegressor(noisy_sine_kernel(1e8), alpha=0.0, **CHEAP).fit(X, y)
    assert model.landscape_.n_minima == 2
    assert model.at_minimum(1).kernel_.k1.k2.length_scale == pytest.approx(1e8)


def test_global_minimum_matches_scikit_learn(sine_fit):
    X, y, model = sine_fit
    # sklearn's own optimiser from the example's good initial values
    reference = GaussianProcessRegressor(
        kernel=1.0 * RBF(1e-1, (1e-2, 1e3)) + WhiteKernel(1e-2, (1e-10, 1e1)), alpha=0.0
    ).fit(X, y)
    np.testing.assert_allclose(model.kernel_.theta, reference.kernel_.theta, atol=1e-4)
    # predictions equal sklearn's GP with the same kernel and no optimiser
    fixed = GaussianProcessRegressor(kernel=model.kernel_, alpha=0.0, optimizer=None).fit(X, y)
    for kwargs in ({}, {"return_std": True}, {"return_cov": True}):
        ours, theirs = model.predict(X_QUERY, **kwargs), fixed.predict(X_QUERY, **kwargs)
        if not kwargs:
            ours, theirs = (ours,), (theirs,)
        for a, b in zip(ours, theirs, strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(model.alpha_, fixed.alpha_, rtol=1e-10)
    np.testing.assert_allclose(model.L_, fixed.L_, rtol=1e-12)
    assert model.log_marginal_likelihood() == pytest.approx(fixed.log_marginal_likelihood())
    theta = np.log([1.0, 2.0, 0.3])
    lml, grad = model.log_marginal_likelihood(theta, eval_gradient=True)
    lml_ref, grad_ref = fixed.log_marginal_likelihood(theta, eval_gradient=True)
    assert lml == pytest.approx(lml_ref)
    np.testing.assert_allclose(grad, grad_ref)
    np.testing.assert_array_equal(
        model.sample_y(X_QUERY, 3, random_state=1), fixed.sample_y(X_QUERY, 3, random_state=1)
    )


def test_at_minimum_gives_each_optimum_kernel(sine_fit):
    X, y, model = sine_fit
    for i in range(model.landscape_.n_minima):
        other = model.at_minimum(i)
        np.testing.assert_allclose(other.kernel_.theta, model.landscape_.minima.x[i])
        assert other.log_marginal_likelihood_value_ == pytest.approx(
            -model.landscape_.minima.energy[i], rel=1e-10
        )
        fixed = GaussianProcessRegressor(kernel=other.kernel_, alpha=0.0, optimizer=None)
        np.testing.assert_allclose(
            other.predict(X_QUERY), fixed.fit(X, y).predict(X_QUERY), rtol=1e-10
        )
    assert model.minimum_index_ == 0  # the original is unchanged


def test_mixture_matches_monte_carlo_over_minima(sine_mixture):
    _, _, model = sine_mixture
    weights = model.minima_weights_
    assert weights.sum() == pytest.approx(1.0)
    assert 1e-3 < weights[1] < weights[0]  # both optima matter
    mean, std = model.predict(X_QUERY, return_std=True)
    # second method: draw a minimum by its weight, then a value from its GP
    rng = np.random.default_rng(0)
    n_draws = 40_000
    picks = rng.choice(model.landscape_.n_minima, size=n_draws, p=weights)
    draws = np.empty((n_draws, X_QUERY.shape[0]))
    for i in range(model.landscape_.n_minima):
        mean_i, std_i = model.at_minimum(i).predict(X_QUERY, return_std=True)
        rows = picks == i
        draws[rows] = mean_i + std_i * rng.standard_normal((rows.sum(), X_QUERY.shape[0]))
    standard_error = draws.std(axis=0) / np.sqrt(n_draws)
    np.testing.assert_array_less(np.abs(draws.mean(axis=0) - mean), 5 * standard_error)
    np.testing.assert_allclose(draws.std(axis=0), std, rtol=0.02)
    # and the mixture is not just the global minimum
    global_mean = model.at_minimum(0).predict(X_QUERY)
    assert np.max(np.abs(global_mean - mean) / standard_error) > 10


def test_mixture_covariance_and_samples_agree(sine_mixture):
    _, _, model = sine_mixture
    mean, std = model.predict(X_QUERY, return_std=True)
    mean_cov, cov = model.predict(X_QUERY, return_cov=True)
    np.testing.assert_allclose(mean_cov, mean)
    np.testing.assert_allclose(np.sqrt(np.diag(cov)), std, rtol=1e-6)
    np.testing.assert_allclose(cov, cov.T)
    assert np.linalg.eigvalsh(cov).min() > -1e-8
    samples = model.sample_y(X_QUERY, 20_000, random_state=0)
    assert samples.shape == (X_QUERY.shape[0], 20_000)
    np.testing.assert_allclose(np.cov(samples), cov, atol=0.02)
    # at_minimum leaves the mixture: the copy predicts with that optimum alone
    single = model.at_minimum(0)
    assert not np.allclose(single.predict(X_QUERY), mean)


def test_mixture_multi_target_shapes():
    X, y = noisy_sine()
    Y = np.column_stack([y, 2 * y])
    model = LandscapeGPRegressor(
        noisy_sine_kernel(), alpha=0.0, prediction="mixture", **CHEAP
    ).fit(X, Y)
    mean, std = model.predict(X_QUERY, return_std=True)
    _, cov = model.predict(X_QUERY, return_cov=True)
    assert mean.shape == std.shape == (7, 2)
    assert cov.shape == (7, 7, 2)
    np.testing.assert_allclose(np.sqrt(np.einsum("iit->it", cov)), std, rtol=1e-6)
    assert model.sample_y(X_QUERY, 4).shape == (7, 2, 4)


def test_kernel_without_hyperparameters_warns_and_equals_scikit_learn():
    X, y = noisy_sine()
    kernel = C(1.0, "fixed") * RBF(0.5, "fixed")
    model = LandscapeGPRegressor(kernel, **CHEAP)
    with pytest.warns(UserWarning, match="landscape is trivial"):
        model.fit(X, y)
    reference = GaussianProcessRegressor(kernel=kernel, optimizer=None).fit(X, y)
    np.testing.assert_allclose(model.predict(X_QUERY), reference.predict(X_QUERY), rtol=1e-12)
    assert model.landscape_.n_minima == 1 and model.landscape_.n_params == 0
    assert model.log_marginal_likelihood_value_ == pytest.approx(
        reference.log_marginal_likelihood_value_
    )
    assert model.at_minimum(0).kernel_ == reference.kernel_


def test_default_kernel_is_scikit_learns_fit_default():
    # GaussianProcessRegressor.fit uses ConstantKernel() * RBF() with free bounds
    X, y = noisy_sine()
    model = LandscapeGPRegressor(**CHEAP).fit(X, y)
    assert model.kernel_.n_dims == 2
    reference = GaussianProcessRegressor(
        n_restarts_optimizer=5, random_state=0, normalize_y=False
    ).fit(X, y)
    assert model.log_marginal_likelihood_value_ >= reference.log_marginal_likelihood_value_ - 1e-6


@pytest.mark.parametrize(
    "X, y, message",
    [
        (np.array([[0.0], [np.nan], [1.0]]), np.zeros(3), "NaN"),
        (np.array([[0.0], [np.inf], [1.0]]), np.zeros(3), "infinity"),
        (np.array([[0.0], [0.5], [1.0]]), np.array([0.0, np.inf, 1.0]), "infinity"),
        (np.array([[0.0], [0.5], [1.0]]), np.array([0.0, np.nan, 1.0]), "NaN"),
        (np.array([[0.0], [0.5], [1.0]]), np.array(["a", "b", "c"]), "convert string"),
    ],
)
def test_bad_input_raises_scikit_learns_errors(X, y, message):
    with pytest.raises(ValueError, match=message):
        LandscapeGPRegressor(**CHEAP).fit(X, y)


def test_bad_alpha_and_predict_options(sine_fit):
    X, y = noisy_sine()
    with pytest.raises(ValueError, match="alpha must be a scalar or an array"):
        LandscapeGPRegressor(alpha=np.ones(3), **CHEAP).fit(X, y)
    with pytest.raises(NotFittedError):
        LandscapeGPRegressor().predict(X)
    _, _, model = sine_fit
    with pytest.raises(RuntimeError, match="At most one"):
        model.predict(X_QUERY, return_std=True, return_cov=True)
    with pytest.raises(ValueError, match="features"):
        model.predict(np.zeros((2, 3)))


def test_single_sample_is_refused_when_there_is_something_to_explore():
    # one observation does not depend on a stationary kernel's length scale
    with pytest.raises(ValueError, match="n_samples = 1"):
        LandscapeGPRegressor(**CHEAP).fit([[0.5]], [1.0])


def test_failed_refit_keeps_the_previous_fit(sine_fit):
    X, y = noisy_sine()
    model = LandscapeGPRegressor(noisy_sine_kernel(), alpha=0.0, **CHEAP).fit(X, y)
    theta = model.kernel_.theta.copy()
    with pytest.raises(ValueError, match="NaN"):
        model.fit(np.full((4, 2), np.nan), np.zeros(4))
    np.testing.assert_array_equal(model.kernel_.theta, theta)
    assert model.n_features_in_ == 1
    assert model.predict(X_QUERY).shape == (7,)


def test_transition_state_between_the_noisy_sine_optima():
    X, y = noisy_sine()
    model = LandscapeGPRegressor(
        noisy_sine_kernel(), alpha=0.0, n_hops=10, n_chains=2, random_state=0
    ).fit(X, y)
    states = model.landscape_.transition_states
    assert model.landscape_.n_minima == 2 and len(states) >= 1
    lowest = int(np.argmin(states.energy))
    assert sorted(states.minima[lowest]) == [0, 1]
    assert 23.50 < states.energy[lowest] < 30.0
    objective = GaussianProcessObjective(noisy_sine_kernel(), X, y, alpha=0.0)
    # second method: a root finder on the gradient from a perturbed start
    found = root(objective.gradient, states.x[lowest] + 0.05, method="hybr", tol=1e-12)
    np.testing.assert_allclose(found.x, states.x[lowest], atol=1e-5)
    # index one by second differences of the energy alone
    h = 1e-3
    hess = np.empty((3, 3))
    for i, j in np.ndindex(3, 3):
        e_i, e_j = h * np.eye(3)[i], h * np.eye(3)[j]
        x = found.x
        hess[i, j] = (
            objective.value(x + e_i + e_j)
            - objective.value(x + e_i - e_j)
            - objective.value(x - e_i + e_j)
            + objective.value(x - e_i - e_j)
        ) / (4 * h * h)
    eigenvalues, vectors = np.linalg.eigh(hess)
    assert eigenvalues[0] < 0 < eigenvalues[1]
    # scikit-learn's own optimiser, started either side of the saddle, reaches both optima
    ends = set()
    for sign in (1, -1):
        start = np.exp(found.x + sign * 0.1 * vectors[:, 0])
        kernel = 1.0 * RBF(start[1], (1e-2, 1e3)) + WhiteKernel(start[2], (1e-10, 1e1))
        kernel.k1.k1.constant_value = start[0]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)  # length scale at its bound
            gpr = GaussianProcessRegressor(kernel=kernel, alpha=0.0).fit(X, y)
        ends.add(round(-gpr.log_marginal_likelihood_value_, 2))
    assert ends == {18.43, 23.50}


def test_normalize_y_energies_are_scikit_learns_lml():
    X, y = noisy_sine()
    y = 10.0 * y + 3.0
    model = LandscapeGPRegressor(noisy_sine_kernel(), alpha=0.0, normalize_y=True, **CHEAP).fit(
        X, y
    )
    for i in range(model.landscape_.n_minima):
        other = model.at_minimum(i)
        reference = GaussianProcessRegressor(
            kernel=other.kernel_, alpha=0.0, normalize_y=True, optimizer=None
        ).fit(X, y)
        assert -model.landscape_.minima.energy[i] == pytest.approx(
            reference.log_marginal_likelihood_value_, rel=1e-10
        )
        np.testing.assert_allclose(other.predict(X_QUERY), reference.predict(X_QUERY))
    # standardising the targets makes the landscape that of the unscaled sine
    unscaled = LandscapeGPRegressor(noisy_sine_kernel(), alpha=0.0, normalize_y=True, **CHEAP).fit(
        X, (y - 3.0) / 10.0
    )
    np.testing.assert_allclose(
        unscaled.landscape_.minima.energy, model.landscape_.minima.energy, rtol=1e-8
    )


def test_warm_start_extends_the_landscape():
    X, y = noisy_sine()
    model = LandscapeGPRegressor(
        noisy_sine_kernel(), alpha=0.0, warm_start=True, n_hops=2, n_chains=1, connect=False
    )
    first = model.fit(X, y).landscape_
    second = model.fit(X, y).landscape_
    assert second.metadata["n_explore_runs"] == 2
    assert second.metadata["n_hops_total"] == 2 * first.metadata["n_hops_total"]
    for energy in first.minima.energy:
        assert np.min(np.abs(second.minima.energy - energy)) < 1e-6
