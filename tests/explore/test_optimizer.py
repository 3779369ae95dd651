"""Tests of the engine's optimisers (sklandscape._explore._optimizer)."""

import numpy as np
import pytest

from sklandscape._explore._objective import FunctionObjective
from sklandscape._explore._optimizer import (
    FIRE_ALPHA_START,
    FIRE_DT_SHRINK,
    FIRE_DT_START,
    LBFGS_MAX_HALVINGS,
    TRUST_GROW,
    TRUST_MAX_FACTOR,
    TRUST_SHRINK,
    FIREStepper,
    LBFGSMemory,
    NonFiniteEnergyError,
    TrustRadius,
    capped_descent,
    checked_value_and_grad,
    checked_values_and_grads,
    newton_polish,
    newton_solver,
    newton_step,
)
from sklandscape.surfaces import MullerBrown


def _quadratic(hessian, centre):
    """``E = (x - c) H (x - c) / 2`` with its gradient and Hessian."""
    hessian = np.asarray(hessian, dtype=float)

    def fun(x):
        d = x - centre
        return 0.5 * float(d @ hessian @ d), hessian @ d

    return FunctionObjective(fun, len(centre), jac=True, hess=lambda x: hessian)


# --------------------------------------------------------------------- L-BFGS
def _explicit_inverse_bfgs(pairs, gamma, n):
    """The inverse BFGS matrix built explicitly (Nocedal & Wright, eq. 6.17) from the pairs."""
    inverse = gamma * np.eye(n)
    for s, y in pairs:
        rho = 1.0 / (s @ y)
        left = np.eye(n) - rho * np.outer(s, y)
        inverse = left @ inverse @ left.T + rho * np.outer(s, s)
    return inverse


def test_two_loop_direction_equals_the_explicit_inverse_bfgs_matrix():
    rng = np.random.default_rng(0)
    n, size = 6, 4
    matrix = rng.standard_normal((n, n))
    hessian = matrix @ matrix.T + np.eye(n)
    memory = LBFGSMemory(size, initial_scale=1.0)
    pairs = []
    for _ in range(7):  # more pairs than the memory keeps: only the newest 4 count
        s = rng.standard_normal(n)
        y = hessian @ s + 0.1 * rng.standard_normal(n)
        if memory.update(s, y):
            pairs.append((s, y))
    kept = pairs[-size:]
    s_new, y_new = kept[-1]
    inverse = _explicit_inverse_bfgs(kept, (s_new @ y_new) / (y_new @ y_new), n)
    grad = rng.standard_normal(n)
    np.testing.assert_allclose(memory.direction(grad), -inverse @ grad, rtol=1e-10)


def test_lbfgs_satisfies_the_secant_equation():
    rng = np.random.default_rng(3)
    memory = LBFGSMemory(4, initial_scale=1.0)
    matrix = rng.standard_normal((5, 5))
    hessian = matrix @ matrix.T + 5 * np.eye(5)
    for _ in range(3):
        s = rng.standard_normal(5)
        y = hessian @ s
        memory.update(s, y)
    # The inverse-Hessian estimate maps the newest y onto the newest s.
    np.testing.assert_allclose(memory.direction(y), -s, rtol=1e-10)


def test_lbfgs_recovers_the_newton_step_on_a_quadratic():
    hessian = np.diag([1.0, 4.0, 9.0])
    memory = LBFGSMemory(3, initial_scale=1.0)
    for s in np.eye(3):  # conjugate directions of a diagonal Hessian
        memory.update(s, hessian @ s)
    grad = np.array([1.0, -2.0, 3.0])
    np.testing.assert_allclose(memory.direction(grad), -np.linalg.solve(hessian, grad))


def test_lbfgs_skips_pairs_without_positive_curvature():
    memory = LBFGSMemory(3, initial_scale=0.5)
    assert not memory.update(np.array([1.0, 0.0]), np.array([-1.0, 0.0]))
    # orthogonal s and y: zero curvature, also skipped
    assert not memory.update(np.array([1.0, 0.0]), np.array([0.0, 1.0]))
    assert len(memory) == 0
    np.testing.assert_allclose(memory.direction(np.array([2.0, 4.0])), [-1.0, -2.0])


