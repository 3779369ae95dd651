"""One source of validation: explore() and the estimators share their constraints.

(sklandscape._explore._parameters; the disagreements listed in issue 13.)
"""

import numpy as np
import pytest
from sklearn.datasets import make_blobs

from sklandscape import explore
from sklandscape._explore._explorer import EXPLORE_CONSTRAINTS
from sklandscape._explore._parameters import EXPLORATION_CONSTRAINTS, with_options
from sklandscape._sklearn_compat import StrOptions
from sklandscape.cluster import LandscapeKMeans
from sklandscape.gaussian_process import LandscapeGPRegressor
from sklandscape.neural_network import LandscapeMLPClassifier

X, _ = make_blobs(n_samples=30, centers=3, cluster_std=0.5, random_state=0)
CHEAP = dict(n_hops=2, n_chains=1, connect=False, random_state=0)


def double_well(x):
    return float((x[0] ** 2 - 1) ** 2 + 0.1 * x[0])


def _error(call):
    with pytest.raises(Exception) as info:
        call()
    return info.value


@pytest.mark.parametrize(
    "estimator", [LandscapeKMeans, LandscapeMLPClassifier, LandscapeGPRegressor]
)
def test_estimators_and_explore_share_every_exploration_constraint(estimator):
    for name, constraints in EXPLORATION_CONSTRAINTS.items():
        for constraint in constraints:
            assert constraint in estimator._parameter_constraints[name], (estimator, name)
            assert constraint in EXPLORE_CONSTRAINTS[name], name


def test_with_options_adds_a_sentinel_once_and_copies():
    base = {"a": [int], "b": [int, None]}
    added = with_options(base, ("a", "b"), None)
    assert added == {"a": [int, None], "b": [int, None]}
    assert base == {"a": [int], "b": [int, None]}
    auto = StrOptions({"auto"})
    assert with_options(base, ("a",), auto)["a"] == [int, auto]


@pytest.mark.parametrize(
    "name, value",
    [
        ("n_hops", 2.0),
        ("n_hops", -1),
        ("n_chains", 0),
        ("temperature", -1.0),
        ("step_size", 0.0),
        ("step_size", np.inf),
        ("connect", "yes"),
        ("max_minima", 0),
        ("max_time", 0.0),
        ("energy_window", np.nan),
    ],
)
def test_the_same_value_is_refused_with_the_same_error_by_both(name, value):
    settings = {**CHEAP, name: value}
    from_explore = _error(lambda: explore(double_well, x0=[0.5], **settings))
    from_estimator = _error(lambda: LandscapeKMeans(n_clusters=2, **settings).fit(X))
    assert type(from_explore) is type(from_estimator)
    # scikit-learn's InvalidParameterError: both a ValueError and a TypeError
    assert isinstance(from_explore, ValueError) and isinstance(from_explore, TypeError)
    assert name in str(from_explore) and name in str(from_estimator)


def test_temperature_zero_is_accepted_by_both():
    """Monotonic basin-hopping; the chain's downhill-only rule is tested in test_basin_hopping."""
    landscape = explore(double_well, x0=[0.9], bounds=[(-2, 2)], temperature=0.0, **CHEAP)
    assert landscape.metadata["temperature"] == 0.0
    kmeans = LandscapeKMeans(n_clusters=3, temperature=0.0, **CHEAP).fit(X)
    assert kmeans.landscape_.metadata["temperature"] == 0.0


def test_n_neighbours_is_a_deprecated_alias_of_n_neighbors():
    kwargs = dict(x0=[0.9], bounds=[(-2, 2)], n_hops=10, n_chains=2, random_state=0)
    expected = explore(double_well, n_neighbors=2, **kwargs)
    with pytest.warns(FutureWarning, match="n_neighbors"):
        aliased = explore(double_well, n_neighbours=2, **kwargs)
    np.testing.assert_array_equal(aliased.minima.energy, expected.minima.energy)
    np.testing.assert_array_equal(
        aliased.transition_states.energy, expected.transition_states.energy
    )
