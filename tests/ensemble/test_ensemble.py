"""Tests of LandscapeEnsembleClassifier: voting against the members computed directly,
member selection against the landscape's own analyses, routing and bad input."""

import numpy as np
import pytest
import sklearn
from sklearn.datasets import load_iris, make_moons
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier

from sklandscape import Landscape, LandscapeEnsembleClassifier, LandscapeMLPClassifier
from sklandscape.ensemble._selection import select_minima


def _base(**params):
    settings = {"n_hops": 8, "n_chains": 2, "connect": False, "random_state": 0, "n_jobs": 1}
    return LandscapeMLPClassifier((3,), **{**settings, **params})


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.fixture(scope="module")
def moons():
    return make_moons(120, noise=0.25, random_state=0)


@pytest.fixture(scope="module")
def soft(iris):
    X, y = iris
    return LandscapeEnsembleClassifier(_base(), n_members=4, selection="lowest").fit(X, y)


# ------------------------------------------------------------------ voting
def test_estimator_is_the_global_minimum_model_and_members_its_minima(soft, iris):
    X, y = iris
    reference = _base().fit(X, y)
    assert soft.landscape_.n_minima == reference.landscape_.n_minima
    np.testing.assert_allclose(soft.estimator_.predict_proba(X), reference.predict_proba(X))
    assert soft.selected_minima_.tolist() == [0, 1, 2, 3]
    for member, index in zip(soft.members_, soft.selected_minima_, strict=True):
        np.testing.assert_allclose(
            member.predict_proba(X), reference.at_minimum(int(index)).predict_proba(X)
        )


def test_soft_voting_is_the_mean_of_member_probabilities(soft, iris):
    X, _ = iris
    expected = np.mean([m.predict_proba(X) for m in soft.members_], axis=0)
    proba = soft.predict_proba(X)
    np.testing.assert_allclose(proba, expected, rtol=1e-12)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(soft.predict(X), soft.classes_[np.argmax(expected, axis=1)])


def test_explicit_and_occupation_weights_give_weighted_means(soft, iris):
    X, y = iris
    weights = np.array([4.0, 1.0, 0.0, 3.0])
    weighted = LandscapeEnsembleClassifier(
        _base(), n_members=4, selection="lowest", weights=weights
    ).fit(X, y)
    member_proba = np.array([m.predict_proba(X) for m in soft.members_])
    np.testing.assert_allclose(
        weighted.predict_proba(X), np.tensordot(weights / 8.0, member_proba, axes=1)
    )
    occupation = LandscapeEnsembleClassifier(
        _base(), n_members=4, selection="lowest", weights="occupation"
    ).fit(X, y)
    peak_temperature = max(soft.landscape_.heat_capacity_peaks(), key=lambda p: p.height)
    p = soft.landscape_.occupation_probabilities(peak_temperature.temperature)[:4]
    np.testing.assert_allclose(occupation.member_weights_, p / p.sum())
    np.testing.assert_allclose(
        occupation.predict_proba(X), np.tensordot(p / p.sum(), member_proba, axes=1)
    )


def test_hard_voting_is_the_members_majority(iris):
    X, y = iris
    hard = LandscapeEnsembleClassifier(_base(), n_members=3, selection="lowest", voting="hard")
    hard.fit(X, y)
    votes = np.array([m.predict(X) for m in hard.members_])
    counts = np.stack([(votes == c).sum(axis=0) for c in hard.classes_], axis=1)
    np.testing.assert_array_equal(hard.predict(X), hard.classes_[np.argmax(counts, axis=1)])
    assert not hasattr(hard, "predict_proba")


def test_meta_voting_mixes_members_with_the_gate(iris):
    X, y = iris
    meta = LandscapeEnsembleClassifier(
        _base(), n_members=3, selection="lowest", voting="meta", meta_cv=3, random_state=0
    ).fit(X, y)
    member_proba = np.array([m.predict_proba(X) for m in meta.members_])
    if meta.meta_estimator_ is None:
        gate = np.full((X.shape[0], 3), 1 / 3)
    else:
        gate = np.zeros((X.shape[0], 3))
        gate[:, meta.meta_estimator_.classes_] = meta.meta_estimator_.predict_proba(X)
    shrinkage = meta.meta_shrinkage_
    assert 0.0 <= shrinkage <= 1.0
    gate = (1 - shrinkage) * gate + shrinkage / 3
    expected = np.einsum("nm,mnc->nc", gate / gate.sum(axis=1, keepdims=True), member_proba)
    np.testing.assert_allclose(meta.predict_proba(X), expected, atol=1e-12)
    np.testing.assert_allclose(meta.predict_proba(X).sum(axis=1), 1.0)


