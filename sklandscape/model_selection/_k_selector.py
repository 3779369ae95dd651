"""LandscapeKSelector: the number of K-means clusters read from whole solution landscapes."""

import logging
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.utils import check_random_state
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import check_is_fitted, validate_data

from .._sklearn_compat import Interval, StrOptions, _check_sample_weight, _fit_context
from ..base import LandscapeMixin
from ..cluster import LandscapeKMeans
from ._k_criteria import CRITERIA, criterion_scores, landscape_features

__all__ = ["LandscapeKSelector"]

logger = logging.getLogger(__name__)

_FEATURES = (
    "energy",
    "n_minima",
    "n_transition_states",
    "n_connected",
    "fraction_connected",
    "n_msb",
    "temperature",
    "occupation",
    "entropy",
    "funnel_occupation",
    "frustration",
    "gap",
    "barrier",
)
#: Features also reported for K + 1 (``<name>_next``), which the difference criteria use.
_NEXT = ("energy", "occupation", "entropy", "funnel_occupation")
_DEPRECATED = "deprecated"
#: ``max_searches="auto"`` per kept minimum of an integer ``max_minima``, per K: twice the
#: estimators' eight. Above the appropriate K the K-means landscape holds many
#: near-equivalent partitions, and fewer searches in ten succeed in joining their pair.
_SEARCHES_PER_KEPT_MINIMUM = 16
_EXPLORATION = {
    key: value
    for key, value in LandscapeMixin._landscape_parameter_constraints.items()
    if key != "warm_start"
}


