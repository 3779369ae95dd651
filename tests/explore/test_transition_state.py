"""Tests of eigenvector following, pushoff and connection attempts."""

import numpy as np
import pytest
from scipy.optimize import minimize

from sklandscape._explore import Objective, _transition_state
from sklandscape._explore._minimize import minimize_and_verify, verify_stationary_point
from sklandscape._explore._objective import FunctionObjective
from sklandscape._explore._transition_state import (
    Connection,
    find_connections,
    hybrid_eigenvector_following,
    pushoff,
)
from sklandscape.surfaces import MullerBrown, SeparableEggCrate, TwoGaussians

E = np.e


class GaussiansInValley(Objective):
    """``-exp(-|x+e1|^2) - exp(-|x-e1|^2) + sum_i c_i x_i^2`` in ``n`` dimensions.

    With ``c_0 = 0`` the origin is a saddle of energy ``-2/e`` and Hessian
    ``diag(-4/e, 4/e + 2 c_1, ..., 4/e + 2 c_{n-1})`` (computed by hand:
    each Gaussian contributes ``e^-1 (2 I - 4 e1 e1^T)`` at the origin).
    """

    def __init__(self, curvatures):
        super().__init__(len(curvatures))
        self.curvatures = np.asarray(curvatures, dtype=float)
        self.e1 = np.eye(self.n_params)[0]

    def value_and_grad(self, x):
        energy, grad = float(np.sum(self.curvatures * x**2)), 2 * self.curvatures * x
        for centre in (-self.e1, self.e1):
            weight = np.exp(-np.sum((x - centre) ** 2))
            energy -= weight
            grad = grad + 2 * weight * (x - centre)
        return energy, grad

    def hessian(self, x):
        hess = np.diag(2 * self.curvatures)
        for centre in (-self.e1, self.e1):
            d = x - centre
            hess = hess + np.exp(-d @ d) * (2 * np.eye(self.n_params) - 4 * np.outer(d, d))
        return hess


class TwoWells(Objective):
    """``min((x-m1)^T A (x-m1), (x-m2)^T B (x-m2))``: non-smooth on the seam where they meet."""

    smooth = False

    def __init__(self, m1, m2, a=None, b=None):
        super().__init__(2)
        self.m1, self.m2 = np.asarray(m1, float), np.asarray(m2, float)
        self.a = np.eye(2) if a is None else np.asarray(a, float)
        self.b = np.eye(2) if b is None else np.asarray(b, float)

    def wells(self, x):
        d1, d2 = x - self.m1, x - self.m2
        return d1 @ self.a @ d1, d2 @ self.b @ d2

    def value_and_grad(self, x):
        first, second = self.wells(x)
        if first <= second:
            return first, 2 * self.a @ (x - self.m1)
        return second, 2 * self.b @ (x - self.m2)

    def hessian(self, x):
        first, second = self.wells(x)
        return 2 * (self.a if first <= second else self.b)


class Flat(Objective):
    def value_and_grad(self, x):
        return 1.0, np.zeros_like(x)


def _minimum(objective, guess):
    result = minimize_and_verify(objective, np.asarray(guess, dtype=float))
    assert result is not None
    return result


# --------------------------------------------------------------------- HEF
def test_hef_converges_from_a_perturbed_guess_to_the_two_gaussian_saddle():
    objective = TwoGaussians()
    result = hybrid_eigenvector_following(objective, np.array([0.3, -0.2]), max_step=0.2)
    assert result.converged
    np.testing.assert_allclose(result.x, 0.0, atol=1e-6)
    assert result.energy == pytest.approx(-2 / E, abs=1e-10)
    assert result.eigenvalue == pytest.approx(-4 / E, rel=1e-6)


@pytest.mark.parametrize("saddle", [(0.212487, 0.292988), (-0.822002, 0.624313)])
def test_hef_converges_to_the_muller_brown_saddles(saddle):
    objective = MullerBrown()
    rng = np.random.default_rng(0)
    start = np.asarray(saddle) + rng.uniform(-0.04, 0.04, size=2)
    result = hybrid_eigenvector_following(objective, start, max_step=0.1)
    assert result.converged
    point = verify_stationary_point(objective, result.x, index=1)
    assert point is not None
    # Gradient of an independent evaluation; saddle coordinates and energy
    # as published (Müller & Brown 1979; doc/developers/reference_values.rst).
    assert np.max(np.abs(objective.gradient(result.x))) < 1e-5
    np.testing.assert_allclose(result.x, saddle, atol=1e-5)
    expected_energy = -72.25 if saddle[0] > 0 else -40.66
    assert result.energy == pytest.approx(expected_energy, abs=0.01)


