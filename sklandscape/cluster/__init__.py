"""Clustering estimators that explore the landscape of their cost."""

from ._kmeans import LandscapeKMeans

__all__ = ["LandscapeKMeans"]
