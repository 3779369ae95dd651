"""LandscapeMixin: the exploration budget shared by every estimator, and the public methods
other modules compose estimators through."""

import logging

import numpy as np
import pytest
from shared import noisy_sine, noisy_sine_kernel
from sklearn.base import clone
from sklearn.datasets import load_iris, make_blobs
from sklearn.metrics import log_loss
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

from sklandscape import (
    LandscapeGPRegressor,
    LandscapeKMeans,
    LandscapeKSelector,
    LandscapeMLPClassifier,
    base,
)
from sklandscape.base import LandscapeMixin

BUDGET_DEFAULTS = {
    "max_minima": "auto",
    "energy_window": None,
    "max_searches": "auto",
    "max_time": None,
}


@pytest.fixture(scope="module")
def blobs():
    X, _ = make_blobs(n_samples=120, centers=4, cluster_std=1.5, random_state=0)
    return X


@pytest.mark.parametrize(
    "estimator",
    [LandscapeKMeans(), LandscapeMLPClassifier(), LandscapeGPRegressor(), LandscapeKSelector()],
    ids=lambda e: type(e).__name__,
)
def test_budget_parameters_follow_scikit_learn_conventions(estimator):
    params = estimator.get_params()
    # the selector keeps a small focus per K (10 minima) so that every K's landscape connects
    expected = {
        **BUDGET_DEFAULTS,
        **({"max_minima": 10} if isinstance(estimator, LandscapeKSelector) else {}),
    }
    assert {key: params[key] for key in BUDGET_DEFAULTS} == expected
    other = clone(estimator).set_params(max_minima=7, max_searches=0, energy_window=2.5)
    assert (other.max_minima, other.max_searches, other.energy_window) == (7, 0, 2.5)
    for key in BUDGET_DEFAULTS:
        assert key in type(estimator)._parameter_constraints


@pytest.mark.parametrize(
    "params",
    [{"max_minima": 0}, {"max_searches": -1}, {"energy_window": -1.0}, {"max_time": 0}],
)
def test_invalid_budget_rejected(blobs, params):
    with pytest.raises(InvalidParameterError):
        LandscapeKMeans(n_clusters=3, **params).fit(blobs)


def test_max_minima_keeps_the_lowest_of_the_unbounded_landscape(blobs):
    common = dict(n_clusters=6, n_hops=15, n_chains=2, connect=False, random_state=0)
    unbounded = LandscapeKMeans(max_minima=None, **common).fit(blobs).landscape_
    assert unbounded.n_minima > 4
    focused = LandscapeKMeans(max_minima=4, **common).fit(blobs).landscape_
    # the same basin-hopping (same seeds): the focus is its four lowest minima
    np.testing.assert_array_equal(focused.minima.energy, unbounded.minima.energy[:4])
    np.testing.assert_array_equal(focused.minima.x, unbounded.minima.x[:4])
    assert focused.metadata["n_minima_discarded"] == unbounded.n_minima - 4


def test_fit_respects_the_search_budget_and_logs_every_round(blobs, caplog):
    estimator = LandscapeKMeans(
        n_clusters=5, n_hops=10, n_chains=2, max_minima=6, max_searches=9, random_state=0
    )
    with caplog.at_level(logging.INFO, logger="sklandscape"):
        estimator.set_params(verbose=1).fit(blobs)
    meta = estimator.landscape_.metadata
    assert meta["n_searches"] <= 9 and meta["n_connection_attempts"] == meta["n_searches"]
    # six focused minima, and at most six intermediate ones joined to the global minimum
    assert meta["n_minima_focus"] == 6
    assert estimator.landscape_.n_minima == 6 + meta["n_minima_intermediate"] <= 12
    rounds = [r for r in caplog.records if r.getMessage().startswith("connect round")]
    assert len(rounds) == meta["n_connect_rounds"] >= 1


