"""Minimax paths, straight-line profiles and their plot."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

import sklandscape as skl
from sklandscape import Landscape
from sklandscape.surfaces import MullerBrown, TwoGaussians


def random_landscape(seed, n=12, n_ts=20, n_params=3):
    rng = np.random.default_rng(seed)
    energy = rng.normal(size=n)
    pairs = np.array([rng.choice(n, 2, replace=False) for _ in range(n_ts)])
    ts = np.maximum(energy[pairs[:, 0]], energy[pairs[:, 1]]) + rng.exponential(size=n_ts)
    return Landscape.from_arrays(
        energy,
        ts,
        pairs,
        n_params=n_params,
        minima_x=rng.normal(size=(n, n_params)),
        ts_x=rng.normal(size=(n_ts, n_params)),
    )


@pytest.mark.parametrize("seed", range(4))
def test_path_maxima_equal_barriers_and_steps_follow_the_network(seed):
    ls = random_landscape(seed)
    for i in range(ls.n_minima):
        for j in range(ls.n_minima):
            barrier = ls.barrier(i, j)
            if not np.isfinite(barrier):
                with pytest.raises(ValueError, match="no transition states"):
                    ls.path(i, j)
                continue
            route = ls.path(i, j)
            assert route.barrier == barrier
            assert route.minima[0] == i and route.minima[-1] == j
            for k, t in enumerate(route.transition_states):
                pair = set(ls.transition_states.minima[t].tolist())
                assert pair == {route.minima[k], route.minima[k + 1]}
            np.testing.assert_array_equal(route.energy[0::2], ls.minima.energy[route.minima])
            np.testing.assert_array_equal(
                route.energy[1::2], ls.transition_states.energy[route.transition_states]
            )
            np.testing.assert_array_equal(
                route.x[1::2], ls.transition_states.x[route.transition_states]
            )
            steps = [np.linalg.norm(b - a) for a, b in zip(route.x[:-1], route.x[1:], strict=True)]
            np.testing.assert_allclose(route.distance, np.concatenate([[0], np.cumsum(steps)]))


def test_muller_brown_path_crosses_the_published_transition_states():
    surface = MullerBrown()
    ls = skl.explore(surface, n_hops=30, n_chains=2, random_state=0)
    np.testing.assert_allclose(ls.minima.energy, [-146.70, -108.17, -80.77], atol=0.01)
    route = ls.path(0, 1)
    assert route.minima.tolist() == [0, 2, 1]
    np.testing.assert_allclose(route.energy[1::2], [-40.66, -72.25], atol=0.01)
    assert route.barrier == pytest.approx(-40.66, abs=0.01)
    # coordinates are stored: the profile's energies are those of its coordinates
    np.testing.assert_allclose([surface.value(x) for x in route.x], route.energy, atol=1e-8)


def test_linear_interpolation_matches_direct_evaluation():
    ls = random_landscape(0)
    fun = lambda x: float(np.sin(x).sum() + x @ x)  # noqa: E731
    profile = ls.linear_interpolation(2, 7, fun, n=9)
    xi, xj = ls.minima.x[2], ls.minima.x[7]
    for t, e in zip(profile.t, profile.energy, strict=True):
        assert e == pytest.approx(fun(xi + t * (xj - xi)))
    assert profile.t[0] == 0.0 and profile.t[-1] == 1.0
    assert profile.distance[-1] == pytest.approx(np.linalg.norm(xj - xi))
    # a (value, gradient) function gives the same profile
    with_grad = ls.linear_interpolation(2, 7, lambda x: (fun(x), np.zeros(3)), n=9)
    np.testing.assert_array_equal(with_grad.energy, profile.energy)


def test_straight_line_through_the_two_gaussian_saddle():
    # E = -exp(-|x+e1|^2) - exp(-|x-e1|^2): the minima lie on the x-axis symmetric about the
    # origin, so the straight line between them crosses the TS at the origin (E = -2/e) and
    # its highest point equals the minimax barrier.
    surface = TwoGaussians()
    ls = skl.explore(surface, n_hops=20, n_chains=2, random_state=0)
    assert ls.n_minima == 2
    line = ls.linear_interpolation(0, 1, surface.value, n=101)
    assert line.barrier == pytest.approx(-2 / np.e, abs=1e-6)
    assert ls.path(0, 1).barrier == pytest.approx(-2 / np.e, abs=1e-6)


def test_plot_path_draws_both_profiles():
    surface = TwoGaussians()
    ls = skl.explore(surface, n_hops=20, n_chains=2, random_state=0)
    ax = ls.plot_path(0, 1, fun=surface.value, n=11)
    route, line = ax.get_lines()
    np.testing.assert_allclose(route.get_ydata(), ls.path(0, 1).energy)
    np.testing.assert_allclose(
        line.get_ydata(), ls.linear_interpolation(0, 1, surface.value, n=11).energy
    )
    assert route.get_xdata()[0] == 0 and route.get_xdata()[-1] == pytest.approx(1)
    assert len(ls.plot_path(0, 1).get_lines()) == 1


def test_path_errors():
    ls = Landscape.from_arrays([0.0, 1.0], [2.0], [[0, 1]])
    assert ls.path(0, 1).x is None
    assert ls.path(1, 1).minima.tolist() == [1]
    with pytest.raises(ValueError, match="out of range"):
        ls.path(0, 2)
    with pytest.raises(ValueError, match="no coordinates"):
        ls.linear_interpolation(0, 1, lambda x: 0.0)
    ls = random_landscape(1)
    with pytest.raises(ValueError, match="n must be"):
        ls.linear_interpolation(0, 1, lambda x: 0.0, n=1)
    with pytest.raises(ValueError, match="non-finite"):
        ls.linear_interpolation(0, 1, lambda x: np.nan)
    with pytest.raises(TypeError, match="callable"):
        ls.linear_interpolation(0, 1, "loss")


def test_plot_trajectory_joins_visited_leaves_in_order():
    ls = Landscape.from_arrays([0.0, 1.0, 0.5, 2.0], [2.0, 1.5, 2.5], [[0, 1], [1, 2], [3, 0]])
    ax = ls.plot_trajectory([3, 3, -1, 1, 1, 0])
    tree = ls.disconnectivity()
    (line,) = [line for line in ax.get_lines() if line.get_label() == "trajectory"]
    np.testing.assert_allclose(line.get_xdata(), tree.leaf_x[[3, 1, 0]])
    np.testing.assert_allclose(line.get_ydata(), [2.0, 1.0, 0.0])
    labels = sorted(text.get_text() for text in ax.texts)
    assert labels == ["0", "1", "3"]
    with pytest.raises(ValueError, match="basins must lie"):
        ls.plot_trajectory([4])
    with pytest.raises(ValueError, match="1-d array"):
        ls.plot_trajectory([0.5])
