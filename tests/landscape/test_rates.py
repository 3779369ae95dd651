"""Rates, first-passage times and committors: graph transformation against linear algebra."""

import mpmath
import numpy as np
import pytest
from shared import random_landscape

from sklandscape import Landscape
from sklandscape.landscape._graph_transformation import GraphTransformation


def rate_matrix(ls, T, dps=None):
    """Dense k_ab (summed over TSs) by the harmonic TST formula, in floats or mpmath."""
    exp = np.exp if dps is None else mpmath.exp
    n = ls.n_minima
    k = np.zeros((n, n)) if dps is None else mpmath.zeros(n, n)
    lhp, energy = ls.minima.log_hessian_product, ls.minima.energy
    states = ls.transition_states
    columns = (states.minima, states.energy, states.log_hessian_product)
    for (a, b), e_t, lhp_t in zip(*columns, strict=True):
        if a == b:
            continue
        for u, v in ((a, b), (b, a)):
            exponent = 0.5 * (lhp[u] - lhp_t) - (e_t - energy[u]) / T
            value = exp(exponent if dps is None else mpmath.mpf(float(exponent)))
            k[u, v] += value / (2 * np.pi if dps is None else 2 * mpmath.pi)
    return k


def linear_mfpt(k, sink):
    """Mean first-passage times to ``sink`` from sum_j k_ij (T_i - T_j) = 1, T_sink = 0."""
    n = k.shape[0]
    interior = np.setdiff1d(np.arange(n), sink)
    generator = np.diag(k.sum(axis=1)) - k
    times = np.zeros(n)
    times[interior] = np.linalg.solve(
        generator[np.ix_(interior, interior)], np.ones(interior.size)
    )
    return times


def test_two_minima_rate_is_the_tst_rate_and_obeys_detailed_balance():
    ls = Landscape.from_arrays(
        [0.0, 0.4],
        [1.5],
        [[0, 1]],
        minima_log_hessian_product=[1.0, -0.5],
        ts_log_hessian_product=[0.2],
        n_params=3,
    )
    T = 0.6
    k01 = np.exp((1.0 - 0.2) / 2 - 1.5 / T) / (2 * np.pi)
    k10 = np.exp((-0.5 - 0.2) / 2 - (1.5 - 0.4) / T) / (2 * np.pi)
    assert ls.rate(0, 1, T) == pytest.approx(k01, rel=1e-13)
    assert ls.rate(1, 0, T) == pytest.approx(k10, rel=1e-13)
    p = ls.occupation_probabilities(T)
    assert p[0] * k01 == pytest.approx(p[1] * k10, rel=1e-13)
    np.testing.assert_allclose(ls.rate(0, 1, [T, 2 * T])[0], k01, rtol=1e-13)


@pytest.mark.parametrize("seed", range(4))
def test_rate_is_inverse_mfpt_of_a_linear_solve(seed):
    rng = np.random.default_rng(seed)
    ls = random_landscape(rng, 40, 60)
    T = 0.8
    k = rate_matrix(ls, T)
    source, sink = 0, 7
    times = linear_mfpt(k, [sink])
    assert ls.rate(source, sink, T) == pytest.approx(1 / times[source], rel=1e-10)
    np.testing.assert_allclose(ls.mean_first_passage_times(sink, T), times, rtol=1e-10)


def test_set_rates_are_equilibrium_weighted_inverse_mfpts():
    rng = np.random.default_rng(11)
    ls = random_landscape(rng, 30, 40)
    T = 1.1
    source, sink = [0, 3, 5], [10, 12]
    times = linear_mfpt(rate_matrix(ls, T), sink)
    p = ls.occupation_probabilities(T)[source]
    expected = np.sum(p / p.sum() / times[source])
    assert ls.rate(source, sink, T) == pytest.approx(expected, rel=1e-10)


