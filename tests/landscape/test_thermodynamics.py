"""Thermodynamic analogues against closed forms for one, two and three minima."""

import warnings

import numpy as np
import pytest
from scipy.optimize import brentq, minimize_scalar

from sklandscape import Landscape
from sklandscape.landscape._thermodynamics import default_temperature_grid


def two_minima(gap=1.0, lhp=(0.0, 0.0), kappa=3):
    return Landscape.from_arrays(
        [0.0, gap],
        [gap + 1.0],
        [[0, 1]],
        minima_log_hessian_product=list(lhp),
        n_params=kappa,
    )


def two_level_closed_form(T, gap, lhp, kappa):
    """p_1, C_V, S, C+ and C- of a two-minimum system, by hand."""
    T = np.asarray(T, dtype=float)
    z = gap / T + 0.5 * (lhp[1] - lhp[0])  # ln(p0 / p1)
    p0, p1 = 1.0 / (1.0 + np.exp(-z)), 1.0 / (1.0 + np.exp(z))
    log_p0, log_p1 = -np.log1p(np.exp(-z)), -z - np.log1p(np.exp(-z))
    c_plus = p1 * (gap * p0) ** 2 / T**2  # the higher minimum: L_1 - <L> = gap p0 > 0
    c_minus = p0 * (gap * p1) ** 2 / T**2  # the lower one: L_0 - <L> = -gap p1 < 0
    entropy = -(p0 * log_p0 + p1 * log_p1)
    return p1, kappa / 2 + c_plus + c_minus, entropy, c_plus, c_minus


def test_two_minima_match_closed_forms():
    gap, lhp, kappa = 1.3, (0.4, -1.1), 5
    ls = two_minima(gap, lhp, kappa)
    T = np.geomspace(0.05, 50, 37)
    p1, cv, entropy, c_plus, c_minus = two_level_closed_form(T, gap, lhp, kappa)
    np.testing.assert_allclose(ls.occupation_probabilities(T)[:, 1], p1, rtol=1e-12)
    np.testing.assert_allclose(ls.heat_capacity(T), cv, rtol=1e-12)
    np.testing.assert_allclose(ls.entropy(T), entropy, rtol=1e-11)
    total, plus, minus = ls.heat_capacity(T, split=True)
    np.testing.assert_allclose(plus, c_plus, rtol=1e-11)
    np.testing.assert_allclose(minus, c_minus, rtol=1e-11)
    np.testing.assert_allclose(ls.heat_capacity(T, kinetic=True), cv + kappa / 2, rtol=1e-12)
    contributions = ls.heat_capacity_contributions(T)
    np.testing.assert_allclose(contributions[:, 1], c_plus, rtol=1e-11)
    np.testing.assert_allclose(contributions[:, 0], -c_minus, rtol=1e-11)


def test_two_level_peak_position_and_height():
    """Equal curvatures: C = kappa/2 + x^2 e^x / (1 + e^x)^2 with x = gap / T."""
    gap, kappa = 2.0, 4
    ls = two_minima(gap, kappa=kappa)

    def slope(x):  # d/dx of x^2 e^x / (1 + e^x)^2, up to a positive factor
        return 2.0 - x * np.tanh(x / 2.0)

    x_star = brentq(slope, 0.5, 10.0, xtol=1e-15)
    expected_height = kappa / 2 + x_star**2 * np.exp(x_star) / (1 + np.exp(x_star)) ** 2
    (peak,) = ls.heat_capacity_peaks()
    assert peak.temperature == pytest.approx(gap / x_star, rel=1e-9)
    assert peak.height == pytest.approx(expected_height, rel=1e-12)
    assert peak.height == pytest.approx(peak.c_plus + peak.c_minus + kappa / 2, rel=1e-12)
    np.testing.assert_array_equal(peak.c_plus_minima, [1])
    np.testing.assert_array_equal(peak.c_minus_minima, [0])
    kinetic = ls.heat_capacity_peaks(kinetic=True)[0]
    assert kinetic.temperature == pytest.approx(peak.temperature, rel=1e-9)
    assert kinetic.height == pytest.approx(peak.height + kappa / 2, rel=1e-12)


