"""Gaussian process regression over the landscape of the log marginal likelihood."""

from ._gpr import LandscapeGPRegressor
from ._gpr_objective import GaussianProcessObjective

__all__ = ["GaussianProcessObjective", "LandscapeGPRegressor"]
