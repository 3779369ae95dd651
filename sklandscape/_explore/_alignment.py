"""Distances between minima after symmetry alignment.

Two minima of a symmetric model (relabelled clusters, permuted hidden units)
can lie far apart in canonical coordinates and close once one of them is
moved to its symmetry copy nearest the other (:meth:`Objective.align`). The
aligned distance

.. math::

    d_\\mathrm{al}(x, y) = \\min_{g \\in G} d(g x, y)

(``G`` the symmetry group, minimised exactly or approximately by ``align``)
is what pair selection ranks candidate searches by, as OPTIM's
``minpermdist`` does for atomic clusters (Griffiths, Niblett & Wales, J.
Chem. Theory Comput. 13, 4914, 2017).
"""

import weakref

import numpy as np

from ._objective import Objective

__all__ = ["aligned_distance", "aligned_distance_matrix", "has_alignment"]


def has_alignment(objective):
    """Whether ``objective`` overrides :meth:`Objective.align`."""
    return type(objective).align is not Objective.align


def aligned_distance(objective, x, y):
    """``objective.distance(objective.align(x, y), y)``, never above ``distance(x, y)``.

    The minimum with the unaligned distance guards against an approximate
    ``align`` that made things worse.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    aligned = objective.distance(objective.align(x, y), y)
    return float(min(aligned, objective.distance(x, y)))


def aligned_distance_matrix(objective, x):
    """Symmetric matrix of :func:`aligned_distance` between the rows of ``x``.

    Aligned distances cost an assignment problem each, and pair selection
    asks for the matrix of all minima at every connection round, so each
    pair's distance is computed once per objective and remembered (see
    :class:`_PairCache`): a round costs ``O(n_new * n_min)`` alignments for
    ``n_new`` minima found since the last. Of the two rows of a pair, the
    one whose bytes sort first is aligned onto the other, so the matrix does
    not depend on the order of the rows.

    Parameters
    ----------
    objective : Objective
    x : ndarray of shape (n_min, n_params)

    Returns
    -------
    ndarray of shape (n_min, n_min)
        Zero diagonal.
    """
    x = np.asarray(x, dtype=float)
    n_min = x.shape[0]
    cache = _cache_of(objective)
    keys = [row.tobytes() for row in x]
    ids = [cache.ids.setdefault(key, len(cache.ids)) for key in keys]
    matrix = np.zeros((n_min, n_min))
    for i in range(n_min):
        for j in range(i + 1, n_min):
            first, second = (i, j) if keys[i] <= keys[j] else (j, i)
            pair = (ids[first], ids[second])
            distance = cache.distances.get(pair)
            if distance is None:
                distance = aligned_distance(objective, x[first], x[second])
                cache.distances[pair] = distance
            matrix[i, j] = matrix[j, i] = distance
    return matrix


class _PairCache:
    """Aligned distances already computed for one objective.

    ``ids`` numbers the distinct points (by their bytes); ``distances`` maps
    a pair of numbers to the aligned distance.
    """

    def __init__(self):
        self.ids = {}
        self.distances = {}


_CACHES = weakref.WeakKeyDictionary()


def _cache_of(objective):
    """The objective's :class:`_PairCache` (dropped with the objective)."""
    try:
        return _CACHES.setdefault(objective, _PairCache())
    except TypeError:  # an unhashable or not weakly referenceable objective: no memory
        return _PairCache()
