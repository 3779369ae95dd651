"""Basin-hopping chains: the Metropolis rule, bookkeeping and determinism."""

import numpy as np
import pytest
from joblib import parallel_config

from sklandscape._explore._basin_hopping import _metropolis_accepts, run_chain, run_chains
from sklandscape._explore._objective import Objective
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
