"""Which pairs of minima to connect next.

:func:`select_pairs` combines two strategies:

1. The "missing connection" Dijkstra strategy of Carr, Trygubenko & Wales
   (J. Chem. Phys. 122, 234903 (2005)): minima form a graph whose edges are
   pairs already joined by a transition state (weight ~0) and candidate pairs
   of nearby minima (weight ``d^2``, ``d`` the aligned distance between
   canonical minima, :mod:`._alignment`). For every minimum not yet joined to the global
   minimum through transition states, the shortest path from the global
   minimum runs mostly along known connections, and its edges still lacking a
   transition state are the attempts most likely to complete the network
   with short, cheap searches. Pairs already attempted get no edge, so a
   failed search sends Dijkstra round another way.
2. Each minimum's ``n_neighbors`` nearest neighbours, so that a complete
   exploration of a small surface finds every transition state, not just a
   spanning tree.

Candidate pairs come from a k-nearest-neighbour graph (a
:class:`scipy.spatial.cKDTree` when the objective's distance is Euclidean,
pairwise distances otherwise), which keeps the cost near ``O(n log n)`` in
the number of minima when the distance is Euclidean.
"""

import numbers

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components, dijkstra
from scipy.spatial import cKDTree

from ._alignment import aligned_distance_matrix, has_alignment
from ._objective import Objective

__all__ = ["select_pairs"]

#: Neighbours per minimum in the candidate graph Dijkstra searches (at least
#: ``n_neighbors``).
MIN_GRAPH_NEIGHBOURS = 10
#: Weight of an edge already joined by a transition state, relative to the
#: median candidate weight: small enough to be free, positive so that the
#: sparse graph keeps it.
_CONNECTED_RELATIVE_WEIGHT = 1e-9


