"""Tests of LandscapeMLPClassifier against scikit-learn's MLPClassifier and the objective."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import log_loss
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

from sklandscape import LandscapeMLPClassifier
from sklandscape._explore._minimize import verify_stationary_point

CHEAP = {"n_hops": 4, "n_chains": 1, "connect": False, "random_state": 0}


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.fixture(scope="module")
def connected(iris):
    """A small network on iris with transition states."""
    X, y = iris
    model = LandscapeMLPClassifier((3,), n_hops=3, n_chains=1, random_state=0, n_jobs=1)
    return model.fit(X, y)


def _sklearn_twin(model, X, y, sample_weight=None):
    """scikit-learn's MLPClassifier carrying the same weights, as an independent forward pass."""
    total = X.shape[0] if sample_weight is None else np.sum(sample_weight)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        twin = MLPClassifier(
            model.hidden_layer_sizes,
            activation=model.activation,
            solver="lbfgs",
            alpha=model.alpha * total,  # scikit-learn divides alpha by sum(sample_weight)
            max_iter=1,
        ).fit(X, y, sample_weight=sample_weight)
    twin.coefs_ = [c.copy() for c in model.coefs_]
    twin.intercepts_ = [b.copy() for b in model.intercepts_]
    return twin


def _sklearn_loss(twin, X, y, sample_weight=None):
    total = X.shape[0] if sample_weight is None else np.sum(sample_weight)
    penalty = 0.5 * twin.alpha * sum(np.sum(c**2) for c in twin.coefs_) / total
    return log_loss(y, twin.predict_proba(X), sample_weight=sample_weight) + penalty


def test_multiclass_fit_matches_scikit_learn_at_the_same_weights(iris):
    X, y = iris
    model = LandscapeMLPClassifier((4,), **CHEAP).fit(X, y)
    assert [c.shape for c in model.coefs_] == [(4, 4), (4, 3)]
    assert [b.shape for b in model.intercepts_] == [(4,), (3,)]
    assert (model.n_layers_, model.n_outputs_, model.out_activation_) == (3, 3, "softmax")
    np.testing.assert_array_equal(model.classes_, [0, 1, 2])
    twin = _sklearn_twin(model, X, y)
    proba = model.predict_proba(X)
    np.testing.assert_allclose(proba, twin.predict_proba(X), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-14)
    np.testing.assert_allclose(model.predict_log_proba(X), np.log(proba), atol=1e-12)
    np.testing.assert_array_equal(model.predict(X), twin.predict(X))
    assert model.loss_ == pytest.approx(_sklearn_loss(twin, X, y), rel=1e-10)
    assert model.loss_ == model.landscape_.minima.energy[model.landscape_.global_minimum]
    assert model.score(X, y) > 0.95


def test_binary_string_labels(iris):
    X, y = iris
    labels = np.where(y == 2, "virginica", "other")
    model = LandscapeMLPClassifier((3,), **CHEAP).fit(X, labels)
    np.testing.assert_array_equal(model.classes_, ["other", "virginica"])
    assert (model.n_outputs_, model.out_activation_) == (1, "logistic")
    twin = _sklearn_twin(model, X, labels)
    np.testing.assert_allclose(
        model.predict_proba(X), twin.predict_proba(X), rtol=1e-12, atol=1e-15
    )
    np.testing.assert_array_equal(model.predict(X), twin.predict(X))
    assert set(model.predict(X)) <= {"other", "virginica"}
    assert model.loss_ == pytest.approx(_sklearn_loss(twin, X, labels), rel=1e-10)


def test_sample_weight_is_a_weighted_mean(iris):
    X, y = iris
    weights = np.random.default_rng(0).integers(1, 4, size=y.size).astype(float)
    model = LandscapeMLPClassifier((3,), **CHEAP).fit(X, y, sample_weight=weights)
    twin = _sklearn_twin(model, X, y, weights)
    assert model.loss_ == pytest.approx(_sklearn_loss(twin, X, y, weights), rel=1e-10)
    # Integer weights: the same energy as the repeated rows, at the same network.
    repeated = np.repeat(np.arange(y.size), weights.astype(int))
    twin_repeated = _sklearn_twin(model, X[repeated], y[repeated])
    assert model.loss_ == pytest.approx(
        _sklearn_loss(twin_repeated, X[repeated], y[repeated]), rel=1e-10
    )