def test_meta_gate_is_trained_on_held_out_predictions(moons):
    """Out-of-fold member predictions are worse than the members' fit to their training data."""
    from sklandscape.ensemble._meta import out_of_fold_member_proba

    X, y = moons
    base = _base().fit(X, y)
    held_out = out_of_fold_member_proba(base, np.array([0]), X, y, None, 4, 0)[:, 0]
    assert log_loss(y, held_out) > 2.0 * log_loss(y, base.predict_proba(X))


def test_out_of_fold_members_are_refitted_in_their_own_basin(moons):
    """The refitted member is the local minimum of the fold's loss reached from the member."""
    from sklandscape._explore._minimize import local_minimize
    from sklandscape.ensemble._meta import out_of_fold_member_proba

    X, y = moons
    base = _base().fit(X, y)
    held_out = out_of_fold_member_proba(base, np.array([1]), X, y, None, 3, 0)[:, 0]
    train, test = next(StratifiedKFold(3, shuffle=True, random_state=0).split(X, y))
    targets = y[train].reshape(-1, 1).astype(float)
    objective = base._make_objective(X[train], targets, None)
    refit = local_minimize(objective, np.array(base.landscape_.minima.x[1]))
    assert np.max(np.abs(refit.grad)) < 1e-5
    twin = base.at_minimum(1)
    twin._set_fitted_parameters(refit.x)
    np.testing.assert_allclose(held_out[test], twin.predict_proba(X[test]), rtol=1e-10)


def test_single_member_meta_equals_soft(iris):
    X, y = iris
    kwargs = {"n_members": 1, "selection": "lowest", "random_state": 0}
    meta = LandscapeEnsembleClassifier(_base(), voting="meta", meta_cv=3, **kwargs).fit(X, y)
    soft = LandscapeEnsembleClassifier(_base(), **kwargs).fit(X, y)
    np.testing.assert_allclose(meta.predict_proba(X), soft.predict_proba(X))


# --------------------------------------------------------------- selection
def test_heat_capacity_selection_is_the_peaks_c_plus_and_c_minus_minima(soft):
    landscape = soft.landscape_
    peaks = sorted(landscape.heat_capacity_peaks(), key=lambda p: -p.height)
    highest = set(peaks[0].c_plus_minima.tolist()) | set(peaks[0].c_minus_minima.tolist())
    rng = np.random.default_rng(0)
    chosen = select_minima(landscape, len(highest), "heat_capacity", peaks, rng)
    assert set(chosen.tolist()) == highest


def test_heat_capacity_members_of_the_fitted_ensemble(iris):
    X, y = iris
    with pytest.warns(UserWarning, match="offers only"):
        ensemble = LandscapeEnsembleClassifier(_base(), n_members=50).fit(X, y)
    peaks = ensemble.landscape_.heat_capacity_peaks()
    expected = set()
    for peak in peaks:
        expected |= set(peak.c_plus_minima.tolist()) | set(peak.c_minus_minima.tolist())
    assert set(ensemble.selected_minima_.tolist()) == expected
    temperatures = [p.temperature for p in sorted(peaks, key=lambda p: -p.height)]
    np.testing.assert_allclose(ensemble.peak_temperatures_, temperatures)


def test_heat_capacity_selection_of_a_two_level_system():
    """Two low minima and a far one: the pair's C_V peak moves weight from 0 (C-) to 1 (C+)."""
    landscape = Landscape.from_arrays([0.0, 1.0, 30.0], [40.0, 45.0], [[0, 1], [1, 2]])
    peaks = sorted(landscape.heat_capacity_peaks(), key=lambda p: -p.height)
    chosen = select_minima(landscape, 2, "heat_capacity", peaks, np.random.default_rng(0))
    assert peaks[0].c_minus_minima.tolist() == [0]
    assert peaks[0].c_plus_minima.tolist() == [1]
    assert sorted(chosen.tolist()) == [0, 1]


