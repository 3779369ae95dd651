"""explore(): the public entry point of the exploration engine."""

import logging

import numpy as np
import pytest
from joblib import parallel_config

from sklandscape import explore
from sklandscape._explore import FunctionObjective
from sklandscape.landscape import Landscape
from sklandscape.surfaces import DoubleWell1D, MullerBrown, SeparableEggCrate, TwoGaussians

# Müller-Brown minima: doc/developers/reference_values.rst.
MULLER_BROWN_MINIMA = np.array([-146.70, -108.17, -80.77])


def assert_same_landscape(first, second):
    """Bit-identical tables and metadata."""
    assert first.metadata == second.metadata
    for table_a, table_b in (
        (first.minima, second.minima),
        (first.transition_states, second.transition_states),
    ):
        assert table_a.columns == table_b.columns
        for name in table_a.columns:
            np.testing.assert_array_equal(table_a[name], table_b[name])


def test_muller_brown_minima_match_reference_values():
    landscape = explore(MullerBrown(), n_hops=30, n_chains=2, connect=False, random_state=0)
    assert isinstance(landscape, Landscape)
    np.testing.assert_allclose(landscape.minima.energy, MULLER_BROWN_MINIMA, atol=5e-3)
    assert landscape.global_minimum == 0
    # every stored minimum: zero gradient and a positive definite Hessian (recomputed here)
    surface = MullerBrown()
    for x in landscape.minima.x:
        assert np.max(np.abs(surface.gradient(x))) < 1e-5
        assert np.all(np.linalg.eigvalsh(surface.hessian(x)) > 0)


def test_hessian_columns_match_eigenvalues_of_the_minima():
    surface = MullerBrown()
    landscape = explore(surface, n_hops=20, n_chains=2, connect=False, random_state=1)
    for i, x in enumerate(landscape.minima.x):
        eigenvalues = np.linalg.eigvalsh(surface.hessian(x))
        np.testing.assert_allclose(landscape.minima.hessian_min_eigenvalue[i], eigenvalues[0])
        np.testing.assert_allclose(landscape.minima.hessian_max_eigenvalue[i], eigenvalues[-1])
        np.testing.assert_allclose(landscape.minima.hessian_trace[i], eigenvalues.sum())
        np.testing.assert_allclose(
            landscape.minima.log_hessian_product[i], np.sum(np.log(eigenvalues))
        )


def test_minima_sorted_by_energy_and_distinct():
    landscape = explore(SeparableEggCrate(), n_hops=60, n_chains=2, connect=False, random_state=0)
    assert np.all(np.diff(landscape.minima.energy) >= 0)
    x = landscape.minima.x
    distances = np.linalg.norm(x[:, None] - x[None], axis=-1) + np.eye(len(x)) * 1e9
    assert distances.min() > 0.5  # the wells are one unit apart


def test_callable_with_scipy_conventions():
    """A plain function with jac=True/hess callables gives the same minima as the Objective."""
    surface = TwoGaussians()

    def fun(x):
        return surface.value_and_grad(x)

    landscape = explore(
        fun,
        jac=True,
        hess=surface.hessian,
        bounds=[(-3, 3), (-3, 3)],
        n_hops=10,
        n_chains=2,
        connect=False,
        random_state=0,
    )
    # minima on the first axis where d/dx [exp(-(x-1)^2) + exp(-(x+1)^2)] = 0 (brentq)
    from scipy.optimize import brentq

    def slope(t):
        return (t - 1) * np.exp(-((t - 1) ** 2)) + (t + 1) * np.exp(-((t + 1) ** 2))

    root = brentq(slope, 0.5, 1.5)
    np.testing.assert_allclose(np.sort(landscape.minima.x[:, 0]), [-root, root], atol=1e-6)
    np.testing.assert_allclose(landscape.minima.x[:, 1], 0, atol=1e-6)


def test_numerical_gradient_and_x0():
    landscape = explore(
        lambda x: (x[0] ** 2 - 1) ** 2 + 0.3 * x[0],
        x0=[0.5],
        n_hops=15,
        n_chains=2,
        step_size=1.8,
        connect=False,
        random_state=0,
    )
    roots = np.roots([4, 0, -4, 0.3]).real
    minima = np.sort(roots[12 * roots**2 - 4 > 0])
    np.testing.assert_allclose(np.sort(landscape.minima.x[:, 0]), minima, atol=1e-5)


@pytest.mark.parametrize("backend", ["threading", "loky"])
def test_identical_for_any_n_jobs_and_backend(backend):
    """Both stages (chains, then connections) dispatched to two workers."""
    surface = MullerBrown()
    kwargs = dict(n_hops=15, n_chains=3, random_state=7)
    serial = explore(surface, n_jobs=1, **kwargs)
    with parallel_config(backend=backend):
        parallel = explore(surface, n_jobs=2, **kwargs)
    assert_same_landscape(serial, parallel)
    assert serial.n_transition_states == 2