# ------------------------------------------------------------- capped descent
@pytest.mark.parametrize("restart_length", ["gradient", "cap"])
def test_capped_descent_never_steps_beyond_the_cap(restart_length):
    surface = MullerBrown()
    visited = []

    class Recording(MullerBrown):
        def value_and_grad(self, x):
            visited.append(np.array(x))
            return surface.value_and_grad(x)

    objective = Recording()
    x = np.array([-0.2, 0.9])
    energy, grad = checked_value_and_grad(objective, x)
    visited.clear()
    max_step = 0.02
    result = capped_descent(
        objective,
        x,
        energy,
        grad,
        max_step=max_step,
        max_iterations=500,
        gtol=1e-6,
        restart_length=restart_length,
    )
    # Every trial lies within max_step of the last accepted point, accepted
    # meaning the documented Armijo test (c_1 = 1e-4) passed.
    assert result.converged
    assert len(visited) == result.n_evaluations
    accepted = x
    for trial in visited:
        assert np.linalg.norm(trial - accepted) <= max_step * (1 + 1e-12)
        energy, grad = surface.value_and_grad(accepted)
        if surface.value(trial) <= energy + 1e-4 * grad @ (trial - accepted) + 1e-14 * abs(energy):
            accepted = trial
    np.testing.assert_array_equal(accepted, result.x)
    # It reached the minimum of the basin it started in (Muller & Brown 1979:
    # the minimum at about (-0.050, 0.467), energy -80.77).
    np.testing.assert_allclose(result.x, [-0.050011, 0.466694], atol=1e-5)
    assert surface.value(result.x) == pytest.approx(-80.767818, abs=1e-5)


def test_capped_descent_finds_the_minimum_of_an_ill_conditioned_quadratic():
    objective = _quadratic(np.diag([1.0, 100.0]), np.zeros(2))
    x = np.array([3.0, 1.0])
    energy, grad = objective.value_and_grad(x)
    result = capped_descent(
        objective, x, energy, grad, max_step=0.5, max_iterations=200, gtol=1e-9
    )
    assert result.converged
    np.testing.assert_allclose(result.x, 0.0, atol=1e-8)


def test_capped_descent_moves_only_in_the_projected_subspace():
    """Minimising orthogonal to e_0 leaves x_0 alone and finds the minimum in the rest."""
    objective = _quadratic(np.diag([1.0, 2.0, 3.0]), np.array([5.0, 1.0, -1.0]))
    axis = np.array([1.0, 0.0, 0.0])

    def subspace(point, gradient):
        return lambda vector: vector - (vector @ axis) * axis

    x = np.zeros(3)
    energy, grad = objective.value_and_grad(x)
    result = capped_descent(
        objective, x, energy, grad, max_step=0.3, max_iterations=200, gtol=1e-9, subspace=subspace
    )
    np.testing.assert_allclose(result.x, [0.0, 1.0, -1.0], atol=1e-8)


def test_capped_descent_stops_without_a_descent_direction():
    """A gradient of the wrong sign: no steepest-descent step lowers E = x^2, none is taken."""
    objective = FunctionObjective(lambda x: (float(x @ x), -2 * x), 2, jac=True)
    x = np.array([1.0, 0.5])
    energy, grad = objective.value_and_grad(x)
    result = capped_descent(objective, x, energy, grad, max_step=1.0, max_iterations=10, gtol=0.0)
    assert not result.converged
    assert result.message == "no decrease along the steepest-descent direction"
    assert result.n_evaluations == LBFGS_MAX_HALVINGS
    np.testing.assert_array_equal(result.x, x)


def test_checked_evaluation_refuses_nan():
    objective = FunctionObjective(lambda x: (np.nan, x), 1, jac=True)
    with pytest.raises(NonFiniteEnergyError):
        checked_value_and_grad(objective, np.zeros(1))
    objective = FunctionObjective(lambda x: (0.0, np.array([np.inf])), 1, jac=True)
    with pytest.raises(NonFiniteEnergyError):
        checked_value_and_grad(objective, np.zeros(1))