def test_communities_selection_takes_the_lowest_minimum_of_each_community():
    """Two groups of minima joined by low barriers, separated by a high one."""
    energy = [0.0, 0.3, 0.5, 1.0, 1.2, 1.4]
    ts_minima = [[0, 1], [1, 2], [0, 2], [3, 4], [4, 5], [3, 5], [2, 3]]
    ts_energy = [0.6, 0.7, 0.65, 1.5, 1.6, 1.55, 20.0]
    landscape = Landscape.from_arrays(energy, ts_energy, ts_minima)
    peaks = sorted(landscape.heat_capacity_peaks(), key=lambda p: -p.height)
    chosen = select_minima(landscape, 5, "communities", peaks, np.random.default_rng(0))
    assert chosen.tolist() == [0, 3]


def test_communities_of_an_explored_landscape(moons):
    X, y = moons
    base = LandscapeMLPClassifier((4,), n_hops=8, n_chains=2, random_state=0, n_jobs=1)
    ensemble = LandscapeEnsembleClassifier(base, n_members=20, selection="communities")
    with pytest.warns(UserWarning, match="communities"):
        ensemble.fit(X, y)
    landscape = ensemble.landscape_
    selected = ensemble.selected_minima_
    assert landscape.n_transition_states > 0
    assert 1 <= len(selected) < landscape.n_minima
    # communities come by increasing lowest energy, the first holding the global minimum
    assert selected[0] == 0
    assert np.all(np.diff(landscape.minima.energy[selected]) > 0)


def test_lowest_random_and_callable_selections(soft):
    landscape, rng = soft.landscape_, np.random.default_rng(1)
    assert select_minima(landscape, 3, "lowest", [], rng).tolist() == [0, 1, 2]
    drawn = select_minima(landscape, 3, "random", [], np.random.default_rng(5))
    again = select_minima(landscape, 3, "random", [], np.random.default_rng(5))
    assert drawn.tolist() == again.tolist() and len(set(drawn.tolist())) == 3

    def last_two(ls, n_members, rng):
        return [ls.n_minima - 1, ls.n_minima - 2]

    assert select_minima(landscape, 5, last_two, [], rng).tolist() == [
        landscape.n_minima - 1,
        landscape.n_minima - 2,
    ]


def test_random_selection_is_seeded_by_random_state(iris):
    X, y = iris
    fits = [
        LandscapeEnsembleClassifier(_base(), n_members=2, selection="random", random_state=s)
        for s in (3, 3)
    ]
    first, second = (f.fit(X, y).selected_minima_.tolist() for f in fits)
    assert first == second


@pytest.mark.parametrize(
    "bad",
    [[], [0, 0], [99], [0.5], lambda ls: [0]],
    ids=["empty", "repeat", "range", "float", "arity"],
)
def test_bad_callable_selections_are_refused(soft, bad):
    selection = bad if callable(bad) else (lambda ls, n, rng: bad)
    with pytest.raises((ValueError, TypeError)):
        select_minima(soft.landscape_, 2, selection, [], np.random.default_rng(0))


# -------------------------------------------------------------- bad input
def test_more_members_than_minima_warns_and_uses_all(iris):
    X, y = iris
    with pytest.warns(UserWarning, match="offers only"):
        ensemble = LandscapeEnsembleClassifier(_base(), n_members=99, selection="lowest")
        ensemble.fit(X, y)
    assert len(ensemble.members_) == ensemble.landscape_.n_minima


def test_estimator_without_landscape_is_a_type_error(iris):
    X, y = iris
    with pytest.raises(TypeError, match="no loss landscape"):
        LandscapeEnsembleClassifier(LogisticRegression()).fit(X, y)


@pytest.mark.parametrize("weights", [[1.0, 2.0], [1.0, -1.0, 1.0], [0.0, 0.0, 0.0]])
def test_bad_weights_are_refused(iris, weights):
    X, y = iris
    ensemble = LandscapeEnsembleClassifier(
        _base(), n_members=3, selection="lowest", weights=weights
    )
    with pytest.raises(ValueError, match="weights"):
        ensemble.fit(X, y)


def test_meta_voting_needs_enough_samples_per_class(iris):
    X, y = iris
    keep = np.r_[np.arange(100), 100, 101]  # two samples of class 2
    ensemble = LandscapeEnsembleClassifier(_base(), voting="meta", meta_cv=3)
    with pytest.raises(ValueError, match="only 2 samples"):
        ensemble.fit(X[keep], y[keep])


