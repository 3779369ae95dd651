"""Strategies choosing which minima of a landscape become ensemble members.

Each strategy returns indices into ``landscape.minima`` (minimum 0 is the
global minimum; minima are sorted by energy):

* ``heat_capacity``: the minima dominating the heat-capacity peaks, both the
  C+ set (occupation rising with T) and the C- set (falling), peak by peak
  from the highest (Niroomand, Cafolla, Morgan & Wales, Mach. Learn.: Sci.
  Technol. 3, 025004 (2022); Niroomand et al., Digital Discovery 3, 637
  (2024), sections 4.1.2 and 5.2). At a peak, occupation flows between
  qualitatively different solutions, which makes them complementary members.
* ``lowest``: the lowest minima.
* ``random``: minima drawn uniformly without replacement.
* ``communities``: the lowest minimum of each community of the transition
  network (groups of quickly interconverting minima), communities by
  increasing lowest energy.
* a callable ``selection(landscape, n_members, rng) -> indices``.
"""

import logging
from numbers import Integral

import numpy as np

__all__ = ["SELECTIONS", "check_selected", "select_minima"]

logger = logging.getLogger(__name__)


def _heat_capacity(landscape, n_members, peaks, rng):
    """C- and C+ minima of the peaks, highest peak first, by decreasing contribution."""
    chosen = []
    for peak in peaks:
        minima = np.concatenate([peak.c_plus_minima, peak.c_minus_minima])
        contributions = np.concatenate([peak.c_plus_contributions, peak.c_minus_contributions])
        for index in minima[np.argsort(-contributions, kind="stable")]:
            if len(chosen) == n_members:
                return np.array(chosen, dtype=np.int64)
            if int(index) not in chosen:
                chosen.append(int(index))
    if not chosen:  # a single minimum, or degenerate ones: no peak
        chosen = [landscape.global_minimum]
    return np.array(chosen, dtype=np.int64)


def _lowest(landscape, n_members, peaks, rng):
    order = np.argsort(landscape.minima.energy, kind="stable")
    return order[:n_members].astype(np.int64)


def _random(landscape, n_members, peaks, rng):
    size = min(n_members, landscape.n_minima)
    return rng.choice(landscape.n_minima, size=size, replace=False).astype(np.int64)


def _communities(landscape, n_members, peaks, rng):
    """The lowest minimum of each community (rate-weighted at the highest peak's temperature)."""
    if landscape.n_transition_states == 0:
        logger.info("no transition states: every minimum is its own community.")
    if peaks:
        temperature, weight = peaks[0].temperature, "rate"
    else:
        temperature, weight = None, None
    groups = landscape.communities(
        temperature, weight=weight, random_state=int(rng.integers(np.iinfo(np.int32).max))
    )
    energy = landscape.minima.energy
    lowest = [int(group[np.argmin(energy[group])]) for group in groups]
    return np.array(lowest[:n_members], dtype=np.int64)


#: Built-in strategies: name -> function(landscape, n_members, peaks, rng) -> indices.
SELECTIONS = {
    "heat_capacity": _heat_capacity,
    "lowest": _lowest,
    "random": _random,
    "communities": _communities,
}


def check_selected(indices, n_minima):
    """Validate indices returned by a selection: unique integers in ``[0, n_minima)``.

    Raises
    ------
    ValueError
        When empty, not one-dimensional, not integers, out of range or repeated.
    """
    array = np.asarray(indices)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(
            f"a selection must return a non-empty 1-d array of indices, got {indices!r}."
        )
    if not all(isinstance(i, Integral | np.integer) for i in array.tolist()):
        raise ValueError(f"a selection must return integer minima indices, got {array.tolist()}.")
    array = array.astype(np.int64)
    if np.any(array < 0) or np.any(array >= n_minima):
        raise ValueError(
            f"selected minima {array.tolist()} out of range for a landscape of {n_minima} minima."
        )
    if np.unique(array).size != array.size:
        raise ValueError(f"selected minima must be distinct, got {array.tolist()}.")
    return array


def select_minima(landscape, n_members, selection, peaks, rng):
    """Indices of the member minima under ``selection`` (a name or a callable).

    Parameters
    ----------
    landscape : Landscape
    n_members : int
        Requested number of members.
    selection : str or callable
        A key of :data:`SELECTIONS` or ``selection(landscape, n_members, rng)``.
    peaks : list of HeatCapacityPeak
        The landscape's heat-capacity peaks, highest first.
    rng : numpy.random.Generator

    Returns
    -------
    indices : ndarray of int
    """
    if callable(selection):
        return check_selected(selection(landscape, n_members, rng), landscape.n_minima)
    return check_selected(
        SELECTIONS[selection](landscape, n_members, peaks, rng), landscape.n_minima
    )
