"""LandscapeEnsembleClassifier: an ensemble of distinct minima of one loss landscape."""

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.linear_model import LogisticRegression
from sklearn.utils.metadata_routing import (
    MetadataRouter,
    MethodMapping,
    process_routing,
)
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, has_fit_parameter, validate_data

from .._sklearn_compat import (
    HasMethods,
    Interval,
    StrOptions,
    _fit_context,
    _raise_for_params,
    _routing_enabled,
)
from ._meta import MemberGate, check_cross_fittable, out_of_fold_member_proba
from ._selection import DATA_SELECTIONS, SELECTIONS, greedy_held_out, select_minima

__all__ = ["LandscapeEnsembleClassifier"]


def _soft_output(ensemble):
    return ensemble.voting in ("soft", "meta")


class LandscapeEnsembleClassifier(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    r"""Ensemble of classifiers taken from distinct minima of one explored loss landscape.

    ``fit`` clones and fits the base estimator once, which explores its loss
    landscape, then takes ``n_members`` of its minima as members (each a
    fitted copy via ``at_minimum``). The members share the architecture but
    not the parameters: minima chosen from the landscape are known to be
    qualitatively different solutions, the key property of an ensemble
    (Niroomand, Cafolla, Morgan & Wales, Mach. Learn.: Sci. Technol. 3,
    025004 (2022); Niroomand et al., Digital Discovery 3, 637 (2024),
    section 5.2).

    Member selection (``selection``):

    * ``"heat_capacity"``: the minima dominating the heat-capacity peaks,
      both the C+ set (occupation rising with temperature) and the C- set
      (falling), by decreasing contribution ``p_a (L_a - <L>)^2 / T^2``,
      highest peak first (see :meth:`Landscape.heat_capacity_peaks
      <sklandscape.Landscape.heat_capacity_peaks>`);
    * ``"peaks"``: the same C+ and C- sets taken in turn from every peak
      (rank by rank: the largest C- and C+ contributors of every peak, then
      the next), so that lower peaks are represented once ``n_members``
      exceeds twice the number of peaks, not only when the highest peak's
      sets run out;
    * ``"lowest"``: the lowest minima; ``"random"``: uniformly drawn minima;
    * ``"communities"``: the lowest minimum of each community of the
      transition network (rate weights at the highest peak's temperature);
    * ``"funnels"``: the bottom of each funnel (monotonic sequence basin),
      then each funnel's next lowest minimum in turn (needs transition
      states, ``connect=True``; without them every minimum is its own funnel);
    * ``"held_out"``: diversity measured on held-out folds. The
      ``4 * n_members`` lowest minima are cross-fitted as for
      ``voting="meta"`` (``meta_cv`` folds), and members join by forward
      selection on the out-of-fold log-loss of their soft vote: first the
      best candidate, then the one whose held-out predictions lower that
      loss most, until ``n_members`` or no candidate helps (so possibly
      fewer members; cost ``4 * n_members * meta_cv`` local minimisations;
      see :func:`~sklandscape.ensemble._selection.greedy_held_out`);
    * a callable ``selection(landscape, n_members, rng) -> indices``.

    Voting (``voting``), with member weights ``w_m`` (``weights``):

    * ``"soft"``: ``p(y | x) = sum_m w_m p_m(y | x) / sum_m w_m``;
    * ``"hard"``: the class with the largest total weight of member votes
      (ties: the first class in ``classes_``); no ``predict_proba``;
    * ``"meta"``: ``p(y | x) = sum_m g_m(x) w_m p_m(y | x) / sum_m g_m(x) w_m``
      with a gate ``g(x)``, the ``meta_estimator`` trained to predict which
      member classifies a sample best. It is trained on out-of-fold
      predictions: each member is re-minimised locally from its own minimum
      on ``meta_cv - 1`` folds and predicts the remaining one, so the gate
      never sees a member's fit to its own training data (cost:
      ``meta_cv * n_members`` local minimisations, no new exploration, none
      with ``selection="held_out"``, whose out-of-fold predictions it reuses;
      see :mod:`sklandscape.ensemble._meta`). The gate's weights are shrunk
      toward equal weights, ``(1 - lambda) g_m(x) + lambda / M``
      (``meta_shrinkage``); by default ``lambda`` is chosen by an inner
      cross-validation, and the gate falls back to soft voting
      (``lambda = 1``) unless it beats it there by more than one standard
      error.

    Parameters
    ----------
    estimator : classifier, default=None
        A landscape classifier (``landscape_`` and ``at_minimum`` after fit);
        ``None`` for :class:`~sklandscape.LandscapeMLPClassifier()`.
    n_members : int, default=5
        Number of members. When the landscape offers fewer (minima,
        dominating minima, communities), a warning is issued and those are used.
    selection : str or callable, default="heat_capacity"
        How members are chosen: ``"heat_capacity"``, ``"peaks"``, ``"lowest"``,
        ``"random"``, ``"communities"``, ``"funnels"``, ``"held_out"`` or a
        callable (see above).
    voting : {"soft", "hard", "meta"}, default="soft"
        How member predictions are combined (see above).
    weights : None, "occupation" or array-like of shape (n_selected,), default=None
        Member weights: equal (``None``), the occupation probabilities of
        the members' minima at the temperature of the highest heat-capacity
        peak (``"occupation"``; equal when the landscape has no peak), or
        explicit non-negative weights, one per selected member.
    meta_estimator : classifier, default=None
        The gate of ``voting="meta"``; ``None`` for
        ``LogisticRegression(max_iter=1000)``.
    meta_cv : int, default=5
        Stratified folds for the out-of-fold predictions of ``voting="meta"``
        and ``selection="held_out"``.
    meta_shrinkage : "auto" or float in [0, 1], default="auto"
        Weight ``lambda`` of equal weights in the gate of ``voting="meta"``:
        0 trusts the gate alone, 1 is soft voting; ``"auto"`` chooses it by
        3-fold inner cross-validation on the out-of-fold predictions (the
        gate only when it beats soft voting by more than a standard error).
    random_state : int, RandomState instance or None, default=None
        Seeds ``selection="random"``, the community detection, the meta folds
        and, when the base estimator's own ``random_state`` is ``None``, its
        exploration.

    Attributes
    ----------
    estimator_ : classifier
        The fitted base estimator: the global-minimum model, holding the landscape.
    members_ : list of classifiers
        Fitted members, ``estimator_.at_minimum(i)`` for ``i`` in ``selected_minima_``.
        When the base estimator's exploration verified no minimum (it then warns
        and is fitted at an unverified point), the one member is ``estimator_``
        itself and ``selected_minima_`` is empty.
    selected_minima_ : ndarray of int
        Minima indices of the members.
    peak_temperatures_ : ndarray of float
        Temperatures of the landscape's heat-capacity peaks, highest peak first.
    member_weights_ : ndarray of float
        Normalised member weights (before any gating).
    meta_estimator_ : classifier or None
        The fitted gate (``voting="meta"``; ``None`` when the members never
        disagree out of fold, or for other voting).
    meta_shrinkage_ : float or None
        The ``lambda`` of the gate (``voting="meta"``; ``None`` otherwise).
    landscape_ : Landscape
        The explored landscape (``estimator_.landscape_``).
    classes_ : ndarray of shape (n_classes,)
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Defined when X has string feature names.

    See Also
    --------
    sklearn.ensemble.VotingClassifier : Voting over independently trained estimators.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sklandscape import LandscapeEnsembleClassifier, LandscapeMLPClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> X = StandardScaler().fit_transform(X)
    >>> base = LandscapeMLPClassifier((3,), n_hops=10, n_chains=1, connect=False)
    >>> ensemble = LandscapeEnsembleClassifier(base, n_members=3, random_state=0).fit(X, y)
    >>> len(ensemble.members_)
    3
    >>> ensemble.predict_proba(X[:2]).sum(axis=1)
    array([1., 1.])
    >>> ensemble.score(X, y) > 0.95
    True
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict"]), None],
        "n_members": [Interval(Integral, 1, None, closed="left")],
        "selection": [StrOptions(set(SELECTIONS) | set(DATA_SELECTIONS)), callable],
        "voting": [StrOptions({"soft", "hard", "meta"})],
        "weights": [StrOptions({"occupation"}), "array-like", None],
        "meta_estimator": [HasMethods(["fit", "predict_proba"]), None],
        "meta_cv": [Interval(Integral, 2, None, closed="left")],
        "meta_shrinkage": [StrOptions({"auto"}), Interval(Real, 0, 1, closed="both")],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        estimator=None,
        *,
        n_members=5,
        selection="heat_capacity",
        voting="soft",
        weights=None,
        meta_estimator=None,
        meta_cv=5,
        meta_shrinkage="auto",
        random_state=None,
    ):
        self.estimator = estimator
        self.n_members = n_members
        self.selection = selection
        self.voting = voting
        self.weights = weights
        self.meta_estimator = meta_estimator
        self.meta_cv = meta_cv
        self.meta_shrinkage = meta_shrinkage
        self.random_state = random_state

    def _get_estimator(self):
        if self.estimator is None:
            from ..neural_network import LandscapeMLPClassifier

            return LandscapeMLPClassifier()
        return self.estimator

    # ----------------------------------------------------------------- fit
    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None, **fit_params):
        """Explore the base estimator's landscape once and choose the members.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None
            Passed to the base estimator's ``fit`` (which must accept it) and,
            with ``voting="meta"``, to the fold losses and the gate.
        **fit_params : dict
            Further metadata for the base estimator's ``fit``; only with
            ``sklearn.set_config(enable_metadata_routing=True)``.

        Returns
        -------
        self : LandscapeEnsembleClassifier

        Raises
        ------
        TypeError
            When the base estimator has no landscape (no ``at_minimum`` method
            or no ``landscape_`` after fit), or ``voting="meta"`` or
            ``selection="held_out"`` with a base estimator lacking the
            LandscapeMixin hooks.
        ValueError
            On invalid data, ``sample_weight`` for a base estimator that does
            not accept it, explicit ``weights`` of the wrong length or sign,
            or ``voting="meta"`` or ``selection="held_out"`` with a class of
            fewer than ``meta_cv`` samples.
        """
        if sample_weight is not None:
            fit_params["sample_weight"] = sample_weight
        _raise_for_params(fit_params, self, "fit", allow=["sample_weight"])
        X, y = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(y)
        base = self._get_estimator()
        if not callable(getattr(base, "at_minimum", None)):
            raise TypeError(
                f"{type(base).__name__} has no loss landscape (no at_minimum method); "
                "LandscapeEnsembleClassifier needs a landscape estimator such as "
                "LandscapeMLPClassifier."
            )
        estimator_fit_params = self._route_fit_params(base, fit_params)
        if self.voting == "meta" or self.selection == "held_out":
            check_cross_fittable(base)
            _check_class_counts(y, self.meta_cv)
        rng = np.random.default_rng(_seed(self.random_state))
        estimator = clone(base)
        if estimator.get_params().get("random_state", 0) is None:
            estimator.set_params(random_state=int(rng.integers(np.iinfo(np.int32).max)))
        estimator.fit(X, y, **estimator_fit_params)
        landscape = getattr(estimator, "landscape_", None)
        if landscape is None:
            raise TypeError(
                f"{type(base).__name__} has no landscape_ after fit; "
                "LandscapeEnsembleClassifier needs a landscape estimator."
            )
        if landscape.n_minima == 0:
            # The base estimator warned and is fitted at an unverified point: it is the
            # only member there is.
            return self._fit_without_minima(estimator, landscape)
        peaks = sorted(landscape.heat_capacity_peaks(), key=lambda p: -p.height)
        sample_weight = estimator_fit_params.get("sample_weight")
        member_proba = None
        if self.selection == "held_out":
            selected, member_proba = self._select_held_out(estimator, X, y, sample_weight, rng)
        else:
            selected = select_minima(landscape, self.n_members, self.selection, peaks, rng)
            self._warn_if_few(selected, landscape)
        members = [estimator.at_minimum(int(i)) for i in selected]
        temperatures = np.array([peak.temperature for peak in peaks], dtype=float)
        member_weights = self._member_weights(landscape, selected, temperatures)
        gate = None
        if self.voting == "meta":
            fold_seed = int(rng.integers(np.iinfo(np.int32).max))
            if member_proba is None:
                member_proba = out_of_fold_member_proba(
                    estimator, selected, X, y, sample_weight, self.meta_cv, fold_seed
                )
            meta = self.meta_estimator or LogisticRegression(max_iter=1000)
            gate = MemberGate(
                meta, len(members), shrinkage=self.meta_shrinkage, random_state=fold_seed
            ).fit(X, y, member_proba, estimator.classes_, sample_weight, member_weights)
        self.estimator_ = estimator
        self.landscape_ = landscape
        self.classes_ = estimator.classes_
        self.selected_minima_ = selected
        self.members_ = members
        self.peak_temperatures_ = temperatures
        self.member_weights_ = member_weights
        self._gate = gate
        self.meta_estimator_ = None if gate is None else gate.estimator_
        self.meta_shrinkage_ = None if gate is None else gate.shrinkage_
        return self

    def _select_held_out(self, estimator, X, y, sample_weight, rng):
        """``selection="held_out"``: members and their out-of-fold probabilities."""
        landscape = estimator.landscape_
        order = np.argsort(landscape.minima.energy, kind="stable")
        candidates = order[: 4 * self.n_members].astype(np.int64)
        proba = out_of_fold_member_proba(
            estimator,
            candidates,
            X,
            y,
            sample_weight,
            self.meta_cv,
            int(rng.integers(np.iinfo(np.int32).max)),
        )
        chosen = greedy_held_out(
            proba, np.searchsorted(estimator.classes_, y), self.n_members, sample_weight
        )
        return candidates[chosen], proba[:, chosen]

    def _fit_without_minima(self, estimator, landscape):
        """The fitted state when the base estimator's exploration verified no minimum."""
        warnings.warn(
            "The base estimator's landscape has no verified minimum, so the ensemble has "
            "one member: the base estimator itself (see its ConvergenceWarning).",
            UserWarning,
            stacklevel=3,
        )
        self.estimator_ = estimator
        self.landscape_ = landscape
        self.classes_ = estimator.classes_
        self.selected_minima_ = np.zeros(0, dtype=np.int64)
        self.members_ = [estimator]
        self.peak_temperatures_ = np.zeros(0)
        self.member_weights_ = np.ones(1)
        self._gate = None
        self.meta_estimator_ = None
        self.meta_shrinkage_ = None
        return self

    def _route_fit_params(self, base, fit_params):
        """Metadata for the base estimator's fit (routing API, or sample_weight by hand)."""
        if _routing_enabled():
            return dict(process_routing(self, "fit", **fit_params).estimator.fit)
        if "sample_weight" in fit_params:
            if not has_fit_parameter(base, "sample_weight"):
                raise ValueError(
                    f"{type(base).__name__}.fit does not accept sample_weight, "
                    "so the ensemble cannot be fitted with it."
                )
            return {"sample_weight": np.asarray(fit_params["sample_weight"], dtype=float)}
        return {}

    def _warn_if_few(self, selected, landscape):
        if callable(self.selection) or len(selected) >= self.n_members:
            return
        offered = {
            "heat_capacity": "minima dominating the heat-capacity peaks",
            "peaks": "minima dominating the heat-capacity peaks",
            "communities": "communities",
        }.get(self.selection, "minima")
        warnings.warn(
            f"n_members={self.n_members} but the landscape offers only {len(selected)} "
            f"({offered}; {landscape.n_minima} minim{'um' if landscape.n_minima == 1 else 'a'} "
            "found), so the ensemble has "
            f"{len(selected)}. Explore longer (n_hops, n_chains) for more.",
            UserWarning,
            stacklevel=4,
        )

    def _member_weights(self, landscape, selected, temperatures):
        """Normalised weights of the members."""
        if self.weights is None:
            weights = np.ones(len(selected))
        elif isinstance(self.weights, str):
            if temperatures.size:
                weights = landscape.occupation_probabilities(temperatures[0])[selected]
            else:
                weights = np.ones(len(selected))
        else:
            weights = np.asarray(self.weights, dtype=float)
            if weights.shape != (len(selected),):
                raise ValueError(
                    f"weights has shape {weights.shape}, but {len(selected)} members were "
                    f"selected (minima {selected.tolist()})."
                )
            if not np.all(np.isfinite(weights)) or np.any(weights < 0):
                raise ValueError(f"weights must be finite and non-negative, got {weights}.")
        total = weights.sum()
        if not total > 0:
            raise ValueError("member weights must have a positive sum.")
        return weights / total

    # ------------------------------------------------------------- routing
    def get_metadata_routing(self):
        """Metadata routing: the base estimator's ``fit`` receives the fit metadata.

        Returns
        -------
        routing : MetadataRouter
        """
        return MetadataRouter(owner=self).add(
            estimator=self._get_estimator(),
            method_mapping=MethodMapping().add(caller="fit", callee="fit"),
        )

    # ---------------------------------------------------------- prediction
    def _member_probabilities(self, X):
        """Members' class probabilities, shape (n_members, n_samples, n_classes)."""
        return np.stack([member.predict_proba(X) for member in self.members_])

    @available_if(_soft_output)
    def predict_proba(self, X):
        """Weighted (soft) or gated (meta) average of the members' class probabilities.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Rows sum to one; columns ordered as ``classes_``.
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        member_proba = self._member_probabilities(X)
        weights = np.broadcast_to(self.member_weights_, (X.shape[0], len(self.members_)))
        if self.voting == "meta":
            weights = weights * self._gate.weights(X)
        totals = weights.sum(axis=1, keepdims=True)
        weights = np.divide(
            weights,
            totals,
            out=np.broadcast_to(self.member_weights_, weights.shape).copy(),
            where=totals > 0,
        )
        proba = np.einsum("nm,mnc->nc", weights, member_proba)
        return proba / proba.sum(axis=1, keepdims=True)

    def predict(self, X):
        """Class of every sample (argmax of ``predict_proba``, or the weighted majority vote).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        y : ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        if self.voting != "hard":
            return self.classes_[np.argmax(self.predict_proba(X), axis=1)]
        X = validate_data(self, X, dtype=np.float64, reset=False)
        votes = np.zeros((X.shape[0], len(self.classes_)))
        for member, weight in zip(self.members_, self.member_weights_, strict=True):
            index = np.searchsorted(self.classes_, member.predict(X))
            votes[np.arange(X.shape[0]), index] += weight
        return self.classes_[np.argmax(votes, axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        return tags


# ------------------------------------------------------------------ helpers
def _seed(random_state):
    """An integer seed (or None) from scikit-learn's random_state conventions."""
    if random_state is None or isinstance(random_state, Integral | np.integer):
        return random_state
    return int(random_state.randint(np.iinfo(np.int32).max))


def _check_class_counts(y, cv):
    """Every class needs ``cv`` samples, so that every training fold holds every class."""
    classes, counts = np.unique(y, return_counts=True)
    if counts.min() < cv:
        raise ValueError(
            f"voting='meta' and selection='held_out' use meta_cv={cv} stratified folds, but class "
            f"{classes[np.argmin(counts)]!r} has only {counts.min()} samples."
        )