class LandscapeKSelector(ClusterMixin, BaseEstimator):
    r"""Choose the number of K-means clusters from the landscape of solutions at each K.

    For every K of ``k_range`` a :class:`~sklandscape.LandscapeKMeans` landscape
    is explored under a small budget (the ``max_minima`` lowest minima kept,
    each joined to the global minimum by transition states first), and K is
    scored from the whole landscape rather than from one solution: whether the
    best partition sits at the bottom of a single funnel, how much of the
    equilibrium weight it keeps, how frustrated the landscape is, and the
    global-minimum cost curve (Dicks & Wales, J. Chem. Phys. 156, 054109
    (2022); Wu, Dicks & Wales, arXiv:2305.17279 (2023): the landscape is
    single-funnelled at the appropriate K and loses that structure as K
    deviates). Features that need transition states are computed on the
    minima connected to the global minimum; ``results_["fraction_connected"]``
    reports how many of the kept minima that is, per K.

    The default criterion, ``"landscape"``, scores K by

    .. math::

        s(K) = \underbrace{\left[\ln E_g(K-1) - 2 \ln E_g(K) + \ln E_g(K+1)\right]}
                          _{\text{cost-curve elbow}}
        \; \underbrace{\frac{P_f(K)}{P_f(K+1)}}_{\text{funnel loss}},

    where ``E_g(K)`` is the global-minimum cost and ``P_f(K)`` the weight of
    the global minimum's funnel (the minima from which a monotonic sequence of
    transition states leads down to it) in the Boltzmann distribution
    ``p_a ∝ exp(-E_a / T_K)`` over the minima (partitions) at
    ``T_K = temperature_scale * E_g(K) / n_samples`` (the cost of one typical
    sample). Up to the appropriate K the best partition is at the bottom of a
    single funnel (``P_f ≈ 1``); one cluster more can split any cluster in many
    near-equivalent ways, competing funnels take the weight (``P_f(K+1)``
    small), and among the funnelled K the cluster added at the appropriate K
    pays off most (the elbow). The product needs both. See
    :mod:`sklandscape.model_selection._k_criteria` for the other criteria
    (``"funnel"``, ``"cost"``, ``"entropy"``, ``"entropy_elbow"``,
    ``"occupation"``, ``"frustration"``, ``"msb"``, ``"gap"``) and every formula.

    Criteria comparing K with K - 1 or K + 1 need those landscapes too: they
    are explored as well (``K - 1 >= 2``, ``K + 1 <= n_samples - 1``; the
    one-cluster cost is the total variance), appear in ``landscapes_`` but are
    not candidates.

    Parameters
    ----------
    k_range : array-like of int, default=(2, 3, ..., 10)
        Candidate numbers of clusters, each in ``[2, n_samples - 1]``
        (e.g. ``range(2, 11)``).
    criterion : str or callable, default="landscape"
        A name from the list above, or ``criterion(results) -> scores``
        taking the dict :attr:`results_` (without the score columns) and
        returning one score per K (higher is better).
    temperature_scale : float, default=1.0
        ``tau`` in the reference temperature ``T_K = tau * E_g(K) / n_samples``.
    n_hops : int, default=20
        Basin-hopping steps per chain and K.
    n_chains : int, default=4
        Basin-hopping chains per K.
    temperature : float or "auto", default="auto"
        Metropolis temperature of the chains (see
        :class:`~sklandscape.LandscapeKMeans`).
    step_size : float or "auto", default="auto"
        Basin-hopping displacement (see :class:`~sklandscape.LandscapeKMeans`).
    connect : bool, default=True
        Search transition states (needed by ``"funnel"``, ``"frustration"``,
        ``"msb"``, ``"gap"`` and by the disconnectivity graphs).
    max_connect_rounds : int, default="deprecated"
        Deprecated in 0.1 and ignored (removed in 0.3): the connection stage
        of each K is bounded by ``max_searches``.
    max_pairs_per_round : int or None, default="deprecated"
        Deprecated in 0.1 and ignored (removed in 0.3), as ``max_connect_rounds``.
    max_minima : int, "auto" or None, default=10
        The lowest minima kept and connected to the global minimum per K (see
        :class:`~sklandscape.LandscapeKMeans`). The default small focus keeps
        every K's low-energy landscape connected within the default
        ``max_searches``.
    energy_window : float or None, default=None
        Keep only minima within this cost of the global minimum, per K.
    max_searches : int, "auto" or None, default="auto"
        Transition-state searches allowed per K. ``"auto"`` with an integer
        ``max_minima``: 16 per kept minimum, twice the estimators' eight
        (above the appropriate K the landscape holds many near-equivalent
        partitions, and fewer searches join their pair; over 20 data seeds of
        wine, K = 2..5, eight per kept minimum left 90.5 % of the kept minima
        connected on average); with ``max_minima="auto"`` or ``None``, that of
        :class:`~sklandscape.LandscapeKMeans`.
    max_time : float or None, default=None
        Wall-clock limit in seconds of each stage (basin-hopping, connection)
        of each K; machine-dependent, so a fit it cuts short is not
        reproducible.
    n_jobs : int, default=None
        joblib workers, one K per task (each exploration is serial). Results
        do not depend on it: the seed of every K is drawn before dispatch.
    random_state : int, RandomState instance or None, default=None
        Seeds every exploration.
    verbose : int, default=0
        Progress logging.

    Attributes
    ----------
    n_clusters_ : int
        The chosen number of clusters.
    best_estimator_ : LandscapeKMeans
        The fitted LandscapeKMeans of ``n_clusters_`` clusters (global minimum
        centres, its ``landscape_``).
    labels_ : ndarray of shape (n_samples,)
        Cluster of every training sample under ``best_estimator_``.
    landscapes_ : dict of int to Landscape
        Every explored landscape, candidates and neighbours.
    results_ : dict of ndarray
        One entry per candidate K (sorted), as ``cv_results_``: ``k``, the
        features ``energy``, ``n_minima``, ``n_transition_states``,
        ``n_connected``, ``fraction_connected`` (of the kept minima, joined to
        the global minimum), ``n_msb``, ``temperature``, ``occupation``,
        ``entropy``, ``funnel_occupation``, ``frustration``, ``gap``, ``barrier``, the neighbours'
        ``energy_previous``, ``energy_next``, ``occupation_next``,
        ``entropy_next``, ``funnel_occupation_next`` (``nan`` when not
        explored), ``score_<name>`` for every built-in criterion, ``score``
        (the chosen criterion) and ``rank_score`` (1 = best).
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Defined when X has string feature names.

    See Also
    --------
    sklandscape.LandscapeKMeans : The estimator explored at each K.

    References
    ----------
    L. Dicks and D. J. Wales, J. Chem. Phys. 156, 054109 (2022).

    Y. Wu, L. Dicks and D. J. Wales, "Archetypal solution spaces for
    clustering gene expression datasets in identification of cancer
    subtypes", arXiv:2305.17279 (2023).

    J. D. Bryngelson and P. G. Wolynes, Proc. Natl. Acad. Sci. USA 84, 7524
    (1987): funnels, frustration and the glass-like alternative.

    Examples
    --------
    >>> from sklearn.datasets import make_blobs
    >>> from sklandscape import LandscapeKSelector
    >>> X, _ = make_blobs(n_samples=90, centers=3, cluster_std=0.5, random_state=0)
    >>> selector = LandscapeKSelector(range(2, 6), n_hops=5, n_chains=2,
    ...                               random_state=0).fit(X)
    >>> selector.n_clusters_
    3
    >>> sorted(selector.landscapes_)
    [2, 3, 4, 5, 6]
    """

    _parameter_constraints: dict = {
        "k_range": ["array-like"],
        "criterion": [StrOptions(set(CRITERIA)), callable],
        "temperature_scale": [Interval(Real, 0, None, closed="neither")],
        **_EXPLORATION,
        "max_connect_rounds": [
            Interval(Integral, 0, None, closed="left"),
            StrOptions({_DEPRECATED}),
        ],
        "max_pairs_per_round": [
            Interval(Integral, 1, None, closed="left"),
            None,
            StrOptions({_DEPRECATED}),
        ],
    }

    def __init__(
        self,
        k_range=tuple(range(2, 11)),
        *,
        criterion="landscape",
        temperature_scale=1.0,
        n_hops=20,
        n_chains=4,
        temperature="auto",
        step_size="auto",
        connect=True,
        max_connect_rounds=_DEPRECATED,
        max_pairs_per_round=_DEPRECATED,
        max_minima=10,
        energy_window=None,
        max_searches="auto",
        max_time=None,
        n_jobs=None,
        random_state=None,
        verbose=0,
    ):
        self.k_range = k_range
        self.criterion = criterion
        self.temperature_scale = temperature_scale
        self.n_hops = n_hops
        self.n_chains = n_chains
        self.temperature = temperature
        self.step_size = step_size
        self.connect = connect
        self.max_connect_rounds = max_connect_rounds
        self.max_pairs_per_round = max_pairs_per_round
        self.max_minima = max_minima
        self.energy_window = energy_window
        self.max_searches = max_searches
        self.max_time = max_time
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, sample_weight=None):
        """Explore a K-means landscape for every K and choose the best-scoring K.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : Ignored
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights of the K-means cost.

        Returns
        -------
        self : LandscapeKSelector

        Raises
        ------
        ValueError
            When ``k_range`` is empty, not integral, or has a value below 2 or
            above ``n_samples - 1``; on invalid data or weights; when the
            criterion is undefined for every K.
        """
        X = validate_data(self, X, dtype=[np.float64, np.float32])
        n_samples = X.shape[0]
        if n_samples < 3:
            raise ValueError(
                f"n_samples={n_samples}: choosing K needs at least 3 samples "
                "(K from 2 to n_samples - 1)."
            )
        candidates = _check_k_range(self.k_range, n_samples)
        sample_weight = _check_sample_weight(
            sample_weight, X, dtype=np.float64, ensure_non_negative=True
        )
        if not np.sum(sample_weight) > 0:
            raise ValueError("sample_weight must not be all zeros.")
        for name in ("max_connect_rounds", "max_pairs_per_round"):
            if getattr(self, name) != _DEPRECATED:
                warnings.warn(
                    f"{name} is deprecated since 0.1 and has no effect (it will be removed "
                    "in 0.3): the transition-state searches of each K are bounded by "
                    "max_searches.",
                    FutureWarning,
                    stacklevel=3,
                )
        explored = _with_neighbours(candidates, n_samples)
        rng = check_random_state(self.random_state)
        seeds = rng.randint(np.iinfo(np.int32).max, size=explored.size)
        fitted = Parallel(n_jobs=self.n_jobs)(
            delayed(self._explore_one)(X, sample_weight, int(k), int(seed))
            for k, seed in zip(explored, seeds, strict=True)
        )
        estimators = dict(zip(explored.tolist(), fitted, strict=True))
        landscapes = {k: est.landscape_ for k, est in estimators.items()}
        results = self._score_landscapes(
            candidates, landscapes, _one_cluster_energy(X, sample_weight), n_samples
        )
        best = _best_k(candidates, results["score"])
        self.results_ = results
        self.landscapes_ = landscapes
        self.n_clusters_ = int(best)
        self.best_estimator_ = estimators[int(best)]
        self.labels_ = self.best_estimator_.labels_
        logger.info("LandscapeKSelector: K = %d (scores %s)", best, np.round(results["score"], 3))
        return self

    def _score_landscapes(self, candidates, landscapes, one_cluster_energy, n_samples):
        """The ``results_`` table of the candidates from the explored landscapes."""
        features = {
            k: landscape_features(landscape, n_samples, self.temperature_scale)
            for k, landscape in landscapes.items()
        }
        features[1] = {"energy": one_cluster_energy}
        results = _results_table(candidates, features)
        for name in CRITERIA:
            results[f"score_{name}"] = criterion_scores(results, name)
        scores = criterion_scores(
            {k: v for k, v in results.items() if not k.startswith("score_")}, self.criterion
        )
        if np.all(np.isnan(scores)):
            raise ValueError(
                f"criterion {self.criterion!r} is undefined for every K of k_range "
                f"{candidates.tolist()} (e.g. K + 1 exceeds n_samples - 1); widen k_range "
                "or choose another criterion."
            )
        results["score"] = scores
        results["rank_score"] = _rank(scores)
        return results

    def _explore_one(self, X, sample_weight, k, seed):
        """Fit the LandscapeKMeans of ``k`` clusters under the selector's budget."""
        return LandscapeKMeans(
            n_clusters=k,
            n_hops=self.n_hops,
            n_chains=self.n_chains,
            temperature=self.temperature,
            step_size=self.step_size,
            connect=self.connect,
            max_minima=self.max_minima,
            energy_window=self.energy_window,
            max_searches=self._max_searches_per_k(),
            max_time=self.max_time,
            n_jobs=1,
            random_state=seed,
            verbose=self.verbose,
        ).fit(X, sample_weight=sample_weight)

    def _max_searches_per_k(self):
        """The ``max_searches`` of each K's LandscapeKMeans (see the class docstring)."""
        if self.max_searches == "auto" and isinstance(self.max_minima, Integral):
            return _SEARCHES_PER_KEPT_MINIMUM * int(self.max_minima)
        return self.max_searches

    def predict(self, X):
        """Cluster of every sample under the chosen K (nearest centre of ``best_estimator_``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        labels : ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=[np.float64, np.float32], reset=False)
        return self.best_estimator_.predict(X)

    def plot_results(self, k_landscapes=None, axes=None, *, parts=True):
        """The criterion per K beside each K's disconnectivity graph: why K was chosen.

        The first panel draws the score of every candidate K (and, for the
        default criterion, its cost-elbow and funnel-loss terms); each other
        panel the disconnectivity graph of one K with the global minimum's
        funnel highlighted, titled with its score, the minima kept, the
        fraction connected to the global minimum and the minima found above
        the focus and not kept.

        Parameters
        ----------
        k_landscapes : iterable of int, optional
            Numbers of clusters whose disconnectivity graphs to draw; default
            every candidate K.
        axes : sequence of matplotlib Axes, optional
            One for the scores, then one per landscape; a new figure when omitted.
        parts : bool, default=True
            With the default criterion, also draw its cost-elbow and funnel-loss terms.

        Returns
        -------
        axes : list of matplotlib Axes
        """
        from ._k_plot import plot_k_selection

        check_is_fitted(self)
        return plot_k_selection(self, k_landscapes=k_landscapes, axes=axes, parts=parts)


# ------------------------------------------------------------------ helpers
def _check_k_range(k_range, n_samples):
    """Sorted unique candidate K as an int array; ValueError outside ``[2, n_samples - 1]``."""
    values = np.asarray(list(k_range))
    if values.ndim != 1 or values.size == 0:
        raise ValueError(f"k_range must be a non-empty 1-d sequence of integers, got {k_range!r}.")
    if values.dtype.kind not in "iu":
        if values.dtype.kind != "f" or not np.all(np.mod(values, 1) == 0):
            raise ValueError(f"k_range must hold integers, got {values.tolist()}.")
    values = np.unique(values.astype(np.int64))
    bad = values[(values < 2) | (values > n_samples - 1)]
    if bad.size:
        raise ValueError(
            f"k_range values must lie in [2, n_samples - 1] = [2, {n_samples - 1}]; "
            f"got {bad.tolist()}."
        )
    return values


def _with_neighbours(candidates, n_samples):
    """Candidates plus their neighbours K - 1 >= 2 and K + 1 <= n_samples - 1."""
    explored = set(candidates.tolist())
    explored |= {k + 1 for k in candidates.tolist() if k + 1 <= n_samples - 1}
    explored |= {k - 1 for k in candidates.tolist() if k - 1 >= 2}
    return np.array(sorted(explored), dtype=np.int64)


def _one_cluster_energy(X, sample_weight):
    """Cost of the single-cluster minimum: the weighted total variance."""
    X = np.asarray(X, dtype=np.float64)
    mean = sample_weight @ X / sample_weight.sum()
    return float(sample_weight @ np.sum((X - mean) ** 2, axis=1) / sample_weight.sum())


def _results_table(candidates, features):
    """Per-candidate columns from the per-K feature dicts (``nan`` for unexplored neighbours)."""
    results = {"k": candidates.copy()}
    for name in _FEATURES:
        dtype = np.int64 if name.startswith("n_") else np.float64
        results[name] = np.array([features[k][name] for k in candidates], dtype=dtype)
    results["energy_previous"] = np.array(
        [features.get(k - 1, {}).get("energy", np.nan) for k in candidates]
    )
    for name in _NEXT:
        results[f"{name}_next"] = np.array(
            [features.get(k + 1, {}).get(name, np.nan) for k in candidates]
        )
    return results


def _best_k(candidates, scores):
    """The K of highest score (``nan`` never wins, not even over ``-inf``); ties: largest K."""
    defined = ~np.isnan(scores)
    return candidates[defined & (scores == scores[defined].max())].max()


def _rank(scores):
    """Rank 1 for the best score, ties sharing the best rank; ``nan`` ranks after ``-inf``."""
    defined = ~np.isnan(scores)
    n_defined = np.count_nonzero(defined)
    return np.array(
        [
            1 + np.count_nonzero(scores[defined] > s) if d else 1 + n_defined
            for s, d in zip(scores, defined, strict=True)
        ],
        dtype=np.int64,
    )