def test_random_state_reproducible_and_seeds_matter():
    surface = SeparableEggCrate()
    first = explore(surface, n_hops=10, n_chains=2, connect=False, random_state=3)
    again = explore(surface, n_hops=10, n_chains=2, connect=False, random_state=3)
    other = explore(surface, n_hops=10, n_chains=2, connect=False, random_state=4)
    assert_same_landscape(first, again)
    assert not np.array_equal(first.minima.energy, other.minima.energy)
    generator = explore(
        surface, n_hops=10, n_chains=2, connect=False, random_state=np.random.default_rng(3)
    )
    assert generator.n_minima > 0


def test_nan_region_is_rejected_and_counted():
    """A loss that is NaN for x > 0.5 never crashes the exploration and is counted."""

    def fun(x):
        if x[0] > 0.5:
            return np.nan, np.full(1, np.nan)
        return (x[0] ** 2 - 1) ** 2, np.array([4 * x[0] ** 3 - 4 * x[0]])

    landscape = explore(
        fun,
        x0=[-1.2],
        jac=True,
        bounds=[(-2, 2)],
        n_hops=40,
        n_chains=2,
        step_size=1.5,
        connect=False,
        random_state=0,
    )
    assert landscape.n_minima == 1
    np.testing.assert_allclose(landscape.minima.x[0], [-1.0], atol=1e-6)
    assert landscape.metadata["n_nonfinite_rejected"] > 0
    assert np.all(np.isfinite(landscape.minima.energy))


def test_plateau_quenches_are_rejected_and_counted():
    """On a flat plateau (|x| > 1) the gradient vanishes but the Hessian is zero: rejected."""

    def fun(x):
        return min(float(x[0]) ** 2, 1.0)

    landscape = explore(
        fun,
        x0=[0.3],
        bounds=[(-3, 3)],
        n_hops=20,
        n_chains=1,
        step_size=2.0,
        connect=False,
        random_state=0,
    )
    meta = landscape.metadata
    assert landscape.n_minima == 1
    assert meta["n_not_minimum"] + meta["n_unconverged"] > 0
    assert meta["n_hops_total"] == 20


def test_metadata_counts():
    landscape = explore(DoubleWell1D(), n_hops=12, n_chains=3, connect=False, random_state=0)
    meta = landscape.metadata
    assert meta["n_hops_total"] == 36
    assert 0 < meta["n_accepted"] <= 36
    assert meta["n_connection_attempts"] == 0
    assert meta["n_function_evaluations"] > 36
    assert meta["temperature"] == DoubleWell1D().default_temperature()
    assert meta["step_size"] == DoubleWell1D().default_step_size()
    assert meta["n_explore_runs"] == 1


def test_warm_start_extends_the_landscape():
    surface = SeparableEggCrate()
    first = explore(surface, n_hops=10, n_chains=2, connect=False, random_state=0)
    second = explore(
        surface, n_hops=10, n_chains=2, connect=False, random_state=0, landscape=first
    )
    assert second.metadata["n_hops_total"] == 40
    assert second.metadata["n_explore_runs"] == 2
    assert second.n_minima >= first.n_minima
    # every earlier minimum is still there
    for x in first.minima.x:
        assert np.min(np.linalg.norm(second.minima.x - x, axis=1)) < 1e-9
    # different seeds: the second run is not a replay of the first
    replay = explore(surface, n_hops=10, n_chains=2, connect=False, random_state=0)
    assert second.n_minima > replay.n_minima or not np.array_equal(
        second.minima.energy, replay.minima.energy
    )


def test_zero_hops_quenches_the_starting_points():
    landscape = explore(DoubleWell1D(), x0=[0.2], n_hops=0, n_chains=1, connect=False)
    np.testing.assert_allclose(landscape.minima.x, [[1.0]], atol=1e-6)


def test_verbose_logs_progress(caplog):
    with caplog.at_level(logging.INFO, logger="sklandscape"):
        landscape = explore(
            DoubleWell1D(), n_hops=3, n_chains=1, connect=False, verbose=1, random_state=0
        )
    messages = " ".join(record.getMessage() for record in caplog.records)
    assert "basin-hopping: 3 hops" in messages
    assert f"{landscape.n_minima} minima" in messages


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(bounds=[(1.0, 0.0)]), ValueError, "low < high"),
        (dict(x0=[3.0], bounds=[(-2, 2)]), ValueError, "outside bounds"),
        (dict(x0=[1.0, 2.0], bounds=[(-2, 2)]), ValueError, "shape"),
        (dict(), ValueError, "x0 is required"),
        (dict(bounds=[(None, 2.0)]), ValueError, "finite bounds"),
        (dict(x0=[0.5], n_hops=-1), ValueError, "n_hops"),
        (dict(x0=[0.5], n_chains=0), ValueError, "n_chains"),
        (dict(x0=[0.5], n_hops=2.5), TypeError, "n_hops"),
        (dict(x0=[0.5], temperature=-1.0), ValueError, "temperature"),
        (dict(x0=[0.5], step_size=0.0), ValueError, "step_size"),
        (dict(x0=[0.5], step_size=np.inf), ValueError, "step_size"),
        (dict(x0=[0.5], connect="yes"), TypeError, "connect"),
        (dict(x0=[0.5], landscape="file.npz"), TypeError, "landscape"),
        (dict(x0=[0.5], verbose=-1), ValueError, "verbose"),
        (dict(x0=[0.5], random_state="seed"), TypeError, "random_state"),
    ],
)
def test_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        explore(lambda x: float(x @ x), connect=False, **kwargs)