def test_hybrid_path_with_rayleigh_ritz_matches_the_analytic_saddle():
    curvatures = np.array([0.0, 0.3, 0.1, 1.0, 0.5, 2.0, 0.05, 0.7])
    objective = GaussiansInValley(curvatures)
    rng = np.random.default_rng(1)
    start = rng.uniform(-0.15, 0.15, size=objective.n_params)
    result = hybrid_eigenvector_following(
        objective, start, max_step=0.2, rng=rng, exact_max_params=0, max_iterations=200
    )
    assert result.converged
    assert result.hessian is None  # no Hessian formed on the hybrid path
    np.testing.assert_allclose(result.x, 0.0, atol=1e-5)
    assert result.energy == pytest.approx(-2 / E, abs=1e-9)
    assert result.eigenvalue == pytest.approx(-4 / E, rel=1e-4)


def test_hybrid_path_uses_the_objectives_exact_hessian_vector_product():
    """With an exact product (here the analytic Hessian times v) no gradient is differenced."""
    curvatures = np.array([0.0, 0.3, 0.1, 1.0, 0.5, 2.0, 0.05, 0.7])

    class ExactProducts(GaussiansInValley):
        n_products = 0

        def hessian_vector_product(self, x, vectors):
            type(self).n_products += 1
            return np.asarray(vectors) @ self.hessian(x)

        def gradient(self, x):  # central differences would call this
            raise AssertionError("the exact product was not used")

    objective = ExactProducts(curvatures)
    rng = np.random.default_rng(1)
    start = rng.uniform(-0.15, 0.15, size=objective.n_params)
    result = hybrid_eigenvector_following(
        objective, start, max_step=0.2, rng=rng, exact_max_params=0, max_iterations=200
    )
    assert result.converged and ExactProducts.n_products > 0
    np.testing.assert_allclose(result.x, 0.0, atol=1e-5)
    assert result.eigenvalue == pytest.approx(-4 / E, rel=1e-4)


def test_hef_ignores_declared_zero_modes():
    # E(x, y, z) = two Gaussians in (x, y), exactly flat in z: one zero mode.
    class FlatThirdAxis(Objective):
        n_zero_modes = 1

        def __init__(self):
            super().__init__(3)
            self.inner = TwoGaussians()

        def value_and_grad(self, x):
            energy, grad = self.inner.value_and_grad(x[:2])
            return energy, np.append(grad, 0.0)

        def hessian(self, x):
            hess = np.zeros((3, 3))
            hess[:2, :2] = self.inner.hessian(x[:2])
            return hess

    objective = FlatThirdAxis()
    # Far from the saddle both Hessian eigenvalues in (x, y) are positive,
    # so the lowest eigenvalue overall belongs to the flat axis.
    start = np.array([0.45, 0.3, 5.0])
    for exact_max_params in (200, 0):  # exact and Rayleigh-Ritz paths
        result = hybrid_eigenvector_following(
            objective, start, max_step=0.2, rng=0, exact_max_params=exact_max_params
        )
        assert result.converged
        np.testing.assert_allclose(result.x[:2], 0.0, atol=1e-6)
        assert result.x[2] == pytest.approx(5.0)
        assert result.eigenvalue == pytest.approx(-4 / E, rel=1e-4)
        assert verify_stationary_point(objective, result.x, index=1) is not None


# ------------------------------------------------------------------ pushoff
def _two_double_wells(exact_max_params):
    """``E = f(x) + 2 f(y)``, ``f(t) = t^4 / 4 - t^2 / 2``: wells at ``t = +-1``, a top at 0.

    The origin is an index-two saddle (Hessian ``diag(-1, -2)``); ``(+-1, 0)`` are
    index-one saddles (``diag(2, -2)``), ``(0, +-1)`` too (``diag(-1, 4)``).
    """

    def fun(x):
        energy = x[0] ** 4 / 4 - x[0] ** 2 / 2 + 2 * (x[1] ** 4 / 4 - x[1] ** 2 / 2)
        return energy, np.array([x[0] ** 3 - x[0], 2 * (x[1] ** 3 - x[1])])

    def hess(x):
        return np.diag([3 * x[0] ** 2 - 1, 2 * (3 * x[1] ** 2 - 1)])

    objective = FunctionObjective(fun, 2, jac=True, hess=hess)
    objective.exact_hessian_max_params = exact_max_params
    return objective