def test_auto_budget_scales_with_the_problem():
    """The documented examples: wine K = 3 (39 parameters, 178 samples) and digits K = 10.

    ``m = clip(round(16 ((c + 5e4) / 5e4)^-0.45), 8, 16)``: by hand, wine
    ``16 * (56,942 / 50,000)^-0.45 = 15.1`` and digits ``16 * 24^-0.45 < 8``.
    """

    class Sized:
        def __init__(self, n_params):
            self.n_params = n_params

    mixin = LandscapeMixin()
    assert mixin._default_budget(Sized(39), 178) == (15, 120)
    assert mixin._default_budget(Sized(640), 1797) == (8, 64)
    assert mixin._default_budget(Sized(2), 10) == (16, 128)  # all overhead: the cap
    assert mixin._default_budget(Sized(321), 569) == (8, 64)  # breast cancer MLP: 8.0
    # monotone: a larger problem never gets a larger budget
    sizes = [(n, m) for n in (2, 10, 50, 200, 1000) for m in (20, 200, 2000)]
    budgets = {n * m: mixin._default_budget(Sized(n), m)[0] for n, m in sizes}
    costs = sorted(budgets)
    assert all(budgets[a] >= budgets[b] for a, b in zip(costs, costs[1:], strict=False))


def test_auto_focus_is_at_most_half_the_quenches():
    """``m <= floor(Q / 2)``, ``Q = n_chains (n_hops + 1)``, within the clip to [8, 60]."""

    class Sized:
        def __init__(self, n_params):
            self.n_params = n_params

    mixin = LandscapeMixin()
    tiny = Sized(2)
    assert mixin._default_budget(tiny, 10, n_quenches=24) == (12, 96)  # n_hops=5, 4 chains
    assert mixin._default_budget(tiny, 10, n_quenches=204) == (16, 128)  # K-means defaults
    assert mixin._default_budget(tiny, 10, n_quenches=6) == (8, 64)  # never below 8
    # a large problem's size bound is the smaller one: unchanged
    assert mixin._default_budget(Sized(640), 1797, n_quenches=24) == (8, 64)


def test_auto_searches_follow_an_integer_focus():
    """``max_searches="auto"``: eight searches per kept minimum, also for ``max_minima=k``."""

    class Sized:
        def __init__(self, n_params):
            self.n_params = n_params

    for max_minima, expected in ((10, 80), ("auto", 96), (None, 96)):
        estimator = LandscapeKMeans(max_minima=max_minima)
        budget = estimator._budget(Sized(2), 10, n_quenches=24)
        assert budget["max_searches"] == expected
        assert budget["max_minima"] == (12 if max_minima == "auto" else max_minima)


def test_short_exploration_keeps_a_small_focus():
    """A fit at ``n_hops=5`` (24 quenches) keeps at most 12 minima and makes <= 96 searches."""
    X, _ = make_blobs(n_samples=50, random_state=1)
    estimator = LandscapeKMeans(n_hops=5, random_state=0).fit(X)
    meta = estimator.landscape_.metadata
    assert (meta["max_minima"], meta["max_searches"]) == (12, 96)
    assert meta["n_minima_focus"] <= 12 and meta["n_searches"] <= 96
    # the minima above the focus were found but are not connection targets
    assert meta["n_minima_found"] > meta["n_minima_focus"]


def test_auto_hops_follow_their_formula():
    """``clip(round(30 * 2e5 / c), 5, 30)``, ``c = n_params * n_samples``: the MLP's rule."""

    class Sized:
        def __init__(self, n_params):
            self.n_params = n_params

    mlp = LandscapeMLPClassifier()
    assert mlp.n_hops == "auto"
    assert mlp._default_n_hops(Sized(83), 150) == 30  # iris, (10,): c = 12,450
    assert mlp._default_n_hops(Sized(321), 569) == 30  # breast cancer: c = 182,649
    assert mlp._default_n_hops(Sized(500), 800) == 15  # c = 4e5: half the steps
    assert mlp._default_n_hops(Sized(500), 1000) == 12  # c = 5e5
    assert mlp._default_n_hops(Sized(1210), 1797) == 5  # digits, (16,): the floor
    with pytest.raises(InvalidParameterError):
        LandscapeMLPClassifier(n_hops="many").fit(*load_iris(return_X_y=True))
    with pytest.raises(InvalidParameterError):  # estimators without "auto" hops refuse it
        LandscapeKMeans(n_hops="auto").fit(np.ones((5, 2)))


