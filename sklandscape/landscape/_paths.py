"""Paths: minimax and fastest routes between minima, straight-line profiles, trajectories.

The route through the transition network that keeps the highest transition
state lowest (the minimax path) is the one a system follows at low
temperature; its highest TS is :meth:`barrier`. The fastest path at a
temperature T maximises the product of branching probabilities along it
(PATHSAMPLE's DIJKSTRA; Wales, Int. Rev. Phys. Chem. 25, 237 (2006)). The
loss along the straight line between two minima is the comparison of monotonic linear interpolation
studies (Goodfellow, Vinyals & Saxe, ICLR 2015; Lucas et al., ICML 2021;
Niroomand et al., Digital Discovery 2024, section 2).
"""

from collections import deque
from dataclasses import dataclass
from numbers import Integral

import numpy as np

from ._checks import check_temperature

__all__ = ["InterpolationProfile", "LandscapePath", "PathMixin"]


@dataclass(frozen=True, eq=False)
class LandscapePath:
    """A route through the transition network: minimum, TS, minimum, ..., minimum.

    Attributes
    ----------
    minima : ndarray of int, shape (n_steps + 1,)
        Minima visited, from the start to the end.
    transition_states : ndarray of int, shape (n_steps,)
        Transition state crossed at each step.
    energy : ndarray of shape (2 * n_steps + 1,)
        Loss profile: the energies of the stationary points in order.
    x : ndarray of shape (2 * n_steps + 1, n_params) or None
        Their coordinates, when the landscape stores them.
    distance : ndarray of shape (2 * n_steps + 1,)
        Cumulative Euclidean length of the straight segments joining
        consecutive stationary points (their step count when no coordinates
        are stored). Every point is stored in its own canonical form, so for
        a model with symmetries a segment may also span a symmetry operation
        and overstate the distance travelled.
    log_probability : float or None
        For a fastest path, ``sum ln P`` of the branching probabilities of its
        steps at the temperature asked for; ``None`` for a minimax path.
    """

    minima: np.ndarray
    transition_states: np.ndarray
    energy: np.ndarray
    x: np.ndarray | None
    distance: np.ndarray
    log_probability: float | None = None

    @property
    def barrier(self):
        """Highest energy along the path (the minimax barrier)."""
        return float(self.energy.max())


@dataclass(frozen=True, eq=False)
class InterpolationProfile:
    """Loss along the straight segment ``x(t) = (1 - t) x_i + t x_j``.

    Attributes
    ----------
    t : ndarray of shape (n,)
        Interpolation parameter, 0 at minimum ``i`` and 1 at minimum ``j``.
    distance : ndarray of shape (n,)
        ``t * |x_j - x_i|``.
    energy : ndarray of shape (n,)
        Loss at each point.
    """

    t: np.ndarray
    distance: np.ndarray
    energy: np.ndarray

    @property
    def barrier(self):
        """Highest loss met on the segment."""
        return float(self.energy.max())