def test_a_search_ended_at_an_index_two_saddle_is_run_again_beside_it():
    """Hybrid path from the index-two top: the first search stops there (zero gradient).

    The restart steps along the second-lowest mode (x, eigenvalue -1) in the direction
    of the chord, and the search then follows y uphill while it minimises x: the
    index-one saddle (1, 0), with eigenvalues -2 and 2.
    """
    objective = _two_double_wells(exact_max_params=0)
    chord = np.array([1.0, 0.3])
    search, point = _transition_state._index_one_saddle(
        objective, np.zeros(2), chord, 1.0, np.random.default_rng(0)
    )
    np.testing.assert_allclose(search.x, [1.0, 0.0], atol=1e-6)
    np.testing.assert_allclose(np.sort(point.eigenvalues), [-2.0, 2.0], atol=1e-5)
    # the chord decides the side: (-1, 0) from the mirrored chord
    search, _ = _transition_state._index_one_saddle(
        objective, np.zeros(2), -chord, 1.0, np.random.default_rng(0)
    )
    np.testing.assert_allclose(search.x, [-1.0, 0.0], atol=1e-6)


def test_no_restart_without_one_to_make():
    """No restart on the exact path, nor when no restart is allowed: the top is dropped."""
    chord = np.array([1.0, 0.3])
    exact = _two_double_wells(exact_max_params=200)
    assert _transition_state._index_one_saddle(
        exact, np.zeros(2), chord, 1.0, np.random.default_rng(0)
    ) == (None, None)


def test_no_restart_when_none_is_allowed(monkeypatch):
    monkeypatch.setattr(_transition_state, "HIGHER_INDEX_RESTARTS", 0)
    hybrid = _two_double_wells(exact_max_params=0)
    assert _transition_state._index_one_saddle(
        hybrid, np.zeros(2), np.array([1.0, 0.3]), 1.0, np.random.default_rng(0)
    ) == (None, None)


def test_pushoff_reaches_both_minima_of_the_two_gaussians():
    objective = TwoGaussians()
    plus, minus = pushoff(objective, np.zeros(2), -2 / E, np.array([1.0, 0.0]), 0.01)
    # Minima on the x axis at the root of d/dx: x = +-x* with
    # (x - 1) exp(-(x-1)^2) + (x + 1) exp(-(x+1)^2) = 0 (scipy, a second method).
    root = minimize(lambda v: objective.value([v[0], 0.0]), [0.9]).x[0]
    np.testing.assert_allclose(plus.x, [root, 0.0], atol=1e-5)
    np.testing.assert_allclose(minus.x, [-root, 0.0], atol=1e-5)


def test_pushoff_descents_are_capped_in_evaluations(monkeypatch):
    """Each side's step-limited descent stops after PUSHOFF_DESCENT_EVALUATIONS (plus one
    step's halvings), and the objective's minimiser still finishes it at the analytic minimum."""
    from sklandscape._explore import _optimizer

    spent = []
    descent = _optimizer.capped_descent

    def recording(*args, **kwargs):
        result = descent(*args, **kwargs)
        spent.append((kwargs.get("max_evaluations"), result.n_evaluations))
        return result

    monkeypatch.setattr(_transition_state, "capped_descent", recording)
    monkeypatch.setattr(_transition_state, "PUSHOFF_DESCENT_EVALUATIONS", 3)
    objective = TwoGaussians()
    plus, minus = pushoff(objective, np.zeros(2), -2 / E, np.array([1.0, 0.0]), 0.01)
    assert spent and all(cap == 3 for cap, _ in spent)
    assert all(n <= 3 + _optimizer.LBFGS_MAX_HALVINGS for _, n in spent)
    root = minimize(lambda v: objective.value([v[0], 0.0]), [0.9]).x[0]
    np.testing.assert_allclose(plus.x, [root, 0.0], atol=1e-5)
    np.testing.assert_allclose(minus.x, [-root, 0.0], atol=1e-5)