def test_peak_with_entropic_minimum_matches_bounded_maximisation():
    gap, lhp, kappa = 1.0, (2.0, -3.0), 2
    ls = two_minima(gap, lhp, kappa)
    result = minimize_scalar(
        lambda t: -two_level_closed_form(t, gap, lhp, kappa)[1],
        bounds=(0.05, 5.0),
        method="bounded",
        options={"xatol": 1e-12},
    )
    (peak,) = ls.heat_capacity_peaks()
    assert peak.temperature == pytest.approx(result.x, rel=1e-6)
    assert peak.height == pytest.approx(-result.fun, rel=1e-12)


def three_minima():
    # 0 -- 1 -- 2 with L = (0, 1, 0.5); TS(0,1) at 3, TS(1,2) at 2.
    return Landscape.from_arrays(
        [0.0, 1.0, 0.5],
        [3.0, 2.0],
        [[0, 1], [1, 2]],
        minima_log_hessian_product=[0.0, 0.6, -0.4],
        n_params=6,
    )


def test_three_minima_entropy_frustration_by_hand():
    ls = three_minima()
    T = 0.7
    weights = np.exp(-np.array([0.0, 1.0, 0.5]) / T - 0.5 * np.array([0.0, 0.6, -0.4]))
    p = weights / weights.sum()
    np.testing.assert_allclose(ls.occupation_probabilities(T), p, rtol=1e-12)
    assert ls.entropy(T) == pytest.approx(-np.sum(p * np.log(p)), rel=1e-12)
    # Highest TS on the way to the global minimum: 3 for both (2 -> 1 -> 0 crosses TS(0,1)).
    frustration = p[1] * (3 - 0) / (1 - 0) + p[2] * (3 - 0) / (0.5 - 0)
    assert ls.frustration(T) == pytest.approx(frustration, rel=1e-12)
    assert ls.frustration(T, normalized=True) == pytest.approx(frustration / (1 - p[0]), rel=1e-12)
    mean = p @ [0.0, 1.0, 0.5]
    variance = p @ (np.array([0.0, 1.0, 0.5]) - mean) ** 2
    assert ls.heat_capacity(T) == pytest.approx(3 + variance / T**2, rel=1e-12)


def test_single_minimum_exact_limits_at_any_temperature():
    ls = Landscape.from_arrays([-7.5], [], [], minima_log_hessian_product=[3.0], n_params=7)
    T = np.array([1e-300, 1e-8, 1.0, 1e8, 1e300])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(ls.heat_capacity(T), 3.5)
        np.testing.assert_array_equal(ls.entropy(T), 0.0)
        np.testing.assert_array_equal(ls.frustration(T), 0.0)
        np.testing.assert_array_equal(ls.occupation_probabilities(T), 1.0)
    assert ls.heat_capacity_peaks() == []