# ------------------------------------------------- routing and composition
def test_sample_weight_reaches_the_base_estimator(iris):
    X, y = iris
    weights = np.random.default_rng(0).uniform(0.2, 2.0, size=y.size)
    ensemble = LandscapeEnsembleClassifier(_base(), n_members=2, selection="lowest")
    ensemble.fit(X, y, sample_weight=weights)
    reference = _base().fit(X, y, sample_weight=weights)
    np.testing.assert_allclose(ensemble.estimator_.loss_, reference.loss_)
    assert not np.isclose(ensemble.estimator_.loss_, _base().fit(X, y).loss_)


def test_sample_weight_with_metadata_routing(iris):
    X, y = iris
    weights = np.random.default_rng(0).uniform(0.2, 2.0, size=y.size)
    with sklearn.config_context(enable_metadata_routing=True):
        base = _base().set_fit_request(sample_weight=True)
        ensemble = LandscapeEnsembleClassifier(base, n_members=2, selection="lowest")
        ensemble.fit(X, y, sample_weight=weights)
        reference = _base().fit(X, y, sample_weight=weights)
        np.testing.assert_allclose(ensemble.estimator_.loss_, reference.loss_)
        unrequested = LandscapeEnsembleClassifier(_base(), n_members=2)
        with pytest.raises(ValueError, match="sample_weight"):
            unrequested.fit(X, y, sample_weight=weights)


def test_pipeline_and_grid_search(iris):
    X, y = load_iris(return_X_y=True)
    pipeline = make_pipeline(
        StandardScaler(), LandscapeEnsembleClassifier(_base(n_hops=4), n_members=2)
    )
    search = GridSearchCV(
        pipeline,
        {"landscapeensembleclassifier__selection": ["lowest", "heat_capacity"]},
        cv=2,
    ).fit(X, y)
    assert search.best_score_ > 0.8
    assert search.predict(X).shape == y.shape


def test_meta_with_a_decision_tree_gate(moons):
    X, y = moons
    ensemble = LandscapeEnsembleClassifier(
        _base(),
        n_members=2,
        selection="lowest",
        voting="meta",
        meta_estimator=DecisionTreeClassifier(max_depth=2, random_state=0),
        meta_cv=3,
        random_state=0,
    ).fit(X, y)
    assert ensemble.score(X, y) > 0.8
    assert ensemble.meta_estimator_ is None or ensemble.meta_estimator_.get_depth() <= 2


def test_base_without_a_verified_minimum_gives_a_one_member_ensemble():
    """Unscaled inputs saturate every hidden unit: the base warns, the ensemble is the base."""
    from sklearn.exceptions import ConvergenceWarning

    rng = np.random.RandomState(0)
    X = rng.normal(loc=100, size=(60, 2))
    y = rng.randint(0, 2, size=60)
    base = LandscapeMLPClassifier((3,), n_hops=3, n_chains=1, connect=False, random_state=0)
    ensemble = LandscapeEnsembleClassifier(base, n_members=3)
    with pytest.warns(ConvergenceWarning), pytest.warns(UserWarning, match="one member"):
        ensemble.fit(X, y)
    assert ensemble.landscape_.n_minima == 0 and ensemble.selected_minima_.size == 0
    assert ensemble.members_ == [ensemble.estimator_]
    np.testing.assert_allclose(
        ensemble.predict_proba(X), ensemble.estimator_.predict_proba(X), rtol=1e-12
    )


# ---------------------------------------- landscape-structure selections
def test_peaks_selection_represents_every_heat_capacity_peak():
    """Two gaps, 1 and 10: a Schottky peak near T = 0.42 (0 -> 1) and one near T = 4 ({0, 1} ->
    {2, 3}). Taking C-/C+ from every peak in turn includes the low-temperature pair's C+ minimum
    1 and a high minimum of the other peak; the highest peak alone may not."""
    landscape = Landscape.from_arrays(
        [0.0, 1.0, 10.0, 11.0], [40.0, 45.0, 50.0], [[0, 1], [1, 2], [2, 3]]
    )
    peaks = sorted(landscape.heat_capacity_peaks(), key=lambda p: -p.height)
    temperatures = sorted(p.temperature for p in peaks)
    assert len(peaks) == 2
    assert 0.3 < temperatures[0] < 0.6 and 2.0 < temperatures[1] < 8.0
    rng = np.random.default_rng(0)
    chosen = select_minima(landscape, 4, "peaks", peaks, rng).tolist()
    assert 1 in chosen and {2, 3} & set(chosen) and 0 in chosen
    first_two = select_minima(landscape, 2, "peaks", peaks, rng).tolist()
    highest = peaks[0]
    assert first_two == [int(highest.c_minus_minima[0]), int(highest.c_plus_minima[0])]