def test_rates_spanning_hundreds_of_orders_of_magnitude_match_high_precision():
    """Rates from 1e-220 to 1e-2: float64 LU finds this generator singular; GT does not.

    The reference is an LU solve in exact-enough arithmetic (mpmath, with more
    digits than the rates span orders of magnitude).
    """
    rng = np.random.default_rng(5)
    ls = random_landscape(rng, 14, 10, energy_scale=20.0, barrier_scale=40.0)
    T = 0.25
    sink = [3]
    interior = [i for i in range(ls.n_minima) if i not in sink]
    with mpmath.workdps(50):
        exponents = [float(mpmath.log10(v)) for v in rate_matrix(ls, T, dps=50) if v > 0]
    span = max(exponents) - min(exponents)
    assert span > 100  # the rates really span that many orders of magnitude
    with mpmath.workdps(int(span) + 60):
        k = rate_matrix(ls, T, dps=True)
        escape = [sum(k[i, j] for j in range(ls.n_minima)) for i in interior]
        # (I - P) T = tau over the interior, with P_ij = k_ij / K_i and tau_i = 1 / K_i.
        system = mpmath.eye(len(interior))
        for r, i in enumerate(interior):
            for c, j in enumerate(interior):
                system[r, c] -= k[i, j] / escape[r]
        exact = mpmath.lu_solve(system, mpmath.matrix([1 / e for e in escape]))
        exact = [float(v) for v in exact]
    gt_times = ls.mean_first_passage_times(sink, T)
    np.testing.assert_allclose(gt_times[interior], exact, rtol=1e-10)
    assert ls.rate(interior[0], sink, T) == pytest.approx(1 / exact[0], rel=1e-10)


def test_committors_match_a_linear_solve():
    rng = np.random.default_rng(3)
    ls = random_landscape(rng, 35, 50)
    T = 0.9
    k = rate_matrix(ls, T)
    source, sink = [0, 1], [20]
    q = ls.committor_probabilities(source, sink, T)
    branching = k / k.sum(axis=1, keepdims=True)
    interior = np.setdiff1d(np.arange(ls.n_minima), source + sink)
    expected = np.zeros(ls.n_minima)
    expected[sink] = 1.0
    expected[interior] = np.linalg.solve(
        np.eye(interior.size) - branching[np.ix_(interior, interior)],
        branching[np.ix_(interior, sink)].sum(axis=1),
    )
    np.testing.assert_allclose(q, expected, rtol=1e-10, atol=1e-14)
    assert np.all(q[source] == 0) and np.all(q[sink] == 1)


@pytest.mark.parametrize(("dense_degree", "block_size"), [(0, 1), (0, 3), (0, 64), (2, 5)])
def test_dense_and_sparse_elimination_agree(dense_degree, block_size):
    rng = np.random.default_rng(8)
    ls = random_landscape(rng, 50, 120)
    T = 0.7
    k = rate_matrix(ls, T)
    sources, targets = np.nonzero(k)
    total = k.sum(axis=1)
    boundary = np.zeros(ls.n_minima, dtype=bool)
    boundary[[4, 9]] = True
    transformation = GraphTransformation(
        ls.n_minima,
        sources,
        targets,
        k[sources, targets] / total[sources],
        -np.log(total),
        boundary,
        dense_degree=dense_degree,
        block_size=block_size,
    )
    times = np.exp(transformation.log_first_passage_times())
    np.testing.assert_allclose(times, linear_mfpt(k, [4, 9]), rtol=1e-10)
    values = np.zeros(ls.n_minima)
    values[9] = 1.0
    absorbed = transformation.absorption_values(values)
    sink_side = GraphTransformation(
        ls.n_minima, sources, targets, k[sources, targets] / total[sources], None, boundary
    ).absorption_values(values)
    np.testing.assert_allclose(absorbed, sink_side, rtol=1e-12, atol=1e-15)