class PathMixin:
    """Paths between minima (mixed into Landscape)."""

    def _minimax_tree(self):
        """Adjacency ``{minimum: [(neighbour, ts), ...]}`` of the minimum spanning forest.

        Kruskal's algorithm over transition states by increasing energy; the
        minimum spanning tree holds a minimax path between every connected pair.
        """
        parent = list(range(self.n_minima))

        def find(m):
            while parent[m] != m:
                parent[m] = parent[parent[m]]
                m = parent[m]
            return m

        adjacency = {m: [] for m in range(self.n_minima)}
        for t in self._transition_states_by_energy:
            a, b = (int(m) for m in self.transition_states.minima[t])
            root_a, root_b = find(a), find(b)
            if root_a != root_b:
                parent[root_a] = root_b
                adjacency[a].append((b, int(t)))
                adjacency[b].append((a, int(t)))
        return adjacency

    def path(self, i, j):
        """The minimax route from minimum ``i`` to minimum ``j`` and its loss profile.

        The route is the path between ``i`` and ``j`` in the minimum spanning
        tree of the transition network (edges weighted by TS energy): of all
        routes it has the lowest highest transition state, so
        ``path(i, j).barrier == barrier(i, j)`` (Becker & Karplus, J. Chem.
        Phys. 106, 1495 (1997)). When several routes share that highest TS,
        the spanning tree picks one whose every step is itself minimax.

        Parameters
        ----------
        i, j : int
            Start and end minima.

        Returns
        -------
        LandscapePath

        Raises
        ------
        ValueError
            If an index is out of range or no transition states join ``i`` and ``j``.

        Examples
        --------
        >>> from sklandscape import Landscape
        >>> ls = Landscape.from_arrays([0.0, 1.0, 0.5], [2.0, 1.5, 3.0],
        ...                            [[0, 1], [1, 2], [0, 2]])
        >>> route = ls.path(0, 2)
        >>> route.minima.tolist(), route.transition_states.tolist(), route.barrier
        ([0, 1, 2], [0, 1], 2.0)
        """
        i, j = self._check_minimum(i, "i"), self._check_minimum(j, "j")
        adjacency = self._minimax_tree()
        previous = {i: None}
        queue = deque([i])
        while queue:
            m = queue.popleft()
            for neighbour, t in adjacency[m]:
                if neighbour not in previous:
                    previous[neighbour] = (m, t)
                    queue.append(neighbour)
        if j not in previous:
            raise ValueError(f"no transition states join minima {i} and {j}.")
        minima, states = [j], []
        while previous[minima[-1]] is not None:
            m, t = previous[minima[-1]]
            states.append(t)
            minima.append(m)
        return self._landscape_path(minima[::-1], states[::-1])

    def _landscape_path(self, minima, states, log_probability=None):
        """A :class:`LandscapePath` through the given minima and transition states."""
        minima, states = np.array(minima, dtype=np.int64), np.array(states, dtype=np.int64)
        energy = np.empty(2 * states.size + 1)
        energy[0::2] = self.minima.energy[minima]
        energy[1::2] = self.transition_states.energy[states]
        x = None
        if self.minima.x.shape[1] and self.transition_states.x.shape[1]:
            x = np.empty((energy.size, self.n_params))
            x[0::2] = self.minima.x[minima]
            x[1::2] = self.transition_states.x[states]
            steps = np.linalg.norm(np.diff(x, axis=0), axis=1)
        else:
            steps = np.ones(energy.size - 1)
        distance = np.concatenate([[0.0], np.cumsum(steps)])
        return LandscapePath(minima, states, energy, x, distance, log_probability)

    def fastest_paths(self, i, j, T, n_paths=1):
        """The fastest routes from minimum ``i`` to minimum ``j`` at temperature ``T``.

        Each step ``a -> b`` over transition state ``t`` has the branching
        probability ``P_ba(t) = k_a->b(t) / sum_c k_a->c`` (harmonic TST rates,
        :meth:`rate`); a route's weight is the product of its branching
        probabilities, its contribution to the discrete-path-sampling rate.
        The fastest route minimises ``sum -ln P`` (Dijkstra's algorithm, as
        PATHSAMPLE's DIJKSTRA keyword; Wales, Mol. Phys. 100, 3285 (2002) and
        Int. Rev. Phys. Chem. 25, 237 (2006)); the next fastest are the next
        loopless routes in that order (Yen's algorithm,
        :func:`networkx.shortest_simple_paths`). Of parallel transition states
        between two minima, the one of largest branching probability is used.

        Parameters
        ----------
        i, j : int
            Start and end minima (different).
        T : float
            Temperature.
        n_paths : int, default=1
            Number of routes, fastest first (fewer if fewer loopless routes exist).

        Returns
        -------
        paths : list of LandscapePath
            With ``log_probability`` set, decreasing.

        Raises
        ------
        ValueError
            If an index is out of range, ``i == j``, or no route joins them.
        """
        import networkx as nx

        i, j = self._check_minimum(i, "i"), self._check_minimum(j, "j")
        if i == j:
            raise ValueError("i and j must be different minima.")
        if isinstance(n_paths, bool) or not isinstance(n_paths, Integral) or n_paths < 1:
            raise ValueError(f"n_paths must be a positive integer, got {n_paths!r}.")
        temperatures, scalar = check_temperature(T)
        if not scalar:
            raise ValueError("fastest_paths needs a single temperature T.")
        graph = self._branching_graph(temperatures[0])
        if i not in graph or j not in graph or not nx.has_path(graph, i, j):
            raise ValueError(f"no transition states join minima {i} and {j}.")
        paths = []
        for route in nx.shortest_simple_paths(graph, i, j, weight="weight"):
            steps = list(zip(route[:-1], route[1:], strict=True))
            states = [graph.edges[a, b]["ts"] for a, b in steps]
            log_probability = -sum(graph.edges[a, b]["weight"] for a, b in steps)
            paths.append(self._landscape_path(route, states, float(log_probability)))
            if len(paths) == n_paths:
                break
        return paths

    def _branching_graph(self, T):
        """DiGraph with edge ``a -> b`` weighted ``-ln P_ba`` over its most likely TS."""
        import networkx as nx

        proper = self._proper_transition_states
        sources, targets, log_rates, log_total = self._log_rate_edges(T)
        states = np.concatenate([proper, proper])
        weights = log_total[sources] - log_rates
        graph = nx.DiGraph()
        for a, b, w, t in zip(sources, targets, weights, states, strict=True):
            if not np.isfinite(w):
                continue
            a, b = int(a), int(b)
            if not graph.has_edge(a, b) or w < graph.edges[a, b]["weight"]:
                graph.add_edge(a, b, weight=max(float(w), 0.0), ts=int(t))
        return graph

    def linear_interpolation(self, i, j, fun, n=51):
        """Loss along the straight line between the stored coordinates of two minima.

        Evaluates ``fun((1 - t) x_i + t x_j)`` at ``n`` equally spaced
        ``t`` in [0, 1]; compare with :meth:`path` (the monotonic linear
        interpolation question: is the straight line free of barriers?).
        ``minima.x`` holds canonical forms, so this is the segment between the
        canonical representatives; symmetry-related copies of either minimum
        (permuted or sign-flipped hidden units, relabelled centres) give
        other, usually higher, straight-line profiles.

        Parameters
        ----------
        i, j : int
            Minima indices.
        fun : callable
            ``fun(x) -> float`` (or ``(float, gradient)``, as scipy's
            ``jac=True``), the loss of a parameter vector; estimators give one
            with :func:`sklandscape.inspection.loss_function`.
        n : int, default=51
            Number of points, at least 2.

        Returns
        -------
        InterpolationProfile

        Raises
        ------
        ValueError
            On bad indices, ``n < 2``, a landscape without coordinates, or a
            non-finite loss.

        Examples
        --------
        >>> import numpy as np
        >>> from sklandscape import Landscape
        >>> ls = Landscape.from_arrays([-1.0, -1.0], [0.0], [[0, 1]], n_params=1,
        ...                            minima_x=[[-1.0], [1.0]])
        >>> profile = ls.linear_interpolation(0, 1, lambda x: (x[0]**2 - 1)**2 - 1, n=3)
        >>> profile.energy.tolist()
        [-1.0, 0.0, -1.0]
        """
        i, j = self._check_minimum(i, "i"), self._check_minimum(j, "j")
        if not isinstance(n, int | np.integer) or n < 2:
            raise ValueError(f"n must be an integer >= 2, got {n!r}.")
        if not callable(fun):
            raise TypeError(f"fun must be callable, got {type(fun).__name__}.")
        if self.minima.x.shape[1] == 0:
            raise ValueError("the landscape stores no coordinates (minima.x has 0 columns).")
        start, end = self.minima.x[i], self.minima.x[j]
        t = np.linspace(0.0, 1.0, int(n))
        energy = np.array([_loss_value(fun((1.0 - s) * start + s * end)) for s in t])
        if not np.all(np.isfinite(energy)):
            raise ValueError("fun returned a non-finite loss on the segment.")
        return InterpolationProfile(t, t * float(np.linalg.norm(end - start)), energy)

    def plot_path(self, i, j, fun=None, ax=None, *, n=51):
        """Plot the minimax route's profile and, with ``fun``, the straight-line one.

        Both are drawn against the fraction of their own length (Euclidean
        length of the segments joining stationary points for the route, of
        the straight segment for the interpolation; steps when no coordinates
        are stored), so both run from 0 (minimum ``i``) to 1 (minimum ``j``).

        Parameters
        ----------
        i, j : int
            Minima indices.
        fun : callable, optional
            Loss of a parameter vector, as in :meth:`linear_interpolation`.
        ax : matplotlib Axes, optional
            Drawn on a new figure when omitted.
        n : int, default=51
            Points of the straight-line profile.

        Returns
        -------
        ax : matplotlib Axes
        """
        from ._plot import _axes

        route = self.path(i, j)
        ax = _axes(ax)
        length = route.distance[-1] if route.distance[-1] > 0 else 1.0
        ax.plot(
            route.distance / length,
            route.energy,
            "o-",
            color="tab:blue",
            label=f"minimax route ({route.transition_states.size} TS)",
        )
        if fun is not None:
            line = self.linear_interpolation(i, j, fun, n=n)
            ax.plot(line.t, line.energy, "-", color="tab:orange", label="straight line")
        ax.set_xlabel(f"fraction of the way from minimum {i} to minimum {j}")
        ax.set_ylabel("energy (loss)")
        ax.legend(loc="best", fontsize="small")
        return ax

    def plot_trajectory(self, basins, ax=None, *, n_levels=20, energy_range=None, trim=True):
        """Draw a trajectory's visits to basins on the disconnectivity graph.

        The minima whose basins a trajectory passes (see
        :func:`sklandscape.inspection.trajectory_basins`) are coloured and
        labelled, and a line joins the leaves in the order of the visits
        (consecutive repeats merged; -1 entries, basins outside the landscape,
        and minima not drawn on the graph are skipped).

        Parameters
        ----------
        basins : array-like of int, shape (n_points,)
            Minimum index of each point of the trajectory, in order.
        ax : matplotlib Axes, optional
        n_levels, energy_range, trim
            As in :meth:`plot_disconnectivity`.

        Returns
        -------
        ax : matplotlib Axes
        """
        basins = np.asarray(basins)
        if basins.ndim != 1 or (basins.size and not np.issubdtype(basins.dtype, np.integer)):
            raise ValueError("basins must be a 1-d array of minima indices (-1 for unknown).")
        if np.any((basins < -1) | (basins >= self.n_minima)):
            raise ValueError(f"basins must lie in [-1, {self.n_minima}).")
        tree = self.disconnectivity(n_levels, energy_range=energy_range, trim=trim)
        drawn = basins[basins >= 0]
        drawn = drawn[~np.isnan(tree.leaf_x[drawn])]
        visits = drawn[np.concatenate([[True], drawn[1:] != drawn[:-1]])] if drawn.size else drawn
        ax = self.plot_disconnectivity(
            ax,
            n_levels=n_levels,
            energy_range=energy_range,
            trim=trim,
            highlight={"visited basins": np.unique(visits)},
            label_minima=np.unique(visits).tolist(),
        )
        if visits.size:
            ax.plot(
                tree.leaf_x[visits],
                tree.energy[visits],
                "o--",
                color="tab:red",
                alpha=0.7,
                label="trajectory",
            )
            ax.legend(loc="upper right", fontsize="small")
        return ax


def _loss_value(value):
    """The float loss of a ``fun`` result (a float, or ``(float, gradient)``)."""
    if isinstance(value, tuple):
        value = value[0]
    return float(value)
