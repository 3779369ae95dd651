"""Landscape scorers: model selection by landscape metrics in GridSearchCV."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_iris
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklandscape import Landscape, LandscapeKMeans
from sklandscape.metrics import make_landscape_scorer


@pytest.fixture(scope="module")
def iris():
    return load_iris().data


@pytest.fixture(scope="module")
def connected():
    """A small connected K-means landscape: six 1-D points, K = 2 (three minima)."""
    X = np.array([[0.0], [1.0], [5.0], [6.0], [10.0], [11.0]])
    return LandscapeKMeans(2, n_hops=20, n_chains=2, random_state=0).fit(X)


def test_grid_search_rescores_every_fold_by_its_own_landscape(iris):
    pipeline = make_pipeline(
        StandardScaler(),
        LandscapeKMeans(n_hops=15, n_chains=1, connect=False, random_state=0),
    )
    grid = {"landscapekmeans__n_clusters": [2, 3, 4]}
    scorer = make_landscape_scorer("n_minima", greater_is_better=False)
    cv = KFold(3, shuffle=True, random_state=0)
    search = GridSearchCV(pipeline, grid, scoring=scorer, cv=cv).fit(iris)

    for candidate, params in enumerate(search.cv_results_["params"]):
        for fold, (train, _) in enumerate(cv.split(iris)):
            model = clone(pipeline).set_params(**params).fit(iris[train])
            expected = -model[-1].landscape_.n_minima
            assert search.cv_results_[f"split{fold}_test_score"][candidate] == expected
    best = int(np.argmax(search.cv_results_["mean_test_score"]))
    assert search.best_params_ == search.cv_results_["params"][best]
    assert scorer(search, iris) == -search.best_estimator_[-1].landscape_.n_minima


def test_named_metrics_match_the_landscape(connected):
    landscape = connected.landscape_
    energies = np.sort(landscape.minima.energy)
    cases = {
        ("n_minima", ()): landscape.n_minima,
        ("n_transition_states", ()): landscape.n_transition_states,
        ("n_msb", ()): len(landscape.monotonic_sequence_basins()),
        ("global_minimum_energy", ()): energies[0],
        ("energy_gap", ()): energies[1] - energies[0],
        ("frustration", (("T", 0.5),)): landscape.frustration(0.5),
        ("frustration", (("T", 0.5), ("normalized", True))): landscape.frustration(
            0.5, normalized=True
        ),
        ("entropy", (("T", 0.2),)): landscape.entropy(0.2),
    }
    for (name, options), expected in cases.items():
        scorer = make_landscape_scorer(name, **dict(options))
        assert scorer(connected, None) == pytest.approx(float(expected), rel=1e-12)
    assert landscape.n_transition_states >= 2  # the frustration above used real barriers


def test_heat_capacity_peak_against_a_dense_grid(connected):
    landscape = connected.landscape_
    grid = np.geomspace(1e-3, 1e2, 4001)
    dense = landscape.heat_capacity(grid)
    on_grid = make_landscape_scorer("heat_capacity_peak", T=grid)(connected, None)
    assert on_grid == pytest.approx(dense.max(), rel=1e-12)
    # the refined peak is at least the dense grid's best and close to it
    refined = make_landscape_scorer("heat_capacity_peak")(connected, None)
    assert dense.max() <= refined + 1e-12
    assert refined == pytest.approx(dense.max(), rel=1e-3)


def test_single_minimum_landscape():
    landscape = Landscape.from_arrays([1.0], [], np.empty((0, 2)), n_params=4)

    class Fitted:
        landscape_ = landscape

    assert make_landscape_scorer("energy_gap")(Fitted(), None) == np.inf
    # a flat heat capacity: C_V = kappa / 2
    assert make_landscape_scorer("heat_capacity_peak")(Fitted(), None) == pytest.approx(2.0)


def test_callable_metric_and_sign(connected):
    scorer = make_landscape_scorer(lambda ls: ls.n_minima + 0.5, greater_is_better=False)
    assert scorer(connected, None) == -(connected.landscape_.n_minima + 0.5)
    assert "greater_is_better=False" in repr(scorer)


def test_bad_arguments(connected):
    with pytest.raises(ValueError, match="unknown landscape metric"):
        make_landscape_scorer("n_minimums")
    with pytest.raises(TypeError, match="needs the keyword"):
        make_landscape_scorer("frustration")
    with pytest.raises(TypeError, match="takes no keyword"):
        make_landscape_scorer("n_minima", T=1.0)
    with pytest.raises(ValueError, match="single positive temperature"):
        make_landscape_scorer("frustration", T=[0.1, 0.2])
    with pytest.raises(ValueError, match="positive temperature"):
        make_landscape_scorer("entropy", T=-1.0)
    with pytest.raises(TypeError, match="metric name or a callable"):
        make_landscape_scorer(3)
    with pytest.raises(TypeError, match="has no landscape_"):
        X = np.arange(10.0).reshape(5, 2)
        make_landscape_scorer("n_minima")(LinearRegression().fit(X, X[:, 0]), X)
