r"""Meta voting: a gate, learnt on held-out folds, that says which member to trust per sample.

Different minima of one loss landscape specialise in different parts of the
data (Niroomand, Cafolla, Morgan & Wales, Mach. Learn.: Sci. Technol. 3,
025004 (2022)). A gate ``g(x)`` (a small scikit-learn classifier) predicts,
from the inputs, which member to trust; the ensemble then predicts the
mixture ``p(y | x) = sum_m g_m(x) p_m(y | x)``.

The gate must not learn the members' fit to their own training data, where
every member looks good. Members are minima of one landscape, so a member
cannot simply be refitted by a new exploration on other data (its minima
would not correspond). Instead each member is **cross-fitted**: for each of
the ``cv`` stratified folds, the member's parameters are re-minimised
locally (step-limited L-BFGS), starting from its own minimum, on the loss
of the other folds (staying in the same basin: the member adapted to that
training set), and
the refitted member predicts the held-out fold. This is
``cross_val_predict`` with the member's basin standing in for its
initialisation; it costs ``cv * n_members`` local minimisations and no new
exploration.

For every training sample ``i`` the out-of-fold log-losses
``l_im = -ln p_m(y_i | x_i)`` label the best member ``argmin_m l_im``; the
gate is fitted on these labels with sample weights ``max_m l_im - min_m l_im``
(times the sample's own weight): samples on which the members agree carry no
information about whom to trust.
"""

import inspect

import numpy as np
from sklearn.base import clone
from sklearn.dummy import DummyClassifier
from sklearn.model_selection import StratifiedKFold

from .._explore._minimize import NonFiniteEnergyError, local_minimize

__all__ = ["MemberGate", "check_cross_fittable", "out_of_fold_member_proba"]


def check_cross_fittable(estimator):
    """Raise TypeError unless the estimator has the LandscapeMixin methods meta voting needs."""
    missing = [
        name
        for name in ("loss_objective", "at_parameters")
        if not callable(getattr(estimator, name, None))
    ]
    if missing:
        raise TypeError(
            f"voting='meta' re-minimises members on held-out folds, which needs the "
            f"LandscapeMixin methods {missing} on {type(estimator).__name__}."
        )


def out_of_fold_member_proba(estimator, minima, X, y, sample_weight, cv, random_state):
    """Class probabilities of every member on every sample, each from a fold it did not train on.

    Parameters
    ----------
    estimator : fitted landscape classifier
        The base estimator (its ``landscape_`` holds the members' parameters).
    minima : ndarray of int
        The members' minima indices.
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    sample_weight : ndarray of shape (n_samples,) or None
    cv : int
        Number of stratified folds.
    random_state : int
        Seed of the fold shuffle.

    Returns
    -------
    proba : ndarray of shape (n_samples, n_members, n_classes)
    """
    check_cross_fittable(estimator)
    folds = StratifiedKFold(n_splits=cv, shuffle=True, random_state=random_state)
    n_classes = len(estimator.classes_)
    proba = np.empty((X.shape[0], len(minima), n_classes))
    for train, test in folds.split(X, y):
        weights = None if sample_weight is None else sample_weight[train]
        objective = estimator.loss_objective(X[train], y[train], weights)
        for m, index in enumerate(minima):
            refitted = estimator.at_parameters(_reminimise(objective, estimator, int(index)))
            proba[test, m] = refitted.predict_proba(X[test])
    return proba


def _reminimise(objective, estimator, index):
    """Local minimum of the fold's loss reached from minimum ``index`` (itself if that fails).

    The engine's step-limited L-BFGS (:func:`~sklandscape._explore._minimize.local_minimize`)
    keeps the descent in the basin it starts from, so the refitted member is
    the same solution adapted to the fold, not a neighbouring minimum.
    """
    start = np.array(estimator.landscape_.minima.x[index], dtype=float)
    try:
        result = local_minimize(objective, start)
    except NonFiniteEnergyError:
        return start
    return result.x if np.all(np.isfinite(result.x)) else start


class MemberGate:
    """Per-sample weights of the members, learnt from out-of-fold losses.

    Parameters
    ----------
    meta_estimator : classifier
        Unfitted classifier with ``predict_proba``, cloned for the gate.
    n_members : int

    Attributes
    ----------
    estimator_ : classifier or None
        The fitted gate (``None`` when the members never disagree: equal weights).
    """

    def __init__(self, meta_estimator, n_members):
        self.meta_estimator = meta_estimator
        self.n_members = n_members

    def fit(self, X, y, member_proba, classes, sample_weight=None):
        """Fit the gate on the out-of-fold member probabilities ``(n, n_members, n_classes)``."""
        true_class = np.searchsorted(classes, y)
        picked = member_proba[np.arange(len(y)), :, true_class]
        with np.errstate(divide="ignore"):
            loss = -np.log(np.maximum(picked, np.finfo(float).tiny))
        best = np.argmin(loss, axis=1)
        spread = loss.max(axis=1) - loss.min(axis=1)
        if sample_weight is not None:
            spread = spread * sample_weight
        informative = spread > 0
        if not np.any(informative):
            self.estimator_ = None
            return self
        labels, weights = best[informative], spread[informative]
        gate = (
            clone(self.meta_estimator)
            if np.unique(labels).size > 1
            else DummyClassifier(strategy="prior")
        )
        if _accepts_sample_weight(gate):
            gate.fit(X[informative], labels, sample_weight=weights / weights.mean())
        else:
            gate.fit(X[informative], labels)
        self.estimator_ = gate
        return self

    def weights(self, X):
        """Gate probabilities of shape (n_samples, n_members); rows sum to one."""
        if self.estimator_ is None:
            return np.full((X.shape[0], self.n_members), 1.0 / self.n_members)
        weights = np.zeros((X.shape[0], self.n_members))
        weights[:, self.estimator_.classes_.astype(np.int64)] = self.estimator_.predict_proba(X)
        return weights


def _accepts_sample_weight(estimator):
    return "sample_weight" in inspect.signature(estimator.fit).parameters
