"""Deduplication of minima and transition states against a brute-force scan."""

import numpy as np
import pytest

from sklandscape._explore._database import (
    MinimaDatabase,
    MinimumRecord,
    TransitionStateDatabase,
    TransitionStateRecord,
    minimum_record,
)
from sklandscape._explore._minimize import minimize_and_verify
from sklandscape._explore._objective import Objective


class Quadratic(Objective):
    """E = |x|^2 / 2 with configurable tolerances."""

    def __init__(self, n_params=2, energy_tolerance=None, position_tolerance=None):
        super().__init__(n_params)
        self._energy_tolerance = energy_tolerance
        self._position_tolerance = position_tolerance

    def value_and_grad(self, x):
        return 0.5 * float(x @ x), np.asarray(x, dtype=float)

    def energy_tolerance(self, energy):
        if self._energy_tolerance is None:
            return super().energy_tolerance(energy)
        return self._energy_tolerance(energy)

    def position_tolerance(self):
        if self._position_tolerance is None:
            return super().position_tolerance()
        return self._position_tolerance


def record(x, energy):
    return MinimumRecord(np.asarray(x, dtype=float), float(energy), 0.0, 1.0, 1.0, 2.0)


def brute_force_dedup(objective, records):
    """The reference: scan every stored minimum, nearest match wins."""
    stored, labels = [], []
    for r in records:
        tolerance = objective.energy_tolerance(r.energy)
        best, best_distance = None, np.inf
        for index, s in enumerate(stored):
            distance = objective.distance(s.x, r.x)
            if (
                abs(s.energy - r.energy) <= tolerance
                and distance <= objective.position_tolerance()
                and distance < best_distance
            ):
                best, best_distance = index, distance
        if best is None:
            stored.append(r)
            best = len(stored) - 1
        labels.append(best)
    return labels


def clustered_records(rng, n_true, n_draws, energy_scale, energy_jitter, position_jitter):
    """Draws around ``n_true`` stationary points, some sharing an energy (symmetric copies)."""
    centres = rng.normal(size=(n_true, 3))
    energies = energy_scale * rng.normal(size=n_true)
    energies[1::3] = energies[::3][: energies[1::3].size]  # degenerate energies, other places
    picks = rng.integers(n_true, size=n_draws)
    return [
        record(
            centres[i] + position_jitter * rng.normal(size=3),
            energies[i] + energy_jitter * rng.normal(),
        )
        for i in picks
    ]


@pytest.mark.parametrize("energy_scale", [1e-3, 1.0, 1e4])
@pytest.mark.parametrize(
    "tolerance",
    [None, lambda e: 1e-9, lambda e: 0.05 * max(1.0, abs(e)), lambda e: 0.0],
    ids=["default", "absolute", "wide", "zero"],
)
def test_dedup_matches_brute_force(energy_scale, tolerance):
    rng = np.random.default_rng(0)
    objective = Quadratic(3, energy_tolerance=tolerance)
    jitter = 0.0 if tolerance is not None and tolerance(1.0) == 0 else 1e-9
    records = clustered_records(rng, 40, 400, energy_scale, jitter * energy_scale, 1e-6)
    # a few far-off energies force the binned index to span many scales
    records += [record(rng.normal(size=3), e) for e in (1e8, -1e7, 0.0, 1e-12)]
    database = MinimaDatabase(objective)
    labels = [database.add(r)[0] for r in records]
    assert labels == brute_force_dedup(objective, records)
    assert len(database) == max(labels) + 1


def test_same_energy_different_places_are_distinct():
    objective = Quadratic(2)
    database = MinimaDatabase(objective)
    tolerance = objective.position_tolerance()
    assert database.add(record([0, 0], 1.0)) == (0, True)
    assert database.add(record([2 * tolerance, 0], 1.0)) == (1, True)
    assert database.add(record([0.4 * tolerance, 0], 1.0)) == (0, False)
    assert database.add(record([1.6 * tolerance, 0], 1.0)) == (1, False)
    np.testing.assert_array_equal(database.energies(), [1.0, 1.0])
    assert database.positions(2).shape == (2, 2)


def test_widening_bins_keeps_every_point_findable():
    """A tolerance that grows with |E| makes later queries span many bins: rebuilt index."""
    objective = Quadratic(1, energy_tolerance=lambda e: 1e-12 + 1e-3 * abs(e))
    database = MinimaDatabase(objective)
    energies = [1e-6, 1.0, 1e3, 1e6, -1e6]
    for i, e in enumerate(energies):
        assert database.add(record([float(i)], e)) == (i, True)
    for i, e in enumerate(energies):
        assert database.add(record([float(i)], e * (1 + 1e-4))) == (i, False)