def test_stable_from_zero_to_infinite_temperature():
    ls = two_minima(gap=1000.0, lhp=(0.0, -4.0), kappa=2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cold = ls.occupation_probabilities(1e-3)
        hot = ls.occupation_probabilities(1e12)
        assert ls.heat_capacity(1e-3) == 1.0
        assert ls.entropy(1e-3) == 0.0
    np.testing.assert_array_equal(cold, [1.0, 0.0])
    # T -> infinity: the basin volumes exp(-LPPHE / 2) decide.
    np.testing.assert_allclose(hot, ls.basin_volumes(), rtol=1e-8)
    np.testing.assert_allclose(
        ls.basin_volumes(), np.array([1, np.e**2]) / (1 + np.e**2), rtol=1e-14
    )


def test_shapes_follow_temperature_shape():
    ls = three_minima()
    assert ls.occupation_probabilities(1.0).shape == (3,)
    assert ls.occupation_probabilities([1.0, 2.0]).shape == (2, 3)
    assert isinstance(ls.heat_capacity(1.0), float)
    assert ls.heat_capacity(np.array([1.0])).shape == (1,)
    assert ls.entropy([0.5, 1.0, 2.0]).shape == (3,)
    assert ls.frustration([0.5, 1.0]).shape == (2,)
    assert ls.heat_capacity_contributions([0.5, 1.0]).shape == (2, 3)
    log_p = ls.occupation_probabilities([0.5], log=True)
    np.testing.assert_allclose(np.exp(log_p), ls.occupation_probabilities([0.5]))


@pytest.mark.parametrize("bad", [-1.0, 0.0, np.nan, np.inf, [1.0, -2.0], [[1.0]], "hot"])
def test_bad_temperatures_raise(bad):
    ls = three_minima()
    for method in (ls.occupation_probabilities, ls.heat_capacity, ls.entropy, ls.frustration):
        with pytest.raises(ValueError, match="T must"):
            method(bad)


def test_peaks_name_dominant_minima_by_coverage():
    # Ground state, then a band of three near-degenerate excited minima.
    ls = Landscape.from_arrays(
        [0.0, 2.0, 2.01, 2.02], [3.0, 3.0, 3.0], [[0, 1], [0, 2], [0, 3]], n_params=1
    )
    peaks = ls.heat_capacity_peaks()
    assert len(peaks) == 1
    peak = peaks[0]
    np.testing.assert_array_equal(peak.c_minus_minima, [0])
    assert set(peak.c_plus_minima.tolist()) == {1, 2, 3}
    assert np.all(np.diff(peak.c_plus_contributions) <= 0)
    contributions = ls.heat_capacity_contributions(peak.temperature)
    np.testing.assert_allclose(peak.c_plus_contributions, contributions[peak.c_plus_minima])
    fewer = ls.heat_capacity_peaks(coverage=0.3)[0]
    assert fewer.c_plus_minima.size < 3
    assert fewer.c_plus_contributions.sum() >= 0.3 * fewer.c_plus
    with pytest.raises(ValueError, match="coverage"):
        ls.heat_capacity_peaks(coverage=0.0)


def test_peaks_on_a_user_grid_and_grid_covers_two_separated_peaks():
    # Two well separated gaps give two Schottky peaks, near 0.417 * gap each.
    ls = Landscape.from_arrays([0.0, 0.01, 10.0], [11.0, 11.0], [[0, 1], [0, 2]], n_params=0)
    peaks = ls.heat_capacity_peaks()
    assert len(peaks) == 2
    assert peaks[0].temperature == pytest.approx(0.01 / 2.3994, rel=0.05)
    assert peaks[1].temperature < 10.0
    grid = default_temperature_grid(ls.minima.energy, ls.minima.log_hessian_product)
    assert grid[0] < peaks[0].temperature and grid[-1] > peaks[1].temperature
    on_grid = ls.heat_capacity_peaks(np.geomspace(1e-4, 100, 300))
    np.testing.assert_allclose(
        [p.temperature for p in on_grid], [p.temperature for p in peaks], rtol=1e-8
    )
    with pytest.raises(ValueError, match="at least 3"):
        ls.heat_capacity_peaks([1.0, 2.0])


def test_frustration_ignores_other_components_and_degenerate_minima():
    # Minimum 3 is degenerate with the global minimum; minimum 4 is disconnected.
    ls = Landscape.from_arrays(
        [0.0, 1.0, 0.5, 0.0, 0.2],
        [3.0, 2.0, 4.0],
        [[0, 1], [1, 2], [0, 3]],
        n_params=2,
    )
    T = 0.9
    energy = np.array([0.0, 1.0, 0.5, 0.0])
    weights = np.exp(-energy / T)
    p = weights / weights.sum()  # renormalised over the global minimum's component
    expected = p[1] * 3.0 / 1.0 + p[2] * 3.0 / 0.5
    assert ls.frustration(T) == pytest.approx(expected, rel=1e-12)
    assert ls.frustration(T, normalized=True) == pytest.approx(expected / (p[1] + p[2]), rel=1e-12)
    # default: the index of the connected landscape, as if minimum 4 had never been found
    connected = Landscape.from_arrays(
        [0.0, 1.0, 0.5, 0.0], [3.0, 2.0, 4.0], [[0, 1], [1, 2], [0, 3]], n_params=2
    )
    assert ls.frustration(T) == pytest.approx(connected.frustration(T), rel=1e-14)
    # the review's eq. 3 literally: p over all five minima, minimum 4 contributing nothing
    every = np.exp(-np.array([0.0, 1.0, 0.5, 0.0, 0.2]) / T)
    every /= every.sum()
    literal = every[1] * 3.0 / 1.0 + every[2] * 3.0 / 0.5
    assert ls.frustration(T, component_only=False) == pytest.approx(literal, rel=1e-12)
    assert connected.frustration(T, component_only=False) == pytest.approx(
        connected.frustration(T), rel=1e-14
    )
    assert ls.frustration(T, normalized=True, component_only=False) == pytest.approx(
        literal / (every[1] + every[2]), rel=1e-12
    )
