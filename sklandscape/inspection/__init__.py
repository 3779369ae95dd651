"""Reading fitted landscape estimators: which parameters matter, and the loss they define.

Functions here take a fitted estimator and translate the landscape's
parameter-level results (funnels, conserved parameters) into the estimator's
own terms: input features of a network, centre coordinates of a clustering,
kernel hyperparameters of a Gaussian process.
"""

import warnings

from ._gpr import PinnedHyperparameters, pinned_hyperparameters
from ._kmeans import StableClusterCenters, stable_cluster_centers
from ._loss import loss_function
from ._mlp import FunnelFeatureImportance, funnel_feature_importance
from ._names import parameter_names
from ._trajectory import trajectory_basins

__all__ = [
    "FunnelFeatureImportance",
    "PinnedHyperparameters",
    "StableClusterCenters",
    "funnel_feature_importance",
    "loss_function",
    "parameter_names",
    "pinned_hyperparameters",
    "stable_cluster_centers",
    "trajectory_basins",
]

#: Deprecated names (British spelling, before scikit-learn's ``cluster_centers_``) -> new names.
_DEPRECATED = {"stable_centres": "stable_cluster_centers", "StableCentres": "StableClusterCenters"}


def __getattr__(name):
    if name in _DEPRECATED:
        warnings.warn(
            f"sklandscape.inspection.{name} is deprecated and will be removed in 0.3; "
            f"use {_DEPRECATED[name]}.",
            FutureWarning,
            stacklevel=2,
        )
        return globals()[_DEPRECATED[name]]
    raise AttributeError(f"module 'sklandscape.inspection' has no attribute {name!r}")
