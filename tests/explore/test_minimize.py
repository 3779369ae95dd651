"""Local minimisation, the KKT free mask, and verification of stationary points."""

import numpy as np
import pytest
from scipy.optimize import rosen, rosen_der, rosen_hess

from sklandscape._explore._minimize import (
    MinimizeResult,
    NonFiniteEnergyError,
    free_mask,
    local_minimize,
    minimize_and_verify,
    projected_gradient,
    quench,
    verify_stationary_point,
)
from sklandscape._explore._objective import FunctionObjective, Objective
from sklandscape.surfaces import SeparableEggCrate, TwoGaussians


def test_rosenbrock_minimum_is_found_and_verified():
    """The classic start (-1.2, 1) of the 2-d Rosenbrock function; its only minimum is (1, 1)."""
    objective = FunctionObjective(rosen, 2, jac=rosen_der, hess=rosen_hess)
    result = local_minimize(objective, np.array([-1.2, 1.0]))
    assert result.converged
    np.testing.assert_allclose(result.x, np.ones(2), atol=1e-5)
    minimum = minimize_and_verify(objective, np.array([-1.2, 1.0]))
    expected = np.sum(np.log(np.linalg.eigvalsh(rosen_hess(np.ones(2)))))
    assert minimum.stationary_point.log_hessian_product == pytest.approx(expected, rel=1e-6)
    assert minimum.stationary_point.index == 0


def test_quench_stays_in_the_basin_of_its_start():
    """Egg crate: basins are the grid cells between the maxima of g (separable gradient flow)."""
    surface = SeparableEggCrate()
    wells = np.arange(7) - 3.0
    rng = np.random.default_rng(0)
    starts = rng.uniform(*surface.bounds[0], size=(200, 2))
    # keep starts well inside a cell: the ridges of g lie within 0.02 of the half-integers
    starts = starts[np.all(np.abs(starts - np.round(starts)) < 0.45, axis=1)]
    for start in starts:
        end = local_minimize(surface, start).x
        np.testing.assert_array_equal(
            wells[np.abs(wells[:, None] - end).argmin(0)], np.round(start)
        )
    unlimited = [local_minimize(surface, s, max_step=np.inf).x for s in starts]
    assert any(np.any(np.round(e) != np.round(s)) for e, s in zip(unlimited, starts, strict=True))


def test_newton_polish_reaches_tolerance_on_an_ill_conditioned_quadratic():
    scales = np.array([1.0, 1e4, 1e-3])
    objective = FunctionObjective(
        lambda x: (0.5 * float(np.sum(scales * (x - 1) ** 2)), scales * (x - 1)),
        3,
        jac=True,
        hess=lambda x: np.diag(scales),
    )
    result = local_minimize(objective, np.array([5.0, -3.0, 40.0]))
    assert result.converged
    assert np.max(np.abs(result.grad)) <= 10 * objective.gtol


def test_minimum_on_a_bound_is_held_and_verified():
    """E = (x - 2)^2 + y^2 on x <= 1: the minimum sits on the bound x = 1 (KKT)."""
    objective = FunctionObjective(
        lambda x: ((x[0] - 2) ** 2 + x[1] ** 2, np.array([2 * (x[0] - 2), 2 * x[1]])),
        2,
        jac=True,
        bounds=[(-1.0, 1.0), (-1.0, 1.0)],
    )
    minimum = minimize_and_verify(objective, np.array([0.0, 0.5]))
    np.testing.assert_allclose(minimum.x, [1.0, 0.0], atol=1e-7)
    grad = objective.gradient(minimum.x)
    np.testing.assert_array_equal(free_mask(objective, minimum.x, grad), [False, True])
    np.testing.assert_allclose(projected_gradient(objective, minimum.x, grad), 0.0, atol=1e-6)
    # only the free direction enters the Hessian spectrum: log(2)
    assert minimum.stationary_point.log_hessian_product == pytest.approx(np.log(2.0))


