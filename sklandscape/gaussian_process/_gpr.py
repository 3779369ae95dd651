"""LandscapeGPRegressor: Gaussian process regression over the whole hyperparameter landscape."""

import warnings
from numbers import Real

import joblib
import numpy as np
from sklearn.base import BaseEstimator, MultiOutputMixin, RegressorMixin, clone
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import RBF, Kernel
from sklearn.gaussian_process.kernels import ConstantKernel as C
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from .._sklearn_compat import Interval, StrOptions, _fit_context
from ..base import LandscapeMixin
from ..landscape import Landscape
from ._gpr_objective import GaussianProcessObjective

__all__ = ["LandscapeGPRegressor"]

#: Minima whose posterior weight is below this are left out of the mixture.
MIXTURE_WEIGHT_CUTOFF = 1e-12


class LandscapeGPRegressor(LandscapeMixin, MultiOutputMixin, RegressorMixin, BaseEstimator):
    """Gaussian process regression whose hyperparameters come from an explored landscape.

    The energy is the negative log marginal likelihood (LML) over the
    kernel's log-hyperparameters ``kernel.theta`` inside ``kernel.bounds``
    (see :class:`~sklandscape.gaussian_process._gpr_objective.GaussianProcessObjective`):
    basin-hopping finds its local optima, and with ``connect=True`` the
    transition states between them, in place of scikit-learn's
    ``n_restarts_optimizer``. Every optimum stays available through
    :meth:`at_minimum` and ``landscape_``.

    Parameters
    ----------
    kernel : kernel instance, default=None
        Covariance function. ``None`` means ``ConstantKernel() * RBF()`` with
        their default bounds, as :class:`~sklearn.gaussian_process.GaussianProcessRegressor`
        uses in ``fit``. A kernel without free hyperparameters (all bounds
        ``"fixed"``) gives a trivial landscape: fit then behaves like
        ``GaussianProcessRegressor(optimizer=None)`` and warns.
    alpha : float or ndarray of shape (n_samples,), default=1e-10
        Value added to the diagonal of the kernel matrix.
    normalize_y : bool, default=False
        Standardise the targets (mean 0, variance 1) before fitting; the
        energy is then the LML of the standardised targets, as in scikit-learn.
    prediction : {"global_minimum", "mixture"}, default="global_minimum"
        ``"global_minimum"``: predict with the kernel of the lowest minimum.
        ``"mixture"``: average the predictive distributions of all minima,
        weighted by their occupation probabilities at ``T = 1``,
        ``p_a ∝ exp(-E_a - LPPHE_a / 2)`` -- the Laplace approximation of the
        hyperparameter posterior under a flat prior in ``theta`` (harmonic
        superposition in the free subspace: a coordinate held at a bound
        contributes no volume factor). Mean
        ``mu = sum_a p_a mu_a`` and, by the law of total variance,
        ``var = sum_a p_a sigma_a^2 + sum_a p_a (mu_a - mu)^2`` (likewise for
        the covariance).
    copy_X_train : bool, default=True
        Store a copy of the training inputs (else a reference).
    n_hops : int, default=25
        Basin-hopping steps per chain.
    n_chains : int, default=4
        Independent basin-hopping chains.
    temperature : float or "auto", default="auto"
        Metropolis temperature in nats; ``"auto"`` is
        ``max(1, 0.1 * n_samples * n_targets)`` (the LML is a sum over the
        observed values, so the gaps between optima grow with their number).
    step_size : float or "auto", default="auto"
        Basin-hopping step in log units; ``"auto"`` is 0.15 times the mean
        width of the window random starts are drawn from (the bounds within
        four decades of the kernel's initial hyperparameters).
    connect : bool, default=True
        Search the transition states between the optima.
    n_jobs : int, default=None
        Parallel workers for chains and connections.
    random_state : int, RandomState instance or None, default=None
        Seeds the exploration.
    verbose : int, default=0
        Progress logging.
    warm_start : bool, default=False
        Continue exploring the previous landscape when refitted on the same data.
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
    X_train_ : array-like of shape (n_samples, n_features) or list of object
        Training inputs.
    y_train_ : ndarray of shape (n_samples,) or (n_samples, n_targets)
        Training targets (standardised when ``normalize_y=True``).
    kernel_ : kernel instance
        Kernel at the current minimum (the global one after ``fit``).
    L_ : ndarray of shape (n_samples, n_samples)
        Lower Cholesky factor of the kernel matrix at ``kernel_``.
    alpha_ : ndarray of shape (n_samples,) or (n_samples, n_targets)
        Dual coefficients of the training points at ``kernel_``.
    log_marginal_likelihood_value_ : float
        LML at ``kernel_.theta``.
    landscape_ : Landscape
        Optima (``minima.x`` are log-hyperparameters) and transition states.
    minimum_index_ : int or None
        Index of the minimum whose kernel is ``kernel_`` (``None`` when no
        minimum verified; see ``fit``).
    minima_weights_ : ndarray of shape (n_minima,)
        Posterior weight of each minimum,
        ``landscape_.occupation_probabilities(1.0)``.
    n_iter_ : int
        Basin-hopping steps taken.
    n_features_in_ : int
        Number of features seen in fit (vector inputs).
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen in fit, when X has string column names.

    See Also
    --------
    sklearn.gaussian_process.GaussianProcessRegressor : optimisation from one or a few starts.

    References
    ----------
    C. E. Rasmussen and C. K. I. Williams, *Gaussian Processes for Machine
    Learning*, MIT Press, 2006, ch. 5.
    L. Dicks, D. J. Wales, "Elucidating the solution structure of the K-means
    cost function using energy landscape theory", and M. Niroomand et al.,
    "Explainable AI with energy landscapes", Digital Discovery 3, 637 (2024).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.gaussian_process.kernels import RBF, WhiteKernel
    >>> from sklandscape import LandscapeGPRegressor
    >>> rng = np.random.RandomState(0)
    >>> X = rng.uniform(0, 5, size=(20, 1))
    >>> y = 0.5 + np.sin(3 * X[:, 0]) + np.random.RandomState(1).normal(0, 0.3, 20)
    >>> kernel = 1.0 * RBF(1.0, (1e-2, 1e3)) + WhiteKernel(1e-2, (1e-10, 1e1))
    >>> gpr = LandscapeGPRegressor(kernel, n_hops=10, n_chains=2, connect=False,
    ...                            random_state=0).fit(X, y)
    >>> np.round(-gpr.landscape_.minima.energy, 2)
    array([-18.43, -23.5 ])
    >>> round(float(gpr.at_minimum(1).kernel_.k1.k2.length_scale))  # at its upper bound
    1000
    """

    _parameter_constraints: dict = {
        "kernel": [None, Kernel],
        "alpha": [Interval(Real, 0, None, closed="left"), np.ndarray],
        "normalize_y": ["boolean"],
        "prediction": [StrOptions({"global_minimum", "mixture"})],
        "copy_X_train": ["boolean"],
        **LandscapeMixin._landscape_parameter_constraints,
    }

    def __init__(
        self,
        kernel=None,
        *,
        alpha=1e-10,
        normalize_y=False,
        prediction="global_minimum",
        copy_X_train=True,
        n_hops=25,
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
        self.kernel = kernel
        self.alpha = alpha
        self.normalize_y = normalize_y
        self.prediction = prediction
        self.copy_X_train = copy_X_train
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

    # ----------------------------------------------------------------- fit
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Explore the LML landscape and fit the GP at its global minimum.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or list of object
            Training inputs.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Training targets.

        Returns
        -------
        self : LandscapeGPRegressor
            The fitted estimator.

        Raises
        ------
        ValueError
            On NaN/inf or non-numeric input (scikit-learn's messages), an
            ``alpha`` array of the wrong length, or a single sample when there
            are hyperparameters to explore.

        Warns
        -----
        ConvergenceWarning
            When the exploration verifies no minimum (for instance redundant
            hyperparameters, such as a product of two constant kernels, leave an
            exactly flat direction): the kernel is then that of one local
            minimisation's end point, ``landscape_`` has no minimum,
            ``minimum_index_`` is ``None`` and ``prediction="mixture"`` predicts
            with that kernel alone.
        UserWarning
            When the kernel has no free hyperparameter: the landscape is a
            single point and the fit equals ``GaussianProcessRegressor(optimizer=None)``.
        """
        kernel = self._initial_kernel()
        with self._restore_on_failure():
            X, y = self._validate_training_data(X, y, kernel)
            alpha = self._checked_alpha(y.shape[0])
            if kernel.n_dims == 0:
                warnings.warn(
                    f"The kernel {kernel} has no free hyperparameters (all bounds are "
                    "'fixed'): the landscape is trivial, a single point, and fit behaves "
                    "like GaussianProcessRegressor(optimizer=None).",
                    UserWarning,
                    stacklevel=3,
                )
                objective = None
                landscape = self._single_point_landscape(kernel, X, y, alpha)
                fingerprint = joblib.hash((X, y, None))
            else:
                if y.shape[0] < 2:
                    raise ValueError(
                        "LandscapeGPRegressor needs at least 2 samples to explore the "
                        f"kernel's hyperparameters, got n_samples = {y.shape[0]}."
                    )
                objective, landscape, fingerprint = self._fit_landscape(X, y)
            self.X_train_ = np.copy(X) if self.copy_X_train else X
            self._y_fit = y
            self._alpha_fit = alpha
            self._kernel_template = kernel
            self._store_landscape(objective, landscape, fingerprint)
            if landscape.n_minima:
                self.minima_weights_ = landscape.occupation_probabilities(1.0)
                mixture = self.prediction == "mixture"
            else:  # no verified minimum (warned): predict with the fitted kernel alone
                self.minima_weights_ = np.zeros(0)
                mixture = False
            self._mixture = self._mixture_members() if mixture else None
        return self

    def _initial_kernel(self):
        return C() * RBF() if self.kernel is None else clone(self.kernel)

    def _validate_training_data(self, X, y, kernel):
        vector_input = kernel.requires_vector_input
        return validate_data(
            self,
            X,
            y,
            multi_output=True,
            y_numeric=True,
            ensure_2d=vector_input,
            dtype="numeric" if vector_input else None,
        )

    def _checked_alpha(self, n_samples):
        """``alpha`` as a float or an array of ``n_samples`` entries (as scikit-learn)."""
        if not np.iterable(self.alpha):
            return float(self.alpha)
        alpha = np.asarray(self.alpha, dtype=float)
        if alpha.shape[0] == 1:
            return float(alpha[0])
        if alpha.shape[0] != n_samples:
            raise ValueError(
                "alpha must be a scalar or an array with same number of entries as y. "
                f"({alpha.shape[0]} != {n_samples})"
            )
        return alpha

    def _standardised_targets(self, y):
        if not self.normalize_y:
            return y
        std = np.std(y, axis=0)
        std = np.where(std < 10 * np.finfo(float).eps, 1.0, std)  # constant targets: no scaling
        return (y - np.mean(y, axis=0)) / std

    def _make_objective(self, X, y, sample_weight):
        kernel = self._initial_kernel()
        alpha = self._checked_alpha(y.shape[0])
        return GaussianProcessObjective(kernel, X, self._standardised_targets(y), alpha=alpha)

    def _single_point_landscape(self, kernel, X, y, alpha):
        """Landscape of a kernel without free hyperparameters: one minimum, no coordinates."""
        gpr = self._gaussian_process(kernel, alpha).fit(X, y)
        return Landscape.from_arrays(
            [-gpr.log_marginal_likelihood_value_],
            [],
            np.empty((0, 2), dtype=np.int64),
            n_params=0,
            minima_x=np.empty((1, 0)),
            metadata={"n_hops_total": 0, "trivial": True},
        )

    def _gaussian_process(self, kernel, alpha):
        return GaussianProcessRegressor(
            kernel=kernel,
            alpha=alpha,
            optimizer=None,
            normalize_y=self.normalize_y,
            copy_X_train=False,
        )

    def _fitted_gaussian_process(self, theta):
        """scikit-learn's GP at log-hyperparameters ``theta``, fitted on the training data."""
        theta = np.asarray(theta, dtype=float)
        kernel = self._kernel_template
        if theta.size:
            kernel = kernel.clone_with_theta(theta)
        return self._gaussian_process(kernel, self._alpha_fit).fit(self.X_train_, self._y_fit)

    def _set_fitted_parameters(self, x):
        gpr = self._fitted_gaussian_process(x)
        self._gpr = gpr
        self.kernel_ = gpr.kernel_
        self.L_ = gpr.L_
        self.alpha_ = gpr.alpha_
        self.y_train_ = gpr.y_train_
        self.log_marginal_likelihood_value_ = gpr.log_marginal_likelihood_value_

    def _mixture_members(self):
        """``(weights, fitted GPs)`` of the minima with weight above the cutoff."""
        keep = np.flatnonzero(self.minima_weights_ >= MIXTURE_WEIGHT_CUTOFF)
        weights = self.minima_weights_[keep] / np.sum(self.minima_weights_[keep])
        members = [self._fitted_gaussian_process(self.landscape_.minima.x[i]) for i in keep]
        return weights, members

    def at_minimum(self, i):
        """A fitted copy predicting with the kernel of minimum ``i`` alone.

        Also when ``prediction="mixture"``: the copy is the GP at that one
        optimum (``kernel_``, ``alpha_``, ``L_``, predictions); refitting it
        explores afresh.

        Parameters
        ----------
        i : int
            Index into ``landscape_.minima`` (negative counts from the end).

        Returns
        -------
        LandscapeGPRegressor
        """
        other = super().at_minimum(i)
        other._mixture = None
        return other

    # ------------------------------------------------------------- predict
    def predict(self, X, return_std=False, return_cov=False):
        """Predictive mean (and standard deviation or covariance) at ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or list of object
            Query points.
        return_std : bool, default=False
            Also return the predictive standard deviation.
        return_cov : bool, default=False
            Also return the joint predictive covariance.

        Returns
        -------
        y_mean : ndarray of shape (n_samples,) or (n_samples, n_targets)
        y_std : ndarray of shape (n_samples,) or (n_samples, n_targets), optional
        y_cov : ndarray of shape (n_samples, n_samples) or \
                (n_samples, n_samples, n_targets), optional
            With ``prediction="mixture"`` these are the moments of the mixture
            (law of total variance).
        """
        check_is_fitted(self)
        if return_std and return_cov:
            raise RuntimeError("At most one of return_std or return_cov can be requested.")
        X = self._validate_query(X)
        if self._mixture is None:
            return self._gpr.predict(X, return_std=return_std, return_cov=return_cov)
        return _mixture_moments(*self._mixture, X, return_std, return_cov)

    def sample_y(self, X, n_samples=1, random_state=0):
        """Draw functions from the predictive distribution and evaluate them at ``X``.

        With ``prediction="mixture"`` each draw first picks a minimum with
        probability ``minima_weights_`` and then samples that minimum's GP.

        Parameters
        ----------
        X : array-like of shape (n_samples_X, n_features) or list of object
            Query points.
        n_samples : int, default=1
            Number of functions drawn.
        random_state : int, RandomState instance or None, default=0
            Seed of the draws.

        Returns
        -------
        y_samples : ndarray of shape (n_samples_X, n_samples) or \
                (n_samples_X, n_targets, n_samples)
        """
        check_is_fitted(self)
        X = self._validate_query(X)
        rng = check_random_state(random_state)
        if self._mixture is None:
            return self._gpr.sample_y(X, n_samples, random_state=rng)
        weights, members = self._mixture
        counts = rng.multinomial(n_samples, weights)
        draws = [
            gpr.sample_y(X, int(count), random_state=rng)
            for gpr, count in zip(members, counts, strict=True)
            if count
        ]
        samples = np.concatenate(draws, axis=-1)
        return samples[..., rng.permutation(n_samples)]

    def log_marginal_likelihood(self, theta=None, eval_gradient=False, clone_kernel=True):
        """Log marginal likelihood of the training data at ``theta`` (log-hyperparameters).

        ``theta=None`` returns ``log_marginal_likelihood_value_``; see
        :meth:`sklearn.gaussian_process.GaussianProcessRegressor.log_marginal_likelihood`.
        """
        check_is_fitted(self)
        return self._gpr.log_marginal_likelihood(
            theta, eval_gradient=eval_gradient, clone_kernel=clone_kernel
        )

    def _validate_query(self, X):
        vector_input = self._kernel_template.requires_vector_input
        return validate_data(
            self,
            X,
            ensure_2d=vector_input,
            dtype="numeric" if vector_input else None,
            reset=False,
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags


def _mixture_moments(weights, members, X, return_std, return_cov):
    """Mean and spread of a mixture of GP predictive distributions.

    ``mu = sum_a w_a mu_a``; ``Cov = sum_a w_a (C_a + d_a d_a^T)`` with
    ``d_a = mu_a - mu`` (law of total covariance), per target.
    """
    if not (return_std or return_cov):
        means = [gpr.predict(X) for gpr in members]
        return np.tensordot(weights, np.stack(means), axes=1)
    predictions = [gpr.predict(X, return_std=return_std, return_cov=return_cov) for gpr in members]
    means = np.stack([mean for mean, _ in predictions])
    mean = np.tensordot(weights, means, axes=1)
    deviations = means - mean
    if return_std:
        variances = np.stack([std**2 for _, std in predictions]) + deviations**2
        return mean, np.sqrt(np.tensordot(weights, variances, axes=1))
    covariances = np.stack([cov for _, cov in predictions])
    covariances = covariances + np.einsum("ai...,aj...->aij...", deviations, deviations)
    return mean, np.tensordot(weights, covariances, axes=1)
