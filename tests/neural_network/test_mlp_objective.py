"""Tests of the MLP loss surface: energy, exact derivatives, symmetries, minimisation."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

from sklandscape._explore._minimize import minimize_and_verify, verify_stationary_point
from sklandscape.neural_network._mlp_objective import MLPObjective
from sklandscape.neural_network._newton_minimize import NEWTON_GTOL


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def _objective(X, y, hidden=(4,), activation="tanh", alpha=1e-3, binary=False, weights=None):
    if binary:
        targets = (y == 2).astype(float)[:, None]
        return MLPObjective(
            X,
            targets,
            hidden,
            activation=activation,
            alpha=alpha,
            output="logistic",
            sample_weight=weights,
        )
    return MLPObjective(
        X,
        np.eye(3)[y],
        hidden,
        activation=activation,
        alpha=alpha,
        output="softmax",
        sample_weight=weights,
    )


def _random_x(objective, seed, scale=2.0):
    return scale * objective.random_point(np.random.default_rng(seed))


CASES = [
    pytest.param(hidden, activation, binary, id=f"{hidden}-{activation}-binary={binary}")
    for hidden in [(), (4,), (3, 2)]
    for activation in ["tanh", "logistic"]
    for binary in [False, True]
]


@pytest.mark.parametrize("hidden, activation, binary", CASES)
def test_gradient_matches_central_differences(iris, hidden, activation, binary):
    X, y = iris
    weights = np.random.default_rng(0).uniform(0.5, 2.0, size=y.size)
    objective = _objective(X, y, hidden, activation, binary=binary, weights=weights)
    x = _random_x(objective, 1)
    _, grad = objective.value_and_grad(x)
    h = 1e-6
    eye = np.eye(objective.n_params)
    numerical = np.array(
        [(objective.value(x + h * e) - objective.value(x - h * e)) / (2 * h) for e in eye]
    )
    np.testing.assert_allclose(grad, numerical, atol=1e-8)


@pytest.mark.parametrize("hidden, activation, binary", CASES)
def test_hessian_matches_differences_of_the_gradient(iris, hidden, activation, binary):
    X, y = iris
    weights = np.random.default_rng(0).uniform(0.5, 2.0, size=y.size)
    objective = _objective(X, y, hidden, activation, binary=binary, weights=weights)
    x = _random_x(objective, 2)
    hessian = objective.hessian(x)
    h = 1e-6
    eye = np.eye(objective.n_params)
    numerical = np.array(
        [(objective.gradient(x + h * e) - objective.gradient(x - h * e)) / (2 * h) for e in eye]
    )
    np.testing.assert_allclose(hessian, numerical, atol=1e-7)
    raw = objective.hessian_vector_product(x, eye)
    np.testing.assert_allclose(raw, raw.T, atol=1e-13)  # the R-operator is exact, so symmetric


def test_hessian_vector_product_of_one_direction_and_in_chunks(iris, monkeypatch):
    X, y = iris
    objective = _objective(X, y, (5,))
    x = _random_x(objective, 3)
    v = np.random.default_rng(4).normal(size=objective.n_params)
    full = objective.hessian(x)
    np.testing.assert_allclose(objective.hessian_vector_product(x, v), full @ v, atol=1e-12)
    import sklandscape.neural_network._mlp_objective as module

    monkeypatch.setattr(module, "_MAX_BATCH_FLOATS", 3 * X.shape[0] * 5)  # 3 per chunk
    np.testing.assert_allclose(objective.hessian(x), full, atol=1e-14)
    with pytest.raises(ValueError, match="columns"):
        objective.hessian_vector_product(x, np.ones(3))


@pytest.mark.parametrize("binary", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_energy_and_gradient_equal_scikit_learn_at_the_same_weights(iris, binary, weighted):
    """alpha = alpha_sklearn / sum(sample_weight) makes the two losses identical."""
    X, y = iris
    labels = (y == 2).astype(int) if binary else y
    weights = np.random.default_rng(5).uniform(0.5, 2.0, size=y.size) if weighted else None
    alpha_sklearn = 0.3
    total_weight = y.size if weights is None else weights.sum()
    objective = _objective(
        X, y, (6,), alpha=alpha_sklearn / total_weight, binary=binary, weights=weights
    )
    x = objective.random_point(np.random.default_rng(6))
    coefs, intercepts = objective.unpack(x)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = MLPClassifier(
            (6,), activation="tanh", solver="lbfgs", alpha=alpha_sklearn, max_iter=1
        )
        model.fit(X, labels, sample_weight=weights)
    model.coefs_ = [c.copy() for c in coefs]
    model.intercepts_ = [b.copy() for b in intercepts]
    penalty = 0.5 * alpha_sklearn * sum(np.sum(c**2) for c in coefs) / total_weight
    expected = log_loss(labels, model.predict_proba(X), sample_weight=weights) + penalty
    energy, grad = objective.value_and_grad(x)
    assert energy == pytest.approx(expected, rel=1e-12)
    # scikit-learn's own loss and gradient, in its packed layout (the layout we document)
    targets = model._label_binarizer.transform(labels).astype(float)
    n_layers = model.n_layers_
    sk_loss, sk_grad = model._loss_grad_lbfgs(
        x.copy(),
        X,
        targets,
        weights,
        [X] + [None] * (n_layers - 1),
        [None] * (n_layers - 1),
        [np.empty_like(c) for c in coefs],
        [np.empty_like(b) for b in intercepts],
    )
    assert energy == pytest.approx(sk_loss, rel=1e-12)
    np.testing.assert_allclose(grad, sk_grad, rtol=1e-10, atol=1e-14)


def test_pack_and_unpack_round_trip(iris):
    X, y = iris
    objective = _objective(X, y, (3, 2))
    x = _random_x(objective, 7)
    coefs, intercepts = objective.unpack(x)
    assert [c.shape for c in coefs] == [(4, 3), (3, 2), (2, 3)]
    assert [b.shape for b in intercepts] == [(3,), (2,), (3,)]
    np.testing.assert_array_equal(objective.pack(coefs, intercepts), x)
    assert objective.n_params == 4 * 3 + 3 * 2 + 2 * 3 + 3 + 2 + 3


def test_uniform_network_gives_log_of_the_number_of_classes(iris):
    X, y = iris
    objective = _objective(X, y, (4,))
    assert objective.value(np.zeros(objective.n_params)) == pytest.approx(np.log(3), rel=1e-14)
    binary = _objective(X, y, (4,), binary=True)
    assert binary.value(np.zeros(binary.n_params)) == pytest.approx(np.log(2), rel=1e-14)


def test_huge_logits_stay_finite(iris):
    """Log-sum-exp: no overflow and no log(0) for saturated outputs."""
    X, y = iris
    for binary in (False, True):
        objective = _objective(X, y, (), binary=binary)
        energy, grad = objective.value_and_grad(1e4 * _random_x(objective, 8))
        assert np.isfinite(energy) and np.all(np.isfinite(grad))


def _permute_and_flip(objective, x, rng):
    """A symmetry-equivalent copy of x: random unit permutations and sign flips."""
    coefs, intercepts = objective.unpack(np.array(x, copy=True))
    coefs, intercepts = list(coefs), list(intercepts)
    for layer in range(len(coefs) - 1):
        n_units = coefs[layer].shape[1]
        flip = rng.random(n_units) < 0.5
        sign = np.where(flip, -1.0, 1.0)
        outgoing = coefs[layer + 1]
        if objective.activation == "logistic":  # sigma(-z) = 1 - sigma(z)
            intercepts[layer + 1] = intercepts[layer + 1] + outgoing[flip].sum(axis=0)
        coefs[layer] = coefs[layer] * sign
        intercepts[layer] = intercepts[layer] * sign
        coefs[layer + 1] = outgoing * sign[:, None]
        order = rng.permutation(n_units)
        coefs[layer] = coefs[layer][:, order]
        intercepts[layer] = intercepts[layer][order]
        coefs[layer + 1] = coefs[layer + 1][order]
    if objective.output == "softmax":
        intercepts[-1] = intercepts[-1] + rng.normal()  # the zero mode
    return objective.pack(coefs, intercepts)


@pytest.mark.parametrize("activation", ["tanh", "logistic"])
@pytest.mark.parametrize("binary", [False, True])
def test_equivalent_networks_share_energy_and_canonical_form(iris, activation, binary):
    X, y = iris
    objective = _objective(X, y, (5, 3), activation, binary=binary)
    rng = np.random.default_rng(9)
    x = _random_x(objective, 10)
    canonical = objective.canonical(x)
    for _ in range(5):
        copy = _permute_and_flip(objective, x, rng)
        assert np.linalg.norm(copy - x) > 0.1
        assert objective.value(copy) == pytest.approx(objective.value(x), rel=1e-12)
        np.testing.assert_allclose(objective.canonical(copy), canonical, atol=1e-12)
    assert objective.value(canonical) == pytest.approx(objective.value(x), rel=1e-12)
    np.testing.assert_allclose(objective.canonical(canonical), canonical, atol=1e-12)


@pytest.mark.parametrize("activation", ["tanh", "logistic"])
@pytest.mark.parametrize("binary", [False, True])
def test_align_recovers_a_permuted_and_sign_flipped_network_exactly(iris, activation, binary):
    X, y = iris
    objective = _objective(X, y, (5, 3), activation, binary=binary)
    rng = np.random.default_rng(21)
    x = _random_x(objective, 22)
    for _ in range(5):
        copy = _permute_and_flip(objective, x, rng)
        assert np.linalg.norm(copy - x) > 0.1
        aligned = objective.align(copy, x)
        assert objective.distance(aligned, x) < 1e-12
        # the same function: identical logits (up to the softmax zero mode) and energy
        shift = objective.forward(aligned)[-1] - objective.forward(copy)[-1]
        if objective.output == "softmax":
            shift -= shift.mean(axis=1, keepdims=True)
        assert np.max(np.abs(shift)) < 1e-12
        assert objective.value(aligned) == pytest.approx(objective.value(copy), rel=1e-12)


@pytest.mark.parametrize("activation", ["tanh", "logistic"])
def test_align_is_a_symmetry_never_farther_than_the_identity(iris, activation):
    X, y = iris
    objective = _objective(X, y, (4, 3), activation)
    for seed in range(6):
        x, reference = _random_x(objective, 30 + seed), _random_x(objective, 40 + seed)
        aligned = objective.align(x, reference)
        assert objective.value(aligned) == pytest.approx(objective.value(x), rel=1e-12)
        np.testing.assert_allclose(
            objective.canonical(aligned), objective.canonical(x), atol=1e-10
        )
        distance = objective.distance(aligned, reference)
        assert distance <= objective.distance(x, reference) + 1e-12
        if distance < objective.distance(x, reference):
            # the matching does not depend on which symmetry copy of x is given
            copy = objective.canonical(x)
            np.testing.assert_allclose(objective.align(copy, reference), aligned, atol=1e-10)


def test_canonical_keeps_different_networks_apart(iris):
    X, y = iris
    objective = _objective(X, y, (4,))
    a, b = _random_x(objective, 11), _random_x(objective, 12)
    assert objective.distance(objective.canonical(a), objective.canonical(b)) > 0.1


def test_softmax_intercept_shift_is_the_one_zero_mode(iris):
    X, y = iris
    objective = _objective(X, y, (4,))
    assert objective.n_zero_modes == 1
    assert _objective(X, y, (4,), binary=True).n_zero_modes == 0
    x = _random_x(objective, 13)
    shift = np.zeros(objective.n_params)
    shift[objective._intercept_slices[-1]] = 1.0
    _, grad = objective.value_and_grad(x)
    assert abs(grad @ shift) < 1e-14
    assert np.max(np.abs(objective.hessian(x) @ shift)) < 1e-14
    assert objective.value(x + 3.0 * shift) == pytest.approx(objective.value(x), rel=1e-13)


@pytest.mark.parametrize("binary", [False, True])
def test_local_minimize_reaches_a_verified_minimum(iris, binary):
    X, y = iris
    objective = _objective(X, y, (4,), binary=binary)
    result = objective.local_minimize(objective.random_point(np.random.default_rng(14)))
    assert result.converged
    assert np.max(np.abs(result.grad)) <= NEWTON_GTOL
    point = verify_stationary_point(objective, result.x, index=0)
    assert point is not None
    assert np.sum(np.abs(point.eigenvalues) < 1e-9) == objective.n_zero_modes


def test_two_quenches_into_one_basin_agree_closely(iris):
    """Newton polishing pins soft minima down far below the engine's position tolerance."""
    X, y = iris
    objective = _objective(X, y, (4,), alpha=1e-4)
    first = objective.local_minimize(objective.random_point(np.random.default_rng(15)))
    nearby = first.x + np.random.default_rng(16).uniform(-1e-3, 1e-3, objective.n_params)
    second = objective.local_minimize(nearby)
    distance = objective.distance(objective.canonical(first.x), objective.canonical(second.x))
    assert distance < 1e-3 * objective.position_tolerance()
    assert abs(first.energy - second.energy) < 1e-3 * objective.energy_tolerance(first.energy)


