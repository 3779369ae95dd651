"""Transition states of the K-means landscape: highest point of a converged elastic band.

Six 1-D points {0, 1, 5, 6, 10, 11}, K = 2. With ordered centres c1 < c2 the
Lloyd fixed points are {0,1 | 5,6,10,11} (centres 0.5, 8; E = 26.5/6),
{0,1,5,6 | 10,11} (3, 10.5; E = 26.5/6) and {0,1,5 | 6,10,11} (2, 9; E = 28/6).
The lowest point of the ridge where point 5 changes centre (c1 + c2 = 10) is,
minimising the cost on that line with {0,1,5} and {6,10,11} assigned,
c = (1.5, 8.5) with E = 29.5/6; by symmetry the ridge of point 6 has the same
barrier at (2.5, 9.5). A band's highest point can lie no lower than this
minimax barrier and, once the band has converged, lies within its tolerance.
"""

import numpy as np
import pytest

from sklandscape import explore
from sklandscape.cluster._kmeans_objective import KMeansObjective

X = np.array([[0.0], [1.0], [5.0], [6.0], [10.0], [11.0]])
BARRIER = 29.5 / 6


@pytest.fixture(scope="module")
def landscape():
    return explore(KMeansObjective(X, 2), n_hops=20, n_chains=2, random_state=0)


def test_minima_are_the_three_lloyd_fixed_points(landscape):
    np.testing.assert_allclose(landscape.minima.energy, [26.5 / 6, 26.5 / 6, 28 / 6])
    np.testing.assert_allclose(
        np.sort(landscape.minima.x, axis=0), [[0.5, 8.0], [2.0, 9.0], [3.0, 10.5]]
    )


def test_transition_states_sit_on_the_minimax_barrier(landscape):
    states = landscape.transition_states
    assert states.energy.size >= 2
    # minima are sorted by energy: 0 and 1 are the outer ones, 2 the middle one (2, 9);
    # every TS joins the middle minimum to an outer one, never the outer two directly
    assert {frozenset(pair) for pair in states.minima.tolist()} == {
        frozenset((0, 2)),
        frozenset((1, 2)),
    }
    assert np.all(states.energy >= BARRIER - 1e-12)
    np.testing.assert_allclose(states.energy, BARRIER, rtol=1e-4)
    objective = KMeansObjective(X, 2)
    for x, energy in zip(states.x, states.energy, strict=True):
        assert objective.value(x) == pytest.approx(energy, rel=1e-12)
        # on an assignment boundary: point 5 or point 6 is equidistant from both centres
        c1, c2 = np.sort(x)
        gaps = np.abs(np.abs(X[2:4, 0] - c1) - np.abs(X[2:4, 0] - c2))
        assert gaps.min() < 1e-9
