"""The loss surface of a multi-layer perceptron classifier.

:class:`MLPObjective` is the energy the landscape engine explores for
:class:`~sklandscape.neural_network.LandscapeMLPClassifier`: the mean
cross-entropy of the training data plus an L2 penalty on the weights, as a
function of the flat parameter vector, with its exact gradient (back
propagation) and exact Hessian (forward-mode R-operator over the back
propagation, Pearlmutter 1994), and the canonical form that identifies
networks differing only by a permutation or sign flip of hidden units.
"""

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.special import expit, log_expit

from .._explore._minimize import single_threaded_blas
from .._explore._objective import Objective
from .._explore._symmetry import permutation_order
from ._mlp_hessian import one_hidden_layer_hessian
from ._newton_minimize import newton_polished_minimize

__all__ = ["MLPObjective", "forward_pass", "output_log_proba"]

#: Activations with a smooth (C^2) loss surface, hence index-one transition states.
SMOOTH_ACTIVATIONS = ("tanh", "logistic")
#: Output activations: softmax for more than two classes, logistic for binary targets.
OUTPUT_ACTIVATIONS = ("softmax", "logistic")
#: Largest number of floats a batched Hessian-vector product may hold per array;
#: the directions are processed in chunks below it.
_MAX_BATCH_FLOATS = 4_000_000
#: Golden ratio, for the Weyl sequence of the fixed sign-flip reference direction.
_GOLDEN_RATIO = (1.0 + np.sqrt(5.0)) / 2.0
#: Hidden units whose parameters agree within this (relative to ``max(1, max |x|)``)
#: count as identical for :meth:`MLPObjective.symmetry_order`.
SYMMETRY_RTOL = 1e-7