def test_without_hidden_layers_the_minimum_is_logistic_regression(iris):
    """No hidden layer: a convex problem whose minimum scikit-learn's LogisticRegression finds.

    E = mean CE + alpha/2 ||W||^2 is LogisticRegression's sum CE + ||W||^2 / (2C)
    divided by n, so C = 1 / (alpha n).
    """
    X, y = iris
    alpha = 1e-2
    objective = _objective(X, y, (), alpha=alpha)
    result = objective.local_minimize(np.zeros(objective.n_params))
    reference = LogisticRegression(C=1.0 / (alpha * y.size), tol=1e-12, max_iter=10_000)
    reference.fit(X, y)
    coefs, intercepts = objective.unpack(result.x)
    np.testing.assert_allclose(coefs[0], reference.coef_.T, atol=1e-5)
    np.testing.assert_allclose(
        intercepts[0] - intercepts[0].mean(),
        reference.intercept_ - reference.intercept_.mean(),
        atol=1e-5,
    )


@pytest.mark.parametrize("activation, factor", [("tanh", 6.0), ("logistic", 2.0)])
def test_random_point_is_glorot_uniform(iris, activation, factor):
    X, y = iris
    objective = _objective(X, y, (50,), activation)
    x = objective.random_point(np.random.default_rng(17))
    coefs, intercepts = objective.unpack(x)
    for (fan_in, fan_out), coef, intercept in zip(
        [(4, 50), (50, 3)], coefs, intercepts, strict=True
    ):
        bound = np.sqrt(factor / (fan_in + fan_out))
        values = np.concatenate([coef.ravel(), intercept])
        assert np.all(np.abs(values) <= bound)
        assert np.max(np.abs(values)) > 0.8 * bound