# -------------------------------------------------------------- connections
def test_two_gaussian_connection_matches_the_analytic_saddle():
    objective = TwoGaussians()
    a = _minimum(objective, [-1.0, 0.2])
    b = _minimum(objective, [1.0, -0.2])
    [connection] = find_connections(objective, a.x, b.x, np.random.default_rng(0))
    assert isinstance(connection, Connection)
    np.testing.assert_allclose(connection.ts_x, 0.0, atol=1e-6)
    assert connection.ts_energy == pytest.approx(-2 / E, abs=1e-10)
    # Hessian at the origin, by hand: diag(-4/e, 4/e).
    assert connection.ts_negative_eigenvalue == pytest.approx(-4 / E, rel=1e-6)
    assert connection.ts_log_hessian_product == pytest.approx(np.log(4 / E), rel=1e-6)
    # The plus side points from x_a towards x_b.
    np.testing.assert_allclose(connection.minimum_plus.x, b.x, atol=1e-5)
    np.testing.assert_allclose(connection.minimum_minus.x, a.x, atol=1e-5)


@pytest.mark.parametrize("exact_max, path", [(0, "_hef_hybrid"), (200, "_hef_exact")])
def test_connection_uses_the_objectives_exact_hessian_threshold(exact_max, path, monkeypatch):
    """``Objective.exact_hessian_max_params`` picks the eigenvector-following path.

    Both paths reach the analytic saddle of the valley (origin, ``-2/e``,
    negative eigenvalue ``-4/e``).
    """
    from sklandscape._explore import _transition_state

    used = []
    for name in ("_hef_exact", "_hef_hybrid"):
        original = getattr(_transition_state, name)

        def recorded(*args, _name=name, _original=original):
            used.append(_name)
            return _original(*args)

        monkeypatch.setattr(_transition_state, name, recorded)

    class Threshold(GaussiansInValley):
        exact_hessian_max_params = exact_max

    objective = Threshold([0.0, 0.3, 0.5])
    a = _minimum(objective, [-1.0, 0.1, 0.0])
    b = _minimum(objective, [1.0, -0.1, 0.0])
    [connection] = find_connections(objective, a.x, b.x, np.random.default_rng(0))
    assert set(used) == {path}
    np.testing.assert_allclose(connection.ts_x, 0.0, atol=1e-6)
    assert connection.ts_energy == pytest.approx(-2 / E, abs=1e-10)
    assert connection.ts_negative_eigenvalue == pytest.approx(-4 / E, rel=1e-6)


def test_muller_brown_connection_finds_both_published_saddles():
    objective = MullerBrown()
    deepest = _minimum(objective, [-0.558, 1.442])  # E = -146.70
    middle = _minimum(objective, [0.623, 0.028])  # E = -108.17
    # The band between the two deepest minima passes the third (E = -80.77),
    # so it crosses both transition states.
    connections = find_connections(objective, deepest.x, middle.x, np.random.default_rng(0))
    assert len(connections) == 2
    found = {
        round(c.ts_energy, 2): sorted(
            round(m.energy, 2) for m in (c.minimum_plus, c.minimum_minus)
        )
        for c in connections
    }
    assert found == {-40.66: [-146.7, -80.77], -72.25: [-108.17, -80.77]}
    assert [c.ts_energy for c in connections] == sorted(
        (c.ts_energy for c in connections), reverse=True
    )
    for connection in connections:
        assert connection.ts_negative_eigenvalue < 0
        point = verify_stationary_point(objective, connection.ts_x, index=1)
        assert connection.ts_log_hessian_product == pytest.approx(point.log_hessian_product)


def test_connections_are_reproducible_for_a_seed():
    objective = MullerBrown()
    a = _minimum(objective, [-0.558, 1.442]).x
    b = _minimum(objective, [-0.050, 0.467]).x
    first = find_connections(objective, a, b, 7)
    second = find_connections(objective, a, b, 7)
    assert len(first) == len(second) == 1
    np.testing.assert_array_equal(first[0].ts_x, second[0].ts_x)


def test_coincident_minima_need_no_search():
    objective = TwoGaussians()
    a = _minimum(objective, [-1.0, 0.0]).x
    assert find_connections(objective, a, a.copy(), 0) == []


@pytest.mark.filterwarnings("error")
def test_flat_surface_gives_no_connection_and_no_nan():
    objective = Flat(2)
    assert find_connections(objective, np.zeros(2), np.ones(2), 0) == []


