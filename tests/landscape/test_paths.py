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


def brute_force_routes(ls, i, j, T):
    """Every loopless route i -> j with its best TS per step and sum ln P, by enumeration."""
    import itertools

    n = ls.n_minima
    states = ls.transition_states
    lhp, energy = ls.minima.log_hessian_product, ls.minima.energy
    log_k = {}  # (a, b) -> list of (ts, ln k_a->b)
    for t, ((a, b), e_t, lhp_t) in enumerate(
        zip(states.minima, states.energy, states.log_hessian_product, strict=True)
    ):
        for u, v in ((a, b), (b, a)):
            value = 0.5 * (lhp[u] - lhp_t) - (e_t - energy[u]) / T - np.log(2 * np.pi)
            log_k.setdefault((int(u), int(v)), []).append((t, value))
    log_out = np.full(n, -np.inf)
    for (u, _), entries in log_k.items():
        for _, value in entries:
            log_out[u] = np.logaddexp(log_out[u], value)
    routes = []
    others = [m for m in range(n) if m not in (i, j)]
    for length in range(len(others) + 1):
        for middle in itertools.permutations(others, length):
            route = (i, *middle, j)
            steps = list(zip(route[:-1], route[1:], strict=True))
            if not all(step in log_k for step in steps):
                continue
            best = [max(log_k[step], key=lambda entry: entry[1]) for step in steps]
            total = sum(value - log_out[a] for (a, _), (_, value) in zip(steps, best, strict=True))
            routes.append((total, list(route), [t for t, _ in best]))
    return sorted(routes, key=lambda r: -r[0])


@pytest.mark.parametrize("seed", range(3))
def test_fastest_paths_match_brute_force_enumeration(seed):
    rng = np.random.default_rng(seed)
    n_min = 6
    pairs = [(m, int(rng.integers(0, m))) for m in range(1, n_min)]
    pairs += [tuple(int(v) for v in rng.choice(n_min, 2, replace=False)) for _ in range(5)]
    energy = rng.normal(size=n_min)
    ts_energy = np.maximum(energy[[a for a, _ in pairs]], energy[[b for _, b in pairs]])
    ts_energy = ts_energy + rng.exponential(size=len(pairs))
    ls = Landscape.from_arrays(
        energy,
        ts_energy,
        pairs,
        minima_log_hessian_product=rng.normal(size=n_min),
        ts_log_hessian_product=rng.normal(size=len(pairs)),
        n_params=3,
    )
    T = 0.7
    expected = brute_force_routes(ls, 0, 5, T)
    found = ls.fastest_paths(0, 5, T, n_paths=4)
    assert len(found) == min(4, len(expected))
    for path, (total, route, states) in zip(found, expected, strict=False):
        assert path.log_probability == pytest.approx(total, rel=1e-12, abs=1e-12)
        assert path.minima.tolist() == route
        assert path.transition_states.tolist() == states
    assert ls.fastest_paths(0, 5, T)[0].minima.tolist() == expected[0][1]


def test_fastest_path_differs_from_the_minimax_path_by_hand():
    """Minimax 0 -> 1 -> 2 (TSs at 1.0) leaks at 1 into a dead end 3 (TS 0.1);
    the direct TS 0 -> 2 is a little higher (1.05) but far more likely taken.

    Equal minima and Hessians: k = exp(-E_t / T) / (2 pi), so from 0 the
    branching probabilities are e^-1 / d and e^-1.05 / d (d their sum), and
    from 1 to 2 it is e^-1 / (2 e^-1 + e^-0.1).
    """
    ls = Landscape.from_arrays(
        [0.0, 0.0, 0.0, 0.0],
        [1.0, 1.0, 1.05, 0.1],
        [[0, 1], [1, 2], [0, 2], [1, 3]],
        n_params=1,
    )
    d = np.exp(-1.0) + np.exp(-1.05)
    p01, p02 = np.exp(-1.0) / d, np.exp(-1.05) / d
    p12 = np.exp(-1.0) / (2 * np.exp(-1.0) + np.exp(-0.1))
    fastest, second = ls.fastest_paths(0, 2, 1.0, n_paths=5)
    assert fastest.minima.tolist() == [0, 2]
    assert fastest.transition_states.tolist() == [2]
    assert fastest.log_probability == pytest.approx(np.log(p02), rel=1e-13)
    assert second.minima.tolist() == [0, 1, 2]
    assert second.log_probability == pytest.approx(np.log(p01 * p12), rel=1e-13)
    minimax = ls.path(0, 2)
    assert minimax.minima.tolist() == [0, 1, 2]
    assert minimax.log_probability is None


def test_fastest_path_errors():
    ls = Landscape.from_arrays([0.0, 0.0, 0.0], [1.0], [[0, 1]])
    with pytest.raises(ValueError, match="no transition states join"):
        ls.fastest_paths(0, 2, 1.0)
    with pytest.raises(ValueError, match="different minima"):
        ls.fastest_paths(1, 1, 1.0)
    with pytest.raises(ValueError, match="n_paths"):
        ls.fastest_paths(0, 1, 1.0, n_paths=0)
    with pytest.raises(ValueError, match="single temperature"):
        ls.fastest_paths(0, 1, [1.0, 2.0])
