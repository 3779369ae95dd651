"""The Landscape result and everything computed from it."""

from ._landscape import Landscape, LandscapeTable

__all__ = ["Landscape", "LandscapeTable"]
