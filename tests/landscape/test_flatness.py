"""Flatness summaries against Hessians computed directly."""

import numpy as np
import pytest

import sklandscape as skl
from sklandscape.surfaces import MullerBrown


def test_flatness_matches_the_hessian_of_each_minimum():
    surface = MullerBrown()
    ls = skl.explore(surface, n_hops=20, n_chains=2, connect=False, random_state=0)
    flat = ls.flatness(radius=0.01)
    for a in range(ls.n_minima):
        eigenvalues = np.linalg.eigvalsh(surface.hessian(ls.minima.x[a]))
        assert flat["max_eigenvalue"][a] == pytest.approx(eigenvalues.max(), rel=1e-5)
        assert flat["min_eigenvalue"][a] == pytest.approx(eigenvalues.min(), rel=1e-5)
        assert flat["trace"][a] == pytest.approx(eigenvalues.sum(), rel=1e-5)
        assert flat["log_hessian_product"][a] == pytest.approx(np.log(eigenvalues).sum(), abs=1e-5)
        # the worst direction of length r raises the loss by 1/2 lambda_max r^2
        worst = np.linalg.eigh(surface.hessian(ls.minima.x[a]))[1][:, -1] * 0.01
        rise = surface.value(ls.minima.x[a] + worst) - ls.minima.energy[a]
        assert flat["worst_case_rise"][a] == pytest.approx(rise, rel=0.05)
        assert flat["mean_rise"][a] == pytest.approx(0.5 * 0.01**2 * eigenvalues.mean())


def test_flatness_without_spectrum_columns_and_bad_radius():
    ls = skl.Landscape.from_arrays([0.0, 1.0], [2.0], [[0, 1]])
    assert sorted(ls.flatness(radius=1.0)) == ["log_hessian_product"]
    with pytest.raises(ValueError, match="radius"):
        ls.flatness(radius=-1.0)
