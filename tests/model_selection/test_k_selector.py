"""Tests of LandscapeKSelector: the chosen K on blobs of known K, the layout of ``results_``,
every criterion recomputed independently from ``landscapes_``, callable criteria, n_jobs
invariance, weights, bad input and the figure."""

from collections import deque

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs
from sklearn.metrics import adjusted_rand_score

from sklandscape import Landscape, LandscapeKMeans, LandscapeKSelector
from sklandscape.model_selection import K_CRITERIA

matplotlib.use("Agg")

FAST = {"n_hops": 5, "n_chains": 2}


def _blobs(n_clusters, n_samples=60, random_state=0):
    return make_blobs(
        n_samples=n_samples, centers=n_clusters, cluster_std=0.5, random_state=random_state
    )


@pytest.fixture(scope="module")
def blobs3():
    return _blobs(3)


@pytest.fixture(scope="module")
def fitted(blobs3):
    """Default criterion, transition states searched: the selector most tests read."""
    X, _ = blobs3
    return LandscapeKSelector(range(2, 6), random_state=0, **FAST).fit(X)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# ------------------------------------------------------------------ independent recomputation
def _total_variance(X, sample_weight=None):
    """The one-cluster K-means cost: weighted mean squared distance to the weighted mean."""
    w = np.ones(len(X)) if sample_weight is None else np.asarray(sample_weight, float)
    mean = np.average(X, axis=0, weights=w)
    return float(np.average(np.sum((X - mean) ** 2, axis=1), weights=w))