def test_checked_batch_evaluation_matches_rows_and_refuses_nan():
    """Objective.values_and_grads evaluates every row; a non-finite row is refused."""
    surface = MullerBrown()
    points = np.array([[-0.5, 1.4], [0.6, 0.0], [-0.05, 0.47]])
    energies, gradients = checked_values_and_grads(surface, points)
    for point, energy, grad in zip(points, energies, gradients, strict=True):
        assert energy == surface.value_and_grad(point)[0]
        np.testing.assert_array_equal(grad, surface.value_and_grad(point)[1])
    objective = FunctionObjective(lambda x: (1.0 / x[0], -1.0 / x[:1] ** 2), 1, jac=True)
    with pytest.raises(NonFiniteEnergyError, match=r"\[0\.\]"):
        with np.errstate(divide="ignore"):
            checked_values_and_grads(objective, np.array([[1.0], [0.0]]))


# --------------------------------------------------------------------- Newton
def test_newton_step_handles_zero_modes_and_negative_curvature():
    """Both step rules against a hand-built Hessian: known eigenvectors and eigenvalues."""
    rng = np.random.default_rng(21)
    vectors, _ = np.linalg.qr(rng.normal(size=(5, 5)))
    grad = vectors @ np.array([0.0, 1.0, -2.0, 3.0, 0.5])  # nothing along the zero mode
    for eigenvalues in ([0.0, 1.0, 2.0, 4.0, 5.0], [0.0, -1.0, 2.0, 4.0, 5.0]):
        hessian = vectors @ np.diag(eigenvalues) @ vectors.T
        expected = -vectors[:, 1:] @ ((vectors[:, 1:].T @ grad) / np.abs(eigenvalues[1:]))
        for zero_modes in (vectors[:, :1].T, None):
            np.testing.assert_allclose(
                newton_step(hessian, grad, zero_modes), expected, atol=1e-12
            )
        # above saddle_free_max_params, an indefinite Hessian with known zero modes gives no
        # step (back to quasi-Newton); a positive definite one still the Newton step
        capped = newton_step(hessian, grad, vectors[:, :1].T, saddle_free_max_params=4)
        if min(eigenvalues[1:]) > 0:
            np.testing.assert_allclose(capped, expected, atol=1e-12)
        else:
            assert capped is None


def test_newton_step_without_zero_modes_is_the_exact_newton_step():
    hessian = np.array([[4.0, 1.0], [1.0, 3.0]])
    grad = np.array([1.0, -2.0])
    np.testing.assert_allclose(
        newton_step(hessian, grad, np.empty((0, 2))), -np.linalg.solve(hessian, grad)
    )


def test_newton_polish_converges_quadratically():
    """E = sum cosh(x_i - 1): Newton's error map is e -> e - tanh(e) ~ e^3 / 3 per coordinate."""

    def fun(x):
        return float(np.sum(np.cosh(x - 1.0))), np.sinh(x - 1.0)

    objective = FunctionObjective(fun, 2, jac=True, hess=lambda x: np.diag(np.cosh(x - 1.0)))
    x = np.array([1.3, 0.8])
    errors = [np.max(np.abs(x - 1.0))]
    for _ in range(3):
        energy, grad = objective.value_and_grad(x)
        x, *_ = newton_polish(objective, x, energy, grad, gtol=0.0, max_steps=1)
        errors.append(np.max(np.abs(x - 1.0)))
    # at least quadratic: e_{k+1} <= e_k^2 (here cubic, e^3 / 3, while above rounding)
    for before, after in zip(errors[:-1], errors[1:], strict=True):
        assert after <= max(before**2, 1e-15)
    assert errors[-1] < 1e-12