def test_saturated_outputs_keep_probabilities_finite(iris):
    X, y = iris
    model = LandscapeMLPClassifier((3,), **CHEAP).fit(X, y)
    far = 1e6 * X[:5]
    proba = model.predict_proba(far)
    assert np.all(np.isfinite(model.predict_log_proba(far)))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def test_stored_minima_and_transition_states_verify(iris, connected):
    """Every stored point re-verifies on the objective: softmax's one zero mode is expected."""
    X, y = iris
    landscape = connected.landscape_
    objective = connected._make_objective(
        X, connected._label_binarizer.transform(y).astype(float), None
    )
    assert objective.n_zero_modes == 1
    assert landscape.n_minima >= 2 and landscape.n_transition_states >= 1
    for x in landscape.minima.x:
        assert verify_stationary_point(objective, x, index=0) is not None
    for x, energy, pair in zip(
        landscape.transition_states.x,
        landscape.transition_states.energy,
        landscape.transition_states.minima,
        strict=True,
    ):
        assert verify_stationary_point(objective, x, index=1) is not None
        assert energy >= landscape.minima.energy[pair].max()


def test_minima_are_not_symmetry_copies_of_each_other(iris, connected):
    X, y = iris
    landscape = connected.landscape_
    objective = connected._make_objective(
        X, connected._label_binarizer.transform(y).astype(float), None
    )
    positions = landscape.minima.x
    for i in range(len(positions)):
        np.testing.assert_allclose(objective.canonical(positions[i]), positions[i], atol=1e-12)
        for j in range(i):
            assert objective.distance(positions[i], positions[j]) > objective.position_tolerance()


def test_at_minimum_gives_the_network_of_that_minimum(iris, connected):
    X, y = iris
    last = connected.landscape_.n_minima - 1
    other = connected.at_minimum(last)
    assert other.minimum_index_ == last
    assert other.loss_ == connected.landscape_.minima.energy[last]
    assert other.loss_ == pytest.approx(_sklearn_loss(_sklearn_twin(other, X, y), X, y))
    assert connected.minimum_index_ == connected.landscape_.global_minimum
    assert connected.loss_ < other.loss_
    with pytest.raises(IndexError):
        connected.at_minimum(last + 1)


def test_heat_capacity_has_a_clear_peak(iris):
    """The iris landscape's heat capacity rises from kappa/2 to an interior maximum and falls."""
    X, y = iris
    model = LandscapeMLPClassifier(
        (4,), n_hops=20, n_chains=2, connect=False, random_state=0, n_jobs=1
    ).fit(X, y)
    landscape = model.landscape_
    assert landscape.n_minima >= 3
    temperatures = np.logspace(-6, 0, 61)
    excess = landscape.heat_capacity(temperatures) - landscape.n_params / 2
    peak = int(np.argmax(excess))
    assert 0 < peak < temperatures.size - 1
    assert excess[peak] > 0.5
    assert excess[peak] > 20 * max(excess[0], excess[-1])


def test_warm_start_extends_the_landscape(iris):
    X, y = iris
    model = LandscapeMLPClassifier((3,), warm_start=True, **CHEAP).fit(X, y)
    first = model.landscape_
    model.fit(X, y)
    assert model.landscape_.metadata["n_explore_runs"] == 2
    assert model.landscape_.n_minima >= first.n_minima
    np.testing.assert_allclose(
        np.sort(model.landscape_.minima.energy)[: first.n_minima].min(), first.minima.energy.min()
    )


def test_logistic_activation(iris):
    X, y = iris
    model = LandscapeMLPClassifier((3,), activation="logistic", **CHEAP).fit(X, y)
    twin = _sklearn_twin(model, X, y)
    np.testing.assert_allclose(
        model.predict_proba(X), twin.predict_proba(X), rtol=1e-12, atol=1e-15
    )
    assert model.loss_ == pytest.approx(_sklearn_loss(twin, X, y), rel=1e-10)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_inputs_are_refused_as_scikit_learn_does(iris, bad):
    X, y = iris
    X = X.copy()
    X[0, 0] = bad
    message = "Input X contains (NaN|infinity)"
    with pytest.raises(ValueError, match=message):
        MLPClassifier().fit(X, y)
    with pytest.raises(ValueError, match=message):
        LandscapeMLPClassifier(**CHEAP).fit(X, y)


def test_single_class_is_refused(iris):
    X, y = iris
    model = LandscapeMLPClassifier(**CHEAP)
    with pytest.raises(ValueError, match="at least 2 classes.*only one class: 'a'"):
        model.fit(X, np.full(y.size, "a"))
    assert not hasattr(model, "classes_") and not hasattr(model, "n_features_in_")