def _cost_of_centres(X, centres, sample_weight=None):
    w = np.ones(len(X)) if sample_weight is None else np.asarray(sample_weight, float)
    d2 = ((X[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
    return float(np.average(d2.min(axis=1), weights=w))


def _boltzmann(energies, temperature):
    """``p_a ∝ exp(-E_a / T)`` over the minima as discrete states (no harmonic factor)."""
    energies = np.asarray(energies, float)
    weights = np.exp(-(energies - energies.min()) / temperature)
    return weights / weights.sum()


def _shannon(p):
    p = p[p > 0]
    return float(-np.sum(p * np.log(p)))


def _funnel_of_global_minimum(landscape):
    """Minima with a monotonic (ever lower) sequence of transition states down to ``g``."""
    energy = np.asarray(landscape.minima.energy)
    g = int(np.argmin(energy))
    higher = {a: set() for a in range(len(energy))}
    for a, b in np.asarray(landscape.transition_states.minima).reshape(-1, 2):
        if energy[a] < energy[b]:
            higher[int(a)].add(int(b))
        elif energy[b] < energy[a]:
            higher[int(b)].add(int(a))
    inside, queue = {g}, deque([g])
    while queue:
        for h in higher[queue.popleft()] - inside:
            inside.add(h)
            queue.append(h)
    mask = np.zeros(len(energy), dtype=bool)
    mask[list(inside)] = True
    return mask


def _n_msb(landscape):
    """Minima with no transition state to a strictly lower minimum."""
    energy = np.asarray(landscape.minima.energy)
    has_lower = np.zeros(len(energy), dtype=bool)
    for a, b in np.asarray(landscape.transition_states.minima).reshape(-1, 2):
        if energy[a] > energy[b]:
            has_lower[a] = True
        elif energy[b] > energy[a]:
            has_lower[b] = True
    return int(np.count_nonzero(~has_lower))


def _component_of_global_minimum(landscape):
    """Minima reachable from ``g`` through transition states (breadth-first search)."""
    energy = np.asarray(landscape.minima.energy)
    neighbours = {a: set() for a in range(len(energy))}
    for a, b in np.asarray(landscape.transition_states.minima).reshape(-1, 2):
        neighbours[int(a)].add(int(b))
        neighbours[int(b)].add(int(a))
    g = int(np.argmin(energy))
    inside, queue = {g}, deque([g])
    while queue:
        for h in neighbours[queue.popleft()] - inside:
            inside.add(h)
            queue.append(h)
    mask = np.zeros(len(energy), dtype=bool)
    mask[list(inside)] = True
    return mask


def _restricted(landscape, mask):
    """The landscape of the minima in ``mask`` and the transition states among them."""
    index = np.cumsum(mask) - 1
    pairs = np.asarray(landscape.transition_states.minima).reshape(-1, 2)
    keep = mask[pairs].all(axis=1)
    return Landscape.from_arrays(
        np.asarray(landscape.minima.energy)[mask],
        np.asarray(landscape.transition_states.energy)[keep],
        index[pairs[keep]],
    )


def _expected_features(selector, X, temperature_scale=1.0, sample_weight=None):
    """Per-K features recomputed from ``landscapes_`` (and the one-cluster cost at K = 1).

    Occupation and entropy count every kept minimum; the funnel, MSB and gap
    features only the minima connected to the global minimum.
    """
    n_samples = len(X)
    features = {1: {"energy": _total_variance(X, sample_weight)}}
    for k, landscape in selector.landscapes_.items():
        energy = np.asarray(landscape.minima.energy)
        e_g = energy.min()
        temperature = temperature_scale * e_g / n_samples
        p = _boltzmann(energy, temperature)
        connected = _component_of_global_minimum(landscape)
        inner = _restricted(landscape, connected)
        funnel = _funnel_of_global_minimum(inner)
        inner_energy = energy[connected]
        outside = np.flatnonzero(~funnel)
        gap = inner_energy[outside].min() - e_g if outside.size else np.nan
        features[k] = {
            "energy": e_g,
            "temperature": temperature,
            "occupation": p[np.argmin(energy)],
            "entropy": _shannon(p),
            "funnel_occupation": min(1.0, p[connected][funnel].sum()),
            "n_msb": _n_msb(inner),
            "n_minima": landscape.n_minima,
            "n_connected": int(connected.sum()),
            "fraction_connected": connected.mean(),
            "gap": gap,
        }
    return features


def _expected_scores(features, ks):
    def get(k, name):
        return features[k][name] if k in features else np.nan

    with np.errstate(divide="ignore", invalid="ignore"):
        cost = np.array(
            [
                np.log(get(k - 1, "energy"))
                - 2 * np.log(get(k, "energy"))
                + np.log(get(k + 1, "energy"))
                for k in ks
            ]
        )
        entropy = np.array([get(k + 1, "entropy") - get(k, "entropy") for k in ks])
        occupation = np.array(
            [np.log(get(k, "occupation")) - np.log(get(k + 1, "occupation")) for k in ks]
        )
        funnel = np.array(
            [
                np.log(get(k, "funnel_occupation")) - np.log(get(k + 1, "funnel_occupation"))
                for k in ks
            ]
        )
    msb = np.array([-(get(k, "n_msb") - 1) / get(k, "n_connected") for k in ks])
    gap = np.array(
        [np.inf if np.isnan(get(k, "gap")) else get(k, "gap") / get(k, "temperature") for k in ks]
    )
    return {
        "cost": cost,
        "entropy": entropy,
        "landscape": cost * np.exp(funnel),
        "entropy_elbow": cost * np.exp(entropy),
        "occupation": occupation,
        "funnel": funnel,
        "msb": msb,
        "gap": gap,
    }


# ------------------------------------------------------------------ the chosen K
@pytest.mark.parametrize(
    "n_clusters, n_samples, random_state, connect",
    [
        (3, 60, 0, False),
        (3, 60, 1, False),
        (3, 90, 2, False),
        (4, 80, 0, False),
        (4, 80, 1, False),
        (4, 80, 2, False),
        (4, 80, 1, True),
    ],
)
def test_well_separated_blobs_give_their_number_of_clusters(
    n_clusters, n_samples, random_state, connect
):
    X, y = _blobs(n_clusters, n_samples, random_state)
    selector = LandscapeKSelector(
        range(2, 7), connect=connect, random_state=random_state, **FAST
    ).fit(X)
    assert selector.n_clusters_ == n_clusters
    assert selector.criterion == "landscape"
    assert adjusted_rand_score(y, selector.labels_) > 0.95
    # The partition is the best K-means partition at that K.
    reference = KMeans(n_clusters, n_init=10, random_state=0).fit(X)
    assert adjusted_rand_score(reference.labels_, selector.labels_) == 1.0
    e_g = selector.results_["energy"][selector.results_["k"] == n_clusters][0]
    assert e_g == pytest.approx(reference.inertia_ / n_samples, rel=1e-9)


def test_fixture_chooses_three_and_searched_transition_states(fitted, blobs3):
    X, y = blobs3
    assert fitted.n_clusters_ == 3
    assert adjusted_rand_score(y, fitted.labels_) == 1.0
    # Landscapes above K = 3 are rich and connected: the funnel criteria below are not trivial.
    assert fitted.results_["n_transition_states"][fitted.results_["k"] >= 4].min() > 0
    assert fitted.results_["n_minima"][fitted.results_["k"] >= 4].min() > 1


# ------------------------------------------------------------------ layout of the results
def test_results_layout(fitted):
    results = fitted.results_
    np.testing.assert_array_equal(results["k"], [2, 3, 4, 5])
    expected = {
        "k",
        "energy",
        "n_minima",
        "n_transition_states",
        "n_connected",
        "fraction_connected",
        "n_msb",
        "temperature",
        "occupation",
        "entropy",
        "funnel_occupation",
        "frustration",
        "gap",
        "barrier",
        "energy_previous",
        "energy_next",
        "occupation_next",
        "entropy_next",
        "funnel_occupation_next",
        "score",
        "rank_score",
    } | {f"score_{name}" for name in K_CRITERIA}
    assert set(results) == expected
    for name, column in results.items():
        assert column.shape == (4,), name
    assert results["k"].dtype.kind == "i"
    assert results["n_minima"].dtype.kind == "i"
    np.testing.assert_array_equal(results["score"], results["score_landscape"])
    # Rank 1 at the chosen K, ranks ordered as the scores.
    assert results["rank_score"][results["k"] == fitted.n_clusters_] == 1
    assert fitted.n_clusters_ == results["k"][np.nanargmax(results["score"])]
    order = np.argsort(-results["score"], kind="stable")
    np.testing.assert_array_equal(results["rank_score"][order], np.arange(1, 5))


def test_landscapes_hold_candidates_and_neighbours(fitted, blobs3):
    X, _ = blobs3
    assert sorted(fitted.landscapes_) == [2, 3, 4, 5, 6]  # no K = 1, K = 6 is a neighbour
    results = fitted.results_
    for i, k in enumerate(results["k"]):
        landscape = fitted.landscapes_[int(k)]
        assert results["energy"][i] == landscape.minima.energy.min()
        assert results["n_minima"][i] == landscape.n_minima
        assert results["n_transition_states"][i] == landscape.n_transition_states
        assert results["energy_next"][i] == fitted.landscapes_[int(k) + 1].minima.energy.min()
    # The previous energy of K = 2 is the one-cluster cost, the total variance.
    assert results["energy_previous"][0] == pytest.approx(_total_variance(X), rel=1e-12)
    np.testing.assert_array_equal(results["energy_previous"][1:], results["energy"][:-1])
    # Energies are K-means costs per sample, and decrease with K.
    assert np.all(np.diff([fitted.landscapes_[k].minima.energy.min() for k in range(2, 7)]) < 0)


def test_best_estimator_labels_and_predict(fitted, blobs3):
    X, _ = blobs3
    best = fitted.best_estimator_
    assert isinstance(best, LandscapeKMeans)
    assert best.n_clusters == fitted.n_clusters_
    assert best.landscape_ is fitted.landscapes_[fitted.n_clusters_]
    np.testing.assert_array_equal(fitted.labels_, best.labels_)
    np.testing.assert_array_equal(fitted.predict(X), best.predict(X))
    np.testing.assert_array_equal(fitted.predict(X), fitted.labels_)
    new = np.random.default_rng(0).normal(size=(7, X.shape[1])) * 5
    np.testing.assert_array_equal(fitted.predict(new), best.predict(new))
    # The best estimator sits at the global minimum of its landscape.
    e_g = fitted.results_["energy"][fitted.results_["k"] == fitted.n_clusters_][0]
    assert _cost_of_centres(X, best.cluster_centers_) == pytest.approx(e_g, rel=1e-9)
    assert best.inertia_ == pytest.approx(e_g * len(X), rel=1e-9)


def test_k_range_is_sorted_deduplicated_and_neighbours_are_bounded():
    X, _ = _blobs(3, n_samples=12, random_state=0)
    selector = LandscapeKSelector([4, 3.0, 10, 11, 4], connect=False, random_state=0, **FAST)
    selector.fit(X)
    np.testing.assert_array_equal(selector.results_["k"], [3, 4, 10, 11])
    # K + 1 = 12 > n_samples - 1 is not explored: undefined scores there.
    assert sorted(selector.landscapes_) == [2, 3, 4, 5, 9, 10, 11]
    assert np.isnan(selector.results_["energy_next"][-1])
    assert np.isnan(selector.results_["score"][-1])
    assert selector.results_["rank_score"][-1] == 4  # nan ranks last


# ------------------------------------------------------------------ criteria formulas
def test_features_and_scores_recomputed_from_landscapes(fitted, blobs3):
    X, _ = blobs3
    results = fitted.results_
    features = _expected_features(fitted, X)
    for name in (
        "energy",
        "temperature",
        "occupation",
        "entropy",
        "funnel_occupation",
        "n_msb",
        "n_connected",
        "fraction_connected",
        "gap",
    ):
        expected = [features[int(k)][name] for k in results["k"]]
        np.testing.assert_allclose(results[name], expected, rtol=1e-9, atol=1e-12, err_msg=name)
    for name in ("occupation", "entropy", "funnel_occupation"):
        expected = [features[int(k) + 1][name] for k in results["k"]]
        np.testing.assert_allclose(
            results[f"{name}_next"], expected, rtol=1e-9, atol=1e-12, err_msg=name
        )
    expected_scores = _expected_scores(features, results["k"].tolist())
    assert set(expected_scores) | {"frustration"} == set(K_CRITERIA)
    for name, expected in expected_scores.items():
        np.testing.assert_allclose(
            results[f"score_{name}"], expected, rtol=1e-9, atol=1e-12, err_msg=name
        )
    np.testing.assert_allclose(results["score_frustration"], -results["frustration"])
    assert np.all((results["frustration"] >= 0) | np.isnan(results["frustration"]))


@pytest.mark.parametrize("temperature_scale", [0.3, 4.0])
def test_temperature_scale_enters_the_reference_temperature(temperature_scale, blobs3):
    X, _ = blobs3
    selector = LandscapeKSelector(
        range(2, 6),
        temperature_scale=temperature_scale,
        connect=False,
        random_state=1,
        n_hops=8,
        n_chains=2,
    ).fit(X)
    features = _expected_features(selector, X, temperature_scale)
    ks = selector.results_["k"].tolist()
    np.testing.assert_allclose(
        selector.results_["temperature"],
        [temperature_scale * features[k]["energy"] / len(X) for k in ks],
        rtol=1e-12,
    )
    np.testing.assert_allclose(
        selector.results_["entropy"], [features[k]["entropy"] for k in ks], rtol=1e-9, atol=1e-12
    )
    expected = _expected_scores(features, ks)
    for name in ("landscape", "entropy_elbow", "entropy", "cost", "occupation", "funnel"):
        np.testing.assert_allclose(
            selector.results_[f"score_{name}"], expected[name], rtol=1e-9, atol=1e-12
        )


@pytest.mark.parametrize("criterion", sorted(K_CRITERIA))
def test_named_criterion_chooses_its_best_score(criterion, blobs3):
    X, _ = blobs3
    selector = LandscapeKSelector(
        range(2, 6), criterion=criterion, connect=False, random_state=0, **FAST
    ).fit(X)
    scores = selector.results_["score"]
    np.testing.assert_array_equal(scores, selector.results_[f"score_{criterion}"])
    filled = np.where(np.isnan(scores), -np.inf, scores)
    assert selector.n_clusters_ == selector.results_["k"][filled == filled.max()].max()


def test_cost_elbow_alone_finds_well_separated_blobs():
    X, _ = _blobs(4, n_samples=80, random_state=0)
    selector = LandscapeKSelector(
        range(2, 7), criterion="cost", connect=False, random_state=0, **FAST
    ).fit(X)
    assert selector.n_clusters_ == 4


# ------------------------------------------------------------------ callable criteria
def test_callable_criterion_picks_smallest_k_and_sees_no_scores(blobs3):
    X, _ = blobs3
    seen = []

    def smallest(results):
        seen.append(set(results))
        return -results["k"]

    selector = LandscapeKSelector(
        [3, 5, 4], criterion=smallest, connect=False, random_state=0, **FAST
    ).fit(X)
    assert selector.n_clusters_ == 3
    assert selector.best_estimator_.n_clusters == 3
    np.testing.assert_array_equal(selector.results_["score"], [-3, -4, -5])
    np.testing.assert_array_equal(selector.results_["rank_score"], [1, 2, 3])
    assert len(seen) == 1
    assert "energy" in seen[0] and "k" in seen[0]
    assert not any(key.startswith("score") or key.startswith("rank") for key in seen[0])


def test_an_undefined_score_never_wins_even_over_minus_infinity(blobs3):
    # -inf is a real score (e.g. a log of zero cost with duplicated points); nan is none.
    X, _ = blobs3
    selector = LandscapeKSelector(
        (2, 3, 4),
        criterion=lambda r: np.array([-np.inf, -np.inf, np.nan]),
        connect=False,
        random_state=0,
        **FAST,
    ).fit(X)
    assert selector.n_clusters_ == 3  # the tie of the two -inf goes to the larger K
    np.testing.assert_array_equal(selector.results_["rank_score"], [1, 1, 3])


def test_callable_criterion_of_wrong_shape_or_all_nan_is_refused(blobs3):
    X, _ = blobs3
    common = {"connect": False, "random_state": 0, **FAST}
    with pytest.raises(ValueError, match="one per K"):
        LandscapeKSelector(range(2, 5), criterion=lambda r: np.zeros(2), **common).fit(X)
    with pytest.raises(ValueError, match="undefined for every K"):
        LandscapeKSelector(
            range(2, 5), criterion=lambda r: np.full(r["k"].shape, np.nan), **common
        ).fit(X)


# ------------------------------------------------------------------ n_jobs and weights
def test_results_do_not_depend_on_n_jobs(blobs3):
    X, _ = blobs3
    fits = [
        LandscapeKSelector(
            (2, 3, 4),
            max_minima=4,
            max_searches=12,
            n_jobs=n_jobs,
            random_state=3,
            **FAST,
        ).fit(X)
        for n_jobs in (1, 2)
    ]
    serial, parallel = fits
    assert serial.n_clusters_ == parallel.n_clusters_
    assert set(serial.results_) == set(parallel.results_)
    for name in serial.results_:
        np.testing.assert_array_equal(serial.results_[name], parallel.results_[name], name)
    assert sorted(serial.landscapes_) == sorted(parallel.landscapes_)
    for k, landscape in serial.landscapes_.items():
        other = parallel.landscapes_[k]
        np.testing.assert_array_equal(landscape.minima.energy, other.minima.energy)
        np.testing.assert_array_equal(landscape.minima.x, other.minima.x)
        np.testing.assert_array_equal(
            landscape.transition_states.energy, other.transition_states.energy
        )
        np.testing.assert_array_equal(
            landscape.transition_states.minima, other.transition_states.minima
        )
    np.testing.assert_array_equal(serial.labels_, parallel.labels_)
    assert serial.results_["n_transition_states"].sum() > 0  # the TS search ran in both


def test_sample_weight_enters_every_cost():
    X, y = _blobs(3, n_samples=60, random_state=1)
    weights = np.random.default_rng(0).uniform(0.2, 3.0, size=len(X))
    selector = LandscapeKSelector(range(2, 6), connect=False, random_state=0, **FAST)
    selector.fit(X, sample_weight=weights)
    assert selector.n_clusters_ == 3
    assert adjusted_rand_score(y, selector.labels_) == 1.0
    results = selector.results_
    assert results["energy_previous"][0] == pytest.approx(_total_variance(X, weights), rel=1e-12)
    assert results["energy_previous"][0] != pytest.approx(_total_variance(X), rel=1e-6)
    centres = selector.best_estimator_.cluster_centers_
    assert results["energy"][results["k"] == 3][0] == pytest.approx(
        _cost_of_centres(X, centres, weights), rel=1e-9
    )
    # With the blobs partition fixed, each centre is its blob's weighted mean.
    for label in range(3):
        members = selector.labels_ == label
        np.testing.assert_allclose(
            centres[label], np.average(X[members], axis=0, weights=weights[members])
        )


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize(
    "k_range, message",
    [
        ([1, 2, 3], r"\[2, n_samples - 1\] = \[2, 9\]; got \[1\]"),
        ([0, 2], r"got \[0\]"),
        ([2, 10], r"\[2, 9\]; got \[10\]"),
        ([], "non-empty"),
        (range(2, 2), "non-empty"),
        ([2.5, 3], "integers"),
        ([2, np.nan], "integers"),
        (["two", "three"], "integers"),
        ([[2, 3], [4, 5]], "1-d"),
    ],
)
def test_bad_k_range_is_refused(k_range, message):
    X, _ = _blobs(2, n_samples=10)
    with pytest.raises(ValueError, match=message):
        LandscapeKSelector(k_range, connect=False, **FAST).fit(X)


def test_too_few_samples_are_refused():
    with pytest.raises(ValueError, match="at least 3 samples"):
        LandscapeKSelector((2,), connect=False, **FAST).fit([[0.0, 0.0], [1.0, 1.0]])


def test_bad_sample_weight_is_refused(blobs3):
    X, _ = blobs3
    selector = LandscapeKSelector((2, 3), connect=False, **FAST)
    with pytest.raises(ValueError, match="all zeros|non-zero"):
        selector.fit(X, sample_weight=np.zeros(len(X)))
    negative = np.ones(len(X))
    negative[0] = -1.0
    with pytest.raises(ValueError, match="(?i)negative"):
        selector.fit(X, sample_weight=negative)
    assert not hasattr(selector, "n_clusters_")


def test_unknown_criterion_is_refused(blobs3):
    X, _ = blobs3
    with pytest.raises(ValueError, match="criterion"):
        LandscapeKSelector((2, 3), criterion="silhouette", **FAST).fit(X)


def test_criterion_undefined_everywhere_is_refused():
    # With 4 samples and K = 3 = n_samples - 1, K + 1 cannot be explored.
    X = np.array([[0.0, 0.0], [0.0, 1.0], [5.0, 0.0], [9.0, 9.0]])
    with pytest.raises(ValueError, match="undefined for every K"):
        LandscapeKSelector((3,), connect=False, **FAST).fit(X)
    selector = LandscapeKSelector((3,), criterion="cost", connect=False, **FAST)
    with pytest.raises(ValueError, match="undefined for every K"):
        selector.fit(X)


# ------------------------------------------------------------------ composition and budget
def test_every_k_is_a_public_landscape_kmeans_fit(blobs3):
    """Each K's landscape is what LandscapeKMeans gives with the selector's public settings."""
    X, _ = blobs3
    selector = LandscapeKSelector((3,), max_minima=6, random_state=7, **FAST).fit(X)
    seeds = np.random.RandomState(7).randint(np.iinfo(np.int32).max, size=3)  # K = 2, 3, 4
    for k, seed in zip((2, 3, 4), seeds, strict=True):
        reference = LandscapeKMeans(
            n_clusters=k, max_minima=6, n_jobs=1, random_state=int(seed), **FAST
        ).fit(X)
        landscape = selector.landscapes_[k]
        np.testing.assert_array_equal(landscape.minima.energy, reference.landscape_.minima.energy)
        np.testing.assert_array_equal(
            landscape.transition_states.minima, reference.landscape_.transition_states.minima
        )
        assert landscape.n_minima <= 2 * 6  # the focus and its stepping stones
    assert selector.best_estimator_.get_params()["connect"] is True
    assert selector.best_estimator_.get_params()["max_minima"] == 6


def test_default_landscapes_are_connected_over_the_focus(fitted):
    results = fitted.results_
    np.testing.assert_array_equal(
        results["n_connected"], [fitted.landscapes_[int(k)].n_minima for k in results["k"]]
    )
    np.testing.assert_array_equal(results["fraction_connected"], 1.0)


@pytest.mark.parametrize("name", ["max_connect_rounds", "max_pairs_per_round"])
def test_deprecated_connection_caps_warn_and_change_nothing(name, blobs3):
    X, _ = blobs3
    common = {"k_range": (2, 3), "random_state": 0, **FAST}
    with pytest.warns(FutureWarning, match=f"{name} is deprecated"):
        old = LandscapeKSelector(**common, **{name: 3}).fit(X)
    new = LandscapeKSelector(**common).fit(X)
    for k in new.landscapes_:
        np.testing.assert_array_equal(
            old.landscapes_[k].minima.energy, new.landscapes_[k].minima.energy
        )


# ------------------------------------------------------------------ the figure
def test_plot_results_draws_scores_and_one_graph_per_candidate(fitted):
    axes = fitted.plot_results()
    ks = fitted.results_["k"].tolist()
    assert len(axes) == 1 + len(ks)  # scores, then every candidate K
    assert all(isinstance(ax, matplotlib.axes.Axes) for ax in axes)
    labels = axes[0].get_legend_handles_labels()[1]
    assert labels[0] == "score (landscape)" and labels[-1] == "chosen K"
    np.testing.assert_allclose(axes[0].lines[0].get_ydata(), fitted.results_["score"])
    assert axes[0].get_title().endswith(f"K = {fitted.n_clusters_}")
    for ax, k in zip(axes[1:], ks, strict=True):
        title = ax.get_title()
        landscape = fitted.landscapes_[k]
        assert title.startswith(f"K = {k}")
        assert ("(chosen)" in title) == (k == fitted.n_clusters_)
        assert f"{landscape.n_minima} minim" in title
        discarded = landscape.metadata.get("n_minima_discarded", 0)
        assert f"{discarded} above the focus" in title
        assert ax.get_xlabel() or ax.get_ylabel()
        assert ax.get_ylabel() == "K-means cost per sample"
    for ax in axes:
        assert ax.get_title()


def test_plot_results_with_given_landscapes_and_axes(fitted):
    _, given = plt.subplots(1, 3)
    axes = fitted.plot_results(k_landscapes=[6, 2], axes=given, parts=False)
    assert axes == list(given)
    assert len(axes[0].get_legend_handles_labels()[1]) == 2  # score and chosen K only
    assert axes[1].get_title().startswith("K = 6")
    with pytest.raises(ValueError, match="no landscape was explored for K = \\[7\\]"):
        fitted.plot_results(k_landscapes=[7])
    with pytest.raises(ValueError, match="must hold 3 Axes"):
        fitted.plot_results(k_landscapes=[2, 3], axes=given[:2])


def test_auto_searches_are_sixteen_per_kept_minimum_of_each_k(blobs3):
    """``max_searches="auto"``, ``max_minima=k``: each K's K-means searches <= 16 k times."""
    X, _ = blobs3
    selector = LandscapeKSelector((2, 3), max_minima=3, random_state=0, **FAST).fit(X)
    for landscape in selector.landscapes_.values():
        assert landscape.metadata["max_minima"] == 3
        assert landscape.metadata["max_searches"] == 48
        assert landscape.metadata["n_searches"] <= 48
    # an explicit cap, or an "auto" focus, is passed through unchanged
    assert LandscapeKSelector(max_searches=7)._max_searches_per_k() == 7
    assert LandscapeKSelector(max_minima="auto")._max_searches_per_k() == "auto"