def test_newton_polish_in_the_quadratic_region_only_hands_back_outside_it():
    """E = x^4 / 4 - x^2 / 2 from x = 0.3: the Hessian 3x^2 - 1 < 0 there.

    Without a cap the saddle-free step moves downhill; with
    ``saddle_free_max_params=0`` and the (empty) zero modes known no step is taken."""

    def fun(x):
        return float(x[0] ** 4 / 4 - x[0] ** 2 / 2), np.array([x[0] ** 3 - x[0]])

    objective = FunctionObjective(fun, 1, jac=True, hess=lambda x: np.array([[3 * x[0] ** 2 - 1]]))
    x = np.array([0.3])
    energy, grad = objective.value_and_grad(x)
    moved, moved_energy, *_ = newton_polish(
        objective, x, energy, grad, gtol=1e-12, zero_modes=np.empty((0, 1))
    )
    assert moved_energy < energy and moved[0] > x[0]
    kept, kept_energy, _, n_evaluations = newton_polish(
        objective,
        x,
        energy,
        grad,
        gtol=1e-12,
        zero_modes=np.empty((0, 1)),
        saddle_free_max_params=0,
        quadratic_region_only=True,
    )
    assert n_evaluations == 0 and kept_energy == energy
    np.testing.assert_array_equal(kept, x)


def _cosh_objective(counter):
    """``E = sum cosh(x_i - 1)``, minimum at ``x = 1``; ``counter`` counts the Hessians."""

    def fun(x):
        return float(np.sum(np.cosh(x - 1.0))), np.sinh(x - 1.0)

    def hess(x):
        counter.append(x.copy())
        return np.diag(np.cosh(x - 1.0))

    return FunctionObjective(fun, 2, jac=True, hess=hess)


def test_newton_solver_reuses_one_factorisation_for_any_gradient():
    """The solver of a Hessian gives newton_step's step for every gradient (both branches)."""
    rng = np.random.default_rng(3)
    vectors, _ = np.linalg.qr(rng.normal(size=(4, 4)))
    for eigenvalues in ([1.0, 2.0, 3.0, 5.0], [-1.0, 2.0, 3.0, 5.0]):
        hessian = vectors @ np.diag(eigenvalues) @ vectors.T
        solve = newton_solver(hessian, np.empty((0, 4)))
        for grad in rng.normal(size=(3, 4)):
            np.testing.assert_allclose(
                solve(grad), newton_step(hessian, grad, np.empty((0, 4))), atol=1e-12
            )
    assert newton_solver(hessian, np.empty((0, 4)), saddle_free_max_params=3) is None


def test_chord_steps_follow_the_chord_map_and_save_hessians():
    """E = sum cosh(x_i - 1): a chord step from x_k with the Hessian of x_0 is, per coordinate,

    ``e_{k+1} = e_k - sinh(e_k) / cosh(e_0)`` (``e = x - 1``): the analytic chord map. The
    polish reaches the same minimum as plain Newton, with fewer Hessians."""
    start = np.array([1.3, 0.8])
    hessians = []
    objective = _cosh_objective(hessians)
    energy, grad = objective.value_and_grad(start)
    x, *_ = newton_polish(objective, start, energy, grad, gtol=0.0, max_steps=2, chord_rate=0.5)
    # step 1: Newton from x_0; step 2: chord with H(x_0)
    e0 = start - 1.0
    e1 = e0 - np.tanh(e0)
    np.testing.assert_allclose(x - 1.0, e1 - np.sinh(e1) / np.cosh(e0), rtol=1e-12)
    assert len(hessians) == 1

    plain, chord = [], []
    results = []
    for counter, rate in ((plain, None), (chord, 0.5)):
        objective = _cosh_objective(counter)
        results.append(
            newton_polish(
                objective, start, energy, grad, gtol=1e-13, max_steps=50, chord_rate=rate
            )
        )
    for x, _, g, _ in results:
        np.testing.assert_allclose(x, 1.0, atol=1e-13)
        assert np.max(np.abs(g)) <= 1e-13
    assert len(chord) < len(plain)