def test_gradient_of_wrong_shape():
    with pytest.raises(ValueError, match="gradient must have shape"):
        explore(lambda x: (float(x @ x), np.zeros(3)), x0=[0.1, 0.2], jac=True, connect=False)


@pytest.mark.parametrize("name", ["jac", "hess", "bounds"])
def test_objective_with_jac_hess_or_bounds(name):
    value = {"jac": True, "hess": np.eye, "bounds": [(-1, 1), (-1, 1)]}[name]
    with pytest.raises(TypeError, match=name):
        explore(TwoGaussians(), connect=False, **{name: value})


def test_objective_x0_of_wrong_length():
    objective = FunctionObjective(lambda x: float(x @ x), 2)
    with pytest.raises(ValueError, match="length 2"):
        explore(objective, x0=[0.0, 0.0, 0.0], connect=False)


def egg_crate_stationary_points(surface):
    """Minima and maxima of g: dense sign scan of g' plus brentq (independent of the engine)."""
    from scipy.optimize import brentq

    grid = np.linspace(*surface.bounds[0], 20001)
    slope = surface.one_dimensional(grid, 1)
    brackets = np.flatnonzero(np.sign(slope[:-1]) != np.sign(slope[1:]))
    roots = np.array(
        [brentq(surface.one_dimensional, grid[i], grid[i + 1], args=(1,)) for i in brackets]
    )
    curvature = surface.one_dimensional(roots, 2)
    return roots[curvature > 0], roots[curvature < 0]


def test_egg_crate_every_minimum_found():
    surface = SeparableEggCrate()
    landscape = explore(surface, n_hops=200, n_chains=4, connect=False, random_state=0)
    wells, _ = egg_crate_stationary_points(surface)
    expected = np.array([(a, b) for a in wells for b in wells])
    expected_energy = surface.one_dimensional(expected, 0).sum(axis=1)
    order = np.argsort(expected_energy, kind="stable")
    assert landscape.n_minima == 49
    np.testing.assert_allclose(landscape.minima.energy, expected_energy[order], atol=1e-9)
    # each expected minimum is matched by exactly one found minimum
    distances = np.linalg.norm(expected[:, None] - landscape.minima.x[None], axis=-1)
    assert np.all(distances.min(axis=1) < 1e-6)
    assert len(set(distances.argmin(axis=1))) == 49


def double_well_connection(surface, ts_energy=None, plus=1.0, minus=-1.0):
    """A hand-made connection over the double well's barrier at x = 0."""
    from sklandscape._explore._minimize import minimize_and_verify
    from sklandscape._explore._transition_state import Connection

    return Connection(
        ts_x=np.zeros(1),
        ts_energy=surface.value(np.zeros(1)) if ts_energy is None else ts_energy,
        ts_log_hessian_product=np.log(4.0),
        ts_negative_eigenvalue=-4.0,
        minimum_plus=minimize_and_verify(surface, np.array([plus])),
        minimum_minus=minimize_and_verify(surface, np.array([minus])),
    )


def test_merging_connections_dedups_and_counts():
    from sklandscape._explore._database import MinimaDatabase, TransitionStateDatabase
    from sklandscape._explore._explorer import _add_connection, _build_landscape, _Counts

    surface = DoubleWell1D(tilt=0.2)
    minima, states, counts = MinimaDatabase(surface), TransitionStateDatabase(surface), _Counts({})
    _add_connection(surface, minima, states, counts, double_well_connection(surface))
    # the same TS found again, pushoffs the other way round: a duplicate
    _add_connection(surface, minima, states, counts, double_well_connection(surface, None, -1, 1))
    # both pushoffs into the same well: degenerate, not stored
    _add_connection(surface, minima, states, counts, double_well_connection(surface, None, 1, 0.9))
    # a "TS" below the upper minimum it joins: refused
    _add_connection(surface, minima, states, counts, double_well_connection(surface, -0.5))
    assert len(minima) == 2 and len(states) == 1
    values = counts.values
    assert (values["n_ts_new"], values["n_ts_duplicate"]) == (1, 1)
    assert (values["n_ts_degenerate"], values["n_ts_below_minimum"]) == (1, 1)
    landscape = _build_landscape(surface, minima, states, counts.values)
    np.testing.assert_array_equal(landscape.transition_states.minima, [[0, 1]])
    assert landscape.transition_states.energy[0] == pytest.approx(1.0)
    assert landscape.minima.x[0, 0] < 0  # the tilt lowers the left well


