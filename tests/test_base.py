"""LandscapeMixin: the public methods other modules compose estimators through."""

import numpy as np
import pytest
from shared import noisy_sine, noisy_sine_kernel
from sklearn.datasets import load_iris
from sklearn.metrics import log_loss
from sklearn.preprocessing import StandardScaler

from sklandscape import LandscapeGPRegressor, LandscapeKMeans, LandscapeMLPClassifier

CHEAP = {"n_hops": 3, "n_chains": 1, "connect": False, "random_state": 0}


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def test_loss_objective_on_the_training_data_gives_the_minima_energies(iris):
    X, y = iris
    X_sine, y_sine = noisy_sine()
    gp = LandscapeGPRegressor(noisy_sine_kernel(), alpha=0.0, normalize_y=True, **CHEAP)
    fitted = [
        (LandscapeKMeans(3, **CHEAP).fit(X), X, None),
        (LandscapeMLPClassifier((2,), **CHEAP).fit(X, y), X, y),
        (gp.fit(X_sine, y_sine), X_sine, y_sine),
    ]
    for estimator, data, targets in fitted:
        objective = estimator.loss_objective(data, targets)
        landscape = estimator.landscape_
        energies = [objective.value(x) for x in landscape.minima.x]
        np.testing.assert_allclose(energies, landscape.minima.energy, rtol=1e-9, atol=1e-12)


def test_at_parameters_is_a_fitted_copy_at_any_parameters(iris):
    X, y = iris
    mlp = LandscapeMLPClassifier((2,), **CHEAP).fit(X, y)
    x = np.array(mlp.landscape_.minima.x[0]) * 0.5
    other = mlp.at_parameters(x)
    assert other.minimum_index_ is None and mlp.minimum_index_ == 0
    # independent: the objective's energy at x is scikit-learn's log-loss plus the penalty
    penalty = 0.5 * mlp.alpha * sum(float(np.sum(w**2)) for w in other.coefs_)
    energy = mlp.loss_objective(X, y).value(x)
    assert energy == pytest.approx(log_loss(y, other.predict_proba(X)) + penalty, rel=1e-9)
    with pytest.raises(ValueError, match="shape"):
        mlp.at_parameters(x[:-1])