def test_hidden_layer_sizes_with_zeros_give_scikit_learns_error(iris):
    X, y = iris
    for sizes in [(3, 0), [0]]:
        with pytest.raises(ValueError, match="hidden_layer_sizes must be > 0") as ours:
            LandscapeMLPClassifier(sizes, **CHEAP).fit(X, y)
        with pytest.raises(ValueError) as theirs:
            MLPClassifier(sizes).fit(X, y)
        assert str(ours.value) == str(theirs.value)
    with pytest.raises(InvalidParameterError, match="hidden_layer_sizes"):
        LandscapeMLPClassifier(0, **CHEAP).fit(X, y)


@pytest.mark.parametrize("activation", ["relu", "identity"])
def test_non_smooth_or_degenerate_activations_are_refused(iris, activation):
    X, y = iris
    with pytest.raises(ValueError, match=f"activation='{activation}' is not supported"):
        LandscapeMLPClassifier(activation=activation, **CHEAP).fit(X, y)


def test_alpha_must_be_positive_and_multilabel_is_refused(iris):
    X, y = iris
    with pytest.raises(InvalidParameterError, match="alpha"):
        LandscapeMLPClassifier(alpha=0.0, **CHEAP).fit(X, y)
    with pytest.raises(ValueError, match="y should be a 1d array"):
        LandscapeMLPClassifier(**CHEAP).fit(X, np.eye(3)[y])


def test_unscaled_inputs_that_saturate_every_unit_warn_and_stay_usable():
    """Inputs near 100: tanh units are constant on the data, biases flat; scaling fixes it.

    No minimum verifies, so fit warns (as scikit-learn's optimisers do) and the model is
    fitted at the end point of one local minimisation: its loss is the loss of those
    parameters, computed independently by the objective, and a second fit repeats it.
    """
    rng = np.random.RandomState(0)
    X = rng.normal(loc=100, size=(100, 2))
    y = rng.randint(0, 2, size=100)
    model = LandscapeMLPClassifier((3,), **CHEAP)
    with pytest.warns(ConvergenceWarning, match="Standardise X"):
        model.fit(X, y)
    assert model.landscape_.n_minima == 0 and model.minimum_index_ is None
    assert model.landscape_.metadata["n_not_minimum"] > 0
    # independent: scikit-learn's log-loss of the fitted model plus the L2 penalty
    penalty = 0.5 * model.alpha * sum(float(np.sum(w**2)) for w in model.coefs_)
    assert model.loss_ == pytest.approx(log_loss(y, model.predict_proba(X)) + penalty, rel=1e-6)
    assert model.predict_proba(X).shape == (100, 2)
    with pytest.warns(ConvergenceWarning):
        again = LandscapeMLPClassifier((3,), **CHEAP).fit(X, y)
    np.testing.assert_array_equal(again.predict_proba(X), model.predict_proba(X))
    model.fit(StandardScaler().fit_transform(X), y)
    assert model.landscape_.n_minima >= 1 and model.minimum_index_ == 0


def test_classes_without_weight_are_refused(iris):
    X, y = iris
    weights = np.where(y == 0, 0.0, 1.0)
    with pytest.raises(ValueError, match=r"classes \[0\] have zero total sample_weight"):
        LandscapeMLPClassifier(**CHEAP).fit(X, y, sample_weight=weights)
    with pytest.raises(ValueError, match="at least 2 classes with positive sample_weight"):
        LandscapeMLPClassifier(**CHEAP).fit(X, y, sample_weight=(y == 1).astype(float))


def test_penalized_intercepts_count_every_mode():
    """With penalised intercepts the softmax shift is not a zero mode: n_modes = n_params."""
    X, y = load_iris(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    kwargs = dict(hidden_layer_sizes=(2,), alpha=1e-2, n_hops=2, n_chains=1, random_state=0)
    plain = LandscapeMLPClassifier(connect=False, **kwargs).fit(X, y)
    penalised = LandscapeMLPClassifier(connect=False, penalize_intercepts=True, **kwargs).fit(X, y)
    n = penalised.landscape_.n_params
    np.testing.assert_array_equal(penalised.landscape_.minima.n_modes, n)
    np.testing.assert_array_equal(plain.landscape_.minima.n_modes, n - 1)
    assert penalised.landscape_.minima.energy[0] > plain.landscape_.minima.energy[0]
