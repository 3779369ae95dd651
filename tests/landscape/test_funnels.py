"""Funnels and conserved parameters, checked on hand-made landscapes."""

import numpy as np
import pytest

from sklandscape import Landscape


def hand_made():
    """Seven minima; the expected drainage is worked out in the comments."""
    energy = [0.0, 1.0, 0.5, 2.0, 1.5, 3.0, 2.8]
    states = [
        ((0, 1), 2.0),  # 1 -> 2 (TS 1.8 is lower than 2.0, though 0 is the lower minimum)
        ((1, 2), 1.8),
        ((2, 3), 2.5),  # 3 -> 0 (TS 2.2 beats 2.5 to minimum 2 and 2.6 to minimum 4)
        ((3, 0), 2.2),
        ((3, 4), 2.6),  # 4: both neighbours (3, 5) higher -> an MSB bottom
        ((4, 5), 3.5),  # 5 -> 2 (TS 3.2 beats 3.5)
        ((5, 2), 3.2),
        ((6, 3), 2.9),  # 6 -> 3 -> 0 (TS 2.9 beats 3.0 to minimum 4)
        ((6, 4), 3.0),
    ]
    pairs = [p for p, _ in states]
    return Landscape.from_arrays(energy, [e for _, e in states], pairs)


def test_funnels_by_hand():
    ls = hand_made()
    assert ls.monotonic_sequence_basins() == [0, 2, 4]
    assert ls.funnels().tolist() == [0, 2, 2, 0, 4, 2, 0]


def test_funnel_ties_go_to_the_lower_neighbour_and_isolated_minima_are_their_own():
    # minimum 2 reaches 0 and 1 through TSs of equal energy: the lower minimum (0) wins.
    ls = Landscape.from_arrays([0.0, 0.5, 1.0, 0.7], [2.0, 2.0], [[2, 1], [2, 0]])
    assert ls.funnels().tolist() == [0, 1, 0, 3]


def test_muller_brown_funnels():
    # Published stationary points: minima -146.70, -108.17, -80.77; TSs -72.25 joins the
    # two higher minima, -40.66 joins the lowest and the highest. The highest minimum
    # drains over the lower TS, to the -108.17 minimum.
    ls = Landscape.from_arrays([-146.70, -108.17, -80.77], [-72.25, -40.66], [[1, 2], [0, 2]])
    assert ls.funnels().tolist() == [0, 1, 1]


@pytest.mark.parametrize("seed", range(5))
def test_funnel_labels_are_msbs_reached_downhill(seed):
    rng = np.random.default_rng(seed)
    n = 15
    energy = rng.normal(size=n)
    pairs = np.array([rng.choice(n, 2, replace=False) for _ in range(25)])
    ts = np.maximum(energy[pairs[:, 0]], energy[pairs[:, 1]]) + rng.exponential(size=25)
    ls = Landscape.from_arrays(energy, ts, pairs)
    labels = ls.funnels()
    msb = set(ls.monotonic_sequence_basins())
    assert set(labels.tolist()) <= msb
    for m in msb:
        assert labels[m] == m
    for m in set(range(n)) - msb:
        # the first step: the lowest TS among those leading to a lower minimum
        down = [
            (t, b if a == m else a)
            for t, (a, b) in zip(ts, pairs, strict=True)
            if m in (a, b) and energy[b if a == m else a] < energy[m]
        ]
        step = min(down)[1]
        assert labels[m] == labels[step]


def synthetic_minima():
    """Two funnels of four minima; parameter 0 and 3 fixed everywhere, 1 within funnel 0."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(8, 5))
    x[:, 0] = 1.5
    x[:, 3] = -0.25
    x[:4, 1] = 2.0
    energy = [0.0, 0.2, 0.4, 0.6, 0.1, 0.3, 0.5, 0.7]
    pairs = [[1, 0], [2, 1], [3, 2], [5, 4], [6, 5], [7, 6]]  # no TS between the funnels
    ts = [1.0] * 6
    return Landscape.from_arrays(energy, ts, pairs, n_params=5, minima_x=x), x


def test_conserved_parameters_over_all_minima():
    ls, x = synthetic_minima()
    result = ls.conserved_parameters()
    assert sorted(result.order[:2].tolist()) == [0, 3]
    np.testing.assert_allclose(result.spread, np.std(x, axis=0), atol=1e-15)
    np.testing.assert_allclose(result.mean, np.mean(x, axis=0))
    assert np.all(np.diff(result.spread[result.order]) >= 0)


def test_conserved_parameters_of_a_funnel():
    ls, x = synthetic_minima()
    assert ls.funnels().tolist() == [0, 0, 0, 0, 4, 4, 4, 4]
    first = ls.conserved_parameters(funnel=0)
    assert first.minima.tolist() == [0, 1, 2, 3]
    assert sorted(first.order[:3].tolist()) == [0, 1, 3]
    assert first.spread[1] == 0.0
    second = ls.conserved_parameters(funnel=4)
    assert second.spread[1] == pytest.approx(np.std(x[4:, 1]))
    chosen = ls.conserved_parameters(minima=[5, 2])
    np.testing.assert_allclose(chosen.spread, np.abs(x[5] - x[2]) / 2)


def test_conserved_parameters_errors():
    ls, _ = synthetic_minima()
    with pytest.raises(ValueError, match="not both"):
        ls.conserved_parameters([0, 1], funnel=0)
    with pytest.raises(ValueError, match="not an MSB"):
        ls.conserved_parameters(funnel=1)
    with pytest.raises(ValueError, match="at least two"):
        ls.conserved_parameters(minima=[3])
    with pytest.raises(ValueError, match="no coordinates"):
        hand_made().conserved_parameters()
