"""LandscapeMLPClassifier: a multi-layer perceptron fitted by exploring its loss landscape."""

from numbers import Integral, Real

import numpy as np
from scipy.special import log_expit
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from .._explore._parameters import with_options
from .._sklearn_compat import Interval, StrOptions, _check_sample_weight, _fit_context
from ..base import LandscapeMixin
from ._mlp_objective import SMOOTH_ACTIVATIONS, MLPObjective, forward_pass, output_log_proba

__all__ = ["LandscapeMLPClassifier"]


class LandscapeMLPClassifier(LandscapeMixin, ClassifierMixin, BaseEstimator):
    r"""Multi-layer perceptron classifier fitted by exploring its loss landscape.

    The training loss, a function of every weight and bias, is explored as a
    potential energy surface (Ballard, Das et al., Phys. Chem. Chem. Phys. 19,
    12585, 2017; Niroomand et al., Mach. Learn.: Sci. Technol. 3, 025004,
    2022): basin-hopping collects its distinct minima (networks equal up to
    permuted or sign-flipped hidden units count once) and, with
    ``connect=True``, the transition states between them. The fitted network
    is the global minimum found; :meth:`at_minimum` gives the others.

    The energy is the weighted mean cross-entropy plus an L2 penalty on the
    weights (not the intercepts),

    .. math::

        E = \sum_i w_i \, \ell_i + \frac{\alpha}{2} \sum_l \lVert W_l \rVert_F^2,
        \qquad \sum_i w_i = 1,

    with a softmax output for more than two classes and a logistic output for
    two, as :class:`sklearn.neural_network.MLPClassifier`. Gradient and
    Hessian are exact (see :class:`MLPObjective`).

    Parameters
    ----------
    hidden_layer_sizes : array-like of int or int, default=(10,)
        Units of each hidden layer; ``()`` gives multinomial logistic regression.
    activation : {"tanh", "logistic"}, default="tanh"
        Hidden activation. ``"relu"`` and ``"identity"`` are accepted by
        scikit-learn but refused here with a ValueError: a ReLU network's loss
        is piecewise smooth, its Hessian undefined on the kinks (where the
        minima and saddles of interest lie), so transition states as
        index-one saddles do not exist; a linear ("identity") network has a
        continuous rotational symmetry of its hidden layer, whole valleys of
        equivalent minima rather than isolated ones.
    alpha : float, default=1e-4
        Strength of the L2 penalty, ``> 0``, in the units of the energy above.
        scikit-learn divides its ``alpha`` by the sum of the sample weights
        (``n_samples`` without weights): ``alpha = alpha_sklearn / n_samples``
        gives the same loss. It must be positive: without it, separable data
        have no minima at finite weights.
    penalize_intercepts : bool, default=False
        Penalise the intercepts too, ``(alpha / 2) sum ||b||^2`` (as GMIN's
        networks do; scikit-learn does not). Without it, a dead or saturated
        hidden unit leaves its bias free: such minima are not isolated and are
        dropped by verification (they have extra zero Hessian eigenvalues). With
        it they are isolated and kept, and the softmax shift is no longer a
        zero mode. See :class:`MLPObjective`.
    n_hops : int or "auto", default="auto"
        Basin-hopping steps per chain. ``"auto"``: 30 up to
        ``n_params * n_samples = 2e5``, then fewer in proportion,
        ``clip(round(30 * 2e5 / (n_params n_samples)), 5, 30)`` (see
        :meth:`~sklandscape.base.LandscapeMixin._default_n_hops`): 30 on iris
        and breast cancer, 5 on digits with 16 hidden units.
    n_chains : int, default=4
        Independent basin-hopping chains.
    temperature : float or "auto", default="auto"
        Metropolis temperature in loss units. ``"auto"``: a tenth of the
        energy of a reference minimum, the local minimum reached from a fixed
        Glorot initialisation (see :meth:`MLPObjective.default_temperature`).
    step_size : float or "auto", default="auto"
        Half-width of the uniform basin-hopping displacement of every
        parameter. ``"auto"``: the root-mean-square parameter of the
        reference minimum (see :meth:`MLPObjective.default_step_size`).
    connect : bool, default=True
        Search transition states between minima.
    n_jobs : int, default=None
        joblib workers for chains and connections.
    random_state : int, RandomState instance or None, default=None
        Seeds the exploration.
    verbose : int, default=0
        Progress logging.
    warm_start : bool, default=False
        Refit on the same data extends ``landscape_`` instead of restarting.
    max_minima : int, "auto" or None, default="auto"
        The lowest minima kept and connected (the focus of the exploration);
        minima found above it are counted in
        ``landscape_.metadata["n_minima_discarded"]`` and not stored, except
        the stepping stones joining the focus to the global minimum (at most
        as many again, and the minima on the chains of transition states
        joining them). ``"auto"`` scales with the size of the problem and the
        exploration asked for: ``clip(min(round(16 ((c + 5e4) / 5e4)^-0.45),
        Q // 2), 8, 16)``, ``c = n_params n_samples`` (``5e4``: a call's
        overhead in units of ``c``), ``Q = n_chains (n_hops + 1)`` the
        basin-hopping quenches. ``None``: every minimum.
    energy_window : float or None, default=None
        Keep only minima within this loss of the global minimum.
    max_searches : int, "auto" or None, default="auto"
        Transition-state searches allowed per fit (a machine-independent
        budget; ``"auto"``: at most eight per kept minimum, of the
        ``"auto"`` focus or of an integer ``max_minima``; ``None``: no cap).
        The kept minima are joined to the global minimum first.
    max_time : float or None, default=None
        Wall-clock limit of the exploration in seconds; machine-dependent, so
        a fit it cuts short is not reproducible.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    coefs_ : list of ndarray
        ``coefs_[l]`` of shape ``(fan_in, fan_out)``: the weights of layer ``l``.
    intercepts_ : list of ndarray
        ``intercepts_[l]`` of shape ``(fan_out,)``.
    loss_ : float
        Energy (regularised mean cross-entropy) of the fitted minimum.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Defined when ``X`` has string feature names.
    n_layers_ : int
        Number of layers, inputs and outputs included.
    n_outputs_ : int
        Output units: 1 for binary targets, ``n_classes`` otherwise.
    out_activation_ : str
        ``"logistic"`` (binary) or ``"softmax"``.
    landscape_ : Landscape
        The explored minima and transition states (canonical coordinates in
        the layout of :class:`MLPObjective`).
    minimum_index_ : int or None
        Index in ``landscape_.minima`` of the fitted parameters (``None`` when
        no minimum verified; see ``fit``).
    n_iter_ : int
        Basin-hopping steps taken.

    See Also
    --------
    sklearn.neural_network.MLPClassifier : The same model, fitted by one local optimisation.

    Notes
    -----
    *Symmetries.* Networks that differ by a permutation of the units of a
    hidden layer or by the sign flip of a unit are the same minimum; the
    landscape stores one canonical representative
    (:meth:`MLPObjective.canonical`).

    *Zero mode.* With a softmax output, adding one constant to every output
    intercept changes nothing (intercepts are not penalised): the objective
    declares ``n_zero_modes = 1``, so that this flat direction is left out of
    the Hessian index and of ``log_hessian_product``, and the canonical form
    centres the output intercepts. The binary (logistic) output has none.

    *Non-isolated minima.* A hidden unit whose outgoing weights vanish, or
    which is saturated on every sample, leaves its (unpenalised) bias free: a
    flat valley rather than an isolated minimum. Such quenches fail the
    engine's verification and are counted in
    ``landscape_.metadata["n_not_minimum"]``. Standardise ``X``: on inputs far
    from the origin every unit saturates and no minimum is isolated.

    *Minimisation.* Minima are polished by Newton steps with the exact
    Hessian to a gradient of 1e-10: soft directions (eigenvalues near
    ``alpha / 10``) would otherwise leave two quenches of one basin further
    apart than the engine's tolerance, and one minimum would count twice.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sklandscape import LandscapeMLPClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> X = StandardScaler().fit_transform(X)
    >>> clf = LandscapeMLPClassifier((3,), n_hops=5, n_chains=1, connect=False,
    ...                              random_state=0).fit(X, y)
    >>> clf.score(X, y) > 0.95
    True
    >>> clf.landscape_.n_minima >= 1
    True
    """

    _no_minimum_advice = (
        "Every local minimum met had flat directions beyond the softmax shift: hidden "
        "units dead (zero outgoing weights) or saturated on every sample leave their "
        "unpenalised bias free, so the minimum is not isolated. Standardise X (e.g. "
        "StandardScaler), use fewer hidden units or a smaller alpha, or raise n_hops."
    )

    _parameter_constraints: dict = {
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "activation": [StrOptions({"tanh", "logistic", "relu", "identity"})],
        "alpha": [Interval(Real, 0, None, closed="neither")],
        "penalize_intercepts": ["boolean"],
        **with_options(
            LandscapeMixin._landscape_parameter_constraints, ("n_hops",), StrOptions({"auto"})
        ),
    }
    _AUTO_MAX_HOPS = 30

    def __init__(
        self,
        hidden_layer_sizes=(10,),
        *,
        activation="tanh",
        alpha=1e-4,
        penalize_intercepts=False,
        n_hops="auto",
        n_chains=4,
        temperature="auto",
        step_size="auto",
        connect=True,
        n_jobs=None,
        random_state=None,
        verbose=0,
        warm_start=False,
        max_minima="auto",
        energy_window=None,
        max_searches="auto",
        max_time=None,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.alpha = alpha
        self.penalize_intercepts = penalize_intercepts
        self.n_hops = n_hops
        self.n_chains = n_chains
        self.temperature = temperature
        self.step_size = step_size
        self.connect = connect
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start
        self.max_minima = max_minima
        self.energy_window = energy_window
        self.max_searches = max_searches
        self.max_time = max_time

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Explore the loss landscape of ``(X, y)`` and fit its global minimum.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training inputs.
        y : array-like of shape (n_samples,)
            Class labels (at least two classes; strings work).
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the cross-entropy terms (a weighted mean). Every class
            needs a positive total weight.

        Returns
        -------
        self : LandscapeMLPClassifier

        Raises
        ------
        ValueError
            On non-finite ``X``, a single class, 2-d (multilabel) ``y``, a
            class of zero total weight, a hidden layer of zero units, or a
            non-smooth activation.

        Warns
        -----
        ConvergenceWarning
            When no isolated minimum was found (typically unscaled inputs that
            saturate every hidden unit): the model is then fitted at the end
            point of one local minimisation, ``landscape_`` has no minimum and
            ``minimum_index_`` is ``None``.
        """
        self._hidden_layer_sizes()
        if self.activation not in SMOOTH_ACTIVATIONS:
            raise ValueError(
                f"activation={self.activation!r} is not supported: the landscape needs a "
                "smooth loss (relu is piecewise linear, so its Hessian and index-one "
                "transition states are undefined on the kinks; identity networks have "
                f"continuous symmetries). Use one of {SMOOTH_ACTIVATIONS}."
            )
        with self._restore_on_failure():
            X, y = validate_data(self, X, y, dtype=np.float64)
            check_classification_targets(y)
            binarizer = LabelBinarizer().fit(y)
            if binarizer.classes_.size < 2:
                raise ValueError(
                    "LandscapeMLPClassifier needs samples of at least 2 classes in the data, "
                    f"but the data contains only one class: {binarizer.classes_.tolist()[0]!r}."
                )
            if sample_weight is not None:
                sample_weight = _check_sample_weight(
                    sample_weight, X, dtype=np.float64, ensure_non_negative=True
                )
                _check_every_class_weighted(binarizer.classes_, y, sample_weight)
            targets = binarizer.transform(y).astype(float)
            objective, landscape, fingerprint = self._fit_landscape(X, targets, sample_weight)
            self._label_binarizer = binarizer
            self.classes_ = binarizer.classes_
            self.n_outputs_ = targets.shape[1]
            self.n_layers_ = len(objective.layer_units)
            self.out_activation_ = objective.output
            self._layer_units = list(objective.layer_units)
            self.loss_ = self._store_landscape(objective, landscape, fingerprint)
        return self

    def _hidden_layer_sizes(self):
        """``hidden_layer_sizes`` as a list, with scikit-learn's error for zeros."""
        sizes = self.hidden_layer_sizes
        sizes = list(sizes) if hasattr(sizes, "__iter__") else [sizes]
        if np.any(np.array(sizes) <= 0):
            raise ValueError(f"hidden_layer_sizes must be > 0, got {sizes}.")
        return [int(size) for size in sizes]

    # ------------------------------------------------------ LandscapeMixin hooks
    def _make_objective(self, X, y, sample_weight):
        return MLPObjective(
            X,
            y,
            self._hidden_layer_sizes(),
            activation=self.activation,
            alpha=self.alpha,
            output="softmax" if y.shape[1] > 1 else "logistic",
            sample_weight=sample_weight,
            penalize_intercepts=self.penalize_intercepts,
        )

    def _objective_targets(self, y):
        """One-hot targets, as ``fit`` builds them."""
        return self._label_binarizer.transform(np.asarray(y)).astype(float)

    def _set_fitted_parameters(self, x):
        units = self._layer_units
        coefs, intercepts, start = [], [], 0
        for fan_in, fan_out in zip(units[:-1], units[1:], strict=True):
            coefs.append(np.array(x[start : start + fan_in * fan_out]).reshape(fan_in, fan_out))
            start += fan_in * fan_out
        for fan_out in units[1:]:
            intercepts.append(np.array(x[start : start + fan_out]))
            start += fan_out
        self.coefs_ = coefs
        self.intercepts_ = intercepts

    def at_minimum(self, i):
        """A fitted copy whose network is that of minimum ``i`` of ``landscape_``.

        Parameters
        ----------
        i : int
            Index into ``landscape_.minima`` (0 is the global minimum).

        Returns
        -------
        LandscapeMLPClassifier
            A copy with the coefficients, intercepts and ``loss_`` of minimum ``i``.
        """
        other = super().at_minimum(i)
        other.loss_ = float(other.landscape_.minima.energy[other.minimum_index_])
        return other

    # ------------------------------------------------------------ prediction
    def predict_log_proba(self, X):
        """Log of the class probabilities, computed in log space (no ``log(0)``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            Columns ordered as ``classes_``.
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        logits = forward_pass(X, self.coefs_, self.intercepts_, self.activation)[-1]
        if self.out_activation_ == "logistic":
            return np.hstack([log_expit(-logits), log_expit(logits)])
        return output_log_proba(logits, "softmax")

    def predict_proba(self, X):
        """Class probabilities; each row sums to one.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            Columns ordered as ``classes_``.
        """
        return np.exp(self.predict_log_proba(X))

    def predict(self, X):
        """Most probable class of each sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        log_proba = self.predict_log_proba(X)
        return self.classes_[np.argmax(log_proba, axis=1)]


def _check_every_class_weighted(classes, y, sample_weight):
    """Refuse a class of zero total weight: its logit would run off to minus infinity.

    With unpenalised intercepts, a class no weighted sample belongs to lowers
    the cross-entropy without bound as its output intercept decreases, so the
    loss has no minimum at finite parameters.
    """
    totals = np.array([np.sum(sample_weight[y == label]) for label in classes])
    if np.count_nonzero(totals > 0) < 2:
        raise ValueError(
            "LandscapeMLPClassifier needs samples of at least 2 classes with positive "
            "sample_weight."
        )
    if np.any(totals <= 0):
        empty = classes[totals <= 0].tolist()
        raise ValueError(
            f"classes {empty} have zero total sample_weight: their output intercepts would "
            "decrease without bound (the loss has no minimum). Drop those samples instead."
        )