def test_non_finite_energy_drops_the_attempt():
    class Cliff(Objective):
        def value_and_grad(self, x):
            if abs(x[0]) < 0.3:
                return np.nan, np.full(2, np.nan)
            return TwoGaussians().value_and_grad(x)

    objective = Cliff(2)
    assert find_connections(objective, np.array([-0.9, 0.0]), np.array([0.9, 0.0]), 0) == []


# --------------------------------------------------------------- non-smooth
def test_non_smooth_transition_state_sits_on_the_kink():
    # E = min((x+1)^2 + y^2, (x-1)^2 + y^2): kink along x = 0, lowest at the
    # origin with E = 1; the Hessian 2 I projected off the tangent e1 leaves
    # one positive eigenvalue, 2.
    objective = TwoWells([-1.0, 0.0], [1.0, 0.0])
    a = _minimum(objective, [-0.9, 0.1])
    b = _minimum(objective, [0.9, -0.1])
    [connection] = find_connections(objective, a.x, b.x, 0)
    np.testing.assert_allclose(connection.ts_x, 0.0, atol=1e-5)
    assert connection.ts_energy == pytest.approx(1.0, abs=1e-5)
    assert np.isnan(connection.ts_negative_eigenvalue)
    assert connection.ts_log_hessian_product == pytest.approx(np.log(2.0))
    np.testing.assert_allclose(connection.minimum_plus.x, [1.0, 0.0], atol=1e-6)
    np.testing.assert_allclose(connection.minimum_minus.x, [-1.0, 0.0], atol=1e-6)


@pytest.mark.parametrize(
    ("a", "b"),
    [([[1, 0.5], [0.5, 1]], [[1, -0.5], [-0.5, 1]]), ([[1, 0.8], [0.8, 1]], [[2, 0], [0, 0.5]])],
)
def test_non_smooth_transition_state_is_the_lowest_point_of_a_curved_seam(a, b):
    # Anisotropic wells meet on a curved seam that the straight segment
    # between the minima crosses well above the seam's lowest point, so the
    # band has to bend to find it.
    objective = TwoWells([-1.0, 0.0], [1.0, 0.0], a, b)
    x_a, x_b = objective.m1, objective.m2
    [connection] = find_connections(objective, x_a, x_b, 0)

    # Second method: the lowest point of the seam by constrained minimisation.
    def seam(x):
        first, second = objective.wells(x)
        return first - second

    lowest = min(
        (
            minimize(
                lambda x: objective.wells(x)[0],
                start,
                constraints=[{"type": "eq", "fun": seam}],
                method="SLSQP",
                options={"ftol": 1e-14},
            )
            for start in ([0.0, 0.5], [0.0, -0.5])
        ),
        key=lambda result: result.fun,
    )
    t = objective.segment_maximum(x_a, x_b)
    straight = objective.value(x_a + t * (x_b - x_a))
    assert straight > lowest.fun + 0.2
    # The TS is the highest point of a continuous path, on the seam: never
    # below the seam's lowest point, and within the band's O(spacing^2)
    # resolution of it (10 images: spacing ~0.2, curvature ~2), far below
    # the straight segment's crossing.
    assert abs(seam(connection.ts_x)) < 1e-5
    assert lowest.fun - 1e-9 <= connection.ts_energy < lowest.fun + 0.01
    # (An energy error e along a seam of curvature ~1 allows a shift ~sqrt(2 e).)
    np.testing.assert_allclose(connection.ts_x, lowest.x, atol=0.1)
    # A finer band resolves the corner better.
    [finer] = find_connections(objective, x_a, x_b, 0, n_images=20)
    assert lowest.fun - 1e-9 <= finer.ts_energy < connection.ts_energy
    assert np.isnan(connection.ts_negative_eigenvalue)


def test_non_smooth_transition_state_volume_is_taken_within_the_seam():
    """Equal anisotropic wells A = diag(1, 6) at m1 = (-1, -0.6), m2 = (1, 0.6): the seam is
    the line with normal n = A (m2 - m1), and the curvature within it is 2 u^T A u,
    u perpendicular to n. The band's top segment points elsewhere (the straight band
    along m2 - m1 would give 2 u_t^T A u_t, nearly four times larger)."""
    matrix = np.diag([1.0, 6.0])
    objective = TwoWells([-1.0, -0.6], [1.0, 0.6], matrix, matrix)
    [connection] = find_connections(objective, objective.m1, objective.m2, 0)
    normal = matrix @ (objective.m2 - objective.m1)
    u = np.array([normal[1], -normal[0]]) / np.linalg.norm(normal)
    assert connection.ts_log_hessian_product == pytest.approx(np.log(2 * u @ matrix @ u), 1e-10)
    chord = (objective.m2 - objective.m1) / np.linalg.norm(objective.m2 - objective.m1)
    u_chord = np.array([chord[1], -chord[0]])
    assert np.log(2 * u_chord @ matrix @ u_chord) > connection.ts_log_hessian_product + 1.0


