"""Reading fitted landscape estimators: which parameters matter, and the loss they define.

Functions here take a fitted estimator and translate the landscape's
parameter-level results (funnels, conserved parameters) into the estimator's
own terms: input features of a network, centre coordinates of a clustering,
kernel hyperparameters of a Gaussian process.
"""

from ._gpr import PinnedHyperparameters, pinned_hyperparameters
from ._kmeans import StableCentres, stable_centres
from ._loss import loss_function
from ._mlp import FunnelFeatureImportance, funnel_feature_importance
from ._names import parameter_names
from ._trajectory import trajectory_basins

__all__ = [
    "FunnelFeatureImportance",
    "PinnedHyperparameters",
    "StableCentres",
    "funnel_feature_importance",
    "loss_function",
    "parameter_names",
    "pinned_hyperparameters",
    "stable_centres",
    "trajectory_basins",
]