def test_funnels_selection_takes_the_bottoms_first():
    """Funnel {0, 1, 2} drains to 0; 3 has no lower neighbour (its only way to 0 goes up through
    2), so {3, 4} is a second funnel: bottoms by energy, then each funnel's next lowest."""
    energy = [0.0, 0.5, 1.0, 0.2, 0.7]
    ts_minima = [[1, 0], [2, 1], [4, 3], [3, 2]]
    ts_energy = [0.8, 1.1, 0.9, 5.0]
    landscape = Landscape.from_arrays(energy, ts_energy, ts_minima)
    assert landscape.funnels().tolist() == [0, 0, 0, 3, 3]
    rng = np.random.default_rng(0)
    assert select_minima(landscape, 5, "funnels", [], rng).tolist() == [0, 3, 1, 4, 2]
    assert select_minima(landscape, 2, "funnels", [], rng).tolist() == [0, 3]


def test_greedy_held_out_prefers_members_that_disagree_where_it_pays():
    """A is fair everywhere; B and C are each sure on one half and undecided on the other.
    Losses: A -ln 0.6 = 0.511, B (-ln 0.96 - ln 0.5) / 2 = 0.367, C (-ln 0.95 - ln 0.5) / 2 =
    0.372; B + C averages 0.73 and 0.725 (0.318), and adding A raises it (0.378): [B, C]."""
    from sklandscape.ensemble._selection import greedy_held_out

    half = np.r_[np.ones(10, dtype=bool), np.zeros(10, dtype=bool)]
    right = np.stack([np.full(20, 0.6), np.where(half, 0.96, 0.5), np.where(half, 0.5, 0.95)], 1)
    y_index = np.arange(20) % 2
    proba = np.empty((20, 3, 2))
    proba[np.arange(20), :, y_index] = right
    proba[np.arange(20), :, 1 - y_index] = 1 - right
    assert greedy_held_out(proba, y_index, 3).tolist() == [1, 2]
    assert greedy_held_out(proba, y_index, 1).tolist() == [1]


def test_greedy_held_out_matches_a_direct_forward_selection():
    """Against forward selection written with plain averages (no log-sum-exp), weighted."""
    from sklandscape.ensemble._selection import greedy_held_out

    rng = np.random.default_rng(3)
    proba = rng.dirichlet(np.ones(3), size=(60, 8))
    y_index = rng.integers(0, 3, size=60)
    weights = rng.uniform(0.5, 2.0, size=60)

    def loss(members):
        p = proba[np.arange(60), :, y_index][:, members].mean(axis=1)
        return -np.average(np.log(p), weights=weights)

    expected = [min(range(8), key=lambda c: loss([c]))]
    while len(expected) < 6:
        rest = [c for c in range(8) if c not in expected]
        best = min(rest, key=lambda c: loss([*expected, c]))
        if not loss([*expected, best]) < loss(expected):
            break
        expected.append(best)
    assert greedy_held_out(proba, y_index, 6, weights).tolist() == expected


def test_held_out_selection_of_a_fitted_ensemble(moons):
    X, y = moons
    ensemble = LandscapeEnsembleClassifier(
        _base(n_hops=6), n_members=3, selection="held_out", meta_cv=3, random_state=0
    ).fit(X, y)
    selected = ensemble.selected_minima_
    assert 1 <= len(selected) <= 3 and len(set(selected.tolist())) == len(selected)
    lowest = np.argsort(ensemble.landscape_.minima.energy, kind="stable")[:12]
    assert set(selected.tolist()) <= set(lowest.tolist())
    expected = np.mean([m.predict_proba(X) for m in ensemble.members_], axis=0)
    np.testing.assert_allclose(ensemble.predict_proba(X), expected, rtol=1e-12)
    again = LandscapeEnsembleClassifier(
        _base(n_hops=6), n_members=3, selection="held_out", meta_cv=3, random_state=0
    ).fit(X, y)
    assert again.selected_minima_.tolist() == selected.tolist()