class MLPObjective(Objective):
    r"""Regularised cross-entropy of a multi-layer perceptron, for exploration.

    With layers :math:`l = 1..L`, :math:`A_0 = X`,
    :math:`Z_l = A_{l-1} W_l + b_l`, :math:`A_l = f(Z_l)` for the hidden
    layers and output logits :math:`Z_L`, the energy is

    .. math::

        E(\theta) = \sum_i w_i \, \ell(Z_{L,i}, y_i)
                    + \frac{\alpha}{2} \sum_l \lVert W_l \rVert_F^2,
        \qquad \sum_i w_i = 1,

    the weighted mean cross-entropy (``w_i`` the normalised sample weights)
    plus an L2 penalty on the weights (not the biases). The per-sample loss is
    :math:`\ell = \log\sum_k e^{z_k} - \sum_k y_k z_k` for a softmax output and
    :math:`\ell = \sum_k \log(1 + e^{z_k}) - y_k z_k` for a logistic output
    (both evaluated in log-sum-exp form, never through probabilities).

    This equals scikit-learn's ``MLPClassifier`` loss (``log_loss`` +
    ``0.5 * alpha_sklearn * ||W||^2 / sum(sample_weight)``) when
    ``alpha = alpha_sklearn / sum(sample_weight)`` (``n_samples`` without
    weights), up to scikit-learn's clipping of probabilities to
    ``[eps, 1 - eps]``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Training inputs (finite floats).
    Y : ndarray of shape (n_samples, n_outputs)
        Targets as an indicator matrix: one-hot rows for a softmax output,
        0/1 columns for a logistic output (one column for binary targets).
    hidden_layer_sizes : sequence of int
        Units of each hidden layer (may be empty: multinomial logistic
        regression).
    activation : {"tanh", "logistic"}
        Hidden activation. Piecewise-linear activations ("relu", and the
        degenerate "identity") are refused: see
        :class:`~sklandscape.neural_network.LandscapeMLPClassifier`.
    alpha : float
        Weight of the L2 penalty, ``> 0``.
    output : {"softmax", "logistic"}
        Output activation (softmax for more than two classes).
    sample_weight : ndarray of shape (n_samples,), default=None
        Non-negative weights with a positive sum; uniform when ``None``.
    penalize_intercepts : bool, default=False
        Add ``(alpha / 2) sum_l ||b_l||^2`` to the energy, as GMIN's networks do.
        Off by default (scikit-learn penalises weights only). A hidden unit that
        is dead (zero weights in and out) or saturated leaves its bias free
        without it: the minimum is not isolated (an extra zero Hessian
        eigenvalue), fails verification and is not stored; with it such minima
        are isolated and kept. It also removes the softmax shift zero mode
        (``n_zero_modes = 0``), and with a logistic hidden activation the sign
        flip (which moves the next layer's intercepts) is no longer a symmetry,
        so :meth:`canonical` only permutes units.

    Attributes
    ----------
    layer_units : list of int
        ``[n_features, *hidden_layer_sizes, n_outputs]``.
    n_zero_modes : int
        1 for a softmax output with unpenalised intercepts: adding the same
        constant to every output intercept leaves the energy unchanged, an
        exact flat direction at every point. The engine excludes it from
        the Hessian index and from ``log_hessian_product``; :meth:`canonical`
        fixes it by centring the output intercepts. 0 for a logistic output or
        with ``penalize_intercepts=True``.
    exact_hessian_max_params : int
        600: eigenvector following diagonalises the exact Hessian up to 600
        parameters (see :class:`~sklandscape._explore.Objective`).

    Notes
    -----
    **Parameter layout** (scikit-learn's ``_pack``): the weight matrices
    ``W_1, ..., W_L`` flattened row-major (shape ``(fan_in, fan_out)``, as
    ``MLPClassifier.coefs_``), followed by the intercepts ``b_1, ..., b_L``
    (as ``intercepts_``). :meth:`unpack` and :meth:`pack` convert.

    **Hessian**: column ``j`` is the Hessian-vector product with the unit
    vector ``e_j``, computed exactly by the R-operator, the directional
    derivative of the back-propagation pass (Pearlmutter, Neural Comput. 6,
    147, 1994), for all ``n_params`` directions at once as batched matrix
    products: ``O(n_params)`` times the cost of one gradient.

    **Symmetries**: permuting the units of a hidden layer (with the rows of
    the next weight matrix) and flipping the sign of a unit (its incoming
    weights and bias; for tanh also its outgoing weights, for logistic its
    outgoing weights with ``b_next += w_out`` since ``σ(-z) = 1 - σ(z)``)
    leave the energy unchanged. :meth:`canonical` picks one representative.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    >>> Y = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    >>> objective = MLPObjective(X, Y, (2,), activation="tanh", alpha=1e-3, output="softmax")
    >>> objective.n_params  # (2*2 + 2*3) weights + (2 + 3) intercepts
    15
    >>> energy, grad = objective.value_and_grad(np.zeros(15))
    >>> bool(np.isclose(energy, np.log(3)))  # uniform prediction over 3 classes
    True
    """

    #: Exact Hessian (closed form or R-operator) and its eigendecomposition
    #: cost tens of milliseconds up to a few hundred parameters; there exact
    #: eigenvector following converges in a few steps where Rayleigh-Ritz on
    #: finite differences often used its 100 (breast cancer, 321 parameters).
    exact_hessian_max_params = 600

    def __init__(
        self,
        X,
        Y,
        hidden_layer_sizes,
        *,
        activation,
        alpha,
        output,
        sample_weight=None,
        penalize_intercepts=False,
    ):
        X = np.asarray(X, dtype=float)
        Y = np.asarray(Y, dtype=float)
        if X.ndim != 2 or Y.ndim != 2 or X.shape[0] != Y.shape[0] or X.shape[0] == 0:
            raise ValueError(
                f"X and Y must be 2-d with the same positive number of rows, got shapes "
                f"{X.shape} and {Y.shape}."
            )
        if not np.all(np.isfinite(X)):
            raise ValueError("X must be finite.")
        if activation not in SMOOTH_ACTIVATIONS:
            raise ValueError(
                f"activation must be one of {SMOOTH_ACTIVATIONS}, got {activation!r}."
            )
        if output not in OUTPUT_ACTIVATIONS:
            raise ValueError(f"output must be one of {OUTPUT_ACTIVATIONS}, got {output!r}.")
        if output == "softmax" and (Y.shape[1] < 2 or not np.allclose(Y.sum(axis=1), 1.0)):
            raise ValueError("a softmax output needs Y with one-hot rows of at least 2 columns.")
        if not alpha > 0:
            raise ValueError(f"alpha must be positive, got {alpha!r}.")
        hidden = [int(units) for units in hidden_layer_sizes]
        if any(units < 1 for units in hidden):
            raise ValueError(f"hidden_layer_sizes must be > 0, got {hidden}.")
        self.layer_units = [X.shape[1], *hidden, Y.shape[1]]
        self.activation = activation
        self.output = output
        self.alpha = float(alpha)
        self.penalize_intercepts = bool(penalize_intercepts)
        #: Penalty on the intercepts: ``alpha`` or 0.
        self.intercept_alpha = self.alpha if self.penalize_intercepts else 0.0
        self.X = X
        self.Y = Y
        self.sample_weight = _normalised_weights(sample_weight, X.shape[0])
        self._weighted_targets = self.sample_weight[:, None] * Y
        #: ``[X, 1]``: the inputs augmented with the constant of the first intercepts.
        self.augmented_inputs = np.hstack([X, np.ones((X.shape[0], 1))])
        self.n_zero_modes = 1 if output == "softmax" and not self.penalize_intercepts else 0
        shapes = list(zip(self.layer_units[:-1], self.layer_units[1:], strict=True))
        self._coef_shapes = shapes
        sizes = [fan_in * fan_out for fan_in, fan_out in shapes] + [f for _, f in shapes]
        offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(int)
        n_layers = len(shapes)
        self._coef_slices = [slice(offsets[i], offsets[i + 1]) for i in range(n_layers)]
        self._intercept_slices = [
            slice(offsets[n_layers + i], offsets[n_layers + i + 1]) for i in range(n_layers)
        ]
        self._n_coefs = int(offsets[n_layers])
        super().__init__(int(offsets[-1]))

    # ------------------------------------------------------------ layout
    def unpack(self, x):
        """Weight matrices and intercept vectors of the flat vector ``x`` (views).

        Returns
        -------
        coefs : list of ndarray of shape (fan_in, fan_out)
        intercepts : list of ndarray of shape (fan_out,)
        """
        x = np.asarray(x, dtype=float)
        coefs = [
            x[s].reshape(shape)
            for s, shape in zip(self._coef_slices, self._coef_shapes, strict=True)
        ]
        intercepts = [x[s] for s in self._intercept_slices]
        return coefs, intercepts

    def pack(self, coefs, intercepts):
        """Flat parameter vector of ``coefs`` and ``intercepts`` (inverse of :meth:`unpack`)."""
        return np.concatenate([np.ravel(a) for a in (*coefs, *intercepts)]).astype(float)

    # ------------------------------------------------------------ energy
    def forward(self, x):
        """Activations of every layer on the training data.

        Returns
        -------
        activations : list of ndarray
            ``[X, A_1, ..., A_{L-1}, Z_L]``: the inputs, the hidden activations
            and the output logits (before the output activation).
        """
        coefs, intercepts = self.unpack(x)
        return forward_pass(self.X, coefs, intercepts, self.activation)

    def value_and_grad(self, x):
        """Energy and its exact gradient by back propagation."""
        x = np.asarray(x, dtype=float)
        coefs, intercepts = self.unpack(x)
        activations = forward_pass(self.X, coefs, intercepts, self.activation)
        cross_entropy, proba = self._cross_entropy_and_proba(activations[-1])
        weights, biases = x[: self._n_coefs], x[self._n_coefs :]
        energy = cross_entropy + 0.5 * self.alpha * float(weights @ weights)
        energy += 0.5 * self.intercept_alpha * float(biases @ biases)
        delta = self.sample_weight[:, None] * proba - self._weighted_targets
        grad = np.empty_like(x)
        for layer in range(len(coefs) - 1, -1, -1):
            grad[self._coef_slices[layer]] = (
                activations[layer].T @ delta + self.alpha * coefs[layer]
            ).ravel()
            grad[self._intercept_slices[layer]] = (
                delta.sum(axis=0) + self.intercept_alpha * intercepts[layer]
            )
            if layer > 0:
                delta = (delta @ coefs[layer].T) * self._hidden_derivative(activations[layer])
        return float(energy), grad

    def hessian(self, x):
        """Exact Hessian.

        One hidden layer: the closed form of :func:`one_hidden_layer_hessian`
        (Gauss-Newton term + network curvature + penalty). Otherwise:
        :meth:`hessian_vector_product` with every unit vector. Symmetrised.
        """
        x = np.asarray(x, dtype=float)
        if len(self.layer_units) == 3:
            hessian = one_hidden_layer_hessian(self, self.backprop_state(x))
        else:
            hessian = self.hessian_vector_product(x, np.eye(self.n_params))
        return 0.5 * (hessian + hessian.T)

    def hessian_vector_product(self, x, vectors):
        r"""Exact products ``H(x) v`` for a batch of directions, by the R-operator.

        With :math:`R\{\cdot\}` the directional derivative along ``v``
        (Pearlmutter 1994), the forward pass gives
        :math:`R Z_l = R A_{l-1} W_l + A_{l-1} V_{W_l} + V_{b_l}`,
        :math:`R A_l = f'(Z_l) \odot R Z_l`; the output error
        :math:`R\delta_L = w \odot J_{\mathrm{out}} R Z_L` (``J`` the Jacobian
        of softmax or logistic); the backward pass
        :math:`R\delta_{l-1} = (R\delta_l W_l^T + \delta_l V_{W_l}^T) \odot f'(Z_{l-1})
        + (\delta_l W_l^T) \odot f''(Z_{l-1}) \odot R Z_{l-1}` and the products
        :math:`R g_{W_l} = R A_{l-1}^T \delta_l + A_{l-1}^T R\delta_l + \alpha V_{W_l}`,
        :math:`R g_{b_l} = \sum_i R\delta_{l,i}`.

        Parameters
        ----------
        x : ndarray of shape (n_params,)
        vectors : ndarray of shape (n_params,) or (n_directions, n_params)

        Returns
        -------
        ndarray of the shape of ``vectors``
            ``H(x) v`` for each direction ``v`` (row).
        """
        vectors = np.asarray(vectors, dtype=float)
        single = vectors.ndim == 1
        vectors = np.atleast_2d(vectors)
        if vectors.shape[1] != self.n_params:
            raise ValueError(
                f"vectors must have {self.n_params} columns, got shape {vectors.shape}."
            )
        x = np.asarray(x, dtype=float)
        state = self.backprop_state(x)
        chunk = max(1, _MAX_BATCH_FLOATS // (self.X.shape[0] * max(self.layer_units)))
        products = np.concatenate(
            [
                self._r_operator(state, vectors[start : start + chunk])
                for start in range(0, vectors.shape[0], chunk)
            ]
        )
        return products[0] if single else products

    def zero_mode_basis(self):
        """Orthonormal rows spanning the exact zero modes (``n_zero_modes`` rows).

        Softmax output: the uniform shift of the output intercepts,
        ``(0, ..., 0, 1, ..., 1) / sqrt(n_outputs)``; none for a logistic output.
        """
        basis = np.zeros((self.n_zero_modes, self.n_params))
        if self.n_zero_modes:
            basis[0, self._intercept_slices[-1]] = 1.0 / np.sqrt(self.layer_units[-1])
        return basis

    # ---------------------------------------------------------- symmetry
    def canonical(self, x):
        """Canonical representative under hidden-unit sign flips and permutations.

        Layer by layer from the input: each hidden unit ``j`` with incoming
        weights and bias ``v_j = (W[:, j], b_j)`` is flipped (see the class
        notes) so that ``u . v_j > 0``, ``u`` a fixed direction of positive
        incommensurate components (``u_k = 1 + frac((k + 1) φ)``, φ the golden
        ratio, so that ``u . v_j = 0`` only by accident); then the units are
        sorted by decreasing ``u . v_j``, carrying the rows of the next weight
        matrix along. For a softmax output the output intercepts are finally
        centred (the zero mode). The energy is unchanged. With
        ``penalize_intercepts`` there is no zero mode to centre, and with a
        logistic activation no flip (see the parameter).
        """
        coefs, intercepts = self.unpack(np.array(x, dtype=float, copy=True))
        for layer in range(len(coefs) - 1):
            coef, intercept = coefs[layer], intercepts[layer]
            reference = _reference_direction(coef.shape[0] + 1)
            key = reference[:-1] @ coef + reference[-1] * intercept
            flip = key < 0 if self._flips_are_symmetries else np.zeros(key.size, dtype=bool)
            coef[:, flip] *= -1.0
            intercept[flip] *= -1.0
            outgoing = coefs[layer + 1]
            if self.activation == "logistic":
                intercepts[layer + 1] += outgoing[flip].sum(axis=0)
            outgoing[flip] *= -1.0
            order = np.argsort(-np.where(flip, -key, key), kind="stable")
            coefs[layer] = coef[:, order]
            intercepts[layer] = intercept[order]
            coefs[layer + 1] = outgoing[order]
        if self.n_zero_modes:
            intercepts[-1] = intercepts[-1] - intercepts[-1].mean()
        return self.pack(coefs, intercepts)

    @property
    def _flips_are_symmetries(self):
        """Sign flips keep the energy unless they move penalised intercepts (logistic)."""
        return not (self.penalize_intercepts and self.activation == "logistic")

    def symmetry_order(self, x):
        """Number of hidden-unit permutations and sign flips that leave ``x`` unchanged.

        For each hidden layer, units are described by their incoming weights,
        bias and outgoing weights; a class of ``m`` identical units (within
        ``SYMMETRY_RTOL * max(1, max |x|)``) can be permuted in ``m!`` ways, and
        a unit whose weights and bias are all zero is also fixed by its sign
        flip (factor 2 each). The order is the product over layers and
        classes, computed with the other layers held fixed: exact for one
        hidden layer; for deeper networks it omits operations that would
        permute two layers jointly (which need coincidences of measure zero).
        """
        coefs, intercepts = self.unpack(np.asarray(x, dtype=float))
        atol = SYMMETRY_RTOL * max(1.0, float(np.max(np.abs(x), initial=0.0)))
        order = 1
        for layer in range(len(coefs) - 1):
            units = np.column_stack([coefs[layer].T, intercepts[layer], coefs[layer + 1]])
            order *= permutation_order(units, atol)
            if self._flips_are_symmetries:
                order *= 2 ** int(np.sum(np.max(np.abs(units), axis=1) <= atol))
        return order

    def align(self, x, reference):
        """The symmetry copy of ``x`` closest to ``reference``, layer by layer.

        From the input layer on, each hidden layer's units are matched to the
        reference's: with ``v_j = (W[:, j], b_j)`` the incoming weights and
        bias of unit ``j`` of ``x`` (its inputs already aligned) and ``r_k``
        those of unit ``k`` of the reference, the cost of giving unit ``j``
        the place of ``k`` is ``min(|v_j - r_k|^2, |v_j + r_k|^2)`` (as is, or
        sign-flipped), plus the same terms for the outgoing weights when the
        next layer is the output (whose columns are fixed). The assignment
        minimising the total cost (:func:`scipy.optimize.linear_sum_assignment`)
        permutes the units, flipping those matched at lower cost with a sign
        change (for logistic units with the bias shift ``b_next += w_out`` of
        the class notes). For a softmax output the zero mode is aligned last:
        the output intercepts shift by ``mean(b_ref - b)``.

        The result has the energy of ``x``; it is exactly the reference when
        ``x`` is a permuted, sign-flipped copy of it with distinct units. The
        layer-wise matching is a heuristic (the exact problem couples
        layers), so ``x`` itself is returned when it is already closer.
        """
        original = np.asarray(x, dtype=float)
        coefs, intercepts = self.unpack(np.array(original, dtype=float, copy=True))
        target_coefs, target_intercepts = self.unpack(reference)
        n_layers = len(coefs)
        for layer in range(n_layers - 1):
            incoming = np.vstack([coefs[layer], intercepts[layer][None, :]]).T
            target = np.vstack([target_coefs[layer], target_intercepts[layer][None, :]]).T
            if layer + 1 == n_layers - 1:
                incoming = np.hstack([incoming, coefs[layer + 1]])
                target = np.hstack([target, target_coefs[layer + 1]])
            same = _squared_distances(incoming, target)
            flipped = _squared_distances(-incoming, target)
            rows, cols = linear_sum_assignment(np.minimum(same, flipped))
            flip = np.zeros(incoming.shape[0], dtype=bool)
            flip[rows] = flipped[rows, cols] < same[rows, cols]
            coef, intercept, outgoing = coefs[layer], intercepts[layer], coefs[layer + 1]
            coef[:, flip] *= -1.0
            intercept[flip] *= -1.0
            if self.activation == "logistic":
                intercepts[layer + 1] += outgoing[flip].sum(axis=0)
            outgoing[flip] *= -1.0
            order = np.empty_like(rows)
            order[cols] = rows  # unit placed at position k
            coefs[layer] = coef[:, order]
            intercepts[layer] = intercept[order]
            coefs[layer + 1] = outgoing[order]
        if self.output == "softmax":
            intercepts[-1] = intercepts[-1] + np.mean(target_intercepts[-1] - intercepts[-1])
        aligned = self.pack(coefs, intercepts)
        if self.distance(aligned, reference) > self.distance(original, reference):
            return original.copy()
        return aligned

    # ------------------------------------------------------- exploration
    def local_minimize(self, x):
        """Minimise from ``x``: L-BFGS, then Newton steps with the exact Hessian.

        The minima of a regularised network are soft: Hessian eigenvalues
        down to about ``alpha / 10``, so a gradient of ``gtol`` still leaves
        the point ``gtol / lambda_min`` (often 0.01 or more) from the true
        minimum, enough for two quenches into one basin to look like distinct
        minima. L-BFGS-B therefore hands over to damped Newton steps with the
        exact Hessian (:func:`newton_polished_minimize`), which finish to a
        gradient of ``NEWTON_GTOL`` (1e-10), where minima agree to about
        ``NEWTON_GTOL / lambda_min``.

        Returns
        -------
        MinimizeResult
            ``converged`` when the gradient max-norm reached ``NEWTON_GTOL``.
        """
        return newton_polished_minimize(self, x)

    def default_temperature(self):
        """Basin-hopping temperature for ``temperature="auto"``: ``E_ref / 10``.

        ``E_ref`` is the energy of :meth:`reference_minimum`: the Metropolis
        criterion then accepts a step up by a tenth of a typical minimum's
        loss with probability ``1/e``, whatever the data set's loss scale.
        """
        return 0.1 * self.reference_minimum()[1]

    def default_step_size(self):
        """Basin-hopping step for ``step_size="auto"``: the RMS parameter of the reference minimum.

        Every parameter moves uniformly in ``[-s, s]`` with
        ``s = sqrt(mean(x_ref ** 2))``, ``x_ref`` the :meth:`reference_minimum`:
        a step comparable with the trained weights themselves, so that hops
        leave the current basin.
        """
        x_ref = self.reference_minimum()[0]
        return float(np.sqrt(np.mean(x_ref * x_ref)))

    def reference_minimum(self):
        """A local minimum from a fixed Glorot initialisation (seed 0), cached.

        Sets the scales of ``"auto"`` temperature and step; deterministic, so
        the defaults do not depend on ``random_state``. It runs with BLAS on
        one thread, as every other quench (:func:`single_threaded_blas`): it is
        called in the main process, where a multi-threaded BLAS on the small
        Newton systems made it up to 15 times slower on a loaded 2-core machine.

        Returns
        -------
        x : ndarray of shape (n_params,)
        energy : float
        """
        if getattr(self, "_reference", None) is None:
            with single_threaded_blas():
                result = self.local_minimize(self.random_point(np.random.default_rng(0)))
            self._reference = (result.x, float(result.energy))
        return self._reference

    def random_point(self, rng):
        """Glorot-uniform initialisation, as scikit-learn's MLP.

        Weights and intercepts of layer ``l`` uniform in ``[-r_l, r_l]``,
        ``r_l = sqrt(c / (fan_in + fan_out))``, ``c = 6`` (tanh) or ``2``
        (logistic) (Glorot & Bengio, AISTATS 2010).
        """
        coefs, intercepts = [], []
        for fan_in, fan_out in self._coef_shapes:
            bound = self._glorot_bound(fan_in, fan_out)
            coefs.append(rng.uniform(-bound, bound, (fan_in, fan_out)))
            intercepts.append(rng.uniform(-bound, bound, fan_out))
        return self.pack(coefs, intercepts)

    def _glorot_bound(self, fan_in, fan_out):
        factor = 6.0 if self.activation == "tanh" else 2.0
        return float(np.sqrt(factor / (fan_in + fan_out)))

    # ------------------------------------------------------------ pieces
    def _hidden_derivative(self, activation):
        """``f'(z)`` from ``a = f(z)``: ``1 - a^2`` (tanh), ``a (1 - a)`` (logistic)."""
        if self.activation == "tanh":
            return 1.0 - activation * activation
        return activation * (1.0 - activation)

    def _hidden_second_derivative(self, activation, first):
        """``f''(z)`` from ``a`` and ``f'``: ``-2 a f'`` (tanh), ``(1 - 2a) f'`` (logistic)."""
        if self.activation == "tanh":
            return -2.0 * activation * first
        return (1.0 - 2.0 * activation) * first

    def _output_proba(self, logits):
        return np.exp(output_log_proba(logits, self.output))

    def _cross_entropy_and_proba(self, logits):
        """Weighted mean cross-entropy and output probabilities from the logits."""
        if self.output == "softmax":
            log_proba = _log_softmax(logits)
            cross_entropy = -np.vdot(self._weighted_targets, log_proba)
            proba = np.exp(log_proba)
        else:
            cross_entropy = self.sample_weight @ np.logaddexp(0.0, logits).sum(axis=1)
            cross_entropy -= np.vdot(self._weighted_targets, logits)
            proba = expit(logits)
        return float(cross_entropy), proba

    def backprop_state(self, x):
        """Forward activations, derivatives and back-propagated errors at ``x``.

        The hook through which the exact Hessian
        (:func:`~sklandscape.neural_network._mlp_hessian.one_hidden_layer_hessian`
        and the R-operator of :meth:`hessian`) reads one forward and one
        backward pass.

        Parameters
        ----------
        x : ndarray of shape (n_params,)

        Returns
        -------
        dict
            ``coefs``: weight matrices ``W_l`` (from :meth:`unpack`);
            ``activations``: ``a_0 = X, a_1, ..., a_L`` (the output layer's
            logits last); ``proba``: predicted probabilities ``p``;
            ``first``, ``second``: per hidden layer, ``f'`` and ``f''`` of the
            activation at its pre-activations (``None`` for the input layer);
            ``deltas``: per layer ``l``, the back-propagated error
            ``delta_l = dE/dz_{l+1}`` (sample-weighted, ``w (p - y)`` at the output).
        """
        coefs, _ = self.unpack(x)
        activations = self.forward(x)
        proba = self._output_proba(activations[-1])
        first = [None] + [self._hidden_derivative(a) for a in activations[1:-1]]
        second = [None] + [
            self._hidden_second_derivative(a, d)
            for a, d in zip(activations[1:-1], first[1:], strict=True)
        ]
        deltas = [None] * len(coefs)
        delta = self.sample_weight[:, None] * proba - self._weighted_targets
        for layer in range(len(coefs) - 1, -1, -1):
            deltas[layer] = delta
            if layer > 0:
                delta = (delta @ coefs[layer].T) * first[layer]
        return {
            "coefs": coefs,
            "activations": activations,
            "proba": proba,
            "first": first,
            "second": second,
            "deltas": deltas,
        }

    def _r_operator(self, state, vectors):
        """Batched R-operator pass: ``H v`` for each row ``v`` of ``vectors``.

        Arrays are laid out (sample, direction, unit), so that every product
        over units or samples is a single matrix product for all directions.
        """
        coefs, activations = state["coefs"], state["activations"]
        first, second, deltas = state["first"], state["second"], state["deltas"]
        n_layers = len(coefs)
        m = vectors.shape[0]
        v_coefs = [
            vectors[:, s].reshape(m, *shape)
            for s, shape in zip(self._coef_slices, self._coef_shapes, strict=True)
        ]
        v_intercepts = [vectors[:, s] for s in self._intercept_slices]
        # Forward: R{Z_l} and R{A_l} (R{A_0} = 0).
        r_pre = [None] * n_layers
        r_act = None
        for layer in range(n_layers):
            r_z = _samples_times_directions(activations[layer], v_coefs[layer])
            r_z += v_intercepts[layer][None]
            if r_act is not None:
                r_z += _directions_times_matrix(r_act, coefs[layer])
            r_pre[layer] = r_z
            if layer < n_layers - 1:
                r_act = first[layer + 1][:, None, :] * r_z
        # Output error R{delta_L} = w * J R{Z_L}.
        proba, r_logits = state["proba"][:, None, :], r_pre[-1]
        if self.output == "softmax":
            r_delta = proba * (r_logits - np.sum(proba * r_logits, axis=-1, keepdims=True))
        else:
            r_delta = proba * (1.0 - proba) * r_logits
        r_delta *= self.sample_weight[:, None, None]
        products = np.empty_like(vectors)
        for layer in range(n_layers - 1, -1, -1):
            r_grad = _sum_over_samples(activations[layer], r_delta)
            r_grad += self.alpha * v_coefs[layer]
            if layer > 0:
                r_act = first[layer][:, None, :] * r_pre[layer - 1]
                r_grad += _sum_over_samples(r_act, deltas[layer])
            products[:, self._coef_slices[layer]] = r_grad.reshape(m, -1)
            products[:, self._intercept_slices[layer]] = (
                r_delta.sum(axis=0)
                + self.intercept_alpha * vectors[:, self._intercept_slices[layer]]
            )
            if layer > 0:
                back = (deltas[layer] @ coefs[layer].T) * second[layer]
                r_delta = _directions_times_matrix(r_delta, coefs[layer].T)
                r_delta += _samples_times_directions(
                    deltas[layer], np.swapaxes(v_coefs[layer], 1, 2)
                )
                r_delta *= first[layer][:, None, :]
                r_delta += back[:, None, :] * r_pre[layer - 1]
        return products


def _squared_distances(A, B):
    """``|a_i - b_k|^2`` for every row ``a_i`` of ``A`` and ``b_k`` of ``B``."""
    return np.sum((A[:, None, :] - B[None, :, :]) ** 2, axis=2)


def _samples_times_directions(A, V):
    """``A @ V[d]`` for every direction ``d``: A (n, a), V (m, a, b) -> (n, m, b)."""
    m, a, b = V.shape
    return (A @ V.transpose(1, 0, 2).reshape(a, m * b)).reshape(A.shape[0], m, b)


def _directions_times_matrix(R, W):
    """``R[:, d] @ W`` for every direction: R (n, m, a), W (a, b) -> (n, m, b)."""
    n, m, a = R.shape
    return (R.reshape(n * m, a) @ W).reshape(n, m, W.shape[1])


def _sum_over_samples(A, R):
    """``A^T R`` over samples for every direction -> (m, a, b).

    Either A (n, a) and R (n, m, b), or A (n, m, a) and R (n, b).
    """
    if A.ndim == 2:
        n, m, b = R.shape
        return (A.T @ R.reshape(n, m * b)).reshape(A.shape[1], m, b).transpose(1, 0, 2)
    n, m, a = A.shape
    return (A.reshape(n, m * a).T @ R).reshape(m, a, R.shape[1])


def forward_pass(X, coefs, intercepts, activation):
    """Layer activations ``[X, A_1, ..., A_{L-1}, Z_L]`` of an MLP (``Z_L``: output logits).

    ``Z_l = A_{l-1} W_l + b_l`` and ``A_l = f(Z_l)``, ``f`` = ``tanh`` or the
    logistic function ``activation``; the output layer is left linear.
    """
    hidden = np.tanh if activation == "tanh" else expit
    activations = [X]
    for layer, (coef, intercept) in enumerate(zip(coefs, intercepts, strict=True)):
        pre_activation = activations[-1] @ coef + intercept
        activations.append(pre_activation if layer == len(coefs) - 1 else hidden(pre_activation))
    return activations


def output_log_proba(logits, output):
    """Log-probabilities of the output units (no overflow, no ``log(0)``).

    ``output="softmax"``: ``z - log sum_k exp(z_k)`` per row; ``"logistic"``:
    ``log σ(z)`` per unit.
    """
    if output == "softmax":
        return _log_softmax(logits)
    return log_expit(logits)


def _log_softmax(logits):
    """Row-wise ``z - log sum_k exp(z_k)``, shifted by the row maximum (no overflow)."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def _normalised_weights(sample_weight, n_samples):
    """Sample weights scaled to sum to one (uniform ``1 / n`` when ``None``)."""
    if sample_weight is None:
        return np.full(n_samples, 1.0 / n_samples)
    weights = np.asarray(sample_weight, dtype=float)
    if weights.shape != (n_samples,):
        raise ValueError(f"sample_weight must have shape ({n_samples},), got {weights.shape}.")
    if not np.all(np.isfinite(weights)) or np.any(weights < 0) or weights.sum() <= 0:
        raise ValueError("sample_weight must be finite, non-negative, with a positive sum.")
    return weights / weights.sum()


def _reference_direction(size):
    """Fixed positive direction ``u_k = 1 + frac((k + 1) φ)`` (a Weyl sequence)."""
    return 1.0 + np.mod(np.arange(1, size + 1) * _GOLDEN_RATIO, 1.0)