def test_bound_slope_and_relaxed_curvature_of_a_coupled_quadratic():
    """E = g x + (a x^2 + 2 b x y + d y^2) / 2 on x >= 0: held x, slope g, c = a - b^2/d.

    The relaxed curvature makes the edge factor exact: integrating y out of
    exp(-E/T) leaves exp(-(g x + (a - b^2/d) x^2 / 2) / T) times a Gaussian.
    """
    g, a, b, d = 0.7, 3.0, 1.2, 2.0
    hess = np.array([[a, b], [b, d]])
    objective = FunctionObjective(
        lambda x: (g * x[0] + 0.5 * x @ hess @ x, np.array([g, 0.0]) + hess @ x),
        2,
        jac=True,
        hess=lambda x: hess,
        bounds=[(0.0, 1.0), (-1.0, 1.0)],
    )
    minimum = minimize_and_verify(objective, np.array([0.5, 0.5]))
    point = minimum.stationary_point
    np.testing.assert_allclose(minimum.x, [0.0, 0.0], atol=1e-5)
    assert point.n_modes == 1
    assert point.log_hessian_product == pytest.approx(np.log(d))
    np.testing.assert_allclose(point.bound_slopes, [g], rtol=1e-6)
    np.testing.assert_allclose(point.bound_curvatures, [a - b * b / d], rtol=1e-12)


def test_flat_held_coordinate_is_verified_in_a_finite_box_only():
    """E = y^2 - c x^2 / 2 at the bound x = 0: flat along x (c = 0) the box width bounds the
    edge integral, so the point is kept; with c > 0 (energy falling inward) it is no minimum."""

    def objective(c, high):
        return FunctionObjective(
            lambda x: (x[1] ** 2 - 0.5 * c * x[0] ** 2, np.array([-c * x[0], 2 * x[1]])),
            2,
            jac=True,
            hess=lambda x: np.diag([-c, 2.0]),
            bounds=[(0.0, high), (-1.0, 1.0)],
        )

    point = verify_stationary_point(objective(0.0, 3.0), np.array([0.0, 0.0]), index=0)
    assert point is not None
    np.testing.assert_array_equal(point.bound_slopes, [0.0])
    np.testing.assert_array_equal(point.bound_widths, [3.0])
    assert verify_stationary_point(objective(0.0, np.inf), np.zeros(2), index=0) is None
    assert verify_stationary_point(objective(1.0, 3.0), np.zeros(2), index=0) is None


def test_free_mask_follows_the_sign_of_the_gradient():
    objective = Objective(2, bounds=[(0.0, 1.0), (0.0, 1.0)])
    x = np.array([0.0, 1.0])
    np.testing.assert_array_equal(free_mask(objective, x, np.array([1.0, -1.0])), [False, False])
    np.testing.assert_array_equal(free_mask(objective, x, np.array([-1.0, 1.0])), [True, True])


def test_verify_the_two_gaussian_saddle():
    surface = TwoGaussians()
    saddle = verify_stationary_point(surface, np.zeros(2), index=1)
    np.testing.assert_allclose(saddle.eigenvalues, [-4 / np.e, 4 / np.e])
    assert saddle.log_hessian_product == pytest.approx(np.log(4 / np.e))
    assert verify_stationary_point(surface, np.zeros(2), index=0) is None
    assert verify_stationary_point(surface, np.array([0.3, 0.0]), index=1) is None  # gradient


class Scripted(Objective):
    """An objective whose local minimiser and Hessian are set by the test."""

    def __init__(self, result=None, error=None, hessian=None):
        super().__init__(1)
        self._result, self._error, self._hessian = result, error, hessian

    def value_and_grad(self, x):
        return float(x[0] ** 2), 2 * np.asarray(x, dtype=float)

    def local_minimize(self, x):
        if self._error is not None:
            raise self._error
        return self._result

    def hessian(self, x):
        return np.array([[self._hessian]])


