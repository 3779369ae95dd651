"""Which K-means centre coordinates are stable across the minima of a funnel."""

import warnings
from dataclasses import dataclass

import numpy as np

from ._selection import selected_minima

__all__ = ["StableClusterCenters", "stable_cluster_centers"]


@dataclass(frozen=True, eq=False)
class StableClusterCenters:
    """Spread of every centre coordinate across a set of K-means minima.

    Attributes
    ----------
    minima : ndarray of int
        The minima compared (sorted).
    cluster_centers : ndarray of shape (n_clusters, n_features)
        Mean of each canonical (sorted) centre over the minima.
    spread : ndarray of shape (n_clusters, n_features)
        Standard deviation of each centre coordinate.
    relative_spread : ndarray of shape (n_clusters, n_features)
        ``spread`` divided by the standard deviation of its feature in the data.
    stable : ndarray of bool, shape (n_clusters, n_features)
        ``relative_spread <= tol``.
    """

    minima: np.ndarray
    cluster_centers: np.ndarray
    spread: np.ndarray
    relative_spread: np.ndarray
    stable: np.ndarray

    @property
    def centres(self):
        """Deprecated alias of :attr:`cluster_centers` (scikit-learn's spelling)."""
        warnings.warn(
            "StableClusterCenters.centres is deprecated and will be removed in 0.3; "
            "use cluster_centers.",
            FutureWarning,
            stacklevel=2,
        )
        return self.cluster_centers


def stable_cluster_centers(estimator, *, funnel=None, minima=None, tol=0.05):
    """Centre coordinates shared by the clusterings of a funnel of the K-means landscape.

    ``minima.x`` holds canonical centres (sorted lexicographically), so the
    ``k``-th centre of two minima is the same cluster as long as the sort
    order agrees; the spread of coordinate ``(k, f)`` over the chosen minima,
    in units of feature ``f``'s standard deviation, says whether that centre
    stays put (``<= tol``) or moves between the funnel's solutions. Centres
    whose sort order changes between minima show as large spreads.

    Parameters
    ----------
    estimator : fitted LandscapeKMeans
    funnel : int, optional
        An MSB bottom. Default: the funnel of the fitted minimum.
    minima : int or iterable of int, optional
        Explicit minima instead of a funnel.
    tol : float, default=0.05
        Largest relative spread of a stable coordinate.

    Returns
    -------
    StableClusterCenters
    """
    if not tol >= 0:
        raise ValueError(f"tol must be non-negative, got {tol!r}.")
    chosen = selected_minima(estimator, minima, funnel)
    objective = estimator.objective_
    shape = (objective.n_clusters, objective.n_features)
    centres = estimator.landscape_.minima.x[chosen].reshape(-1, *shape)
    scale = objective.feature_scale()
    spread = centres.std(axis=0)
    relative = spread / np.where(scale > 0, scale, 1.0)
    return StableClusterCenters(
        minima=chosen,
        cluster_centers=centres.mean(axis=0),
        spread=spread,
        relative_spread=relative,
        stable=relative <= tol,
    )
