"""Neural networks whose loss landscape is explored: :class:`LandscapeMLPClassifier`."""

from ._mlp import LandscapeMLPClassifier
from ._mlp_objective import MLPObjective

__all__ = ["LandscapeMLPClassifier", "MLPObjective"]
