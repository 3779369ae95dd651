"""Tests of the per-K landscape features on hand-made landscapes with known answers."""

import numpy as np
import pytest

from sklandscape import Landscape
from sklandscape.model_selection._k_criteria import (
    connected_to_global_minimum,
    landscape_features,
    partition_landscape,
)


def _two_components():
    """Minima 0 (global), 1, 2 joined by TSs; minima 3 and 4 joined to each other only.

    Energies 1.0, 1.5, 1.2 | 1.1, 1.3. In the global minimum's component,
    2 -> 0 is a monotonic step (TS at 1.6) and 1 -> 2 another (TS at 1.7), so
    one funnel; minimum 3 is lower than 1 and 2 but is not connected, so it must
    not count as a competing funnel (it would be one in the whole landscape).
    """
    return Landscape.from_arrays(
        [1.0, 1.5, 1.2, 1.1, 1.3],
        [1.6, 1.7, 1.4],
        [[0, 2], [1, 2], [3, 4]],
    )


def test_connected_to_global_minimum_is_its_component():
    np.testing.assert_array_equal(
        connected_to_global_minimum(_two_components()), [True, True, True, False, False]
    )
    assert connected_to_global_minimum(Landscape.from_arrays([], [], np.empty((0, 2)))).size == 0


def test_partition_landscape_connected_only_keeps_the_component_and_its_states():
    inner = partition_landscape(_two_components(), connected_only=True)
    np.testing.assert_array_equal(inner.minima.energy, [1.0, 1.5, 1.2])
    np.testing.assert_array_equal(inner.transition_states.energy, [1.6, 1.7])
    np.testing.assert_array_equal(
        np.sort(inner.transition_states.minima, axis=1), [[0, 2], [1, 2]]
    )


def test_funnel_features_count_the_connected_minima_only():
    n_samples = 10
    features = landscape_features(_two_components(), n_samples)
    temperature = 1.0 / n_samples
    energy = np.array([1.0, 1.5, 1.2, 1.1, 1.3])
    weights = np.exp(-(energy - 1.0) / temperature)
    p = weights / weights.sum()
    assert features["n_minima"] == 5
    assert features["n_connected"] == 3
    assert features["fraction_connected"] == pytest.approx(3 / 5)
    # one funnel among the connected minima: minimum 3 is no competitor
    assert features["n_msb"] == 1
    assert np.isnan(features["gap"]) and np.isnan(features["barrier"])
    # thermodynamics over every kept minimum; the funnel's weight over the connected ones
    assert features["occupation"] == pytest.approx(p[0], rel=1e-12)
    assert features["entropy"] == pytest.approx(-np.sum(p * np.log(p)), rel=1e-12)
    assert features["funnel_occupation"] == pytest.approx(p[:3].sum(), rel=1e-12)
    # frustration of the connected set: (L+_a - E_g) / (E_a - E_g), weighted by p_a / (1 - p_g)
    inner = p[:3] / p[:3].sum()
    # minimum 1's path to 0 climbs through 1.7, minimum 2's through 1.6
    ratio = np.array([(1.7 - 1.0) / 0.5, (1.6 - 1.0) / 0.2])
    expected = np.sum(inner[1:] * ratio) / (1 - inner[0])
    assert features["frustration"] == pytest.approx(expected, rel=1e-9)


def test_a_competing_funnel_inside_the_component_gives_gap_and_barrier():
    # 0 (global) and 2 are both MSB bottoms: 1 sits between them, above both.
    landscape = Landscape.from_arrays([1.0, 1.5, 1.2], [1.6, 1.8], [[0, 1], [1, 2]])
    features = landscape_features(landscape, n_samples=4)
    assert features["n_msb"] == 2
    assert features["gap"] == pytest.approx(0.2)
    assert features["barrier"] == pytest.approx(1.8 - 1.2)
    assert features["fraction_connected"] == 1.0