# ------------------------------------------------------- gate shrinkage
def _gate_problem(informative, seed=0):
    """Two members; member 0 right for x < 0 and member 1 for x > 0 (or at random)."""
    from sklandscape.ensemble._meta import MemberGate

    rng = np.random.default_rng(seed)
    X = rng.normal(size=(300, 2))
    y = rng.integers(0, 2, size=300)
    first = X[:, 0] < 0 if informative else rng.random(300) < 0.5
    right = np.stack([np.where(first, 0.9, 0.4), np.where(first, 0.4, 0.9)], axis=1)
    proba = np.empty((300, 2, 2))
    proba[np.arange(300), :, y] = right
    proba[np.arange(300), :, 1 - y] = 1 - right
    return MemberGate(LogisticRegression(), 2), X, y, proba


def test_gate_is_kept_when_it_wins_on_inner_folds():
    gate, X, y, proba = _gate_problem(informative=True)
    gate.fit(X, y, proba, np.array([0, 1]))
    assert gate.shrinkage_ < 0.5
    weights = gate.weights(X)
    # the gate trusts member 0 where x < 0
    assert weights[X[:, 0] < -1, 0].mean() > 0.8 and weights[X[:, 0] > 1, 1].mean() > 0.8


def test_gate_falls_back_to_soft_voting_when_it_cannot_win():
    """Which member is right is independent of x: no gate beats equal weights out of sample."""
    fallbacks = []
    for seed in range(5):
        gate, X, y, proba = _gate_problem(informative=False, seed=seed)
        gate.fit(X, y, proba, np.array([0, 1]))
        fallbacks.append(gate.shrinkage_ == 1.0)
        if gate.shrinkage_ == 1.0:
            np.testing.assert_allclose(gate.weights(X), 0.5)
    assert sum(fallbacks) >= 4


@pytest.mark.parametrize("shrinkage", [0.0, 0.4, 1.0])
def test_meta_shrinkage_mixes_the_gate_with_equal_weights(iris, shrinkage):
    X, y = iris
    kwargs = {"n_members": 3, "selection": "lowest", "meta_cv": 3, "random_state": 0}
    meta = LandscapeEnsembleClassifier(
        _base(), voting="meta", meta_shrinkage=shrinkage, **kwargs
    ).fit(X, y)
    assert meta.meta_shrinkage_ == shrinkage
    member_proba = np.array([m.predict_proba(X) for m in meta.members_])
    raw = np.full((X.shape[0], 3), 1 / 3)
    if meta.meta_estimator_ is not None:
        raw = np.zeros((X.shape[0], 3))
        raw[:, meta.meta_estimator_.classes_] = meta.meta_estimator_.predict_proba(X)
    gate = (1 - shrinkage) * raw + shrinkage / 3
    expected = np.einsum("nm,mnc->nc", gate, member_proba)
    np.testing.assert_allclose(meta.predict_proba(X), expected, atol=1e-12)
    if shrinkage == 1.0:
        soft = LandscapeEnsembleClassifier(_base(), **kwargs).fit(X, y)
        np.testing.assert_allclose(meta.predict_proba(X), soft.predict_proba(X), atol=1e-12)


@pytest.mark.parametrize(
    "params", [{"meta_shrinkage": 1.5}, {"meta_shrinkage": "best"}, {"selection": "bogus"}]
)
def test_invalid_new_parameters_are_refused(iris, params):
    from sklearn.utils._param_validation import InvalidParameterError

    X, y = iris
    with pytest.raises(InvalidParameterError):
        LandscapeEnsembleClassifier(_base(), **params).fit(X, y)


def test_held_out_selection_needs_enough_samples_per_class(iris):
    X, y = iris
    keep = np.r_[np.arange(100), 100, 101]  # two samples of class 2
    ensemble = LandscapeEnsembleClassifier(_base(), selection="held_out", meta_cv=3)
    with pytest.raises(ValueError, match="only 2 samples"):
        ensemble.fit(X[keep], y[keep])
