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


def test_reusing_the_factorised_hessian_reaches_the_same_minimum(monkeypatch):
    """The chord steps (NEWTON_CHORD_RATE) against a fresh Hessian at every Newton step.

    Breast-cancer-sized inputs (30 features, 8 hidden units: 257 parameters, above
    SADDLE_FREE_MAX_PARAMS), two starts: the same minimum to the Newton tolerance, from
    fewer Hessians in all.
    """
    rng = np.random.default_rng(5)
    X = rng.normal(size=(120, 30))
    y = (X[:, 0] + X[:, 1] ** 2 > 1).astype(int)
    objective = MLPObjective(
        X, np.eye(2)[y], (8,), activation="tanh", alpha=1e-3, output="softmax"
    )
    counts = {}
    hessian = objective.hessian

    def counting(x):
        counts[rate] = counts.get(rate, 0) + 1
        return hessian(x)

    monkeypatch.setattr(objective, "hessian", counting)
    minima = {}
    for rate in (None, _newton_minimize.NEWTON_CHORD_RATE):
        monkeypatch.setattr(_newton_minimize, "NEWTON_CHORD_RATE", rate)
        minima[rate] = [
            newton_polished_minimize(objective, objective.random_point(np.random.default_rng(s)))
            for s in range(2)
        ]
    for plain, chord in zip(*minima.values(), strict=True):
        assert plain.converged and chord.converged
        assert abs(plain.energy - chord.energy) <= 1e-12
        np.testing.assert_allclose(chord.x, plain.x, atol=1e-6)
    assert counts[_newton_minimize.NEWTON_CHORD_RATE] < counts[None]