# ------------------------------------------------------------ connect=True
def assert_landscape_properties(surface, landscape):
    """Every stored stationary point, re-examined with the surface's exact derivatives."""
    minima, states = landscape.minima, landscape.transition_states
    for x in minima.x:
        assert np.max(np.abs(surface.gradient(x))) < 1e-4
        assert np.all(np.linalg.eigvalsh(surface.hessian(x)) > 0)
    for t, x in enumerate(states.x):
        assert np.max(np.abs(surface.gradient(x))) < 1e-4
        eigenvalues = np.linalg.eigvalsh(surface.hessian(x))
        assert np.sum(eigenvalues < 0) == 1
        assert states.negative_eigenvalue[t] == pytest.approx(eigenvalues[0], rel=1e-4)
        assert states.energy[t] == pytest.approx(surface.value(x), abs=1e-9)
        a, b = states.minima[t]
        assert a != b
        assert states.energy[t] >= max(minima.energy[a], minima.energy[b])
        positive = eigenvalues[eigenvalues > 0]
        assert states.log_hessian_product[t] == pytest.approx(np.sum(np.log(positive)), rel=1e-4)


def test_muller_brown_transition_states_match_reference_values():
    surface = MullerBrown()
    landscape = explore(surface, n_hops=30, n_chains=2, random_state=0)
    np.testing.assert_allclose(landscape.minima.energy, MULLER_BROWN_MINIMA, atol=5e-3)
    np.testing.assert_allclose(landscape.transition_states.energy, [-72.25, -40.66], atol=5e-3)
    # Müller & Brown (1979): the intermediate minimum C (E = -80.77) lies between the two
    # others; the lower saddle joins it to B (-108.17), the upper one to A (-146.70)
    np.testing.assert_array_equal(landscape.transition_states.minima, [[1, 2], [0, 2]])
    assert_landscape_properties(surface, landscape)
    assert landscape.metadata["n_connection_attempts"] >= 2


def test_two_gaussians_transition_state_at_the_origin():
    surface = TwoGaussians()
    landscape = explore(surface, n_hops=10, n_chains=2, random_state=0)
    assert landscape.n_minima == 2 and landscape.n_transition_states == 1
    np.testing.assert_allclose(landscape.transition_states.x[0], [0.0, 0.0], atol=1e-6)
    assert landscape.transition_states.energy[0] == pytest.approx(-2 / np.e, abs=1e-10)
    assert landscape.transition_states.negative_eigenvalue[0] == pytest.approx(-4 / np.e)
    assert_landscape_properties(surface, landscape)


@pytest.mark.parametrize("tilt", [0.0, 0.3])
def test_double_well_barrier(tilt):
    surface = DoubleWell1D(tilt=tilt)
    landscape = explore(surface, n_hops=10, n_chains=2, random_state=0)
    roots = np.sort(np.roots([4.0, 0.0, -4.0, tilt]).real)
    assert landscape.n_minima == 2 and landscape.n_transition_states == 1
    np.testing.assert_allclose(landscape.transition_states.x[0], [roots[1]], atol=1e-6)
    np.testing.assert_allclose(
        landscape.minima.energy, np.sort(surface.energies(roots[[0, 2], None])), atol=1e-10
    )
    assert_landscape_properties(surface, landscape)


def test_egg_crate_complete_landscape():
    """49 minima and the 84 saddles (m_i, M_j), (M_j, m_i) between grid neighbours."""
    surface = SeparableEggCrate()
    landscape = explore(surface, n_hops=200, n_chains=4, random_state=0)
    wells, ridges = egg_crate_stationary_points(surface)
    saddles = np.array(
        [(w, r) for w in wells for r in ridges] + [(r, w) for w in wells for r in ridges]
    )
    assert landscape.n_minima == 49
    assert landscape.n_transition_states == 84
    states = landscape.transition_states
    distances = np.linalg.norm(saddles[:, None] - states.x[None], axis=-1)
    assert np.all(distances.min(axis=0) < 1e-6)  # every TS is one of the saddles
    assert len(set(distances.argmin(axis=0))) == 84  # and each saddle is found once
    # each TS joins the two minima on either side of its ridge: one unit apart
    ends = landscape.minima.x[states.minima]
    np.testing.assert_allclose(np.linalg.norm(ends[:, 0] - ends[:, 1], axis=1), 1.0, atol=0.05)
    assert_landscape_properties(surface, landscape)


