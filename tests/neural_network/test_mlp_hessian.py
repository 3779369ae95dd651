"""The closed-form one-hidden-layer Hessian (sklandscape.neural_network._mlp_hessian)."""

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.preprocessing import StandardScaler

from sklandscape.neural_network import _mlp_hessian
from sklandscape.neural_network._mlp_hessian import _symmetric_sum_of_kronecker
from sklandscape.neural_network._mlp_objective import MLPObjective


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def test_symmetric_sum_equals_the_full_sum_of_outer_products():
    """Only the upper triangles are summed; the result is the full Kronecker sum."""
    rng = np.random.default_rng(0)
    features = rng.standard_normal((9, 4))
    half = rng.standard_normal((9, 3, 3))
    coupling = half + half.transpose(0, 2, 1)
    expected = np.einsum("ia,ib,icd->abcd", features, features, coupling).reshape(16, 9)
    np.testing.assert_allclose(_symmetric_sum_of_kronecker(features, coupling), expected)


@pytest.mark.parametrize("output", ["softmax", "logistic"])
def test_hessian_in_sample_chunks_equals_the_r_operator(iris, monkeypatch, output):
    """Chunks of a few samples (the path of large data sets) give the same exact Hessian."""
    X, y = iris
    targets = np.eye(3)[y] if output == "softmax" else (y == 1).astype(float)[:, None]
    objective = MLPObjective(X, targets, (5,), activation="tanh", alpha=1e-3, output=output)
    x = 2.0 * objective.random_point(np.random.default_rng(3))
    monkeypatch.setattr(_mlp_hessian, "_MAX_CHUNK_FLOATS", 64)
    by_r_operator = objective.hessian_vector_product(x, np.eye(objective.n_params))
    np.testing.assert_allclose(objective.hessian(x), by_r_operator, atol=1e-14)
