"""Ensembles of distinct minima of one loss landscape: :class:`LandscapeEnsembleClassifier`."""

from ._ensemble import LandscapeEnsembleClassifier

__all__ = ["LandscapeEnsembleClassifier"]