def test_warm_start_with_connect_keeps_and_adds_transition_states():
    surface = MullerBrown()
    minima_only = explore(surface, n_hops=30, n_chains=2, connect=False, random_state=0)
    assert minima_only.n_transition_states == 0
    connected = explore(surface, n_hops=2, n_chains=1, random_state=0, landscape=minima_only)
    np.testing.assert_allclose(connected.transition_states.energy, [-72.25, -40.66], atol=5e-3)
    again = explore(surface, n_hops=2, n_chains=1, random_state=0, landscape=connected)
    assert again.n_minima == 3 and again.n_transition_states == 2
    assert again.metadata["n_explore_runs"] == 3
    assert again.metadata["n_hops_total"] == 60 + 2 + 2


def test_nan_region_with_connect_does_not_crash():
    """NaN beyond x = 1.5: bands and pushoffs that stray there are dropped, never fatal."""
    surface = DoubleWell1D(tilt=0.2)

    def fun(x):
        if x[0] > 1.5:
            return np.nan, np.array([np.nan])
        return surface.value_and_grad(x)

    landscape = explore(
        fun, jac=True, bounds=[(-2, 2)], n_hops=20, n_chains=2, step_size=1.0, random_state=0
    )
    assert landscape.n_minima == 2 and landscape.n_transition_states == 1
    assert landscape.metadata["n_nonfinite_rejected"] > 0
    roots = np.sort(np.roots([4.0, 0.0, -4.0, 0.2]).real)
    np.testing.assert_allclose(landscape.transition_states.x[0], [roots[1]], atol=1e-6)


def test_warm_start_needs_a_landscape_of_the_same_objective():
    without_coordinates = Landscape.from_arrays([0.0, 1.0], [2.0], [[0, 1]], n_params=2)
    with pytest.raises(ValueError, match="no coordinates"):
        explore(TwoGaussians(), connect=False, landscape=without_coordinates)
    other_size = explore(DoubleWell1D(), n_hops=2, n_chains=1, connect=False, random_state=0)
    with pytest.raises(ValueError, match="n_params"):
        explore(TwoGaussians(), connect=False, landscape=other_size)


# ------------------------------------------------------------------ budget and focus
def egg_crate_wells(surface):
    """The 49 grid minima (analytic roots of g') sorted by energy."""
    wells, _ = egg_crate_stationary_points(surface)
    points = np.array([(a, b) for a in wells for b in wells])
    energy = surface.one_dimensional(points, 0).sum(axis=1)
    order = np.argsort(energy, kind="stable")
    return points[order], energy[order]


def connected_to_global_minimum(landscape):
    """Minima joined to minimum 0 through the TS table (breadth-first search, no scipy)."""
    neighbours = {i: set() for i in range(landscape.n_minima)}
    for a, b in landscape.transition_states.minima:
        neighbours[int(a)].add(int(b))
        neighbours[int(b)].add(int(a))
    seen, frontier = {0}, [0]
    while frontier:
        frontier = [j for i in frontier for j in neighbours[i] if j not in seen]
        seen.update(frontier)
    return seen


def test_quench_and_search_budgets_are_exact(monkeypatch):
    """n_chains * (n_hops + 1) quenches in basin-hopping; exactly max_searches searches."""
    from sklandscape._explore import _basin_hopping, _transition_state

    quenches, searches = [], []
    quench, find = _basin_hopping.quench, _transition_state.find_connections
    monkeypatch.setattr(_basin_hopping, "quench", lambda *a: quenches.append(1) or quench(*a))
    monkeypatch.setattr(
        _transition_state, "find_connections", lambda *a: searches.append(1) or find(*a)
    )
    landscape = explore(
        SeparableEggCrate(), n_hops=40, n_chains=3, max_searches=7, n_jobs=1, random_state=0
    )
    assert len(quenches) == 3 * (40 + 1)
    assert len(searches) == 7
    meta = landscape.metadata
    assert meta["n_searches"] == meta["n_connection_attempts"] == 7
    assert meta["stopped_by"] == "max_searches"


