"""The budget and focus of an exploration: how much work, and on which minima.

Two kinds of limit bound :func:`~._explorer.explore`:

* **Deterministic limits**, in units that do not depend on the machine: the
  basin-hopping quenches (``n_chains * (n_hops + 1)``), the double-ended
  transition-state searches (``max_searches``), and the minima kept
  (``max_minima`` lowest, within ``energy_window`` of the global minimum).
  The same ``random_state`` gives the same landscape for any ``n_jobs``.
* **Machine-dependent limits**: a wall-clock ``max_time`` and a user
  ``callback`` that may stop the run. Where they stop depends on the speed of
  the machine (or on the callback), so a run they cut short is not
  reproducible.

The *focus* is the set of kept minima: the ``max_minima`` lowest minima whose
energy is at most ``E_0 + energy_window``, ``E_0`` the lowest energy found.
Only kept minima are connection targets. The next ``max_minima`` minima above
the focus are stepping stones that paths of transition states to the global
minimum may cross. A minimum of any rank that lies on a discovered chain of
transition states joining two of these (:func:`chain_minima`) is a stepping
stone too: the chain is what connects them, whatever the energy of the minima
along it. Stepping stones enter the returned landscape only when joined to the
global minimum. So at most ``2 * max_minima`` minima plus the minima of one
shortest chain per kept minimum or stepping stone (and the transition states
between them) are returned, which bounds the memory and the connection work
whatever basin-hopping and the pushoffs find. The choice of pairs to search
also crosses every minimum that a transition state found joins (at most two
per transition state, so ``max_searches`` bounds them): a search between two
kept minima that ends between higher minima leaves them as the intermediate
minima from which the missing-connection strategy completes the path.
"""

import time

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import breadth_first_order, connected_components

__all__ = ["Budget", "chain_minima", "focus_indices"]


def focus_indices(energies, max_minima=None, energy_window=None):
    """Indices of the kept minima, by increasing energy (ties by index).

    Parameters
    ----------
    energies : array-like of shape (n_minima,)
    max_minima : int or None
        Keep at most this many of the lowest minima (``None``: no cap).
    energy_window : float or None
        Keep only minima with ``E <= min(E) + energy_window`` (``None``: no window).

    Returns
    -------
    ndarray of int

    Examples
    --------
    >>> focus_indices([3.0, 0.0, 1.0, 0.5], max_minima=3, energy_window=0.9)
    array([1, 3])
    """
    energies = np.asarray(energies, dtype=float)
    order = np.lexsort((np.arange(energies.size), energies))
    if order.size and energy_window is not None:
        order = order[energies[order] <= energies[order[0]] + energy_window]
    if max_minima is not None:
        order = order[:max_minima]
    return order


def chain_minima(nodes, pairs, n_minima):
    """Minima outside ``nodes`` on the chains of transition states that join them.

    The graph has the ``n_minima`` minima as vertices and an edge for every
    transition state (``pairs``). In every connected component holding at
    least two of ``nodes``, a breadth-first search from the first of them (in
    the order of ``nodes``) gives each other one a shortest chain (fewest
    transition states) back to it; the minima of these chains that are not in
    ``nodes`` are returned. With them, two of ``nodes`` are joined through
    ``nodes`` and the returned minima exactly when the whole graph joins them,
    and their number is at most the total length of one chain per node.

    Parameters
    ----------
    nodes : array-like of int
        The minima to join (e.g. the kept minima and the stepping stones).
    pairs : array-like of shape (n_ts, 2)
        The two minima of every transition state.
    n_minima : int

    Returns
    -------
    ndarray of int
        Sorted indices of the chain minima, none of them in ``nodes``.

    Examples
    --------
    A chain 0 - 3 - 4 - 1 and a dead end 4 - 5: minima 3 and 4 join 0 to 1.

    >>> chain_minima([0, 1, 2], [[0, 3], [3, 4], [4, 1], [4, 5]], 6)
    array([3, 4])
    """
    nodes = np.asarray(nodes, dtype=np.int64)
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    if nodes.size < 2 or pairs.size == 0:
        return np.empty(0, dtype=np.int64)
    graph = coo_matrix(
        (np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n_minima, n_minima)
    ).tocsr()
    _, component = connected_components(graph, directed=False)
    on_chain = np.zeros(n_minima, dtype=bool)
    in_nodes = np.zeros(n_minima, dtype=bool)
    in_nodes[nodes] = True
    roots = {}
    for node in nodes:
        roots.setdefault(int(component[node]), int(node))
    for label, root in roots.items():
        members = nodes[component[nodes] == label]
        if members.size < 2:
            continue
        _, predecessors = breadth_first_order(graph, root, directed=False)
        for node in members:
            step = int(predecessors[node])
            while step >= 0 and step != root:
                on_chain[step] = True
                step = int(predecessors[step])
    return np.flatnonzero(on_chain & ~in_nodes)


class Budget:
    """The limits of one :func:`~._explorer.explore` call and the reason it stopped.

    Parameters
    ----------
    max_searches : int or None
        Double-ended transition-state searches allowed (``None``: no cap).
    max_time : float or None
        Wall-clock seconds (machine-dependent; ``None``: no limit). Checked
        after every basin-hopping chain and every chunk of searches, so a run
        may overrun it by one such unit of work.
    callback : callable or None
        ``callback(progress) -> bool``; ``True`` stops the run.
    started : float
        ``time.perf_counter()`` at the start of the run.
    """

    def __init__(self, max_searches=None, max_time=None, callback=None, started=None):
        self.max_searches = max_searches
        self.max_time = max_time
        self.callback = callback
        self.started = time.perf_counter() if started is None else started
        self.n_searches = 0
        self.stopped_by = None

    def searches_left(self):
        """Searches still allowed (``None``: unlimited)."""
        if self.max_searches is None:
            return None
        return max(self.max_searches - self.n_searches, 0)

    def check(self, progress):
        """Call the callback and the clock; ``True`` when the run must stop.

        The first reason found is kept in :attr:`stopped_by` (``"callback"``
        or ``"max_time"``).
        """
        if self.stopped_by is not None:
            return True
        if self.callback is not None and self.callback(dict(progress)):
            self.stopped_by = "callback"
        elif self.max_time is not None and time.perf_counter() - self.started >= self.max_time:
            self.stopped_by = "max_time"
        return self.stopped_by is not None


def budget_values(max_minima, energy_window, max_searches, max_time):
    """The budget arguments of :func:`~._explorer.explore` as Python numbers (``None`` kept).

    They were validated against ``EXPLORE_CONSTRAINTS`` (:mod:`._parameters`),
    the constraints the estimators share, before this call.
    """
    return (
        None if max_minima is None else int(max_minima),
        None if energy_window is None else float(energy_window),
        None if max_searches is None else int(max_searches),
        None if max_time is None else float(max_time),
    )
