"""The K-means cost along a straight segment: exact piecewise-quadratic profile.

Move every centre linearly, ``c_k(t) = a_k + t b_k`` for ``t`` in [0, 1]. The
squared distance of point ``x_i`` to centre ``k`` is a convex quadratic in
``t``,

.. math::

    q_{ik}(t) = |x_i - a_k|^2 - 2 t (x_i - a_k) \\cdot b_k + t^2 |b_k|^2,

and the cost ``E(t) = sum_i w_i min_k q_ik(t) / sum_i w_i`` is the weighted sum
of the lower envelopes of these parabolas: continuous and piecewise
quadratic, with a breakpoint wherever a point changes its nearest centre.
Between two breakpoints ``E`` is a sum of convex quadratics, hence convex, so
**its maximum on [0, 1] lies at a breakpoint or at an end**. The profile is
therefore computed exactly by tracing each point's envelope (the earliest
crossing at which another parabola drops below the current one) and
accumulating the quadratic coefficients of ``E`` across the sorted
breakpoints.
"""

import numpy as np

__all__ = ["segment_profile"]

#: Crossings this far (in t) before the current position still count (rounding of the roots).
_ROOT_SLACK = 1e-12


def segment_profile(X, sample_weight, start, direction):
    """Breakpoints and energies of the K-means cost on a segment.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Data (any fixed origin; ``start`` must use the same one).
    sample_weight : ndarray of shape (n_samples,)
        Non-negative weights with a positive sum.
    start : ndarray of shape (n_clusters, n_features)
        Centres at ``t = 0``.
    direction : ndarray of shape (n_clusters, n_features)
        Displacement of the centres from ``t = 0`` to ``t = 1``.

    Returns
    -------
    t : ndarray of shape (n_points,)
        0, the breakpoints in (0, 1) in increasing order, and 1.
    energy : ndarray of shape (n_points,)
        ``E(t)`` at those points (weighted mean of the squared distances to
        the nearest centre).
    """
    X = np.asarray(X, dtype=float)
    weights = np.asarray(sample_weight, dtype=float) / np.sum(sample_weight)
    start = np.asarray(start, dtype=float)
    direction = np.asarray(direction, dtype=float)

    cross = X @ start.T
    alpha = np.einsum("ij,ij->i", X, X)[:, None] - 2.0 * cross + np.sum(start**2, axis=1)
    beta = -2.0 * (X @ direction.T - np.sum(start * direction, axis=1))
    gamma = np.sum(direction**2, axis=1)

    events_t, events_point, events_from, events_to = _trace_envelopes(alpha, beta, gamma)

    rows = np.arange(X.shape[0])
    labels = np.argmin(alpha, axis=1)
    coefficients = np.array(
        [
            weights @ alpha[rows, labels],
            weights @ beta[rows, labels],
            weights @ gamma[labels],
        ]
    )
    order = np.argsort(events_t, kind="stable")
    events_t = events_t[order]
    point, old, new = events_point[order], events_from[order], events_to[order]
    deltas = weights[point] * np.array(
        [
            alpha[point, new] - alpha[point, old],
            beta[point, new] - beta[point, old],
            gamma[new] - gamma[old],
        ]
    )
    running = coefficients[:, None] + np.cumsum(deltas, axis=1)
    final = running[:, -1] if running.shape[1] else coefficients

    t = np.concatenate(([0.0], events_t, [1.0]))
    a = np.column_stack([coefficients[:, None], running, final[:, None]])
    energy = a[0] + a[1] * t + a[2] * t**2
    return t, np.maximum(energy, 0.0)


def _trace_envelopes(alpha, beta, gamma):
    """Follow each point's nearest centre from t = 0 to t = 1.

    Returns the switch events as arrays ``(t, point, from_cluster, to_cluster)``.
    A switch from ``k`` to ``l`` happens at the earliest root ``r >= t_current``
    of ``q_il - q_ik`` where that difference turns negative (negative slope);
    tangencies (zero slope) are not switches. Several switches at the same
    ``t`` are taken in order of decreasing slope, so the loop terminates.
    """
    n_samples, n_clusters = alpha.shape
    rows = np.arange(n_samples)
    labels = np.argmin(alpha, axis=1)
    t_current = np.zeros(n_samples)
    active = rows
    events = ([], [], [], [])
    for _ in range(n_samples * n_clusters + n_clusters):
        if active.size == 0:
            break
        k = labels[active]
        c = alpha[active] - alpha[active, k][:, None]
        b = beta[active] - beta[active, k][:, None]
        a = gamma[None, :] - gamma[k][:, None]
        roots = _crossings(a, b, c, t_current[active])
        roots[np.arange(active.size), k] = np.inf
        nearest = np.argmin(roots, axis=1)
        first = roots[np.arange(active.size), nearest]
        moves = first <= 1.0
        active = active[moves]
        if active.size == 0:
            break
        when = np.maximum(first[moves], t_current[active])
        events[0].append(when)
        events[1].append(active)
        events[2].append(labels[active])
        events[3].append(nearest[moves])
        labels[active] = nearest[moves]
        t_current[active] = when
    if not events[0]:
        empty = np.empty(0, dtype=np.intp)
        return np.empty(0), empty, empty, empty
    return tuple(np.concatenate(column) for column in events)


def _crossings(a, b, c, t_current):
    """Earliest root ``r >= t_current`` of ``a r^2 + b r + c`` with negative slope there.

    ``inf`` where there is none. Roots come from the cancellation-free form
    ``q = -(b + sign(b) sqrt(b^2 - 4ac)) / 2``, ``r = q / a`` and ``r = c / q``,
    which also covers ``a = 0`` (then ``c / q = -c / b``).
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        discriminant = b * b - 4.0 * a * c
        root = np.sqrt(np.where(discriminant >= 0, discriminant, np.nan))
        q = -0.5 * (b + np.copysign(root, b))
        candidates = np.stack([q / a, c / q])
        slope = b[None] + 2.0 * a[None] * candidates
        lower = t_current[None, :, None] - _ROOT_SLACK
        valid = np.isfinite(candidates) & (candidates >= lower) & (slope < 0)
    return np.min(np.where(valid, candidates, np.inf), axis=0)
