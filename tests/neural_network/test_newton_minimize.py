"""L-BFGS-B + Newton minimisation of the MLP loss (sklandscape.neural_network._newton_minimize)."""

import numpy as np
from sklearn.datasets import load_iris
from sklearn.preprocessing import StandardScaler

from sklandscape.neural_network import _newton_minimize
from sklandscape.neural_network._mlp_objective import MLPObjective
from sklandscape.neural_network._newton_minimize import NEWTON_GTOL, newton_polished_minimize


def _count_rounds(monkeypatch):
    """Record ``(maxiter, iterations)`` of every L-BFGS-B round."""
    rounds, scipy_minimize = [], _newton_minimize.minimize

    def counting(*args, **kwargs):
        result = scipy_minimize(*args, **kwargs)
        rounds.append((kwargs["options"]["maxiter"], result.nit))
        return result

    monkeypatch.setattr(_newton_minimize, "minimize", counting)
    return rounds


def test_a_round_stalled_at_its_iteration_cap_ends_the_minimisation(monkeypatch):
    """Inputs far from the origin saturate every tanh unit: L-BFGS-B crawls and never converges.

    The data of scikit-learn's check_fit_idempotent (X ~ N(100, 1), random labels).
    """
    rng = np.random.RandomState(0)
    X = rng.normal(loc=100, size=(80, 2))
    y = rng.randint(low=0, high=2, size=80)
    objective = MLPObjective(
        X, y[:, None].astype(float), (10,), activation="tanh", alpha=1e-4, output="logistic"
    )
    rounds = _count_rounds(monkeypatch)
    result = newton_polished_minimize(
        objective, objective.random_point(np.random.default_rng(0)), maxiter=200
    )
    assert not result.converged
    assert rounds[-1] == (200, 200)  # the last round is the first that hit the cap
    assert all(iterations < 200 for _, iterations in rounds[:-1])


def test_standardised_data_still_converges_to_the_newton_tolerance(monkeypatch):
    X, y = load_iris(return_X_y=True)
    objective = MLPObjective(
        StandardScaler().fit_transform(X),
        np.eye(3)[y],
        (4,),
        activation="tanh",
        alpha=1e-3,
        output="softmax",
    )
    rounds = _count_rounds(monkeypatch)
    result = newton_polished_minimize(objective, objective.random_point(np.random.default_rng(1)))
    assert result.converged and np.max(np.abs(result.grad)) <= NEWTON_GTOL
    assert all(iterations < cap for cap, iterations in rounds)