def select_pairs(
    minima_x,
    minima_energy,
    ts_pairs,
    attempted,
    objective,
    *,
    n_neighbors=5,
    max_pairs=None,
    n_targets=None,
    own_routes=False,
):
    """Pairs of minima to connect next: Dijkstra missing connections, then near neighbours.

    Parameters
    ----------
    minima_x : array-like of shape (n_min, n_params)
        Canonical coordinates of the minima.
    minima_energy : array-like of shape (n_min,)
    ts_pairs : array-like of shape (n_ts, 2)
        Indices of the minima each known transition state joins.
    attempted : set of frozenset
        Pairs ``frozenset({i, j})`` already attempted; never returned again.
    objective : Objective
        Supplies ``distance`` and ``align`` (a k-d tree when neither is overridden).
    n_neighbors : int, default=5
        Nearest neighbours per minimum proposed in step 2 (0 disables it).
    max_pairs : int, optional
        Return at most this many pairs (Dijkstra pairs first).
    n_targets : int, optional
        Only the ``n_targets`` lowest minima are targets: missing connections
        are sought for them only, and near-neighbour pairs join two of them.
        The others are stepping stones: the Dijkstra paths may run through
        them. ``None``: every minimum is a target.
    own_routes : bool or array-like of int, default=False
        Give targets not yet joined to the global minimum a missing connection
        of their own: every target (``True``), or only those listed (indices
        into the minima, e.g. the targets a previous round left disconnected).
        Targets are taken by increasing energy; when every missing link of
        such a target's shortest path was already offered for a lower target
        (the paths to the minima of one disconnected component share their
        way in), it gets the shortest path of the graph without the links
        offered so far, an edge-disjoint alternative. A component of ``k``
        such targets that the global minimum's component reaches only by one
        cheapest link is then offered up to ``k`` different ways in one round,
        searches that can run in parallel, instead of one per round. Without
        it, the pairs are those of the shortest paths alone (Carr, Trygubenko
        & Wales 2005).

    Returns
    -------
    list of tuple of int
        Pairs ``(i, j)`` with ``i < j``, without repeats, never already
        joined by a transition state nor attempted, in a deterministic order:
        first the missing links of the Dijkstra paths (minima taken by
        increasing energy, each path walked from the global minimum), then
        the near-neighbour pairs (minima by increasing energy, neighbours by
        increasing distance). Empty when nothing is left to try.

    Examples
    --------
    Four minima on a line, the first two already joined:

    >>> import numpy as np
    >>> from sklandscape._explore import FunctionObjective
    >>> from sklandscape._explore._connect import select_pairs
    >>> objective = FunctionObjective(lambda x: float(x @ x), 1)
    >>> x = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> select_pairs(x, [0.0, 1.0, 2.0, 3.0], [[0, 1]], set(), objective, n_neighbors=0)
    [(1, 2), (2, 3)]
    """
    x = np.asarray(minima_x, dtype=float)
    energy = np.asarray(minima_energy, dtype=float)
    if x.ndim != 2 or energy.ndim != 1 or x.shape[0] != energy.shape[0]:
        raise ValueError(
            "minima_x must have shape (n_min, n_params) and minima_energy (n_min,), got "
            f"{x.shape} and {energy.shape}."
        )
    n_min = energy.size
    ts_pairs = np.asarray(ts_pairs, dtype=np.int64).reshape(-1, 2)
    if ts_pairs.size and (ts_pairs.min() < 0 or ts_pairs.max() >= n_min):
        raise ValueError(f"ts_pairs must hold indices in [0, {n_min}).")
    if not isinstance(n_neighbors, numbers.Integral) or n_neighbors < 0:
        raise ValueError(f"n_neighbors must be a non-negative integer, got {n_neighbors!r}.")
    own = np.zeros(n_min, dtype=bool)
    if own_routes is True:
        own[:] = True
    elif own_routes is not False:
        listed = np.asarray(own_routes, dtype=np.int64).ravel()
        if listed.size and (listed.min() < 0 or listed.max() >= n_min):
            raise ValueError(f"own_routes must be a bool or indices in [0, {n_min}).")
        own[listed] = True
    if max_pairs is not None and (not isinstance(max_pairs, numbers.Integral) or max_pairs < 0):
        raise ValueError(f"max_pairs must be None or a non-negative integer, got {max_pairs!r}.")
    if n_min < 2:
        return []

    connected = {frozenset(map(int, pair)) for pair in ts_pairs if pair[0] != pair[1]}
    blocked = connected | set(attempted)
    n_graph = min(n_min - 1, max(n_neighbors, MIN_GRAPH_NEIGHBOURS))
    neighbours, distances = _nearest_neighbours(x, objective, n_graph)
    order = np.lexsort((np.arange(n_min), energy))
    if n_targets is not None:
        order = order[: max(int(n_targets), 1)]
    targets = np.zeros(n_min, dtype=bool)
    targets[order] = True

    pairs = _missing_connections(
        neighbours, distances, ts_pairs, blocked, order, int(order[0]), n_min, own
    )
    for i in order:
        for j in neighbours[i, :n_neighbors]:
            if targets[j]:
                pairs.append(_ordered(i, j))
    selected = []
    seen = set()
    for pair in pairs:
        key = frozenset(pair)
        if pair[0] == pair[1] or key in blocked or key in seen:
            continue
        seen.add(key)
        selected.append(pair)
        if max_pairs is not None and len(selected) >= max_pairs:
            break
    return selected


def _ordered(i, j):
    return (int(min(i, j)), int(max(i, j)))


def _nearest_neighbours(x, objective, k):
    """The ``k`` nearest other minima of each minimum, by increasing distance.

    Returns
    -------
    neighbours : ndarray of int, shape (n_min, k)
    distances : ndarray of shape (n_min, k)
    """
    n_min = x.shape[0]
    if type(objective).distance is Objective.distance and not has_alignment(objective):
        distances, neighbours = cKDTree(x).query(x, k=k + 1)
        distances = np.atleast_2d(distances)
        neighbours = np.atleast_2d(neighbours)
    else:
        matrix = aligned_distance_matrix(objective, x)
        neighbours = np.argsort(matrix, axis=1, kind="stable")[:, : k + 1]
        distances = np.take_along_axis(matrix, neighbours, axis=1)
    # Drop each minimum itself (not necessarily in column 0 when minima coincide).
    rows = np.arange(n_min)[:, None]
    keep = neighbours != rows
    keep &= np.cumsum(keep, axis=1) <= k
    neighbours = neighbours[keep].reshape(n_min, k)
    distances = distances[keep].reshape(n_min, k)
    return neighbours, distances