# ------------------------------------------------------------ periodic wells
def _one_dimensional_stationary_points(surface):
    """Roots of g' on the box by bracketing (a second method), split by g''."""
    from scipy.optimize import brentq

    low, high = surface.bounds[0]
    grid = np.linspace(low, high, 4001)
    slope = surface.one_dimensional(grid, 1)
    roots = [
        brentq(lambda t: surface.one_dimensional(t, 1), grid[k], grid[k + 1], xtol=1e-14)
        for k in range(grid.size - 1)
        if slope[k] * slope[k + 1] < 0
    ]
    minima = [r for r in roots if surface.one_dimensional(r, 2) > 0]
    maxima = [r for r in roots if surface.one_dimensional(r, 2) < 0]
    return np.array(minima), np.array(maxima)


def test_pushoff_stays_in_the_neighbouring_wells_of_an_egg_crate():
    # Wells one unit apart: a minimiser taking a unit first step from near
    # the saddle would land a well further on. The pushoff must reach the two
    # wells adjacent to the saddle (m, M_j): (m, m_j) and (m, m_{j+1}).
    surface = SeparableEggCrate()
    minima, maxima = _one_dimensional_stationary_points(surface)
    assert len(minima) == 7 and len(maxima) == 6
    for j in range(6):
        saddle = np.array([minima[3], maxima[j]])
        energy = surface.value(saddle)
        plus, minus = pushoff(surface, saddle, energy, np.array([0.0, 1.0]), 0.01, max_step=0.1)
        np.testing.assert_allclose(plus.x, [minima[3], minima[j + 1]], atol=1e-6)
        np.testing.assert_allclose(minus.x, [minima[3], minima[j]], atol=1e-6)


def test_egg_crate_neighbours_connect_through_the_analytic_saddle():
    surface = SeparableEggCrate()
    minima, maxima = _one_dimensional_stationary_points(surface)
    for i, j in [(0, 0), (2, 4), (6, 5)]:
        a = np.array([minima[i], minima[j]])
        b = np.array([minima[i], minima[j + 1]])
        [connection] = find_connections(surface, a, b, np.random.default_rng(i))
        np.testing.assert_allclose(connection.ts_x, [minima[i], maxima[j]], atol=1e-6)
        # Hessian diag(g''(m_i), g''(M_j)): one negative eigenvalue.
        assert connection.ts_negative_eigenvalue == pytest.approx(
            surface.one_dimensional(maxima[j], 2), rel=1e-6
        )
        assert connection.ts_log_hessian_product == pytest.approx(
            np.log(surface.one_dimensional(minima[i], 2)), rel=1e-6
        )


def test_the_iteration_cap_applies_to_the_hybrid_path_only(monkeypatch):
    """From (0.4, 0.2) eigenvector following needs several steps to an analytic saddle.

    With ``HYBRID_MAX_ITERATIONS = 1`` the hybrid search gives up; the exact path, which
    keeps its own cap, still reaches the saddle.
    """
    saddles = np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0], [0.0, -1.0]])
    start, chord = np.array([0.4, 0.2]), np.array([1.0, 0.3])
    for exact_max_params in (0, 200):
        search, point = _transition_state._index_one_saddle(
            _two_double_wells(exact_max_params), start, chord, 0.5, np.random.default_rng(0)
        )
        assert point.index == 1 and search.n_iterations > 1
        assert np.min(np.linalg.norm(saddles - search.x, axis=1)) < 1e-6
    monkeypatch.setattr(_transition_state, "HYBRID_MAX_ITERATIONS", 1)
    assert _transition_state._index_one_saddle(
        _two_double_wells(0), start, chord, 0.5, np.random.default_rng(0)
    ) == (None, None)
    search, _ = _transition_state._index_one_saddle(
        _two_double_wells(200), start, chord, 0.5, np.random.default_rng(0)
    )
    assert np.min(np.linalg.norm(saddles - search.x, axis=1)) < 1e-6
