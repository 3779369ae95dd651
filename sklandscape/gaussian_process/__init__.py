"""Gaussian process regression over the landscape of the log marginal likelihood."""

from ._gpr import LandscapeGPRegressor

__all__ = ["LandscapeGPRegressor"]
