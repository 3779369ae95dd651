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

A gate fitted on a few hundred samples is noisy, and a noisy gate can do
worse than plain soft voting. Its weights are therefore shrunk toward the
uniform weights of soft voting,

.. math::

    g^\lambda_m(x) = (1 - \lambda)\, g_m(x) + \lambda / M,

with ``lambda`` chosen by an inner cross-validation over the out-of-fold
predictions (``shrinkage="auto"``): the gate is refitted on the inner
training folds and every ``lambda`` of a grid scored by the log-loss of
the gated mixture on the inner validation fold. The gate is used
(``lambda < 1``) only if its best ``lambda`` beats soft voting
(``lambda = 1``) by more than one standard error of the per-sample loss
difference (the one-standard-error rule; Hastie, Tibshirani & Friedman,
*The Elements of Statistical Learning*, 2nd ed., section 7.10), so the
gate falls back to soft voting unless it wins on held-out data.
"""

import inspect
import logging

import numpy as np
from sklearn.base import clone
from sklearn.dummy import DummyClassifier
from sklearn.model_selection import StratifiedKFold

from .._explore._minimize import NonFiniteEnergyError, local_minimize

__all__ = ["MemberGate", "check_cross_fittable", "out_of_fold_member_proba"]

logger = logging.getLogger(__name__)

#: Shrinkage toward uniform weights tried by ``shrinkage="auto"``.
SHRINKAGE_GRID = np.linspace(0.0, 1.0, 5)


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
    """Per-sample weights of the members, learnt from out-of-fold losses, shrunk toward uniform.

    Parameters
    ----------
    meta_estimator : classifier
        Unfitted classifier with ``predict_proba``, cloned for the gate.
    n_members : int
    shrinkage : "auto" or float in [0, 1], default="auto"
        Weight ``lambda`` of the uniform weights in the gate's output (1:
        soft voting; 0: the raw gate); ``"auto"`` chooses it by inner
        cross-validation with the one-standard-error rule (module notes).
    cv : int, default=3
        Inner folds of ``shrinkage="auto"``.
    random_state : int, default=0
        Seed of the inner folds.

    Attributes
    ----------
    estimator_ : classifier or None
        The fitted gate (``None`` when the members never disagree: equal weights).
    shrinkage_ : float
        The ``lambda`` used.
    """

    def __init__(self, meta_estimator, n_members, shrinkage="auto", cv=3, random_state=0):
        self.meta_estimator = meta_estimator
        self.n_members = n_members
        self.shrinkage = shrinkage
        self.cv = cv
        self.random_state = random_state

    def fit(self, X, y, member_proba, classes, sample_weight=None, member_weights=None):
        """Fit the gate on the out-of-fold member probabilities ``(n, n_members, n_classes)``.

        ``member_weights`` (the ensemble's normalised weights, equal by default)
        multiply the gate's weights in the mixture that ``shrinkage="auto"`` scores.
        """
        y_index = np.searchsorted(classes, y)
        if member_weights is None:
            member_weights = np.full(self.n_members, 1.0 / self.n_members)
        self.estimator_ = self._fit_gate(X, y_index, member_proba, sample_weight)
        if self.shrinkage != "auto":
            self.shrinkage_ = float(self.shrinkage)
        elif self.estimator_ is None:
            self.shrinkage_ = 1.0
        else:
            self.shrinkage_ = self._choose_shrinkage(
                X, y_index, member_proba, sample_weight, member_weights
            )
        return self

    def _fit_gate(self, X, y_index, member_proba, sample_weight):
        """The gate classifier (``None`` when no sample tells the members apart)."""
        picked = member_proba[np.arange(len(y_index)), :, y_index]
        loss = -np.log(np.maximum(picked, np.finfo(float).tiny))
        best = np.argmin(loss, axis=1)
        spread = loss.max(axis=1) - loss.min(axis=1)
        if sample_weight is not None:
            spread = spread * sample_weight
        informative = spread > 0
        if not np.any(informative):
            return None
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
        return gate

    def _choose_shrinkage(self, X, y_index, member_proba, sample_weight, member_weights):
        """Inner-CV choice of ``lambda`` with the one-standard-error rule toward soft voting."""
        n = len(y_index)
        if np.unique(y_index, return_counts=True)[1].min() < self.cv:
            return 1.0  # too few samples to check the gate: soft voting
        folds = StratifiedKFold(n_splits=self.cv, shuffle=True, random_state=self.random_state)
        losses = np.empty((n, SHRINKAGE_GRID.size))
        for train, test in folds.split(X, y_index):
            weights = None if sample_weight is None else sample_weight[train]
            gate = self._fit_gate(X[train], y_index[train], member_proba[train], weights)
            raw = _gate_proba(gate, X[test], self.n_members)
            picked = member_proba[test, :, y_index[test]]  # (n_test, n_members)
            for k, shrinkage in enumerate(SHRINKAGE_GRID):
                mixture = ((1 - shrinkage) * raw + shrinkage / self.n_members) * member_weights
                mixture /= mixture.sum(axis=1, keepdims=True)
                p = np.einsum("nm,nm->n", mixture, picked)
                losses[test, k] = -np.log(np.maximum(p, np.finfo(float).tiny))
        w = np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=float)
        w = w / w.sum()
        mean = w @ losses
        best = int(np.argmin(mean))
        gain = losses[:, -1] - losses[:, best]  # soft voting minus the best shrinkage, per sample
        standard_error = np.sqrt(w @ (gain - w @ gain) ** 2 / max(n - 1, 1))
        chosen = float(SHRINKAGE_GRID[best]) if w @ gain > standard_error else 1.0
        logger.info(
            "gate shrinkage %.2f (inner-CV log-loss: soft %.4g, best %.4g at %.2f, se %.2g)",
            chosen,
            mean[-1],
            mean[best],
            SHRINKAGE_GRID[best],
            standard_error,
        )
        return chosen

    def weights(self, X):
        """Gate probabilities of shape (n_samples, n_members), shrunk; rows sum to one."""
        raw = _gate_proba(self.estimator_, X, self.n_members)
        return (1 - self.shrinkage_) * raw + self.shrinkage_ / self.n_members


def _gate_proba(gate, X, n_members):
    """A fitted gate's probabilities over all members (uniform for ``None``)."""
    if gate is None:
        return np.full((X.shape[0], n_members), 1.0 / n_members)
    weights = np.zeros((X.shape[0], n_members))
    weights[:, gate.classes_.astype(np.int64)] = gate.predict_proba(X)
    return weights


def _accepts_sample_weight(estimator):
    return "sample_weight" in inspect.signature(estimator.fit).parameters