def test_auto_hops_give_one_landscape_for_any_n_jobs(iris, monkeypatch):
    """``"auto"`` is resolved before dispatch: the same landscape for 1 and 2 workers."""
    monkeypatch.setattr(base, "_AUTO_HOPS_FULL_COST", 2_000.0)  # iris (3,): c = 27 * 150
    X, y = iris
    common = dict(n_chains=2, connect=False, random_state=3)
    fits = [LandscapeMLPClassifier((3,), n_jobs=n_jobs, **common).fit(X, y) for n_jobs in (1, 2)]
    expected_hops = round(30 * 2_000 / (27 * 150))  # 15
    for fit in fits:
        assert fit.landscape_.metadata["n_hops"] == expected_hops
        assert fit.n_iter_ == 2 * expected_hops
    np.testing.assert_array_equal(fits[0].landscape_.minima.x, fits[1].landscape_.minima.x)
    np.testing.assert_array_equal(
        fits[0].landscape_.minima.energy, fits[1].landscape_.minima.energy
    )
    explicit = LandscapeMLPClassifier((3,), n_hops=expected_hops, **common).fit(X, y)
    np.testing.assert_array_equal(explicit.landscape_.minima.x, fits[0].landscape_.minima.x)


def test_selector_passes_the_budget_to_every_k(blobs):
    selector = LandscapeKSelector(
        range(2, 4), n_hops=8, n_chains=2, max_minima=3, max_searches=4, random_state=0
    ).fit(blobs)
    for landscape in selector.landscapes_.values():
        assert landscape.metadata["n_minima_focus"] <= 3
        assert landscape.n_minima <= 6
        assert landscape.metadata["n_searches"] <= 4
        assert landscape.metadata["max_minima"] == 3


PROTOCOL_CHEAP = {"n_hops": 3, "n_chains": 1, "connect": False, "random_state": 0}


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def test_loss_objective_on_the_training_data_gives_the_minima_energies(iris):
    X, y = iris
    X_sine, y_sine = noisy_sine()
    gp = LandscapeGPRegressor(noisy_sine_kernel(), alpha=0.0, normalize_y=True, **PROTOCOL_CHEAP)
    fitted = [
        (LandscapeKMeans(3, **PROTOCOL_CHEAP).fit(X), X, None),
        (LandscapeMLPClassifier((2,), **PROTOCOL_CHEAP).fit(X, y), X, y),
        (gp.fit(X_sine, y_sine), X_sine, y_sine),
    ]
    for estimator, data, targets in fitted:
        objective = estimator.loss_objective(data, targets)
        landscape = estimator.landscape_
        energies = [objective.value(x) for x in landscape.minima.x]
        np.testing.assert_allclose(energies, landscape.minima.energy, rtol=1e-9, atol=1e-12)


def test_at_parameters_is_a_fitted_copy_at_any_parameters(iris):
    X, y = iris
    mlp = LandscapeMLPClassifier((2,), **PROTOCOL_CHEAP).fit(X, y)
    x = np.array(mlp.landscape_.minima.x[0]) * 0.5
    other = mlp.at_parameters(x)
    assert other.minimum_index_ is None and mlp.minimum_index_ == 0
    # independent: the objective's energy at x is scikit-learn's log-loss plus the penalty
    penalty = 0.5 * mlp.alpha * sum(float(np.sum(w**2)) for w in other.coefs_)
    energy = mlp.loss_objective(X, y).value(x)
    assert energy == pytest.approx(log_loss(y, other.predict_proba(X)) + penalty, rel=1e-9)
    with pytest.raises(ValueError, match="shape"):
        mlp.at_parameters(x[:-1])
