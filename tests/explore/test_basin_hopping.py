"""Basin-hopping chains: the Metropolis rule, bookkeeping and determinism."""

import numpy as np
import pytest
from joblib import parallel_config

from sklandscape._explore._basin_hopping import (
    ADAPT_GAIN,
    ADJUST_INTERVAL,
    JUMP_PATIENCE,
    STEP_RANGE,
    TARGET_ACCEPTANCE,
    _metropolis_accepts,
    run_chain,
    run_chains,
)
from sklandscape._explore._objective import FunctionObjective, Objective
from sklandscape.surfaces import DoubleWell1D, SeparableEggCrate


@pytest.mark.parametrize("delta, temperature", [(1.0, 1.0), (0.5, 2.0), (3.0, 1.5)])
def test_metropolis_acceptance_rate_is_boltzmann_factor(delta, temperature):
    rng = np.random.default_rng(0)
    n = 20_000
    accepted = sum(_metropolis_accepts(delta, 0.0, temperature, rng) for _ in range(n))
    expected = np.exp(-delta / temperature)
    assert abs(accepted / n - expected) < 4 * np.sqrt(expected * (1 - expected) / n)


def test_metropolis_downhill_always_and_zero_temperature_never_uphill():
    rng = np.random.default_rng(0)
    assert all(_metropolis_accepts(-1.0, 0.0, 0.0, rng) for _ in range(100))
    assert not any(_metropolis_accepts(1e-12, 0.0, 0.0, rng) for _ in range(100))
    assert all(_metropolis_accepts(1.0, np.inf, 1.0, rng) for _ in range(100))


def test_zero_temperature_chain_keeps_rejected_minima():
    """At T=0 the chain stays in the lower well, yet records the upper one it visits."""
    surface = DoubleWell1D(tilt=0.5)  # lower well at x < 0
    roots = np.sort(np.roots([4.0, 0.0, -4.0, 0.5]).real)
    lower, upper = roots[0], roots[2]
    result = run_chain(surface, np.array([lower]), np.random.default_rng(0), 30, 0.0, 1.8)
    found = sorted(float(r.x[0]) for r in result.minima)
    np.testing.assert_allclose(found, [lower, upper], atol=1e-6)
    np.testing.assert_allclose(result.final_x, [lower], atol=1e-6)
    assert result.n_hops == 30
    # every accepted step was into the lower well (the chain never left it)
    assert result.minima[0].x[0] == pytest.approx(lower, abs=1e-6)


def test_chain_starting_uphill_descends_at_zero_temperature():
    surface = DoubleWell1D(tilt=0.5)
    result = run_chain(surface, np.array([1.5]), np.random.default_rng(1), 40, 0.0, 1.8)
    assert result.final_x[0] < 0
    assert result.n_accepted >= 1


def test_chain_is_a_pure_function_of_its_generator():
    surface = SeparableEggCrate()
    runs = [
        run_chain(surface, np.zeros(2), np.random.default_rng(5), 25, 1.0, 0.8) for _ in range(2)
    ]
    assert [r.energy for r in runs[0].minima] == [r.energy for r in runs[1].minima]
    assert runs[0].n_accepted == runs[1].n_accepted


class NaNOutsideUnitInterval(Objective):
    """E = (x - 0.3)^2 on [-1, 1]; NaN outside."""

    def value_and_grad(self, x):
        if abs(x[0]) > 1:
            return float("nan"), np.array([np.nan])
        return float((x[0] - 0.3) ** 2), np.array([2 * (x[0] - 0.3)])


def test_nonfinite_quenches_are_counted_not_fatal():
    objective = NaNOutsideUnitInterval(1)
    result = run_chain(objective, np.array([1.5]), np.random.default_rng(0), 50, 1.0, 3.0)
    assert result.n_nonfinite_rejected > 0
    assert len(result.minima) == 1
    np.testing.assert_allclose(result.minima[0].x, [0.3], atol=1e-6)
    total = result.n_nonfinite_rejected + result.n_unconverged + result.n_not_minimum
    assert total <= 51  # the initial quench plus 50 hops


def test_chain_restarts_from_random_points_when_its_start_is_nonfinite():
    bounded = NaNOutsideUnitInterval(1, bounds=[(-1.0, 5.0)])
    rng = np.random.default_rng(0)
    result = run_chain(bounded, np.array([4.0]), rng, 30, 1.0, 0.1)
    assert result.n_nonfinite_rejected >= 1
    np.testing.assert_allclose(result.final_x, [0.3], atol=1e-6)


