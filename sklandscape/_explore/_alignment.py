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

    Parameters
    ----------
    objective : Objective
    x : ndarray of shape (n_min, n_params)

    Returns
    -------
    ndarray of shape (n_min, n_min)
        Zero diagonal; entry ``(i, j)`` (``i < j``) aligns row ``i`` onto row
        ``j`` and is copied to ``(j, i)``.
    """
    x = np.asarray(x, dtype=float)
    n_min = x.shape[0]
    matrix = np.zeros((n_min, n_min))
    for i in range(n_min):
        for j in range(i + 1, n_min):
            matrix[i, j] = matrix[j, i] = aligned_distance(objective, x[i], x[j])
    return matrix
