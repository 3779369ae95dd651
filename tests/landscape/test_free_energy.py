"""Free-energy regrouping (Carr & Wales 2008) against sums over the minima and TST rates."""

import matplotlib
import numpy as np
import pytest
from scipy.special import logsumexp
from shared import random_landscape

from sklandscape import Landscape

matplotlib.use("Agg")


def seeded_landscape(seed, n_min=15, n_extra=12, barrier_offset=0.0):
    """A connected random landscape with parallel TSs, mode data and symmetry orders."""
    return random_landscape(
        np.random.default_rng(seed),
        n_min,
        n_extra,
        barrier_offset=barrier_offset,
        symmetry_orders=True,
    )


def tst_log_rates(ls, T):
    """``{(a, b): ln sum_t k_a->b(t)}`` from the landscape's own TST rates."""
    log_forward, log_backward = ls._log_ts_rates(T, np.arange(ls.n_transition_states))
    rates = {}
    for (a, b), lf, lb in zip(ls.transition_states.minima, log_forward, log_backward, strict=True):
        for key, value in (((int(a), int(b)), lf), ((int(b), int(a)), lb)):
            rates[key] = np.logaddexp(rates.get(key, -np.inf), value)
    return rates


@pytest.mark.parametrize("seed", range(3))
def test_threshold_zero_changes_nothing(seed):
    ls = seeded_landscape(seed, barrier_offset=1.0)
    T = 0.3  # barriers of at least 1 in energy: every free-energy barrier is positive
    fe = ls.free_energy_landscape(T, threshold=0.0)
    groups = fe.metadata["groups"]
    assert sorted(len(g) for g in groups) == [1] * ls.n_minima
    members = np.array([g[0] for g in groups])
    np.testing.assert_array_equal(fe.minima.representative, members)
    for j, a in enumerate(members):
        assert fe.minima.energy[j] == pytest.approx(ls.free_energy(T, [a]), rel=1e-12, abs=1e-12)
    np.testing.assert_allclose(
        fe.occupation_probabilities(T), ls.occupation_probabilities(T)[members], rtol=1e-10
    )
    # each group TST rate is the sum of the parallel TST rates between the two minima
    original, grouped = tst_log_rates(ls, T), tst_log_rates(fe, T)
    assert len(grouped) == len(original)
    for (i, j), value in grouped.items():
        assert value == pytest.approx(original[members[i], members[j]], rel=1e-10)


@pytest.mark.parametrize("threshold", [0.2, 0.5, 1.0])
def test_groups_sum_their_members_and_rates_obey_detailed_balance(threshold):
    ls = seeded_landscape(7, n_min=25, n_extra=20)
    T = 0.4
    fe = ls.free_energy_landscape(T, threshold=threshold)
    assert fe.n_minima < ls.n_minima
    p = ls.occupation_probabilities(T)
    p_group = fe.occupation_probabilities(T)
    for j, group in enumerate(fe.metadata["groups"]):
        assert p_group[j] == pytest.approx(p[group].sum(), rel=1e-10)
        assert fe.minima.energy[j] == pytest.approx(ls.free_energy(T, group), rel=1e-12)
    assert sorted(m for g in fe.metadata["groups"] for m in g) == list(range(ls.n_minima))
    # group rate I -> J: the local-equilibrium sum of the TST rates out of I into J
    original, grouped = tst_log_rates(ls, T), tst_log_rates(fe, T)
    label = np.empty(ls.n_minima, dtype=int)
    for j, group in enumerate(fe.metadata["groups"]):
        label[group] = j
    log_p = ls.occupation_probabilities(T, log=True)
    for (i, j), value in grouped.items():
        members = np.flatnonzero(label == i)
        terms = [
            log_p[a] - logsumexp(log_p[members]) + original[a, b]
            for (a, b) in original
            if label[a] == i and label[b] == j
        ]
        assert value == pytest.approx(logsumexp(terms), rel=1e-10)
        # detailed balance between groups
        assert np.log(p_group[i]) + value == pytest.approx(
            np.log(p_group[j]) + grouped[j, i], abs=1e-10
        )
    # no two remaining groups are joined by a barrier below the threshold
    for value in grouped.values():
        assert -T * (value - np.log(T)) >= threshold - 1e-12


def test_regrouping_by_hand():
    """One mode per minimum, none per TS, unit Hessians: F_a = L_a - (T/2) ln(2 pi T) and
    F_t = L_t + (T/2) ln(2 pi T), so every barrier is dL + T ln(2 pi T) (T ln(2 pi T) = 0.0457
    at T = 0.2): 0.0957 from minimum 1 to 0, 1.0457 from minimum 2 to 1."""
    ls = Landscape.from_arrays([0.0, 0.05, 1.0], [0.1, 2.0], [[0, 1], [1, 2]], n_params=1)
    T = 0.2
    shift = T * np.log(2 * np.pi * T)
    fe = ls.free_energy_landscape(T, threshold=0.0)
    np.testing.assert_allclose(
        fe.transition_states.energy - fe.minima.energy[[1, 2]], [0.05 + shift, 1.0 + shift]
    )
    assert ls.free_energy_landscape(T, threshold=0.09).metadata["groups"] == [[0], [1], [2]]
    merged = ls.free_energy_landscape(T, threshold=0.1)
    assert merged.metadata["groups"] == [[0, 1], [2]]
    f01 = -T * np.log(1 + np.exp(-0.05 / T)) - 0.5 * shift
    assert merged.minima.energy[0] == pytest.approx(f01, rel=1e-13)
    assert merged.transition_states.energy[0] == pytest.approx(2.0 + 0.5 * shift, rel=1e-13)
    assert ls.free_energy_landscape(T, threshold=1.04).metadata["groups"] == [[0, 1], [2]]
    assert ls.free_energy_landscape(T, threshold=1.05).metadata["groups"] == [[0, 1, 2]]


def test_free_energy_disconnectivity_graph_draws():
    import matplotlib.pyplot as plt

    fe = seeded_landscape(3).free_energy_landscape(0.5, threshold=0.3)
    ax = fe.plot_disconnectivity()
    assert ax.get_lines() or ax.collections
    plt.close("all")


def test_free_energy_landscape_errors():
    ls = seeded_landscape(0)
    with pytest.raises(ValueError, match="non-negative"):
        ls.free_energy_landscape(0.3, threshold=-1.0)
    with pytest.raises(ValueError, match="single temperature"):
        ls.free_energy_landscape([0.3, 0.4])