def test_run_chains_parallel_equals_serial():
    surface = SeparableEggCrate()
    starts = [np.zeros(2), np.ones(2)]

    def rngs():
        return [np.random.default_rng(s) for s in (1, 2)]

    serial = run_chains(surface, starts, rngs(), 10, 1.0, 0.8, n_jobs=1)
    with parallel_config(backend="threading"):  # loky is covered by test_explorer.py
        parallel = run_chains(surface, starts, rngs(), 10, 1.0, 0.8, n_jobs=2)
    for a, b in zip(serial, parallel, strict=True):
        assert [r.energy for r in a.minima] == [r.energy for r in b.minima]
        np.testing.assert_array_equal(a.final_x, b.final_x)


def _bowl(bounds=((-1.0, 1.0), (-1.0, 1.0))):
    """One minimum at (0.2, -0.1): every hop returns to it and is accepted."""

    def energy(x):
        d = x - np.array([0.2, -0.1])
        return float(d @ d), 2 * d

    return FunctionObjective(energy, 2, jac=True, bounds=bounds)


def test_step_grows_by_the_documented_factor_when_every_hop_is_accepted():
    result = run_chain(_bowl(), np.zeros(2), np.random.default_rng(0), 60, 1.0, 0.01)
    assert result.n_accepted == 60
    n_adjustments = (60 - result.n_jumps) // ADJUST_INTERVAL
    expected = 0.01 * np.exp(ADAPT_GAIN * (1 - TARGET_ACCEPTANCE)) ** n_adjustments
    assert n_adjustments == 5
    assert result.step_size == pytest.approx(expected, rel=1e-12)


def test_step_never_exceeds_the_box_nor_the_step_range():
    result = run_chain(_bowl(), np.zeros(2), np.random.default_rng(0), 400, 1.0, 0.5)
    assert result.step_size == pytest.approx(2.0)  # the widest side of the box
    unbounded = _bowl(bounds=None)
    result = run_chain(unbounded, np.zeros(2), np.random.default_rng(0), 400, 1.0, 0.001)
    assert result.step_size == pytest.approx(0.001 * STEP_RANGE)


def test_step_shrinks_when_hops_are_refused():
    """At T = 0 from the global minimum of the egg crate, a long step lands in higher wells."""
    surface = SeparableEggCrate()
    start = surface.local_minimize(np.zeros(2)).x
    result = run_chain(surface, start, np.random.default_rng(3), 40, 0.0, 3.0)
    assert result.n_accepted / result.n_hops < TARGET_ACCEPTANCE
    assert 3.0 / STEP_RANGE <= result.step_size < 3.0


@pytest.mark.parametrize("bounded", [True, False])
def test_a_chain_finding_nothing_new_jumps_every_patience_hops(bounded):
    objective = _bowl() if bounded else _bowl(bounds=None)
    result = run_chain(objective, np.zeros(2), np.random.default_rng(0), 70, 1.0, 0.1)
    assert len(result.minima) == 1
    assert result.n_jumps == 70 // (JUMP_PATIENCE + 1)


def test_bounded_double_well_global_minimum_on_the_bound_is_found():
    """The issue's case: E = (x^2 - 1)^2 - 0.3 x + y^2 on [-1.5, 0.8] x [-2, 2].

    The global minimum lies on the bound x = 0.8 (E = 0.1296 - 0.24 = -0.1104),
    the other minimum near x = -0.96. With the fixed default step (0.1 of the
    box) two chains of 50 hops from random_state=0 both stayed left.
    """
    from sklandscape import explore

    def energy(x):
        value = (x[0] ** 2 - 1) ** 2 - 0.3 * x[0] + x[1] ** 2
        return value, np.array([4 * x[0] * (x[0] ** 2 - 1) - 0.3, 2 * x[1]])

    left = np.roots([4.0, 0.0, -4.0, -0.3]).real.min()
    for seed in range(3):
        landscape = explore(
            energy,
            jac=True,
            bounds=[(-1.5, 0.8), (-2.0, 2.0)],
            n_hops=50,
            n_chains=2,
            connect=False,
            random_state=seed,
        )
        assert landscape.n_minima == 2
        np.testing.assert_allclose(landscape.minima.x[0], [0.8, 0.0], atol=1e-6)
        assert landscape.minima.energy[0] == pytest.approx(0.8**4 - 2 * 0.64 + 1 - 0.24)
        np.testing.assert_allclose(landscape.minima.x[1], [left, 0.0], atol=1e-5)
