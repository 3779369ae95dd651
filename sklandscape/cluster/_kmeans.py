"""LandscapeKMeans: K-means that maps the landscape of its cost."""

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    ClusterMixin,
    TransformerMixin,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics.pairwise import euclidean_distances
from sklearn.utils.validation import check_is_fitted, validate_data

from .._sklearn_compat import Interval, _check_sample_weight, _fit_context
from ..base import LandscapeMixin
from ._kmeans_moves import nearest_centres
from ._kmeans_objective import KMeansObjective

__all__ = ["LandscapeKMeans"]


class LandscapeKMeans(
    LandscapeMixin, ClassNamePrefixFeaturesOutMixin, TransformerMixin, ClusterMixin, BaseEstimator
):
    """K-means clustering that explores the energy landscape of its cost.

    The energy of a set of centres ``C`` is the weighted mean squared
    distance of the data to their nearest centre,
    ``E(C) = sum_i w_i min_k |x_i - c_k|^2 / sum_i w_i`` (``inertia /
    n_samples`` for unit weights; with ``sample_weight`` a sample of weight 2
    counts as a repeated sample). Basin-hopping chains collect its minima,
    the fixed points of Lloyd's algorithm, counted once up to a relabelling
    of the clusters; with ``connect=True`` the transition states joining them
    are searched too. The fitted centres are those of the global minimum
    found, and the whole landscape is kept as ``landscape_``.

    The cost is not twice differentiable where a point changes its nearest
    centre, so saddles have no Hessian index there. A **transition state**
    of this landscape is defined as the highest point of a converged elastic
    band between two minima; the band's highest segment is maximised exactly
    (the cost along a segment is piecewise quadratic with convex pieces, so
    the maximum lies on an assignment boundary; see
    :meth:`KMeansObjective.segment_maximum
    <sklandscape.cluster._kmeans_objective.KMeansObjective.segment_maximum>`).

    Parameters
    ----------
    n_clusters : int, default=8
        Number of clusters ``K``.
    n_hops : int, default=50
        Basin-hopping steps per chain. Each step is one move (re-seeding a
        centre at a poorly fit point by D^2 sampling, a random swap, or a
        small displacement of every centre) followed by Lloyd's algorithm
        and Hartigan's single-point transfers (see
        :meth:`KMeansObjective.perturb
        <sklandscape.cluster._kmeans_objective.KMeansObjective.perturb>`).
    n_chains : int, default=4
        Independent basin-hopping chains, each started from a k-means++
        seeding.
    temperature : float or "auto", default="auto"
        Metropolis temperature, in units of the energy. ``"auto"``:
        ``E_pp / sum(sample_weight)`` (``E_pp / n_samples`` for unit weights),
        with ``E_pp`` the energy of a k-means++ seeding of the data (fixed
        internal seed): an uphill move misassigning about one typical point
        is accepted with probability ``1/e``, larger ones rarely.
    step_size : float or "auto", default="auto"
        Half-width of the uniform displacement move, in data units.
        ``"auto"``: ``0.1 * sqrt(mean_j var_j)``, a tenth of the
        root-mean-square per-feature standard deviation.
    connect : bool, default=True
        Search transition states between minima (needed for barriers,
        frustration and disconnectivity graphs).
    n_jobs : int, default=None
        Parallel workers for the chains and connections (joblib). The
        landscape does not depend on it.
    random_state : int, RandomState instance or None, default=None
        Seeds the whole exploration.
    verbose : int, default=0
        Progress logging to the ``"sklandscape"`` logger.
    warm_start : bool, default=False
        When ``True``, refitting on the same data continues the exploration
        and adds to ``landscape_``.
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
    max_iter : int, default=300
        Maximum Lloyd iterations of one local minimisation.
    tol : float, default=0.0
        Lloyd's iterations also stop when the squared centre shift falls to
        ``tol`` times the mean per-feature variance (scikit-learn's
        convention). Only exact fixed points are recorded as minima, so the
        default 0 runs each minimisation to its fixed point.

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_clusters, n_features)
        Centres of the global minimum, sorted lexicographically.
    labels_ : ndarray of shape (n_samples,)
        Cluster of every training point.
    inertia_ : float
        Weighted sum of squared distances to the nearest centre,
        ``sum_i w_i min_k |x_i - c_k|^2`` (as scikit-learn's KMeans).
    n_iter_ : int
        Basin-hopping steps taken over all chains (and warm starts).
    landscape_ : Landscape
        Minima (energies ``inertia / sum(w)``, centres in ``minima.x``) and
        transition states.
    objective_ : KMeansObjective
        The loss surface explored at fit time (it holds the centred training
        data); :func:`~sklandscape.inspection.stable_cluster_centers` and
        :class:`~sklandscape.LandscapeKSelector` read it.
    minimum_index_ : int or None
        Index in ``landscape_.minima`` of the minimum whose centres are used
        (``None`` when no minimum verified; see :class:`~sklandscape.LandscapeMixin`).
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.

    See Also
    --------
    sklearn.cluster.KMeans : K-means with restarts, no landscape.

    Notes
    -----
    A fitted estimator keeps a private copy of the (centred) training data,
    so that :meth:`at_minimum` can label the training points for any
    minimum.

    References
    ----------
    D. J. Wales, *Energy Landscapes*, Cambridge University Press (2003).

    L. Dicks and D. J. Wales, J. Chem. Phys. 156, 054109 (2022): the K-means
    landscape of iris and its transition states.

    Examples
    --------
    >>> import numpy as np
    >>> from sklandscape import LandscapeKMeans
    >>> X = np.array([[1.0, 2.0], [1.0, 4.0], [1.0, 0.0],
    ...               [10.0, 2.0], [10.0, 4.0], [10.0, 0.0]])
    >>> km = LandscapeKMeans(n_clusters=2, n_hops=5, n_chains=1, connect=False,
    ...                      random_state=0).fit(X)
    >>> km.cluster_centers_
    array([[ 1.,  2.],
           [10.,  2.]])
    >>> km.predict([[0.0, 0.0], [12.0, 3.0]])
    array([0, 1])
    >>> float(km.inertia_)
    16.0
    """

    _parameter_constraints: dict = {
        **LandscapeMixin._landscape_parameter_constraints,
        "n_clusters": [Interval(Integral, 1, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(
        self,
        n_clusters=8,
        *,
        n_hops=50,
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
        max_iter=300,
        tol=0.0,
    ):
        self.n_clusters = n_clusters
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
        self.max_iter = max_iter
        self.tol = tol

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, sample_weight=None):
        """Explore the K-means landscape of ``X``; take the centres of its global minimum.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data (finite numbers; sparse input is not supported).
        y : Ignored
            Not used, present for API consistency.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights; ``None`` for equal weights.

        Returns
        -------
        self : LandscapeKMeans
            Fitted estimator.

        Raises
        ------
        ValueError
            On NaN/inf or non-numeric data, fewer samples than clusters, or
            negative or all-zero sample weights.

        Warns
        -----
        ConvergenceWarning
            When fewer distinct points than clusters exist (as KMeans).
        """
        with self._restore_on_failure():
            X = validate_data(self, X, dtype=[np.float64, np.float32])
            if X.shape[0] < self.n_clusters:
                raise ValueError(
                    f"n_samples={X.shape[0]} should be >= n_clusters={self.n_clusters}."
                )
            sample_weight = _check_sample_weight(
                sample_weight, X, dtype=np.float64, ensure_non_negative=True
            )
            objective, landscape, fingerprint = self._fit_landscape(X, None, sample_weight)
            self.objective_ = objective
            self._store_landscape(objective, landscape, fingerprint)
            self._n_features_out = self.n_clusters
        n_distinct = np.unique(self.labels_[sample_weight > 0]).size
        if n_distinct < self.n_clusters:
            warnings.warn(
                f"Number of distinct clusters ({n_distinct}) found smaller than "
                f"n_clusters ({self.n_clusters}). Possibly due to duplicate points in X.",
                ConvergenceWarning,
                stacklevel=2,
            )
        return self

    # -------------------------------------------------- LandscapeMixin hooks
    def _make_objective(self, X, y, sample_weight):
        return KMeansObjective(
            X,
            self.n_clusters,
            sample_weight=sample_weight,
            max_iter=self.max_iter,
            tol=self.tol,
        )

    def _set_fitted_parameters(self, x):
        objective = self.objective_
        self.cluster_centers_ = objective.cluster_centers(x).copy()
        self.labels_ = objective.assign(x)
        self.inertia_ = objective.value(x) * objective.total_weight

    # ------------------------------------------------------------ inference
    def _nearest(self, X):
        """Labels and squared distances of X to the fitted centres."""
        centres = self.cluster_centers_
        origin = self.objective_.mean_
        labels = nearest_centres(X - origin, centres - origin)
        residual = X - centres[labels]
        return labels, np.einsum("ij,ij->i", residual, residual)

    def predict(self, X):
        """Index of the nearest fitted centre of every sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        labels : ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=[np.float64, np.float32], reset=False)
        return self._nearest(np.asarray(X, dtype=float))[0]

    def transform(self, X):
        """Euclidean distance of every sample to every fitted centre.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        distances : ndarray of shape (n_samples, n_clusters)
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=[np.float64, np.float32], reset=False)
        return euclidean_distances(np.asarray(X, dtype=float), self.cluster_centers_)

    def score(self, X, y=None, sample_weight=None):
        """Opposite of the weighted K-means cost of X, ``-sum_i w_i min_k |x_i - c_k|^2``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : Ignored
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        score : float
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=[np.float64, np.float32], reset=False)
        sample_weight = _check_sample_weight(sample_weight, X, dtype=np.float64)
        return -float(sample_weight @ self._nearest(np.asarray(X, dtype=float))[1])
