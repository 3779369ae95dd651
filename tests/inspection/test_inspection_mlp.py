"""MLP feature importance of a funnel, and the loss function of fitted estimators."""

import numpy as np
import pytest
from sklearn.inspection import permutation_importance

from sklandscape import LandscapeMLPClassifier
from sklandscape.inspection import (
    funnel_feature_importance,
    loss_function,
    parameter_names,
    trajectory_basins,
)
from sklandscape.inspection._mlp import path_weights


@pytest.fixture(scope="module")
def noisy_features_fit():
    """Features 0 and 2 decide the class; features 1 and 3 are pure noise."""
    rng = np.random.default_rng(0)
    n = 150
    signal = rng.normal(size=(n, 2))
    y = (signal[:, 0] + 0.7 * signal[:, 1] ** 2 > 0.5).astype(int)
    X = np.column_stack([signal[:, 0], rng.normal(size=n), signal[:, 1], rng.normal(size=n)])
    clf = LandscapeMLPClassifier((3,), alpha=1e-2, n_hops=8, n_chains=2, random_state=0)
    return X, y, clf.fit(X, y)


def test_noise_features_rank_lowest(noisy_features_fit):
    X, y, clf = noisy_features_fit
    every = funnel_feature_importance(clf, minima=range(clf.landscape_.n_minima))
    assert set(every.order[-2:].tolist()) == {1, 3}
    assert np.all(
        every.importances[:, [1, 3]].max(axis=1) < every.importances[:, [0, 2]].min(axis=1)
    )
    np.testing.assert_allclose(every.importances.sum(axis=1), 1.0)
    # scikit-learn's permutation importance of the same model agrees on the noise features
    permuted = permutation_importance(clf, X, y, n_repeats=5, random_state=0)
    assert set(np.argsort(permuted.importances_mean)[:2].tolist()) == {1, 3}


def test_default_is_the_fitted_minimums_funnel(noisy_features_fit):
    _, _, clf = noisy_features_fit
    labels = clf.landscape_.funnels()
    default = funnel_feature_importance(clf)
    np.testing.assert_array_equal(default.minima, np.flatnonzero(labels == labels[0]))
    with pytest.raises(ValueError, match="not both"):
        funnel_feature_importance(clf, funnel=0, minima=[0])


def test_path_weights_by_hand_and_symmetry_invariance():
    w1 = np.array([[1.0, -2.0], [0.0, 0.5], [3.0, 0.0]])
    w2 = np.array([[1.0, -1.0], [2.0, 0.0]])
    # feature 0: |1|*(1+1) + |-2|*(2+0) = 6; feature 1: 0 + 0.5*2 = 1; feature 2: 3*2 = 6
    np.testing.assert_allclose(path_weights([w1, w2]), np.array([6.0, 1.0, 6.0]) / 13)
    # swapping and sign-flipping hidden units (tanh symmetry) leaves the weights unchanged
    flipped = [w1[:, ::-1] * [1, -1], w2[::-1] * [[1], [-1]]]
    np.testing.assert_allclose(path_weights(flipped), path_weights([w1, w2]))
    with pytest.raises(ValueError, match="zero"):
        path_weights([np.zeros((2, 2)), w2])


def test_loss_function_reproduces_minima_energies(noisy_features_fit):
    X, y, clf = noisy_features_fit
    fun = loss_function(clf, X, y)
    energies = [fun(x) for x in clf.landscape_.minima.x]
    np.testing.assert_allclose(energies, clf.landscape_.minima.energy, atol=1e-12)


def test_trajectory_basins_of_points_near_minima(noisy_features_fit):
    X, y, clf = noisy_features_fit
    minima_x = clf.landscape_.minima.x
    rng = np.random.default_rng(1)
    points = minima_x + 1e-3 * rng.normal(size=minima_x.shape)
    basins = trajectory_basins(clf, X, y, points)
    np.testing.assert_array_equal(basins, np.arange(clf.landscape_.n_minima))
    with pytest.raises(ValueError, match="shape"):
        trajectory_basins(clf, X, y, np.zeros((2, 3)))


def test_parameter_names_follow_the_objective_layout(noisy_features_fit):
    X, y, clf = noisy_features_fit
    names = parameter_names(clf)
    objective = loss_function(clf, X, y).objective
    units = [["x0", "x1", "x2", "x3"], ["h1[0]", "h1[1]", "h1[2]"], ["class 1"]]
    assert names.size == objective.n_params == 19
    for k in range(objective.n_params):
        unit = np.zeros(objective.n_params)
        unit[k] = 1.0
        coefs, intercepts = objective.unpack(unit)
        hits = [(layer, *np.argwhere(c)[0]) for layer, c in enumerate(coefs) if c.any()]
        if hits:
            layer, i, j = hits[0]
            assert names[k] == f"{units[layer][i]} -> {units[layer + 1][j]}"
        else:
            layer = next(layer for layer, b in enumerate(intercepts) if b.any())
            assert names[k] == f"bias {units[layer + 1][int(np.argmax(intercepts[layer]))]}"


def test_bad_funnel_and_estimator(noisy_features_fit):
    _, _, clf = noisy_features_fit
    with pytest.raises(ValueError, match="MSB index"):
        funnel_feature_importance(clf, funnel=0.5)
    with pytest.raises(TypeError, match="LandscapeMLPClassifier"):
        funnel_feature_importance(object())
