"""Minimum verification by Cholesky and Lanczos (sklandscape._explore._spectrum)."""

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.preprocessing import StandardScaler

from sklandscape._explore._database import minimum_record
from sklandscape._explore._minimize import quench, verify_stationary_point
from sklandscape._explore._objective import Objective
from sklandscape._explore._optimizer import ZERO_EIGENVALUE_RTOL
from sklandscape._explore._spectrum import lanczos_minimum_spectrum
from sklandscape.neural_network._mlp_objective import MLPObjective


def _matrix(eigenvalues, seed=0):
    """``Q diag(eigenvalues) Q^T`` with a random orthogonal ``Q``, and ``Q``."""
    q, _ = np.linalg.qr(np.random.default_rng(seed).standard_normal((eigenvalues.size,) * 2))
    return (q * eigenvalues) @ q.T, q


def test_known_spectrum_with_one_zero_mode():
    """Analytic: LPPHE, extremes and trace of the positive modes of Q diag(lambda) Q^T."""
    positive = np.geomspace(1e-4, 30.0, 39)
    hessian, q = _matrix(np.concatenate([[0.0], positive]))
    spectrum = lanczos_minimum_spectrum(hessian, q[:, :1].T, ZERO_EIGENVALUE_RTOL)
    assert spectrum["log_hessian_product"] == pytest.approx(np.sum(np.log(positive)), rel=1e-10)
    assert spectrum["min_eigenvalue"] == pytest.approx(1e-4, rel=1e-8)
    assert spectrum["max_eigenvalue"] == pytest.approx(30.0, rel=1e-10)
    assert spectrum["trace"] == pytest.approx(positive.sum(), rel=1e-10)
    assert spectrum["n_modes"] == 39
    vector = spectrum["eigenvectors"][:, 1]  # the softest positive mode
    np.testing.assert_allclose(hessian @ vector, 1e-4 * vector, atol=1e-10)


@pytest.mark.parametrize(
    "eigenvalues, zero_mode_column",
    [
        pytest.param([-1e-3, 0.0, *np.linspace(1, 5, 20)], 1, id="negative-eigenvalue"),
        pytest.param([1e-12, 0.0, *np.linspace(1, 5, 20)], 1, id="second-zero-eigenvalue"),
        pytest.param([0.5, 0.0, *np.linspace(1, 5, 20)], 0, id="basis-not-a-zero-mode"),
    ],
)
def test_points_that_are_not_isolated_minima_are_refused(eigenvalues, zero_mode_column):
    hessian, q = _matrix(np.array(eigenvalues), seed=3)
    basis = q[:, zero_mode_column : zero_mode_column + 1].T
    assert lanczos_minimum_spectrum(hessian, basis, ZERO_EIGENVALUE_RTOL) is None


@pytest.fixture(scope="module")
def iris_minimum():
    X, y = load_iris(return_X_y=True)
    objective = MLPObjective(
        StandardScaler().fit_transform(X),
        np.eye(3)[y],
        (8,),
        activation="tanh",
        alpha=1e-3,
        output="softmax",
    )
    result = objective.local_minimize(objective.random_point(np.random.default_rng(0)))
    assert result.converged
    return objective, result


def test_agrees_with_the_dense_eigendecomposition_on_an_mlp_minimum(iris_minimum, monkeypatch):
    """Second method: the full spectrum of numpy's eigh on the same exact Hessian."""
    objective, result = iris_minimum
    dense = verify_stationary_point(objective, result.x, index=0)
    monkeypatch.setattr(objective, "exact_hessian_max_params", 10)
    cheap = verify_stationary_point(objective, result.x, index=0, full_spectrum=False)
    assert dense.complete_spectrum and not cheap.complete_spectrum
    assert cheap.log_hessian_product == pytest.approx(dense.log_hessian_product, rel=1e-9)
    for name in ("min_eigenvalue", "max_eigenvalue", "trace"):
        assert getattr(cheap, name) == pytest.approx(getattr(dense, name), rel=1e-8)
    assert (cheap.index, cheap.n_modes) == (dense.index, dense.n_modes)
    assert dense.min_eigenvalue == pytest.approx(dense.eigenvalues[1])  # the zero mode left out


def test_quench_stores_the_same_record_either_way(iris_minimum, monkeypatch):
    objective, result = iris_minimum
    start = result.x + 0.05 * np.random.default_rng(1).standard_normal(result.x.size)
    dense_minimum, status = quench(objective, start)
    assert status == "minimum"
    monkeypatch.setattr(objective, "exact_hessian_max_params", 10)
    cheap_minimum, status = quench(objective, start)
    assert status == "minimum" and not cheap_minimum.stationary_point.complete_spectrum
    dense = minimum_record(objective, dense_minimum)
    cheap = minimum_record(objective, cheap_minimum)
    np.testing.assert_array_equal(cheap.x, dense.x)
    for name in ("log_hessian_product", "hessian_min_eigenvalue", "hessian_max_eigenvalue"):
        assert getattr(cheap, name) == pytest.approx(getattr(dense, name), rel=1e-8)


class _FlatQuadratic(Objective):
    """``E = sum_i c_i x_i^2`` with ``c_0 = 0``: one exact zero mode, Hessian ``diag(2 c)``."""

    n_zero_modes = 1
    exact_hessian_max_params = 2

    def __init__(self, curvatures):
        super().__init__(len(curvatures))
        self.curvatures = np.asarray(curvatures, dtype=float)

    def value_and_grad(self, x):
        return float(self.curvatures @ x**2), 2 * self.curvatures * x

    def hessian(self, x):
        return np.diag(2 * self.curvatures)


class _FlatQuadraticWithBasis(_FlatQuadratic):
    def zero_mode_basis(self):
        return np.eye(self.n_params)[:1]


@pytest.mark.parametrize(
    "objective_class, complete", [(_FlatQuadratic, True), (_FlatQuadraticWithBasis, False)]
)
def test_zero_modes_must_be_spanned_for_the_cheap_path(objective_class, complete):
    """Analytic LPPHE ``sum log 2 c_i`` either way; without a basis the Hessian is diagonalised."""
    curvatures = np.array([0.0, 0.5, 1.0, 2.0, 3.0, 0.25])
    objective = objective_class(curvatures)
    point = verify_stationary_point(objective, np.zeros(6), index=0, full_spectrum=False)
    assert point.complete_spectrum is complete
    assert point.log_hessian_product == pytest.approx(np.sum(np.log(2 * curvatures[1:])))
    assert (point.min_eigenvalue, point.max_eigenvalue) == pytest.approx((0.5, 6.0))
    assert point.trace == pytest.approx(2 * curvatures.sum())
