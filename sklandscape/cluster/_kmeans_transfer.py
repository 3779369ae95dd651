r"""Hartigan's single-point transfers: the descent Lloyd's algorithm cannot make.

A partition of the data into clusters with weights ``W_k`` and means ``c_k``
has cost ``sum_i w_i |x_i - c_{l(i)}|^2``. Moving one point ``x`` (weight
``w``) from cluster ``a`` to cluster ``b`` and recomputing both means changes
the cost by exactly

.. math::

    \Delta = \frac{w W_b}{W_b + w} |x - c_b|^2 - \frac{w W_a}{W_a - w} |x - c_a|^2

(Hartigan, *Clustering Algorithms*, Wiley 1975; Hartigan & Wong, Appl.
Stat. 28, 100, 1979). Lloyd's algorithm moves a point only when
``|x - c_b| < |x - c_a|``; the factors ``W_a / (W_a - w) > 1 > W_b / (W_b + w)``
make Hartigan's test strictly stronger, so a partition with no improving
transfer is a fixed point of Lloyd's algorithm (a minimum of the K-means
landscape), and the Hartigan-stable partitions are a subset of the Lloyd
fixed points, on average much lower (Telgarsky & Vattani, AISTATS 2010;
Slonim, Aharoni & Crammer, IJCAI 2013).

On digits with ``K = 10`` the minima just above the lowest known one differ
from it by the assignment of one to three points: Lloyd fixed points that a
single transfer joins to a lower one.

:func:`hartigan_transfers` applies the best transfer (largest decrease) until
none decreases the cost; it draws no random number.
"""

import numpy as np

__all__ = ["hartigan_transfers"]

#: A transfer must lower the cost by more than this fraction of the current cost
#: (rounding of the incremental updates must not make it cycle).
_RELATIVE_GAIN = 1e-12


def hartigan_transfers(X, weights, labels, n_clusters, max_transfers=None):
    """Best-improvement single-point transfers until the partition is Hartigan-stable.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Data (centred, for accuracy).
    weights : ndarray of shape (n_samples,)
        Non-negative sample weights.
    labels : ndarray of shape (n_samples,)
        Starting partition (not modified).
    n_clusters : int
    max_transfers : int, default=None
        Stop after this many transfers (``None``: until no transfer lowers
        the cost; every transfer lowers it, so the partitions never repeat
        and the loop ends).

    Returns
    -------
    centres : ndarray of shape (n_clusters, n_features)
        Means of the final partition (an empty cluster keeps the mean 0:
        the caller's Lloyd iteration relocates it).
    labels : ndarray of shape (n_samples,)
        Final partition.
    n_transfers : int
        Transfers made.

    Notes
    -----
    The squared distances ``D_ik`` are computed once, ``O(n K d)``; a transfer
    changes two means, so only two columns are recomputed, ``O(n d)``, and
    the gains of all points are re-read, ``O(n K)``. Zero-weight points
    never move (their transfer changes nothing). A cluster reduced to one
    point's weight cannot give it away (it would empty).
    """
    X = np.asarray(X, dtype=float)
    weights = np.asarray(weights, dtype=float)
    labels = np.array(labels, dtype=np.intp)
    n_samples = X.shape[0]
    if max_transfers is None:
        max_transfers = np.inf
    rows = np.arange(n_samples)
    weight = np.bincount(labels, weights=weights, minlength=n_clusters)
    one_hot = np.zeros((n_clusters, n_samples))
    one_hot[labels, rows] = weights
    sums = one_hot @ X
    centres = np.divide(sums, weight[:, None], out=np.zeros_like(sums), where=weight[:, None] > 0)
    squared = np.einsum("ij,ij->i", X, X)
    distances = squared[:, None] - 2.0 * (X @ centres.T) + np.einsum("kj,kj->k", centres, centres)
    np.maximum(distances, 0.0, out=distances)
    # addition[i, k]: cost of adding point i to cluster k (inf for its own cluster)
    addition = distances * _joining_factor(weights[:, None], weight[None, :])
    addition[rows, labels] = np.inf
    removal = np.zeros(n_samples)
    _update_removal(removal, rows, weights, weight, distances, labels)
    cost = float(weights @ distances[rows, labels])
    threshold = _RELATIVE_GAIN * max(cost, np.finfo(float).tiny)
    n_transfers = 0
    while n_transfers < max_transfers:
        target = np.argmin(addition, axis=1)
        gain = removal - addition[rows, target]
        point = int(np.argmax(gain))
        if not gain[point] > threshold:
            break
        source, destination = labels[point], target[point]
        labels[point] = destination
        moved = weights[point]
        weight[source] -= moved
        weight[destination] += moved
        sums[source] -= moved * X[point]
        sums[destination] += moved * X[point]
        for k in (source, destination):
            centres[k] = sums[k] / weight[k]
            column = squared - 2.0 * (X @ centres[k]) + centres[k] @ centres[k]
            distances[:, k] = np.maximum(column, 0.0)
            addition[:, k] = distances[:, k] * _joining_factor(weights, weight[k])
            members = np.flatnonzero(labels == k)
            addition[members, k] = np.inf
            _update_removal(removal, members, weights, weight, distances, labels)
        n_transfers += 1
    return centres, labels, n_transfers


def _joining_factor(w, W):
    """``w W / (W + w)``, 0 when both are 0 (a zero-weight point joining an empty cluster)."""
    w, W = np.broadcast_arrays(np.asarray(w, dtype=float), np.asarray(W, dtype=float))
    total = W + w
    return np.divide(w * W, total, out=np.zeros(total.shape), where=total > 0)


def _update_removal(removal, members, weights, weight, distances, labels):
    """``removal[i] = w_i W_a / (W_a - w_i) |x_i - c_a|^2`` for ``i`` in ``members``, ``a = l(i)``.

    Zero (no gain) for zero-weight points and for points whose cluster would empty.
    """
    own = weight[labels[members]]
    w = weights[members]
    leaving = (own > w) & (w > 0)
    factor = np.divide(w * own, own - w, out=np.zeros_like(own), where=leaving)
    removal[members] = factor * distances[members, labels[members]]
