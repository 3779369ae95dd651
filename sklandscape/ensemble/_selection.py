"""Strategies choosing which minima of a landscape become ensemble members.

Each strategy returns indices into ``landscape.minima`` (minimum 0 is the
global minimum; minima are sorted by energy):

* ``heat_capacity``: the minima dominating the heat-capacity peaks, both the
  C+ set (occupation rising with T) and the C- set (falling), peak by peak
  from the highest (Niroomand, Cafolla, Morgan & Wales, Mach. Learn.: Sci.
  Technol. 3, 025004 (2022); Niroomand et al., Digital Discovery 3, 637
  (2024), sections 4.1.2 and 5.2). At a peak, occupation flows between
  qualitatively different solutions, which makes them complementary members.
* ``peaks``: the same C+ and C- sets, taken in turn from every peak
  (round robin: the largest C- and C+ contributors of each peak first,
  then the next of each), so that a low-temperature peak is represented
  even when the highest peak has enough dominating minima to fill the
  ensemble.
* ``lowest``: the lowest minima.
* ``random``: minima drawn uniformly without replacement.
* ``communities``: the lowest minimum of each community of the transition
  network (groups of quickly interconverting minima), communities by
  increasing lowest energy.
* ``funnels``: the bottom of each funnel (the monotonic sequence basin a
  minimum drains to), funnels by increasing bottom energy, then the next
  lowest minimum of each funnel in turn.
* ``held_out`` (:func:`greedy_held_out`): forward selection on out-of-fold
  predictions, which needs the data and is run by the ensemble itself.
* a callable ``selection(landscape, n_members, rng) -> indices``.
"""

import logging
from numbers import Integral

import numpy as np

__all__ = ["SELECTIONS", "check_selected", "greedy_held_out", "select_minima"]

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


def _peaks(landscape, n_members, peaks, rng):
    """C- and C+ minima of every peak, in turn: rank r of every peak before rank r + 1."""
    queues = []
    for peak in peaks:
        for minima in (peak.c_minus_minima, peak.c_plus_minima):  # by decreasing contribution
            if len(minima):
                queues.append([int(i) for i in minima])
    chosen = []
    for rank in range(max((len(queue) for queue in queues), default=0)):
        for queue in queues:
            if rank < len(queue) and queue[rank] not in chosen and len(chosen) < n_members:
                chosen.append(queue[rank])
    if not chosen:
        chosen = [landscape.global_minimum]
    return np.array(chosen, dtype=np.int64)


def _funnels(landscape, n_members, peaks, rng):
    """Funnel bottoms by increasing energy, then each funnel's next lowest minimum in turn."""
    if landscape.n_transition_states == 0:
        logger.info("no transition states: every minimum is its own funnel.")
    funnel = landscape.funnels()
    energy = landscape.minima.energy
    order = np.argsort(energy, kind="stable")
    queues = {}
    for m in order:  # each funnel's minima by increasing energy; funnels by their bottom
        queues.setdefault(int(funnel[m]), []).append(int(m))
    chosen = []
    for rank in range(max(len(queue) for queue in queues.values())):
        for queue in queues.values():
            if rank < len(queue) and len(chosen) < n_members:
                chosen.append(queue[rank])
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
    "funnels": _funnels,
    "peaks": _peaks,
}

#: Strategies that need the training data (run by the ensemble, not by :func:`select_minima`).
DATA_SELECTIONS = ("held_out",)


def greedy_held_out(member_proba, y_index, n_members, sample_weight=None):
    r"""Forward selection of members on out-of-fold predictions (diversity that pays).

    Starting from the candidate with the lowest out-of-fold log-loss, the
    candidate whose inclusion lowers the out-of-fold log-loss of the
    equal-weight soft vote most joins, until ``n_members`` are chosen or no
    candidate lowers it (Caruana, Niculescu-Mizil, Crew & Ksikes, ICML 2004,
    without replacement). With members ``S`` the loss is

    .. math::

        \ell(S) = -\frac{1}{\sum_i w_i} \sum_i w_i
        \ln \frac{1}{|S|} \sum_{m \in S} p_m^{(-k(i))}(y_i \mid x_i),

    where ``p_m^{(-k(i))}`` is member ``m`` refitted without the fold
    ``k(i)`` of sample ``i``. A candidate lowers it only where it disagrees
    with the current members, and in the right direction: the held-out
    disagreement that makes an ensemble better than its members. The inner
    mean is evaluated as a log-sum-exp of the members' log-probabilities.

    Parameters
    ----------
    member_proba : ndarray of shape (n_samples, n_candidates, n_classes)
        Out-of-fold class probabilities of the candidates.
    y_index : ndarray of int, shape (n_samples,)
        Index of each sample's class.
    n_members : int
    sample_weight : ndarray of shape (n_samples,), default=None

    Returns
    -------
    chosen : ndarray of int
        Positions among the candidates, in the order they joined.
    """
    n_samples, n_candidates, _ = member_proba.shape
    weights = np.ones(n_samples) if sample_weight is None else np.asarray(sample_weight, float)
    weights = weights / weights.sum()
    picked = member_proba[np.arange(n_samples), :, y_index]
    log_p = np.log(np.maximum(picked, np.finfo(float).tiny))  # (n_samples, n_candidates)
    chosen = [int(np.argmin(-(weights @ log_p)))]
    total = log_p[:, chosen[0]].copy()  # log of the sum of the chosen members' p(y_i | x_i)
    best = -(weights @ total)
    while len(chosen) < min(n_members, n_candidates):
        rest = np.array([c for c in range(n_candidates) if c not in chosen])
        summed = np.logaddexp(total[:, None], log_p[:, rest])
        losses = -(weights @ summed) + np.log(len(chosen) + 1)
        candidate = int(np.argmin(losses))
        if not losses[candidate] < best:
            break
        chosen.append(int(rest[candidate]))
        total, best = summed[:, candidate], losses[candidate]
    logger.info("held-out selection: %d members, out-of-fold log-loss %.4g", len(chosen), best)
    return np.array(chosen, dtype=np.int64)


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