def test_focus_keeps_the_lowest_minima_and_searches_only_between_them(monkeypatch):
    from sklandscape._explore import _transition_state

    surface = SeparableEggCrate()
    wells, energies = egg_crate_wells(surface)
    ends = []
    find = _transition_state.find_connections

    def recording(objective, x_a, x_b, rng):
        ends.extend([x_a, x_b])
        return find(objective, x_a, x_b, rng)

    monkeypatch.setattr(_transition_state, "find_connections", recording)
    landscape = explore(surface, n_hops=200, n_chains=4, max_minima=6, random_state=0)
    # basin-hopping finds all 49 wells (test_egg_crate_every_minimum_found); 6 are kept
    meta = landscape.metadata
    assert (meta["n_minima_found"], meta["n_minima_discarded"]) == (49, 43)
    np.testing.assert_allclose(landscape.minima.energy, energies[:6], atol=1e-9)
    # every search joined two of the six lowest wells: higher minima are never targets (and on
    # this surface no stepping stone above the focus is needed to join the six)
    distances = np.linalg.norm(np.array(ends)[:, None] - wells[None], axis=-1)
    assert ends and np.all(distances.argmin(axis=1) < 6)
    assert np.all(distances.min(axis=1) < 1e-6)
    # every kept minimum is joined to the global minimum, the run completed within its budget
    assert connected_to_global_minimum(landscape) == set(range(6))
    assert meta["fraction_connected"] == 1.0
    assert meta["stopped_by"] == "complete"
    assert_landscape_properties(surface, landscape)


def test_energy_window_keeps_the_minima_within_it():
    surface = SeparableEggCrate()
    _, energies = egg_crate_wells(surface)
    window = 1.0
    landscape = explore(
        surface, n_hops=200, n_chains=4, energy_window=window, connect=False, random_state=0
    )
    expected = energies[energies <= energies[0] + window]
    np.testing.assert_allclose(landscape.minima.energy, expected, atol=1e-9)
    assert landscape.metadata["n_minima_discarded"] == 49 - expected.size


def test_kept_minima_connected_to_global_minimum_first():
    """With a budget of searches too small for a complete landscape, the missing connections
    to the global minimum come first: every kept minimum is joined to it."""
    surface = SeparableEggCrate()
    landscape = explore(
        surface, n_hops=200, n_chains=4, max_minima=15, max_searches=30, random_state=0
    )
    assert landscape.n_minima == 15
    assert landscape.metadata["n_searches"] <= 30
    assert connected_to_global_minimum(landscape) == set(range(15))
    assert landscape.metadata["fraction_connected"] == 1.0
    assert_landscape_properties(surface, landscape)


class _WellsOnALine:
    """``E(x) = B (1 - cos 2 pi x) / 2 + sum_k e_k exp(-(x - k)^2 / (2 s^2))``, wells at -2..2.

    The cosine puts a well at every integer of [-2.5, 2.5] and a barrier at every half
    integer; the narrow bumps raise the well at ``k`` by about ``e_k``. The well at x = 1 is
    the highest (e = 5), fifth of five, so on a line the only path from the well at x = 2
    to the global minimum at x = 0 crosses a minimum ranked above ``2 * max_minima = 4``.
    """

    wells = np.array([-2.0, -1.0, 0.0, 1.0, 2.0])
    offsets = np.array([0.3, 0.2, 0.0, 5.0, 0.1])
    barrier, width = 20.0, 0.3

    def bumps(self, x):
        return self.offsets * np.exp(-((x - self.wells) ** 2) / (2 * self.width**2))

    def __call__(self, x):
        x = float(x[0])
        bumps = self.bumps(x)
        energy = self.barrier * (1 - np.cos(2 * np.pi * x)) / 2 + bumps.sum()
        slope = self.barrier * np.pi * np.sin(2 * np.pi * x)
        slope -= np.sum(bumps * (x - self.wells)) / self.width**2
        return energy, np.array([slope])

    def curvature(self, x):
        u = (x - self.wells) / self.width
        bumps = np.sum(self.bumps(x) * (u**2 - 1)) / self.width**2
        return 2 * np.pi**2 * self.barrier * np.cos(2 * np.pi * x) + bumps


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_minimum_above_the_stepping_stones_on_the_only_path_is_returned(n_jobs):
    """A kept minimum joined to the global minimum only through a minimum ranked above
    ``2 * max_minima`` is connected, and that minimum is returned as an intermediate.

    Before chain minima were stepping stones, the transition states to the well at x = 1
    were dropped, the well at x = 2 stayed disconnected (fraction_connected 0.5) and the run
    still reported ``stopped_by="complete"``.
    """
    surface = _WellsOnALine()
    landscape = explore(
        surface,
        jac=True,
        bounds=[(-2.5, 2.5)],
        n_hops=50,
        n_chains=2,
        step_size=1.0,
        max_minima=2,
        n_jobs=n_jobs,
        random_state=0,
    )
    meta = landscape.metadata
    assert meta["n_minima_found"] == 5  # every well of the line
    # the focus (x = 0, x = 2) and the well at x = 1 between them, nothing else
    np.testing.assert_allclose(landscape.minima.x[:, 0], [0.0, 2.0, 1.0], atol=1e-2)
    assert (meta["n_minima_focus"], meta["n_minima_intermediate"]) == (2, 1)
    # the chain x = 0 - x = 1 - x = 2 over the barriers near x = 0.5 and 1.5
    ts = landscape.transition_states
    order = np.argsort(ts.x[:, 0])
    np.testing.assert_array_equal(np.sort(ts.minima[order], axis=1), [[0, 2], [1, 2]])
    np.testing.assert_allclose(ts.x[order, 0], [0.5, 1.5], atol=0.05)
    assert connected_to_global_minimum(landscape) == {0, 1, 2}
    assert meta["fraction_connected"] == 1.0 and meta["stopped_by"] == "complete"
    for x in landscape.minima.x[:, 0]:  # verified stationary points, analytic derivatives
        assert abs(surface([x])[1][0]) < 1e-4 and surface.curvature(x) > 0
    for x in ts.x[:, 0]:
        assert abs(surface([x])[1][0]) < 1e-4 and surface.curvature(x) < 0