def test_auto_temperature_and_step_scale_with_the_reference_minimum(iris):
    X, y = iris
    objective = _objective(X, y, (4,))
    x_ref, energy_ref = objective.reference_minimum()
    assert objective.value(x_ref) == pytest.approx(energy_ref)
    assert objective.default_temperature() == pytest.approx(0.1 * energy_ref)
    assert objective.default_step_size() == pytest.approx(np.sqrt(np.mean(x_ref**2)))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"activation": "relu"}, "activation"),
        ({"alpha": 0.0}, "alpha"),
        ({"output": "identity"}, "output"),
        ({"hidden_layer_sizes": (3, 0)}, "hidden_layer_sizes must be > 0"),
        ({"sample_weight": -np.ones(150)}, "sample_weight"),
        ({"sample_weight": np.ones(3)}, "sample_weight"),
    ],
)
def test_invalid_arguments(iris, kwargs, message):
    X, y = iris
    arguments = {
        "hidden_layer_sizes": (3,),
        "activation": "tanh",
        "alpha": 1e-3,
        "output": "softmax",
    }
    arguments.update(kwargs)
    hidden = arguments.pop("hidden_layer_sizes")
    with pytest.raises(ValueError, match=message):
        MLPObjective(X, np.eye(3)[y], hidden, **arguments)


