"""Model selection from landscapes: :class:`LandscapeKSelector` chooses the number of clusters."""

from ._k_criteria import CRITERIA as K_CRITERIA
from ._k_selector import LandscapeKSelector

__all__ = ["K_CRITERIA", "LandscapeKSelector"]