def test_unconnected_minima_and_self_transition_states():
    # 0 - 1 joined; 2 - 3 joined; a TS from 1 to itself.
    ls = Landscape.from_arrays(
        [0.0, 0.5, 0.2, 0.3], [1.0, 1.2, 0.9], [[0, 1], [2, 3], [1, 1]], n_params=1
    )
    plain = Landscape.from_arrays([0.0, 0.5, 0.2, 0.3], [1.0, 1.2], [[0, 1], [2, 3]])
    assert ls.rate(0, 2, 1.0) == 0.0
    assert ls.rate(0, 1, 1.0) == pytest.approx(plain.rate(0, 1, 1.0), rel=1e-14)
    times = ls.mean_first_passage_times(1, 1.0)
    assert times[1] == 0 and np.isfinite(times[0]) and np.all(np.isinf(times[2:]))
    q = ls.committor_probabilities(0, 1, 1.0)
    np.testing.assert_array_equal(q[:2], [0.0, 1.0])
    assert np.all(np.isnan(q[2:]))


def test_bad_source_and_sink_raise():
    ls = Landscape.from_arrays([0.0, 0.5], [1.0], [[0, 1]])
    with pytest.raises(ValueError, match="share"):
        ls.rate([0, 1], 1, 1.0)
    with pytest.raises(ValueError, match="range"):
        ls.rate(0, 5, 1.0)
    with pytest.raises(ValueError, match="empty"):
        ls.rate([], 1, 1.0)
    with pytest.raises(ValueError, match="integer"):
        ls.committor_probabilities([0.5], 1, 1.0)
    with pytest.raises(ValueError, match="T must"):
        ls.rate(0, 1, -1.0)
    with pytest.raises(ValueError, match="single temperature"):
        ls.committor_probabilities(0, 1, [1.0, 2.0])


def unit_rate_chain(n=3):
    """Minima 0 - 1 - ... in a chain, every TST rate exactly 1 (LPPHE_t = -2 ln 2 pi)."""
    return Landscape.from_arrays(
        np.zeros(n),
        np.zeros(n - 1),
        [[i, i + 1] for i in range(n - 1)],
        ts_log_hessian_product=np.full(n - 1, -2 * np.log(2 * np.pi)),
    )


def test_three_minimum_chain_ss_nss_and_eigen_by_hand():
    """Sink A = {0}, source B = {1, 2}, unit rates, p = 1/3 each.

    NSS: T_1 = 1/2 + T_2/2, T_2 = 1 + T_1 give T_1 = 2, T_2 = 3 and
    k = (1/2)(1/2 + 1/3) = 5/12. SS: no intervening minima; from 1 the
    branching probability into A is 1/2 and the waiting time 1/2, from 2 it is
    0, so k = (1/2)(1) + (1/2)(0) = 1/2. Eigen: the chain's generator is the
    path-graph Laplacian, eigenvalues 0, 1, 3, so k = 1 * p_A / (p_A + p_B) = 1/3.
    """
    ls = unit_rate_chain()
    assert ls.rate([1, 2], 0, 1.0) == pytest.approx(5 / 12, rel=1e-13)
    assert ls.rate([1, 2], 0, 1.0, kind="nss") == pytest.approx(5 / 12, rel=1e-13)
    assert ls.rate([1, 2], 0, 1.0, kind="ss") == pytest.approx(1 / 2, rel=1e-13)
    assert ls.rate([1, 2], 0, 1.0, kind="eigen") == pytest.approx(1 / 3, rel=1e-12)
    # a single source minimum: SS = NSS = 1 / T_20 = 1/3 (T_2 = 1 + T_1, T_1 = 1/2 + T_2/2)
    assert ls.rate(2, 0, 1.0, kind="ss") == pytest.approx(1 / 3, rel=1e-13)
    assert ls.rate(2, 0, 1.0, kind="nss") == pytest.approx(1 / 3, rel=1e-13)


def dense_ss_rate(k, p, source, sink):
    """SS rate from dense committor and first-passage solves on the intervening minima."""
    n = k.shape[0]
    boundary = np.union1d(source, sink)
    interior = np.setdiff1d(np.arange(n), boundary)
    generator = np.diag(k.sum(axis=1)) - k
    block = generator[np.ix_(interior, interior)]
    committor = np.zeros(n)
    committor[sink] = 1.0
    committor[interior] = np.linalg.solve(block, k[np.ix_(interior, sink)].sum(axis=1))
    times = np.zeros(n)
    times[interior] = np.linalg.solve(block, np.ones(interior.size))
    exit_rate = k[source] @ committor / (1.0 + k[np.ix_(source, interior)] @ times[interior])
    weights = p[source] / p[source].sum()
    return float(weights @ exit_rate)