def test_invalid_data():
    with pytest.raises(ValueError, match="finite"):
        MLPObjective(
            np.array([[np.nan], [1.0]]),
            np.eye(2),
            (2,),
            activation="tanh",
            alpha=1e-3,
            output="softmax",
        )
    with pytest.raises(ValueError, match="one-hot"):
        MLPObjective(
            np.ones((2, 1)), np.ones((2, 2)), (2,), activation="tanh", alpha=1e-3, output="softmax"
        )


@pytest.mark.parametrize("activation", ["tanh", "logistic"])
@pytest.mark.parametrize("binary", [False, True])
def test_closed_form_hessian_equals_the_r_operator(iris, activation, binary):
    """Two exact methods: the one-hidden-layer closed form and the general R-operator pass."""
    X, y = iris
    weights = np.random.default_rng(18).uniform(0.5, 2.0, size=y.size)
    objective = _objective(X, y, (7,), activation, binary=binary, weights=weights)
    x = _random_x(objective, 19)
    by_r_operator = objective.hessian_vector_product(x, np.eye(objective.n_params))
    np.testing.assert_allclose(objective.hessian(x), by_r_operator, atol=1e-14)


def test_zero_mode_basis_spans_the_flat_direction(iris):
    X, y = iris
    objective = _objective(X, y, (4,))
    basis = objective.zero_mode_basis()
    assert basis.shape == (1, objective.n_params)
    np.testing.assert_allclose(basis @ basis.T, [[1.0]])
    x = _random_x(objective, 20)
    assert np.max(np.abs(objective.hessian(x) @ basis[0])) < 1e-14
    binary = _objective(X, y, (4,), binary=True)
    assert binary.zero_mode_basis().shape == (0, binary.n_params)


