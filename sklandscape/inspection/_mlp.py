"""Per-input-feature importance of a funnel of a multi-layer perceptron's landscape."""

from dataclasses import dataclass

import numpy as np

from ._selection import selected_minima

__all__ = ["FunnelFeatureImportance", "funnel_feature_importance", "path_weights"]


@dataclass(frozen=True, eq=False)
class FunnelFeatureImportance:
    """Input-feature importance over the minima of a funnel.

    Attributes
    ----------
    minima : ndarray of int
        The minima used (sorted).
    importances : ndarray of shape (n_minima_used, n_features)
        Normalised path weights of each minimum (rows sum to 1).
    importances_mean, importances_std : ndarray of shape (n_features,)
        Their mean and standard deviation over the minima.
    feature_names : ndarray of str or None
        ``feature_names_in_`` of the estimator, when it has one.
    """

    minima: np.ndarray
    importances: np.ndarray
    importances_mean: np.ndarray
    importances_std: np.ndarray
    feature_names: np.ndarray | None

    @property
    def order(self):
        """Feature indices from the most to the least important (mean)."""
        return np.argsort(-self.importances_mean, kind="stable")


def path_weights(coefs):
    r"""Share of each input feature in the absolute weight paths to the outputs.

    ``w_f = \sum_k (|W_1| |W_2| \cdots |W_L|)_{fk}``, normalised to sum to one:
    the total magnitude of every input -> hidden -> ... -> output weight path
    starting at feature ``f`` (Garson's connection-weight idea, Garson, AI
    Expert 6, 47 (1991), extended to paths; Olden & Jackson, Ecol. Model.
    154, 135 (2002)). Absolute values make it invariant under the
    permutations and sign flips of hidden units, so symmetry-related copies of
    a minimum get the same weights.

    Parameters
    ----------
    coefs : list of ndarray of shape (fan_in, fan_out)
        Weight matrices, as ``MLPClassifier.coefs_``.

    Returns
    -------
    ndarray of shape (n_features,)
    """
    product = np.abs(coefs[0])
    for coef in coefs[1:]:
        product = product @ np.abs(coef)
    weights = product.sum(axis=1)
    total = weights.sum()
    if total <= 0:
        raise ValueError("every input weight path is zero: the network ignores its inputs.")
    return weights / total


def funnel_feature_importance(estimator, *, funnel=None, minima=None):
    """Which input features the networks of a funnel rely on.

    For every minimum of the funnel (or of ``minima``), :func:`path_weights`
    of its weight matrices; then their mean and spread over the minima. A
    feature important in every minimum of a funnel is one the funnel's
    solutions share (Niroomand et al., Digital Discovery 2024, sections 5.1
    and 5.3: parameters conserved across a funnel). Weights are only
    comparable between features of similar scale: standardise ``X``.

    Parameters
    ----------
    estimator : fitted LandscapeMLPClassifier
    funnel : int, optional
        An MSB bottom (see :meth:`~sklandscape.Landscape.funnels`). Default:
        the funnel of the fitted minimum ``minimum_index_``.
    minima : int or iterable of int, optional
        Explicit minima instead of a funnel.

    Returns
    -------
    FunnelFeatureImportance

    Raises
    ------
    ValueError
        If both ``funnel`` and ``minima`` are given or ``funnel`` is not an MSB.
    """
    if not hasattr(estimator, "coefs_"):
        raise TypeError(
            f"funnel_feature_importance needs a fitted LandscapeMLPClassifier, got "
            f"{type(estimator).__name__}."
        )
    chosen = selected_minima(estimator, minima, funnel)
    rows = np.array(
        [path_weights(estimator.at_minimum(int(m)).coefs_) for m in chosen], dtype=float
    )
    names = getattr(estimator, "feature_names_in_", None)
    return FunnelFeatureImportance(
        minima=chosen,
        importances=rows,
        importances_mean=rows.mean(axis=0),
        importances_std=rows.std(axis=0),
        feature_names=None if names is None else np.asarray(names),
    )