@pytest.mark.parametrize("seed", range(4))
def test_ss_and_nss_rates_match_dense_linear_algebra(seed):
    rng = np.random.default_rng(100 + seed)
    ls = random_landscape(rng, 12, 10)
    T = 0.9
    k = rate_matrix(ls, T)
    p = ls.occupation_probabilities(T)
    source, sink = [0, 2, 5], [8, 9]
    expected = dense_ss_rate(k, p, np.array(source), np.array(sink))
    assert ls.rate(source, sink, T, kind="ss") == pytest.approx(expected, rel=1e-10)
    times = linear_mfpt(k, sink)
    nss = np.sum(p[source] / p[source].sum() / times[source])
    assert ls.rate(source, sink, T, kind="nss") == pytest.approx(nss, rel=1e-10)
    # SS >= NSS: the steady-state source exits at the rate of its best-placed minima
    assert ls.rate(source, sink, T, kind="ss") >= ls.rate(source, sink, T, kind="nss")


@pytest.mark.parametrize("seed", range(3))
def test_eigen_rate_matches_a_nonsymmetric_eigensolve(seed):
    rng = np.random.default_rng(200 + seed)
    ls = random_landscape(rng, 10, 8)
    T = 1.3
    k = rate_matrix(ls, T)
    generator = k.T - np.diag(k.sum(axis=1))  # dP/dt = generator @ P
    eigenvalues = np.sort(np.abs(np.linalg.eigvals(generator).real))
    p = ls.occupation_probabilities(T)
    source, sink = [1, 3], [6]
    expected = eigenvalues[1] * p[sink].sum() / (p[source].sum() + p[sink].sum())
    assert ls.rate(source, sink, T, kind="eigen") == pytest.approx(expected, rel=1e-9)


def test_all_three_rates_agree_for_two_state_kinetics():
    """Two funnels of three minima each, joined by one high barrier: a two-state system."""
    energy = [0.0, 0.2, 0.3, 0.1, 0.25, 0.35]
    pairs = [[0, 1], [0, 2], [1, 2], [3, 4], [3, 5], [4, 5], [2, 5]]
    ts_energy = [0.5, 0.6, 0.55, 0.45, 0.6, 0.5, 4.0]
    ls = Landscape.from_arrays(energy, ts_energy, pairs, n_params=2)
    T = 0.25
    nss = ls.rate([0, 1, 2], [3, 4, 5], T)
    for kind in ("ss", "eigen"):
        assert ls.rate([0, 1, 2], [3, 4, 5], T, kind=kind) == pytest.approx(nss, rel=1e-3)


def test_rate_kind_errors_and_disconnected_networks():
    ls = unit_rate_chain()
    with pytest.raises(ValueError, match="kind must be one of"):
        ls.rate(0, 2, 1.0, kind="fastest")
    split = Landscape.from_arrays([0.0, 0.0, 0.0], [1.0], [[0, 1]])
    for kind in ("nss", "ss", "eigen"):
        assert split.rate(0, 2, 1.0, kind=kind) == 0.0
    with pytest.raises(ValueError, match="one connected component"):
        split.rate([0, 2], 1, 1.0, kind="eigen")
    # a fast pair and a slow exit 1e-43 times slower: beyond a dense eigen-solve
    deep = Landscape.from_arrays([0.0, 0.0, 0.0], [0.1, 50.0], [[0, 1], [1, 2]], n_params=1)
    with pytest.raises(ValueError, match="below the precision"):
        deep.rate([0, 1], 2, 0.5, kind="eigen")
    assert deep.rate([0, 1], 2, 0.5, kind="ss") > 0