def _all_operations(objective, x):
    """Every hidden-unit permutation with every sign pattern applied to x (one hidden layer)."""
    import itertools

    coefs, intercepts = objective.unpack(np.array(x, copy=True))
    n_units = coefs[0].shape[1]
    for order in itertools.permutations(range(n_units)):
        for flips in itertools.product([False, True], repeat=n_units):
            flip = np.array(flips)
            sign = np.where(flip, -1.0, 1.0)
            first, bias, second, out_bias = coefs[0], intercepts[0], coefs[1], intercepts[1]
            if objective.activation == "logistic":
                out_bias = out_bias + second[flip].sum(axis=0)
            first, bias, second = first * sign, bias * sign, second * sign[:, None]
            order_ = list(order)
            yield objective.pack([first[:, order_], second[order_]], [bias[order_], out_bias])


@pytest.mark.parametrize("activation", ["tanh", "logistic"])
def test_symmetry_order_counts_the_operations_that_fix_the_point(iris, activation):
    """Brute force over all 4! * 2^4 permutations and sign flips of a 4-unit layer."""
    X, y = iris
    objective = _objective(X, y, (4,), activation)
    coefs, intercepts = objective.unpack(_random_x(objective, 3))
    generic = objective.canonical(objective.pack(coefs, intercepts))
    # units 0 and 1 identical; units 2 and 3 dead (all their parameters zero)
    coefs[0][:, 1], intercepts[0][1], coefs[1][1] = coefs[0][:, 0], intercepts[0][0], coefs[1][0]
    coefs[0][:, 2:], intercepts[0][2:], coefs[1][2:] = 0.0, 0.0, 0.0
    degenerate = objective.canonical(objective.pack(coefs, intercepts))
    for x, expected in ((generic, 1), (degenerate, 2 * 2 * 2 * 2)):
        fixed = sum(np.allclose(g, x, atol=1e-12) for g in _all_operations(objective, x))
        assert fixed == expected
        assert objective.symmetry_order(x) == expected


def _penalized(X, y, hidden, activation, binary=False, alpha=1e-2):
    targets = (y == 2).astype(float)[:, None] if binary else np.eye(3)[y]
    return MLPObjective(
        X,
        targets,
        hidden,
        activation=activation,
        alpha=alpha,
        output="logistic" if binary else "softmax",
        penalize_intercepts=True,
    )


