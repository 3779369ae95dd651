"""Clustering estimators that explore the landscape of their cost."""

from ._kmeans import LandscapeKMeans
from ._kmeans_objective import KMeansObjective

__all__ = ["KMeansObjective", "LandscapeKMeans"]
