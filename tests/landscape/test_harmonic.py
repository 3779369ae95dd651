"""Edge factors of minima and transition states on a bound, against exact integrals."""

import numpy as np
import pytest
from scipy.integrate import dblquad, quad
from scipy.optimize import brentq

from sklandscape import Landscape, explore
from sklandscape.landscape._harmonic import edge_terms

LOW, HIGH = -1.5, 0.8  # the x-range of the double well
TEMPERATURES = (0.05, 0.1, 0.15)


def well_x(x):
    return (x**2 - 1) ** 2 - 0.3 * x


def barrier_top():
    return brentq(lambda x: 4 * x**3 - 4 * x - 0.3, -0.5, 0.5)


def exact_interior_occupation(T, n_params=1):
    """Boltzmann weight of the basin left of the barrier top, by 1-D or 2-D quadrature."""
    top = barrier_top()
    if n_params == 1:
        weight = lambda x: np.exp(-(well_x(x) - well_x(HIGH)) / T)  # noqa: E731
        left = quad(weight, LOW, top, points=[-0.96])[0]
        right = quad(weight, top, HIGH)[0]
    else:
        weight = lambda y, x: np.exp(-(well_x(x) - well_x(HIGH) + y * y) / T)  # noqa: E731
        left = dblquad(weight, LOW, top, -2.0, 2.0, epsabs=0, epsrel=1e-10)[0]
        right = dblquad(weight, top, HIGH, -2.0, 2.0, epsabs=0, epsrel=1e-10)[0]
    return left / (left + right)


def explore_double_well(n_params):
    if n_params == 1:

        def fun(x):
            return float(well_x(x[0]))

        def jac(x):
            return np.array([4 * x[0] ** 3 - 4 * x[0] - 0.3])

        bounds = [(LOW, HIGH)]
    else:

        def fun(x):
            return float(well_x(x[0]) + x[1] ** 2)

        def jac(x):
            return np.array([4 * x[0] ** 3 - 4 * x[0] - 0.3, 2 * x[1]])

        bounds = [(LOW, HIGH), (-2.0, 2.0)]
    return explore(
        fun, jac=jac, bounds=bounds, n_hops=10, n_chains=4, step_size=1.5, random_state=0
    )


@pytest.fixture(scope="module", params=[1, 2])
def double_well(request):
    landscape = explore_double_well(request.param)
    assert landscape.n_minima == 2 and landscape.n_transition_states == 1
    return landscape


@pytest.mark.parametrize(
    ("slope", "curvature"), [(1.452, 3.68), (0.0, 2.0), (1.0, 0.0), (0.1, 5.0), (3.0, 1e-3)]
)
@pytest.mark.parametrize("T", [1e-3, 0.05, 0.5, 5.0])
def test_edge_factor_is_the_one_sided_integral_and_its_derivatives(slope, curvature, T):
    log_e, u, heat = edge_terms(np.array(T), np.array(slope), np.array(curvature))
    exact = quad(lambda s: np.exp(-(slope * s + curvature * s * s / 2) / T), 0, np.inf)[0]
    assert np.exp(log_e) == pytest.approx(exact, rel=1e-9)
    # u = T d ln e / dT and heat = d(T u)/dT, by central differences
    h = 1e-4 * T
    up, down = (
        edge_terms(np.array(t), np.array(slope), np.array(curvature)) for t in (T + h, T - h)
    )
    assert u == pytest.approx(T * (up[0] - down[0]) / (2 * h), abs=1e-7)
    assert heat == pytest.approx(((T + h) * up[1] - (T - h) * down[1]) / (2 * h), abs=1e-7)


@pytest.mark.parametrize(
    ("slope", "curvature", "width"),
    [
        (3.2e-5, 6.4e-5, 11.5),
        (1.452, 3.68, 2.3),
        (1.0, -0.5, 1.0),
        (0.5, 0.1, 3.0),
        (0.0, 0.0, 2.0),
    ],
)
@pytest.mark.parametrize("T", [0.01, 0.3, 10.0])
def test_edge_factor_stops_at_the_box_width(slope, curvature, width, T):
    """A flat held direction (the GP's length scale at 1e3: g = 3e-5) is cut by the box."""
    log_e, u, heat = edge_terms(np.array(T), np.array(slope), np.array(curvature), np.array(width))

    def integrand(s, k):
        phi = slope * s + curvature * s * s / 2
        return phi**k * np.exp(-phi / T)

    moments = [quad(integrand, 0, width, args=(k,))[0] for k in range(3)]
    rel = 0.006 if (curvature < 0 and T == 0.01) else 1e-9  # c < 0 uncut: leading Laplace term
    assert np.exp(log_e) == pytest.approx(moments[0], rel=rel)
    if rel < 1e-3:
        mean = moments[1] / moments[0]
        assert T * u == pytest.approx(mean, rel=1e-8, abs=1e-12)
        variance = moments[2] / moments[0] - mean**2
        assert heat == pytest.approx(variance / T**2, rel=1e-6, abs=1e-10)


