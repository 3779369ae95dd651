"""The exploration engine: model-agnostic, knows nothing of scikit-learn estimators."""

from ._explorer import explore
from ._objective import FunctionObjective, Objective

__all__ = ["FunctionObjective", "Objective", "explore"]