def _missing_connections(neighbours, distances, ts_pairs, blocked, order, source, n_min, own):
    """Edges lacking a transition state on the Dijkstra paths from ``source``.

    Edge weights: ``d^2`` for candidate pairs not yet attempted nor joined,
    ``~0`` for pairs joined by a transition state; attempted pairs have no
    edge. A target with ``own[target]`` whose path offers no edge that an
    earlier target's path did not already offer gets the shortest path of
    the graph without those edges (see :func:`select_pairs`).
    """
    rows, cols = np.repeat(np.arange(n_min), neighbours.shape[1]), neighbours.ravel()
    weights = distances.ravel() ** 2
    free = np.array(
        [frozenset((int(i), int(j))) not in blocked for i, j in zip(rows, cols, strict=True)],
        dtype=bool,
    )
    rows, cols, weights = rows[free], cols[free], weights[free]
    positive = weights[weights > 0]
    scale = float(np.median(positive)) if positive.size else 1.0
    tiny = _CONNECTED_RELATIVE_WEIGHT * scale
    weights = weights + tiny
    if ts_pairs.size:
        rows = np.concatenate([rows, ts_pairs[:, 0]])
        cols = np.concatenate([cols, ts_pairs[:, 1]])
        weights = np.concatenate([weights, np.full(len(ts_pairs), tiny)])
    # Keep the lightest of duplicate edges (coo -> csr would add them up).
    edges = {}
    for i, j, w in zip(rows, cols, weights, strict=True):
        key = _ordered(i, j)
        if key[0] != key[1] and w < edges.get(key, np.inf):
            edges[key] = w
    if not edges:
        return []

    connected = {frozenset(map(int, pair)) for pair in ts_pairs}
    ts_graph = coo_matrix(
        (np.ones(len(ts_pairs)), (ts_pairs[:, 0], ts_pairs[:, 1])), shape=(n_min, n_min)
    )
    _, component = connected_components(ts_graph, directed=False)
    predecessors = _shortest_path_tree(edges, (), source, n_min)

    pairs, offered = [], set()
    for target in order:
        if component[target] == component[source]:
            continue
        path = _path(predecessors, source, int(target))
        if path is None:
            continue  # unreachable through the candidate graph
        missing = [_ordered(i, j) for i, j in path if frozenset((i, j)) not in connected]
        new = [pair for pair in missing if pair not in offered]
        if own[target] and not new:
            # Every missing link of this path is offered already: its own route avoids them.
            path = _path(_shortest_path_tree(edges, offered, source, n_min), source, int(target))
            if path is None:
                continue
            new = [_ordered(i, j) for i, j in path if frozenset((i, j)) not in connected]
        for pair in new:
            if pair not in offered:
                offered.add(pair)
                pairs.append(pair)
    return pairs


def _shortest_path_tree(edges, removed, source, n_min):
    """Dijkstra predecessors from ``source`` over ``edges`` (pair -> weight) less ``removed``."""
    kept = [(key, weight) for key, weight in edges.items() if key not in removed]
    if not kept:
        return np.full(n_min, -9999, dtype=np.int32)
    keys = np.array([key for key, _ in kept], dtype=np.int64)
    values = np.array([weight for _, weight in kept], dtype=float)
    graph = coo_matrix((values, (keys[:, 0], keys[:, 1])), shape=(n_min, n_min)).tocsr()
    _, predecessors = dijkstra(graph, directed=False, indices=source, return_predecessors=True)
    return predecessors


def _path(predecessors, source, target):
    """The edges ``(i, j)`` of the tree path from ``source`` to ``target``, or None."""
    nodes = [target]
    while nodes[-1] != source and predecessors[nodes[-1]] >= 0:
        nodes.append(int(predecessors[nodes[-1]]))
    if nodes[-1] != source:
        return None
    nodes.reverse()
    return list(zip(nodes[:-1], nodes[1:], strict=True))