def test_edge_limits_half_gaussian_and_linear():
    T = np.array(0.3)
    log_e, u, heat = edge_terms(T, np.array(0.0), np.array(2.0))
    assert np.exp(log_e) == pytest.approx(0.5 * np.sqrt(2 * np.pi * 0.3 / 2.0), rel=1e-14)
    assert (u, heat) == (pytest.approx(0.5), pytest.approx(0.5))
    log_e, u, heat = edge_terms(T, np.array(2.0), np.array(0.0))
    assert np.exp(log_e) == pytest.approx(0.3 / 2.0, rel=1e-14)
    assert (u, heat) == (1.0, 1.0)
    # padding contributes nothing
    assert edge_terms(T, np.array(np.nan), np.array(np.nan)) == (0.0, 0.0, 0.0)


def test_bound_minimum_carries_its_slope_and_curvature(double_well):
    lowest = double_well.global_minimum
    assert double_well.minima.x[lowest, 0] == pytest.approx(HIGH)
    slope = double_well.minima.bound_slope[lowest]
    curvature = double_well.minima.bound_curvature[lowest]
    np.testing.assert_allclose(slope[np.isfinite(slope)], [1.452], rtol=1e-8)
    np.testing.assert_allclose(curvature[np.isfinite(curvature)], [3.68], rtol=1e-4)
    n = double_well.n_params
    np.testing.assert_array_equal(double_well.minima.n_modes, [n - 1, n])
    np.testing.assert_array_equal(double_well.transition_states.n_modes, [n - 1])


@pytest.mark.parametrize("T", TEMPERATURES)
def test_occupation_matches_exact_basin_integrals(double_well, T):
    # The values: 0.00202, 0.0797 and 0.221 (the library gave 0.000115,
    # 0.00654 and 0.0247 without edge factors); here recomputed by quadrature.
    interior = 1 - double_well.global_minimum
    p = double_well.occupation_probabilities(T)[interior]
    exact = exact_interior_occupation(T, double_well.n_params)
    assert p == pytest.approx(exact, rel=0.01)
    assert exact == pytest.approx({0.05: 0.00202, 0.1: 0.0797, 0.15: 0.221}[T], rel=0.005)


def test_heat_capacity_is_minus_T_times_second_derivative_of_free_energy(double_well):
    for T in (0.02, 0.1, 0.4, 2.0):
        h = 1e-3 * T
        F = double_well.free_energy(np.array([T - 2 * h, T - h, T, T + h, T + 2 * h]))
        second = (-F[4] + 16 * F[3] - 30 * F[2] + 16 * F[1] - F[0]) / (12 * h * h)
        assert double_well.heat_capacity(T) == pytest.approx(-T * second, rel=1e-5)


def test_heat_capacity_matches_exact_fluctuation_formula_at_low_temperature(double_well):
    # C_V = Var(E) / T^2 over the exact Boltzmann distribution of f(x) (+ 1/2 for y)
    n = double_well.n_params

    def weight(x, k, T):
        return well_x(x) ** k * np.exp(-(well_x(x) - well_x(HIGH)) / T)

    for T in (0.01, 0.03):
        moments = [
            quad(weight, LOW, HIGH, args=(k, T), points=[-0.96], limit=200)[0] for k in range(3)
        ]
        variance = moments[2] / moments[0] - (moments[1] / moments[0]) ** 2
        exact = variance / T**2 + 0.5 * (n - 1)
        assert double_well.heat_capacity(T) == pytest.approx(exact, rel=0.03)


@pytest.mark.parametrize("T", TEMPERATURES)
def test_rate_out_of_the_bound_minimum_matches_exact_tst(double_well, T):
    """TST rate sqrt(T/2pi) exp(-E_b/T) / int_basin exp(-E/T), the y factors cancelling."""
    top = barrier_top()
    basin = quad(lambda x: np.exp(-(well_x(x) - well_x(top)) / T), top, HIGH)[0]
    exact = np.sqrt(T / (2 * np.pi)) / basin
    lowest = double_well.global_minimum
    k = double_well.rate(lowest, 1 - lowest, T)
    # One TS, two minima: the rate is the harmonic TST rate. Its error is the
    # anharmonicity of the bound basin, O(T). (Counting the held coordinate
    # as no mode at all, as before, gave exp(-E_b/T) / (2 pi) in 1-D, too
    # small by g sqrt(2 pi / T) = 16 at T = 0.05.)
    assert k == pytest.approx(exact, rel=0.5 * T)


def test_detailed_balance_with_bound_points(double_well):
    T = 0.1
    log_f, log_b = double_well._log_ts_rates(T, np.array([0]))
    a, b = double_well.transition_states.minima[0]
    log_p = double_well.occupation_probabilities(T, log=True)
    assert log_p[a] + log_f[0] == pytest.approx(log_p[b] + log_b[0], abs=1e-12)


