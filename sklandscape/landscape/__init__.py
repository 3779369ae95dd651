"""The Landscape result and everything computed from it."""

from ._disconnectivity import DisconnectivityTree
from ._funnels import ConservedParameters
from ._landscape import Landscape, LandscapeTable
from ._paths import InterpolationProfile, LandscapePath
from ._thermodynamics import HeatCapacityPeak

__all__ = [
    "ConservedParameters",
    "DisconnectivityTree",
    "HeatCapacityPeak",
    "InterpolationProfile",
    "Landscape",
    "LandscapePath",
    "LandscapeTable",
]
