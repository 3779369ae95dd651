"""The loss an estimator explores, as a function of its flat parameter vector."""

import numpy as np
from sklearn.utils.validation import check_is_fitted

__all__ = ["loss_function"]


class _ObjectiveLoss:
    """Callable ``x -> float`` wrapping an objective's ``value_and_grad`` (picklable)."""

    def __init__(self, objective):
        self.objective = objective

    def __call__(self, x):
        return float(self.objective.value_and_grad(np.asarray(x, dtype=float))[0])


def loss_function(estimator, X, y=None, sample_weight=None):
    """The training loss of a fitted landscape estimator on ``(X, y)``, as ``fun(x)``.

    ``fun`` takes a flat parameter vector in the layout of
    ``estimator.landscape_.minima.x`` (the estimator's objective) and returns
    the energy the estimator explores on this data: inertia / n_samples for
    :class:`~sklandscape.LandscapeKMeans`, the negative log marginal
    likelihood for :class:`~sklandscape.LandscapeGPRegressor`, the regularised
    mean cross-entropy for :class:`~sklandscape.LandscapeMLPClassifier`. With
    the training data, ``fun(landscape_.minima.x[i])`` equals
    ``landscape_.minima.energy[i]``; use it with
    :meth:`~sklandscape.Landscape.linear_interpolation`.

    Parameters
    ----------
    estimator : fitted landscape estimator
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,), optional
        Targets (classifiers and regressors).
    sample_weight : array-like of shape (n_samples,), optional
        As in ``fit`` (estimators that take weights).

    Returns
    -------
    fun : callable
        ``fun(x) -> float``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import load_iris
    >>> from sklandscape import LandscapeKMeans
    >>> from sklandscape.inspection import loss_function
    >>> X = load_iris().data
    >>> km = LandscapeKMeans(3, n_hops=5, n_chains=1, connect=False, random_state=0).fit(X)
    >>> fun = loss_function(km, X)
    >>> bool(np.isclose(fun(km.landscape_.minima.x[0]), km.landscape_.minima.energy[0]))
    True
    """
    check_is_fitted(estimator, "landscape_")
    if not callable(getattr(estimator, "loss_objective", None)):
        raise TypeError(f"{type(estimator).__name__} is not a landscape estimator.")
    return _ObjectiveLoss(estimator.loss_objective(X, y, sample_weight))