@pytest.mark.parametrize("backend", ["threading", "loky"])
def test_budgeted_landscape_identical_for_any_n_jobs_and_backend(backend):
    surface = SeparableEggCrate()
    kwargs = dict(n_hops=30, n_chains=3, max_minima=8, max_searches=5, random_state=5)
    serial = explore(surface, n_jobs=1, **kwargs)
    with parallel_config(backend=backend):
        parallel = explore(surface, n_jobs=2, **kwargs)
    assert_same_landscape(serial, parallel)
    # eight focused minima need at least seven transition states: five searches are binding
    assert serial.metadata["n_searches"] == 5


def test_callback_stops_the_connection_stage_with_a_valid_landscape():
    surface = SeparableEggCrate()
    calls = []

    def callback(progress):
        calls.append(progress)
        return progress["stage"] == "connecting"

    landscape = explore(
        surface, n_hops=100, n_chains=2, callback=callback, random_state=0, single_ended=0
    )  # the double-ended stage only (test_single_ended.py covers the single-ended one)
    stages = [call["stage"] for call in calls]
    assert stages == ["basin-hopping", "basin-hopping", "connecting"]
    assert calls[1]["hops"] == 200 and calls[1]["minima"] == calls[1]["minima_kept"]
    meta = landscape.metadata
    assert meta["stopped_by"] == "callback"
    # one chunk of the first round was searched (4 chunks per worker, one worker)
    assert 0 < meta["n_searches"] == calls[2]["connection_attempts"]
    assert landscape.n_transition_states == calls[2]["transition_states"] > 0
    assert_landscape_properties(surface, landscape)


def test_callback_stops_basin_hopping_after_a_chain():
    landscape = explore(
        SeparableEggCrate(), n_hops=20, n_chains=3, callback=lambda p: True, random_state=0
    )
    meta = landscape.metadata
    assert meta["n_hops_total"] == 20  # the first chain only
    assert meta["stopped_by"] == "callback" and meta["n_searches"] == 0
    assert landscape.n_minima >= 1 and landscape.n_transition_states == 0


def test_max_time_stops_the_run():
    """Machine-dependent by design; a zero-length limit stops after the first chain."""
    landscape = explore(SeparableEggCrate(), n_hops=20, n_chains=3, max_time=1e-9, random_state=0)
    assert landscape.metadata["stopped_by"] == "max_time"
    assert landscape.metadata["n_hops_total"] == 20


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(max_minima=0), ValueError, "max_minima"),
        (dict(max_minima=2.5), TypeError, "max_minima"),
        (dict(max_searches=-1), ValueError, "max_searches"),
        (dict(energy_window=-1.0), ValueError, "energy_window"),
        (dict(energy_window=np.nan), ValueError, "energy_window"),
        (dict(max_time=0.0), ValueError, "max_time"),
        (dict(callback="stop"), TypeError, "callback"),
    ],
)
def test_bad_budget(kwargs, error, match):
    with pytest.raises(error, match=match):
        explore(lambda x: float(x @ x), x0=[0.5], connect=False, **kwargs)


@pytest.mark.parametrize("smooth, searches_per_pair", [(True, 2), (False, 1)])
def test_failed_pair_searched_again_on_a_smooth_surface(monkeypatch, smooth, searches_per_pair):
    """A pair whose search found nothing gets one more search (new stream) if smooth."""
    from sklandscape._explore import _transition_state

    streams = []

    def failing(objective, x_a, x_b, rng):
        streams.append(rng.random())
        return []

    monkeypatch.setattr(_transition_state, "find_connections", failing)
    surface = DoubleWell1D()
    monkeypatch.setattr(type(surface), "smooth", smooth)
    # double-ended searches only (a single-ended search would join the two minima first)
    landscape = explore(surface, n_hops=30, n_chains=2, random_state=0, single_ended=0)
    assert landscape.n_minima == 2
    meta = landscape.metadata
    assert meta["n_connection_attempts"] == searches_per_pair == len(streams)
    assert len(set(streams)) == len(streams)  # each search has its own random stream
    # nothing left to try, but the two minima are not joined: not "complete"
    assert meta["stopped_by"] == "no_pairs_left"
    assert meta["fraction_connected"] == 0.5


