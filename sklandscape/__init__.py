"""sklandscape: scikit-learn estimators that explore the loss landscape of the model they fit.

The public API is loaded lazily, so ``import sklandscape`` stays cheap (no
matplotlib, no networkx until a name that needs them is used).
"""

import importlib

__version__ = "0.1.0.dev0"

_PUBLIC = {
    "explore": "sklandscape._explore",
    "Objective": "sklandscape._explore",
    "FunctionObjective": "sklandscape._explore",
    "Landscape": "sklandscape.landscape",
    "LandscapeMixin": "sklandscape.base",
    "LandscapeKMeans": "sklandscape.cluster",
    "LandscapeGPRegressor": "sklandscape.gaussian_process",
    "LandscapeMLPClassifier": "sklandscape.neural_network",
    "LandscapeEnsembleClassifier": "sklandscape.ensemble",
    "LandscapeKSelector": "sklandscape.model_selection",
    "make_landscape_scorer": "sklandscape.metrics",
}

__all__ = sorted(_PUBLIC)


def __getattr__(name):
    if name in _PUBLIC:
        value = getattr(importlib.import_module(_PUBLIC[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'sklandscape' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
