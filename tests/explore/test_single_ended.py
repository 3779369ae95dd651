"""Single-ended searches: analytic saddles of Rastrigin, the flood fill of explore(), inputs."""

import numpy as np
import pytest
from joblib import parallel_config
from scipy.optimize import brentq

from sklandscape import explore
from sklandscape._explore._minimize import verify_stationary_point
from sklandscape._explore._single_ended import line_maximum, single_ended_connections
from sklandscape.surfaces import Rastrigin, Schwefel


def _g(t):
    return 10 + t * t - 10 * np.cos(2 * np.pi * t)


def _dg(t):
    return 2 * t + 20 * np.pi * np.sin(2 * np.pi * t)


def test_rastrigin_saddles_around_the_origin_at_their_analytic_positions():
    """E = g(x) + g(y): the saddles next to (0, 0) are (+-t*, 0), (0, +-t*) with g'(t*) = 0."""
    surface = Rastrigin()
    t_saddle = brentq(_dg, 0.3, 0.7)  # the maximum of g next to 0 (0.5025)
    t_minimum = brentq(_dg, 0.8, 1.2)  # the next minimum of g (0.995)
    origin = surface.local_minimize(np.array([0.05, -0.05])).x
    connections = single_ended_connections(surface, origin)
    expected = [(t_saddle, 0.0), (-t_saddle, 0.0), (0.0, t_saddle), (0.0, -t_saddle)]
    found = np.array([c.ts_x for c in connections])
    assert len(found) == 4
    for point in expected:
        assert np.min(np.linalg.norm(found - point, axis=1)) < 1e-7
    for c in connections:
        assert c.ts_energy == pytest.approx(_g(t_saddle) + _g(0.0), abs=1e-9)
        assert verify_stationary_point(surface, c.ts_x, index=1) is not None
        assert c.ts_negative_eigenvalue == pytest.approx(
            2 + 40 * np.pi**2 * np.cos(2 * np.pi * t_saddle), rel=1e-6
        )
        # one side is the origin, the other the neighbouring minimum along the same axis
        ends = sorted([c.minimum_plus.x, c.minimum_minus.x], key=np.linalg.norm)
        np.testing.assert_allclose(ends[0], 0.0, atol=1e-7)
        np.testing.assert_allclose(ends[1], np.sign(c.ts_x) * t_minimum, atol=1e-7)


def test_line_toward_a_bound_finds_no_maximum():
    """Schwefel's g rises from its minimum at 420.97 to the bound 500: no ridge that way."""
    surface = Schwefel()
    best = surface.local_minimize(np.array([420.0, 420.0])).x
    step = 0.01 * surface.length_scale
    assert line_maximum(surface, best, np.array([1.0, 0.0]), step) is None
    ridge = line_maximum(surface, best, np.array([-1.0, 0.0]), step)
    # the maximum of g between the minima at 203.81 and 420.97, within one scan step
    slope = lambda t: -np.sin(np.sqrt(t)) - 0.5 * np.sqrt(t) * np.cos(np.sqrt(t))  # noqa: E731
    t_ridge = brentq(slope, 250, 400)
    assert abs(ridge[0] - t_ridge) <= step and ridge[1] == best[1]


def test_explore_floods_a_lattice_from_one_short_chain():
    """Five hops find a handful of Rastrigin minima; single-ended searches reach all 121."""
    surface = Rastrigin()
    options = {"n_hops": 5, "n_chains": 1, "random_state": 0, "max_connect_rounds": 0}
    plain = explore(surface, single_ended=0, **options)
    searched = explore(surface, **options)  # "auto": 2 modes on a 2-D surface
    assert plain.n_minima < 20
    assert searched.n_minima == 121 and searched.n_transition_states == 220
    assert searched.metadata["n_single_ended_searches"] == 4 * 121
    assert searched.metadata["single_ended"] == 2
    assert np.all(np.isfinite(searched.transition_states.negative_eigenvalue))
    assert np.all(searched.transition_states.negative_eigenvalue < 0)


def test_same_landscape_for_any_n_jobs():
    """Chunks of minima merged in order (threads here: process start-up is slow on a busy host)."""
    surface = Rastrigin()
    options = {"n_hops": 3, "n_chains": 2, "random_state": 1, "max_connect_rounds": 0}
    one = explore(surface, n_jobs=1, **options)
    with parallel_config(backend="threading"):
        two = explore(surface, n_jobs=2, **options)
    np.testing.assert_array_equal(one.minima.x, two.minima.x)
    np.testing.assert_array_equal(one.transition_states.x, two.transition_states.x)


@pytest.mark.parametrize(
    ("value", "error"), [(-1, ValueError), ("all", TypeError), (1.5, TypeError)]
)
def test_bad_single_ended_raises(value, error):
    with pytest.raises(error, match="single_ended"):
        explore(Rastrigin(), n_hops=1, n_chains=1, single_ended=value)


def test_single_ended_searches_count_against_max_searches():
    """Each minimum searched from costs 4 searches (2 modes, both ways); the cap stops them."""
    surface = Rastrigin()
    landscape = explore(
        surface, n_hops=5, n_chains=1, random_state=0, single_ended=2, max_searches=10
    )
    meta = landscape.metadata
    assert meta["n_single_ended_searches"] == 8  # two minima: a third would exceed the cap
    assert meta["n_searches"] <= 10
    assert meta["stopped_by"] == "max_searches"
    # with a budget, "auto" leaves them off
    budgeted = explore(surface, n_hops=5, n_chains=1, random_state=0, max_searches=10)
    assert budgeted.metadata["single_ended"] == 0
