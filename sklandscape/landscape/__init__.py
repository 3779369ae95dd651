"""The Landscape result and everything computed from it."""

from ._disconnectivity import DisconnectivityTree
from ._landscape import Landscape, LandscapeTable
from ._thermodynamics import HeatCapacityPeak

__all__ = ["DisconnectivityTree", "HeatCapacityPeak", "Landscape", "LandscapeTable"]