def result(converged=True, energy=0.0):
    return MinimizeResult(np.zeros(1), energy, np.zeros(1), converged, 3, "scripted")


@pytest.mark.parametrize(
    "objective, status",
    [
        (Scripted(result(), hessian=2.0), "minimum"),
        (Scripted(error=NonFiniteEnergyError("nan")), "nonfinite"),
        (Scripted(result(energy=np.nan), hessian=2.0), "nonfinite"),
        (Scripted(result(), hessian=np.nan), "nonfinite"),
        (Scripted(result(converged=False), hessian=2.0), "unconverged"),
        (Scripted(result(), hessian=-2.0), "not_minimum"),
        (Scripted(result(), hessian=0.0), "not_minimum"),
    ],
)
def test_quench_reports_why(objective, status):
    minimum, reported = quench(objective, np.zeros(1))
    assert reported == status
    assert (minimum is not None) == (status == "minimum")
    assert (minimize_and_verify(objective, np.zeros(1)) is not None) == (status == "minimum")


def test_nan_energy_raises_nonfinite_error():
    objective = FunctionObjective(lambda x: (np.nan, np.zeros(1)), 1, jac=True)
    with pytest.raises(NonFiniteEnergyError):
        local_minimize(objective, np.zeros(1))
    assert quench(objective, np.zeros(1)) == (None, "nonfinite")


def test_local_minimize_limits_blas_threads_while_it_runs():
    from threadpoolctl import threadpool_info

    seen = []

    def fun(x):
        seen.append([i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"])
        return float(x @ x), 2 * x

    local_minimize(FunctionObjective(fun, 2, jac=True), np.ones(2))
    assert seen and all(threads == [1] * len(threads) for threads in seen)


def test_a_saddle_start_is_not_a_minimum():
    """From the exact saddle the gradient is zero: the minimiser stops, verification refuses."""
    assert quench(TwoGaussians(), np.zeros(2)) == (None, "not_minimum")


def test_no_step_is_longer_than_max_step():
    visited = []

    def fun(x):
        visited.append(np.array(x))
        return 0.5 * float(x @ x), np.array(x, dtype=float)

    objective = FunctionObjective(fun, 3, jac=True)
    result = local_minimize(objective, np.array([4.0, -3.0, 2.0]), max_step=0.25)
    assert result.converged
    np.testing.assert_allclose(result.x, 0.0, atol=1e-6)
    steps = np.linalg.norm(np.diff(visited, axis=0), axis=1)
    assert steps.max() <= 0.25 * (1 + 1e-12)
    # the path is at least as long as the straight line, so it took many capped steps
    assert len(visited) >= np.linalg.norm([4.0, -3.0, 2.0]) / 0.25
    # the default cap is the objective's max_quench_step()
    assert objective.max_quench_step() == pytest.approx(0.25 * objective.default_step_size())


def test_diagonal_hessians_are_diagonalised_without_a_dense_eigensolver():
    from sklandscape._explore._minimize import _symmetric_eigh

    rng = np.random.default_rng(0)
    diagonal = rng.normal(size=40)
    diagonal[[3, 7]] = 0.5  # a repeated eigenvalue
    values, vectors = _symmetric_eigh(np.diag(diagonal))
    np.testing.assert_array_equal(values, np.linalg.eigvalsh(np.diag(diagonal)))
    np.testing.assert_allclose(vectors.T @ np.diag(diagonal) @ vectors, np.diag(values))
    np.testing.assert_array_equal(vectors.T @ vectors, np.eye(40))
    dense = rng.normal(size=(6, 6))
    dense += dense.T
    values, vectors = _symmetric_eigh(dense)
    np.testing.assert_allclose(values, np.linalg.eigvalsh(dense), atol=1e-12)
    np.testing.assert_allclose(dense @ vectors, vectors * values, atol=1e-12)