def test_save_load_keeps_mode_columns(double_well, tmp_path):
    double_well.save(tmp_path / "well.npz")
    loaded = Landscape.load(tmp_path / "well.npz")
    for name in ("n_modes", "bound_slope", "bound_curvature", "bound_width", "pgorder"):
        np.testing.assert_array_equal(loaded.minima[name], double_well.minima[name])
        np.testing.assert_array_equal(
            loaded.transition_states[name], double_well.transition_states[name]
        )
    np.testing.assert_allclose(
        loaded.occupation_probabilities(0.1), double_well.occupation_probabilities(0.1)
    )


def test_warm_start_keeps_mode_columns(double_well):
    n = double_well.n_params
    bounds = [(LOW, HIGH)] + [(-2.0, 2.0)] * (n - 1)

    def fun(x):
        return float(well_x(x[0]) + np.sum(x[1:] ** 2))

    extended = explore(
        fun, bounds=bounds, n_hops=1, n_chains=1, random_state=1, landscape=double_well
    )
    np.testing.assert_allclose(
        extended.occupation_probabilities(0.1), double_well.occupation_probabilities(0.1)
    )


def test_pathsample_export_warns_that_mode_data_are_lost(double_well, tmp_path):
    with pytest.warns(UserWarning, match="cannot hold per-point mode counts"):
        double_well.to_pathsample(tmp_path)
    back = Landscape.from_pathsample(tmp_path)
    assert "bound_slope" not in back.minima
    np.testing.assert_allclose(back.minima.energy, double_well.minima.energy)


def test_uniform_modes_export_without_warning(tmp_path):
    import warnings

    ls = Landscape.from_arrays(
        [0.0, 1.0], [2.0], [[0, 1]], n_params=3, minima_n_modes=[2, 2], ts_n_modes=[1]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ls.to_pathsample(tmp_path)


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        ({"n_modes": [1.5, 2]}, "non-negative integers"),
        ({"pgorder": [0, 1]}, "positive integers"),
        ({"bound_slope": [[1.0], [np.nan]]}, "both bound_slope and bound_curvature"),
        (
            {"bound_slope": [[-1.0], [np.nan]], "bound_curvature": [[1.0], [np.nan]]},
            "non-negative",
        ),
        (
            {"bound_slope": [[1.0], [np.nan]], "bound_curvature": [[np.nan], [np.nan]]},
            "NaN exactly",
        ),
        ({"bound_slope": [[0.0], [np.nan]], "bound_curvature": [[0.0], [np.nan]]}, "diverges"),
    ],
)
def test_bad_mode_columns_raise(columns, message):
    minima = {"energy": [0.0, 1.0], "log_hessian_product": [0.0, 0.0], "x": np.empty((2, 0))}
    states = {
        "energy": [2.0],
        "minima": [[0, 1]],
        "log_hessian_product": [0.0],
        "x": np.empty((1, 0)),
    }
    with pytest.raises(ValueError, match=message):
        Landscape({**minima, **columns}, states, 1)


def test_symmetry_orders_divide_the_weights():
    # two minima of equal energy and volume: orders 1 and 2 give weights 2 : 1
    ls = Landscape.from_arrays([0.0, 0.0], [1.0], [[0, 1]], minima_symmetry_order=[1, 2])
    np.testing.assert_allclose(ls.occupation_probabilities(0.7), [2 / 3, 1 / 3], rtol=1e-14)


def test_peak_refinement_with_unequal_modes_and_edges_matches_bounded_maximisation():
    """dC/dT carries 2 T^2 Cov(U, C_a) when the minima differ in modes or edges."""
    from scipy.optimize import minimize_scalar

    ls = Landscape(
        {
            "energy": [0.0, 0.3, 0.5],
            "log_hessian_product": [1.0, -1.0, 0.5],
            "x": np.empty((3, 0)),
            "n_modes": [3, 2, 3],
            "bound_slope": [[np.nan], [0.4], [np.nan]],
            "bound_curvature": [[np.nan], [2.0], [np.nan]],
        },
        {
            "energy": [1.0, 1.2],
            "minima": [[0, 1], [1, 2]],
            "log_hessian_product": [0.0, 0.0],
            "x": np.empty((2, 0)),
        },
        3,
    )
    (peak,) = ls.heat_capacity_peaks()

    def configurational(t):
        _, c_plus, c_minus = ls.heat_capacity(t, split=True)
        return -(c_plus + c_minus)

    result = minimize_scalar(
        configurational,
        bounds=(0.5 * peak.temperature, 2 * peak.temperature),
        method="bounded",
        options={"xatol": 1e-12},
    )
    assert peak.temperature == pytest.approx(result.x, rel=1e-6)
