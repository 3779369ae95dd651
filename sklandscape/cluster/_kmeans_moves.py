"""Starting points and basin-hopping moves for the K-means landscape.

All functions work on centred data ``X`` (n_samples, n_features), non-negative
``weights`` and centres ``C`` (n_clusters, n_features), and draw from a
:class:`numpy.random.Generator`.

Seeding is k-means++ (Arthur & Vassilvitskii, SODA 2007) with greedy local
trials as in scikit-learn: each new centre is the best, by the resulting
potential ``sum_i w_i D_i^2``, of ``2 + floor(ln K)`` points drawn with
probability proportional to ``w_i D_i^2`` (``D_i`` the distance to the
nearest centre chosen so far).

Basin-hopping moves (one is drawn per step, with :data:`MOVE_PROBABILITIES`):

``"reseed"``
    Remove one centre and seed a new one by greedy D^2 sampling. The centre
    removed is the cheaper, by removal cost ``sum_{i in k} w_i (D2_i - D1_i)``
    (nearest and second-nearest squared distances), of two drawn uniformly.
    On well-separated data this moves a centre from a cluster that has two
    to a cluster that has none: the "global" move of the j-means and
    k-means-minus-plus heuristics (Hansen & Mladenovic, Pattern Recognit. 34,
    405, 2001; Ismkhan, Pattern Recognit. 79, 402, 2018).
``"double_reseed"``
    Two reseeds in a row, to leave deeper traps.
``"swap"``
    A uniformly drawn centre jumps to a data point drawn with probability
    proportional to its weight (random swap; Franti, J. Big Data 5, 2018).
``"displace"``
    Every coordinate moves uniformly in ``[-step_size, step_size]``: the
    classical small basin-hopping step.
"""

import numpy as np

__all__ = [
    "MOVE_PROBABILITIES",
    "kmeans_plusplus",
    "nearest_centres",
    "perturb_centres",
]

#: Probability of each basin-hopping move.
MOVE_PROBABILITIES = {"reseed": 0.5, "double_reseed": 0.2, "swap": 0.1, "displace": 0.2}
#: Size of the tournament choosing the centre a reseed removes.
_REMOVAL_TOURNAMENT = 2


def _shifted_distances(X, centres):
    """``|c_k|^2 - 2 x_i.c_k``: squared distances less ``|x_i|^2`` (same argmin per row)."""
    distances = X @ centres.T
    distances *= -2.0
    distances += np.einsum("ij,ij->i", centres, centres)
    return distances


def nearest_centres(X, centres):
    """Index of the nearest centre of every row of ``X`` (ties: lowest index)."""
    return np.argmin(_shifted_distances(X, centres), axis=1)


def _n_local_trials(n_clusters):
    return 2 + int(np.log(n_clusters))


def _greedy_d2_point(X, weights, closest, rng, n_trials):
    """Index of the best of ``n_trials`` points drawn with probability ``w_i D_i^2``.

    Returns ``(index, new_closest)``, where ``new_closest`` are the squared
    distances to the nearest centre once the point is added.
    """
    potential = weights * closest
    total = potential.sum()
    probabilities = potential / total if total > 0 else weights / weights.sum()
    candidates = rng.choice(X.shape[0], size=n_trials, p=probabilities)
    to_candidates = np.sum((X[:, None, :] - X[candidates][None, :, :]) ** 2, axis=2)
    updated = np.minimum(closest[:, None], to_candidates)
    best = int(np.argmin(weights @ updated))
    return int(candidates[best]), updated[:, best]


def kmeans_plusplus(X, weights, n_clusters, rng):
    """Greedy k-means++ seeding; returns centres of shape (n_clusters, n_features)."""
    n_trials = _n_local_trials(n_clusters)
    first = int(rng.choice(X.shape[0], p=weights / weights.sum()))
    indices = [first]
    closest = np.sum((X - X[first]) ** 2, axis=1)
    for _ in range(1, n_clusters):
        index, closest = _greedy_d2_point(X, weights, closest, rng, n_trials)
        indices.append(index)
    return X[indices].copy()


def perturb_centres(X, weights, centres, rng, step_size, x_squared_norms=None):
    """One basin-hopping move on ``centres``; returns new centres (a copy)."""
    names = list(MOVE_PROBABILITIES)
    move = names[rng.choice(len(names), p=list(MOVE_PROBABILITIES.values()))]
    centres = np.array(centres, dtype=float)
    if move == "displace" or centres.shape[0] == 1:
        return centres + rng.uniform(-step_size, step_size, size=centres.shape)
    if move == "swap":
        k = rng.integers(centres.shape[0])
        centres[k] = X[rng.choice(X.shape[0], p=weights / weights.sum())]
        return centres
    for _ in range(2 if move == "double_reseed" else 1):
        centres = _reseed(X, weights, centres, rng, x_squared_norms)
    return centres


def _reseed(X, weights, centres, rng, x_squared_norms):
    """Remove a cheap centre (tournament on removal cost) and D^2-seed a new one."""
    n_clusters = centres.shape[0]
    if x_squared_norms is None:
        x_squared_norms = np.einsum("ij,ij->i", X, X)
    distances = _shifted_distances(X, centres)
    rows = np.arange(X.shape[0])
    labels = np.argmin(distances, axis=1)
    first = distances[rows, labels]
    distances[rows, labels] = np.inf
    second = np.min(distances, axis=1)
    first = np.maximum(first + x_squared_norms, 0.0)  # back to squared distances
    second = np.maximum(second + x_squared_norms, 0.0)
    removal_cost = np.bincount(labels, weights=weights * (second - first), minlength=n_clusters)
    contenders = rng.choice(n_clusters, size=min(_REMOVAL_TOURNAMENT, n_clusters), replace=False)
    removed = int(contenders[np.argmin(removal_cost[contenders])])
    closest = np.where(labels == removed, second, first)
    index, _ = _greedy_d2_point(X, weights, closest, rng, _n_local_trials(n_clusters))
    centres[removed] = X[index]
    return centres
