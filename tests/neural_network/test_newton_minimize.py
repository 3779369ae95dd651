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


def _large_objective():
    """Breast-cancer-sized inputs (30 features, 8 hidden units: 258 parameters).

    Above SADDLE_FREE_MAX_PARAMS: an indefinite Hessian gives no Newton step.
    """
    rng = np.random.default_rng(5)
    X = rng.normal(size=(120, 30))
    y = (X[:, 0] + X[:, 1] ** 2 > 1).astype(int)
    return MLPObjective(X, np.eye(2)[y], (8,), activation="tanh", alpha=1e-3, output="softmax")


def _minima_and_hessians(monkeypatch, objective, settings):
    """Minima of two starts and the Hessians they cost, under each of ``settings``.

    ``settings`` maps a label to ``{module constant: value}``.
    """
    counts, minima = {}, {}
    hessian = objective.hessian
    for label, constants in settings.items():
        for name, value in constants.items():
            monkeypatch.setattr(_newton_minimize, name, value)
        counts[label] = 0

        def counting(x, label=label):
            counts[label] += 1
            return hessian(x)

        monkeypatch.setattr(objective, "hessian", counting)
        minima[label] = [
            newton_polished_minimize(objective, objective.random_point(np.random.default_rng(s)))
            for s in range(2)
        ]
    return minima, counts


def _assert_same_minima(first, second):
    for a, b in zip(first, second, strict=True):
        assert a.converged and b.converged
        assert abs(a.energy - b.energy) <= 1e-12
        np.testing.assert_allclose(a.x, b.x, atol=1e-6)


def test_reusing_the_factorised_hessian_reaches_the_same_minimum(monkeypatch):
    """The chord steps (NEWTON_CHORD_RATE) against a fresh Hessian at every Newton step."""
    minima, counts = _minima_and_hessians(
        monkeypatch,
        _large_objective(),
        {
            "fresh": {"NEWTON_CHORD_RATE": None, "LARGE_MODEL_NEWTON_GTOL": np.inf},
            "chord": {"NEWTON_CHORD_RATE": 0.5, "LARGE_MODEL_NEWTON_GTOL": np.inf},
        },
    )
    _assert_same_minima(minima["fresh"], minima["chord"])
    assert counts["chord"] < counts["fresh"]


def test_newton_is_not_tried_from_large_gradients_of_large_models(monkeypatch):
    """Above SADDLE_FREE_MAX_PARAMS the Hessians of L-BFGS-B rounds ending at gradients of
    LARGE_MODEL_NEWTON_GTOL or more are skipped: the same minima, fewer Hessians."""
    objective = _large_objective()
    gradients = []
    polish = _newton_minimize.newton_polish

    def recording(objective, x, energy, grad, **kwargs):
        gradients.append(float(np.max(np.abs(grad))))
        return polish(objective, x, energy, grad, **kwargs)

    monkeypatch.setattr(_newton_minimize, "newton_polish", recording)
    threshold = _newton_minimize.LARGE_MODEL_NEWTON_GTOL
    minima, counts = _minima_and_hessians(
        monkeypatch, objective, {"every round": {"LARGE_MODEL_NEWTON_GTOL": np.inf}}
    )
    assert max(gradients) >= threshold  # rounds that did try Newton from a large gradient
    gradients.clear()
    skipped, skipped_counts = _minima_and_hessians(
        monkeypatch, objective, {"skipped": {"LARGE_MODEL_NEWTON_GTOL": threshold}}
    )
    assert max(gradients) < threshold
    _assert_same_minima(minima["every round"], skipped["skipped"])
    assert skipped_counts["skipped"] < counts["every round"]
