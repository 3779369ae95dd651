"""Scorers that rate a fitted estimator by its loss landscape (for model selection)."""

from ._scorers import LANDSCAPE_METRICS, make_landscape_scorer

__all__ = ["LANDSCAPE_METRICS", "make_landscape_scorer"]