@pytest.mark.parametrize("hidden, activation, binary", CASES)
def test_intercept_penalty_energy_gradient_and_hessian(iris, hidden, activation, binary):
    X, y = iris
    objective = _penalized(X, y, hidden, activation, binary)
    plain = _objective(X, y, hidden, activation, alpha=1e-2, binary=binary)
    assert objective.n_zero_modes == 0
    x = _random_x(objective, 4)
    biases = x[sum(c.size for c in objective.unpack(x)[0]) :]
    assert objective.value(x) == pytest.approx(plain.value(x) + 0.005 * biases @ biases)
    h, eye = 1e-6, np.eye(objective.n_params)
    gradient = np.array(
        [(objective.value(x + h * e) - objective.value(x - h * e)) / (2 * h) for e in eye]
    )
    np.testing.assert_allclose(objective.gradient(x), gradient, atol=1e-8)
    hessian = np.array(
        [(objective.gradient(x + h * e) - objective.gradient(x - h * e)) / (2 * h) for e in eye]
    )
    np.testing.assert_allclose(objective.hessian(x), hessian, atol=1e-7)
    # the canonical form keeps the energy (no flips for logistic units: they move biases)
    canonical = objective.canonical(x)
    assert objective.value(canonical) == pytest.approx(objective.value(x), rel=1e-12)
    np.testing.assert_allclose(objective.canonical(canonical), canonical, atol=1e-12)


def test_dead_unit_leaves_a_flat_bias_unless_intercepts_are_penalised(iris):
    """A 4-2-3 minimum (alpha = 1e-2) plus a third unit with zero weights in and out and a
    large bias b is a stationary point for every b: the issue's non-isolated iris minimum.
    Its Hessian is positive semi-definite with two zero eigenvalues (softmax shift and b),
    so verification drops it. Penalising intercepts gives b the curvature alpha."""
    X, y = iris
    small = _objective(X, y, (2,), alpha=1e-2)
    minimum = minimize_and_verify(small, 0.5 * small.random_point(np.random.default_rng(0)))
    coefs, intercepts = small.unpack(minimum.x)
    free = _objective(X, y, (3,), alpha=1e-2)
    penalised = _penalized(X, y, (3,), "tanh")

    def with_dead_unit(bias):
        first = np.hstack([coefs[0], np.zeros((4, 1))])
        second = np.vstack([coefs[1], np.zeros((1, 3))])
        return free.pack([first, second], [np.append(intercepts[0], bias), intercepts[1]])

    for bias in (2.5, 3.0, 4.0):
        x = with_dead_unit(bias)
        energy, grad = free.value_and_grad(x)
        assert energy == pytest.approx(minimum.energy, rel=1e-13)
        assert np.max(np.abs(grad)) < 1e-10
        eigenvalues = np.linalg.eigvalsh(free.hessian(x))
        assert np.sum(np.abs(eigenvalues) < 1e-10) == 2
        assert eigenvalues.min() > -1e-10
        assert verify_stationary_point(free, x, index=0) is None
        bias_index = free.n_params - 3 - 1  # b of the dead unit: last hidden intercept
        assert penalised.hessian(x)[bias_index, bias_index] == pytest.approx(
            free.hessian(x)[bias_index, bias_index] + 1e-2
        )
        assert np.linalg.eigvalsh(penalised.hessian(x)).min() > 0.5e-2


def test_backprop_state_is_the_documented_forward_and_backward_pass(iris):
    """The hook the exact Hessian reads, against its definition written out by hand."""
    from scipy.special import softmax

    X, y = iris
    objective = _objective(X, y, (4,), activation="tanh")
    x = _random_x(objective, 5)
    state = objective.backprop_state(x)
    coefs, intercepts = objective.unpack(x)
    hidden = np.tanh(objective.augmented_inputs[:, :-1] @ coefs[0] + intercepts[0])
    logits = hidden @ coefs[1] + intercepts[1]
    proba = softmax(logits, axis=1)
    np.testing.assert_allclose(state["activations"][1], hidden, rtol=1e-12)
    np.testing.assert_allclose(state["proba"], proba, rtol=1e-10)
    np.testing.assert_allclose(state["first"][1], 1 - hidden**2, rtol=1e-10, atol=1e-14)
    # output error w (p - y); hidden error back-propagated through W_2 and tanh'
    output_delta = objective.sample_weight[:, None] * (proba - np.eye(3)[y])
    np.testing.assert_allclose(state["deltas"][1], output_delta, atol=1e-14)
    np.testing.assert_allclose(
        state["deltas"][0], (output_delta @ coefs[1].T) * (1 - hidden**2), atol=1e-14
    )