def test_a_chord_step_that_stops_contracting_gets_a_fresh_hessian():
    """With ``chord_rate`` tiny no reused step contracts enough: every other step is fresh."""
    start = np.array([1.3, 0.8])
    hessians = []
    objective = _cosh_objective(hessians)
    energy, grad = objective.value_and_grad(start)
    newton_polish(objective, start, energy, grad, gtol=0.0, max_steps=4, chord_rate=1e-30)
    # steps: fresh (x_0), reused (not contracted), fresh (x_2), reused
    assert len(hessians) == 2
    e0 = start - 1.0
    e1 = e0 - np.tanh(e0)
    e2 = e1 - np.sinh(e1) / np.cosh(e0)
    np.testing.assert_allclose(hessians[1] - 1.0, e2, rtol=1e-12)


def test_newton_polish_respects_held_coordinates():
    objective = _quadratic(np.array([[2.0, 0.5], [0.5, 1.0]]), np.array([0.0, 0.0]))
    x = np.array([0.3, 0.4])
    energy, grad = objective.value_and_grad(x)
    x_new, *_ = newton_polish(
        objective, x, energy, grad, gtol=1e-12, free=lambda p, g: np.array([False, True])
    )
    # x_0 held at 0.3: the minimum over x_1 is at x_1 = -0.5 * 0.3 / 1.0
    np.testing.assert_allclose(x_new, [0.3, -0.15], atol=1e-12)


# --------------------------------------------------------------- trust radius
def test_trust_radius_grows_shrinks_and_stays_within_its_limits():
    trust = TrustRadius(1.0)
    assert not trust.update(0.1)
    assert trust.radius == pytest.approx(TRUST_GROW)
    for _ in range(20):
        trust.update(0.0)
    assert trust.radius == pytest.approx(TRUST_MAX_FACTOR)
    radius = trust.radius
    assert trust.update(2.0)
    assert trust.radius == pytest.approx(TRUST_SHRINK * radius)
    assert not trust.update(0.5)  # a fair model leaves the radius alone
    assert trust.radius == pytest.approx(TRUST_SHRINK * radius)


# ----------------------------------------------------------------------- FIRE
def test_fire_first_step_is_explicit_euler_and_it_relaxes_a_quadratic():
    fire = FIREStepper(dt_max=0.5)
    grad = np.array([1.0, -2.0])
    # From rest the power F.v is zero, not positive: the time step is first
    # shrunk, then v = dt F and x += dt v (semi-implicit Euler).
    dt = FIRE_DT_SHRINK * FIRE_DT_START * 0.5
    np.testing.assert_allclose(fire.step(grad), dt * dt * -grad)
    assert fire.alpha == FIRE_ALPHA_START
    hessian = np.diag([1.0, 3.0])
    x = np.array([1.0, 1.0])
    fire = FIREStepper(dt_max=0.5)
    for _ in range(2000):
        x = x + fire.step(hessian @ x)
    np.testing.assert_allclose(x, 0.0, atol=1e-6)


def test_capped_descent_stops_at_its_evaluation_cap():
    # The Rosenbrock valley from (-1.2, 1): the uncapped descent needs a few
    # hundred evaluations to reach the minimum (1, 1) (analytic).
    from sklandscape._explore._optimizer import LBFGS_MAX_HALVINGS, capped_descent

    def rosenbrock(x):
        value = (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2
        grad = np.array(
            [-2 * (1 - x[0]) - 400 * x[0] * (x[1] - x[0] ** 2), 200 * (x[1] - x[0] ** 2)]
        )
        return value, grad

    objective = FunctionObjective(rosenbrock, 2, jac=True)
    x0 = np.array([-1.2, 1.0])
    energy, grad = rosenbrock(x0)
    kwargs = {"max_step": 0.5, "max_iterations": 5000, "gtol": 1e-8}
    free = capped_descent(objective, x0, energy, grad, **kwargs)
    assert free.converged and np.allclose(free.x, [1.0, 1.0], atol=1e-6)
    cap = free.n_evaluations // 3
    capped = capped_descent(objective, x0, energy, grad, max_evaluations=cap, **kwargs)
    assert capped.message == "max_evaluations reached" and not capped.converged
    assert cap <= capped.n_evaluations < cap + LBFGS_MAX_HALVINGS + 1
    # the same path, cut short: lower than the start, above the minimum
    assert free.energy < capped.energy < energy