def test_transition_states_keyed_by_pair_and_degenerate_ones_refused():
    objective = Quadratic(2)
    states = TransitionStateDatabase(objective)
    ts = TransitionStateRecord(np.array([0.5, 0.5]), 2.0, 0.0, -1.0)
    assert states.add((3, 1), ts) == (0, "new")
    assert states.add((1, 3), ts) == (0, "duplicate")
    # the same point and energy between other minima is another entry
    assert states.add((1, 2), ts) == (1, "new")
    assert states.add((4, 4), ts) == (None, "degenerate")
    np.testing.assert_array_equal(states.pair_array(), [[1, 3], [1, 2]])
    assert len(states) == 2
    assert TransitionStateDatabase(objective).pair_array().shape == (0, 2)


def test_minimum_record_excludes_zero_modes():
    """E = (x0 - x1)^2 + x2^2 has a flat direction; with n_zero_modes=1 it is left out."""

    class Valley(Objective):
        n_zero_modes = 1

        def value_and_grad(self, x):
            d = x[0] - x[1]
            return d**2 + 2 * x[2] ** 2, np.array([2 * d, -2 * d, 4 * x[2]])

        def hessian(self, x):
            return np.array([[2.0, -2.0, 0.0], [-2.0, 2.0, 0.0], [0.0, 0.0, 4.0]])

        def canonical(self, x):
            return np.asarray(x) - np.mean(x[:2]) * np.array([1.0, 1.0, 0.0])

    objective = Valley(3)
    minimum = minimize_and_verify(objective, np.array([1.0, -0.5, 0.3]))
    stored = minimum_record(objective, minimum)
    assert stored.hessian_min_eigenvalue == pytest.approx(4.0)
    assert stored.hessian_max_eigenvalue == pytest.approx(4.0)
    assert stored.hessian_trace == pytest.approx(8.0)
    assert stored.log_hessian_product == pytest.approx(2 * np.log(4.0))
    np.testing.assert_allclose(stored.x, [0.0, 0.0, 0.0], atol=1e-6)


def test_symmetry_orders_are_stored_and_divide_the_weights():
    """f(x) = (x^2 - 1)^2 has mirror minima at -1 and 1 and a TS at 0. Declaring orders
    2 for x < 0.5 (the minimum at -1 and the TS) halves the weight of that minimum:
    occupations 1/3 and 2/3 at every T; the rate out of x = 1 over the TS halves too."""
    import sklandscape
    from sklandscape._explore._objective import FunctionObjective

    def fun(x):
        return (x[0] ** 2 - 1) ** 2, np.array([4 * x[0] ** 3 - 4 * x[0]])

    def explored(symmetry_order):
        objective = FunctionObjective(
            fun, 1, jac=True, bounds=[(-2.0, 2.0)], symmetry_order=symmetry_order
        )
        return sklandscape.explore(objective, n_hops=5, n_chains=4, step_size=2.0, random_state=0)

    plain = explored(None)
    symmetric = explored(lambda x: 2 if x[0] < 0.5 else 1)
    assert plain.n_minima == symmetric.n_minima == 2
    assert plain.n_transition_states == symmetric.n_transition_states == 1
    left = int(np.argmin(symmetric.minima.x[:, 0]))
    np.testing.assert_array_equal(symmetric.minima.pgorder, np.where(np.arange(2) == left, 2, 1))
    np.testing.assert_array_equal(symmetric.transition_states.pgorder, [2])
    np.testing.assert_array_equal(plain.minima.pgorder, [1, 1])
    for T in (0.1, 1.0):
        np.testing.assert_allclose(plain.occupation_probabilities(T), [0.5, 0.5], rtol=1e-6)
        expected = np.where(np.arange(2) == left, 1 / 3, 2 / 3)
        np.testing.assert_allclose(symmetric.occupation_probabilities(T), expected, rtol=1e-6)
        right = 1 - left
        ratio = symmetric.rate(right, left, T, kind="ss") / plain.rate(right, left, T, kind="ss")
        assert ratio == pytest.approx(0.5, rel=1e-6)


def test_symmetry_orders_beyond_int64_are_stored_as_floats():
    """A layer of 32 interchangeable tanh units has order 32! 2^32 ~ 1.1e45, past int64.

    The same double well as above with that order on the left half: the landscape is
    stored (float64 orders) and the left minimum's weight is divided by it, so its
    occupation probability is 1 / (1 + order) at every temperature."""
    import math

    import sklandscape
    from sklandscape._explore._objective import FunctionObjective

    def fun(x):
        return (x[0] ** 2 - 1) ** 2, np.array([4 * x[0] ** 3 - 4 * x[0]])

    order = math.factorial(32) * 2**32
    objective = FunctionObjective(
        fun, 1, jac=True, bounds=[(-2.0, 2.0)], symmetry_order=lambda x: order if x[0] < 0.5 else 1
    )
    landscape = sklandscape.explore(objective, n_hops=5, n_chains=4, step_size=2.0, random_state=0)
    assert landscape.n_minima == 2
    left = int(np.argmin(landscape.minima.x[:, 0]))
    assert landscape.minima.pgorder.dtype == np.float64
    assert landscape.minima.pgorder[left] == pytest.approx(float(order), rel=1e-15)
    probabilities = landscape.occupation_probabilities(1.0)
    assert probabilities[left] == pytest.approx(1.0 / (1.0 + order), rel=1e-6)