def _line_databases(minima, states):
    """``(objective, minima, states)``: hand-built databases of minima and transition states on
    a line, ``minima`` as ``(x, energy)`` and ``states`` as ``((i, j), x, energy)``."""
    from sklandscape._explore._database import (
        MinimaDatabase,
        MinimumRecord,
        TransitionStateDatabase,
        TransitionStateRecord,
    )

    objective = FunctionObjective(lambda x: float(x @ x), 1)
    minima_db, states_db = MinimaDatabase(objective), TransitionStateDatabase(objective)
    for x, energy in minima:
        minima_db.add(MinimumRecord(np.array([x]), energy, 0.0, 1.0, 1.0, 1.0))
    for pair, x, energy in states:
        states_db.add(pair, TransitionStateRecord(np.array([x]), energy, 0.0, -1.0))
    return objective, minima_db, states_db


def test_pair_selection_crosses_minima_that_transition_states_joined():
    """Minima on a line: kept A (x = 0) and B (x = 4); stepping stones C, D far away
    (x = 10, 11); above them P (x = 1.5) and Q (x = 2.5), found by searches: A - P and P - Q
    are joined by transition states. The shortest missing connection from A to B runs along
    the known chain A - P - Q and then Q - B (d^2 = 2.25 against 16 for A - B): the pair
    selection must see P and Q as stepping stones and offer (B, Q), not (A, B).
    """
    from sklandscape._explore._explorer import _returned_minima, _select_focused_pairs

    objective, minima, states = _line_databases(
        [(0.0, 0.0), (4.0, 1.0), (10.0, 2.0), (11.0, 3.0), (1.5, 5.0), (2.5, 6.0)],
        [((0, 4), 0.75, 7.75), ((4, 5), 2.0, 9.0)],
    )
    focus = (2, None)  # max_minima = 2: A and B kept, C and D the next two
    pairs, disconnected = _select_focused_pairs(objective, minima, states, set(), focus, 5, None)
    assert pairs == [(1, 5)] and disconnected == {1}
    # Once tried, the next way in from the chain: P - B (d^2 = 6.25) before A - B (16).
    tried = {frozenset((1, 5))}
    pairs, _ = _select_focused_pairs(objective, minima, states, tried, focus, 5, None)
    assert pairs == [(1, 4)]
    # The returned landscape is unchanged: P and Q join no two kept minima or stepping stones.
    kept, returned = _returned_minima(minima, states, focus)
    np.testing.assert_array_equal(returned, [0, 1])


@pytest.mark.parametrize("backend", ["threading", "loky"])
def test_own_routes_keep_the_landscape_identical_for_any_n_jobs(backend, monkeypatch):
    """A K-means landscape (iris, K = 4) whose connection rounds offer own routes (disconnected
    minima given alternatives that avoid the links already offered): the same landscape with one
    and two workers."""
    from sklearn.datasets import load_iris

    from sklandscape import LandscapeKMeans
    from sklandscape._explore import _connect

    routes = []
    tree = _connect._shortest_path_tree

    def counting_tree(edges, removed, source, n_min):
        routes.append(len(removed))
        return tree(edges, removed, source, n_min)

    monkeypatch.setattr(_connect, "_shortest_path_tree", counting_tree)
    X = load_iris().data
    kwargs = dict(n_hops=10, n_chains=2, max_minima=8, max_searches=30, random_state=1)
    serial = LandscapeKMeans(4, n_jobs=1, **kwargs).fit(X).landscape_
    assert any(routes)  # some round offered a route avoiding links already offered
    with parallel_config(backend=backend):
        parallel = LandscapeKMeans(4, n_jobs=2, **kwargs).fit(X).landscape_
    assert_same_landscape(serial, parallel)
    assert serial.metadata["fraction_connected"] == 1.0


def test_own_routes_only_for_kept_minima_a_round_left_disconnected():
    """Kept minima A (x = 0, the global minimum), B (x = 4) and C (x = 4.5), B and C joined by
    a transition state: the shortest paths to both share the link A - B (d^2 = 16 < 20.25
    for A - C). Met for the first time, they share it (one search); once a round has left them
    disconnected (``waiting``), C gets its own way in, A - C, in the same round as A - B."""
    from sklandscape._explore._explorer import _select_focused_pairs

    objective, minima, states = _line_databases(
        [(0.0, 0.0), (4.0, 1.0), (4.5, 2.0)], [((1, 2), 4.25, 3.0)]
    )
    focus = (3, None)
    first, disconnected = _select_focused_pairs(objective, minima, states, set(), focus, 5, None)
    assert first == [(0, 1)] and disconnected == {1, 2}
    again, _ = _select_focused_pairs(
        objective, minima, states, set(), focus, 5, None, waiting=disconnected
    )
    assert again == [(0, 1), (0, 2)]
