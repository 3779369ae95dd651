"""Network metrics of the kinetic transition network: MSBs, barriers, degrees, communities.

Minima are the nodes and transition states (TSs) the edges of the kinetic
transition network (Noé & Fischer, Curr. Opin. Struct. Biol. 18, 154 (2008);
Wales, *Energy Landscapes*, Cambridge University Press 2003). A TS whose two
minima coincide (possible in databases from other tools) joins nothing and is
ignored by every metric here; several TSs between one pair of minima count as
one connection for degrees and as parallel channels for rates.
"""

from functools import cached_property
from numbers import Integral

import networkx as nx
import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from ._checks import check_temperature

__all__ = ["NetworkMixin"]

COMMUNITY_METHODS = ("louvain", "greedy_modularity", "label_propagation")
COMMUNITY_WEIGHTS = ("rate", "barrier", None)


class NetworkMixin:
    """Graph metrics of a landscape (mixed into :class:`~sklandscape.Landscape`)."""

    # ------------------------------------------------------------ internals
    @cached_property
    def _proper_transition_states(self):
        """Indices of the TSs that join two different minima."""
        pairs = self.transition_states.minima
        if len(pairs) == 0:
            return np.empty(0, dtype=np.int64)
        return np.flatnonzero(pairs[:, 0] != pairs[:, 1])

    @cached_property
    def _transition_states_by_energy(self):
        """Proper TS indices sorted by increasing energy."""
        proper = self._proper_transition_states
        order = np.argsort(self.transition_states.energy[proper], kind="stable")
        return proper[order]

    def _check_minimum(self, index, name):
        if not isinstance(index, Integral | np.integer):
            raise ValueError(f"{name} must be an integer minimum index, got {index!r}.")
        if not 0 <= int(index) < self.n_minima:
            raise ValueError(f"{name}={index} is out of range [0, {self.n_minima}).")
        return int(index)

    def _minimax_energies(self, root):
        """Energy of the highest TS on the minimax path from every minimum to ``root``.

        Kruskal's union-find over TSs sorted by energy: when the component of
        ``root`` absorbs another component at TS energy ``E``, every minimum of
        that component has minimax barrier ``E`` (the minimum spanning tree
        holds every minimax path). ``inf`` marks minima with no path; the root
        gets its own energy. Smaller components merge into larger ones, so the
        cost is O(n_ts + n_min log n_min).
        """
        energy = self.transition_states.energy
        pairs = self.transition_states.minima
        component = list(range(self.n_minima))
        members = [[i] for i in range(self.n_minima)]
        result = np.full(self.n_minima, np.inf)
        result[root] = self.minima.energy[root]
        for t in self._transition_states_by_energy:
            a, b = component[pairs[t, 0]], component[pairs[t, 1]]
            if a == b:
                continue
            root_component = component[root]
            if root_component in (a, b):
                joining = b if a == root_component else a
                result[members[joining]] = energy[t]
            if len(members[a]) < len(members[b]):
                a, b = b, a
            for m in members[b]:
                component[m] = a
            members[a].extend(members[b])
            members[b] = []
        return result

    def _pair_log_weights(self, T, weight):
        """Unique minima pairs and the log of their symmetric community weights."""
        proper = self._proper_transition_states
        pairs = np.sort(self.transition_states.minima[proper], axis=1)
        if weight == "rate":
            log_forward, log_backward = self._log_ts_rates(T, proper)
        else:
            energy_t = self.transition_states.energy[proper]
            ends = self.minima.energy[pairs]
            log_forward = -(energy_t - ends[:, 0]) / T
            log_backward = -(energy_t - ends[:, 1]) / T
        log_symmetric = 0.5 * (log_forward + log_backward)
        unique_pairs, inverse = np.unique(pairs, axis=0, return_inverse=True)
        return unique_pairs, _logsumexp_by_group(log_symmetric, inverse.ravel())

    # --------------------------------------------------------------- public
    def monotonic_sequence_basins(self):
        """Minima at the bottom of monotonic sequence basins (MSBs).

        A minimum is the bottom of an MSB when no transition state joins it to
        a lower minimum: every monotonic sequence (a path of successively lower
        minima) ends at one (Berry & Kunz, Phys. Rev. Lett. 74, 3951 (1995);
        Wales, *Energy Landscapes*, 2003). The number of MSBs is a proxy for the
        number of funnels; a single funnel has one. A minimum without any
        transition state is its own MSB.

        Returns
        -------
        msb : list of int
            Sorted minima indices.

        Examples
        --------
        >>> from sklandscape import Landscape
        >>> ls = Landscape.from_arrays([0.0, 1.0, 0.5], [2.0, 1.5], [[0, 1], [1, 2]])
        >>> ls.monotonic_sequence_basins()
        [0, 2]
        """
        pairs = self.transition_states.minima[self._proper_transition_states]
        energy = self.minima.energy
        has_lower = np.zeros(self.n_minima, dtype=bool)
        if len(pairs):
            e0, e1 = energy[pairs[:, 0]], energy[pairs[:, 1]]
            has_lower[pairs[e0 > e1, 0]] = True
            has_lower[pairs[e1 > e0, 1]] = True
        return np.flatnonzero(~has_lower).tolist()

    def barrier(self, i, j):
        """Energy of the highest transition state on the minimax path between two minima.

        The minimax path minimises the highest energy along the way; its highest
        TS is the lowest energy at which ``i`` and ``j`` join in the
        disconnectivity graph (Becker & Karplus, J. Chem. Phys. 106, 1495 (1997)).
        Found by union-find over TSs sorted by energy.

        Parameters
        ----------
        i, j : int
            Minima indices.

        Returns
        -------
        energy : float
            ``inf`` if no path joins them; the minimum's own energy if ``i == j``.

        Examples
        --------
        >>> from sklandscape import Landscape
        >>> ls = Landscape.from_arrays([0.0, 1.0, 0.5], [2.0, 1.5], [[0, 1], [1, 2]])
        >>> ls.barrier(0, 2)
        2.0
        """
        i, j = self._check_minimum(i, "i"), self._check_minimum(j, "j")
        return float(self._minimax_energies(i)[j])

    def degree(self):
        """Number of distinct minima joined to each minimum by a transition state.

        Several TSs between one pair count once; TSs joining a minimum to itself
        are ignored (Niroomand et al., Digital Discovery 2024, section 4.1.3: hubs
        of high degree are easy to find and key to moving through the space).

        Returns
        -------
        degree : ndarray of int, shape (n_min,)
        """
        pairs = self.transition_states.minima[self._proper_transition_states]
        if len(pairs) == 0:
            return np.zeros(self.n_minima, dtype=np.int64)
        unique_pairs = np.unique(np.sort(pairs, axis=1), axis=0)
        return np.bincount(unique_pairs.ravel(), minlength=self.n_minima)

    def degree_distribution(self):
        """Histogram of :meth:`degree`: entry ``k`` counts the minima of degree ``k``.

        Returns
        -------
        counts : ndarray of int, shape (max_degree + 1,)
        """
        return np.bincount(self.degree(), minlength=1) if self.n_minima else np.zeros(1, int)

    def connected_components(self):
        """Sets of minima joined by transition states, the global minimum's first.

        Returns
        -------
        components : list of ndarray of int
            Sorted indices; components ordered by their lowest energy.
        """
        if self.n_minima == 0:
            return []
        pairs = self.transition_states.minima[self._proper_transition_states]
        n = self.n_minima
        graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
        _, labels = connected_components(graph, directed=False)
        components = [np.flatnonzero(labels == k) for k in np.unique(labels)]
        return sorted(components, key=lambda c: (self.minima.energy[c].min(), c[0]))

    def communities(
        self, T=None, *, weight="rate", method="louvain", resolution=1.0, random_state=None
    ):
        """Communities of the transition network: groups of quickly interconverting minima.

        Community detection (networkx) on the network of minima, with one edge
        per connected pair weighted by (Niroomand et al., Digital Discovery 2024,
        section 4.1.3; Mezei, Comput. Phys. Commun. 2003):

        * ``"rate"``: the symmetrised harmonic TST rate ``sqrt(k_ab k_ba)``
          summed over the TSs of the pair (see :meth:`rate`);
        * ``"barrier"``: the same without vibrational prefactors,
          ``exp(-(L_t - (L_a + L_b)/2) / T)``;
        * ``None``: unweighted.

        Weights are scaled so the largest is one (TST rates span many orders
        of magnitude); a weight that underflows to zero leaves its pair unjoined.

        Parameters
        ----------
        T : float, optional
            Temperature for the weights (required unless ``weight=None``).
        weight : {"rate", "barrier"} or None, default="rate"
        method : {"louvain", "greedy_modularity", "label_propagation"}, default="louvain"
        resolution : float, default=1.0
            Modularity resolution (larger: smaller communities); not used by
            label propagation.
        random_state : int, numpy RandomState or None
            Seed of the randomised methods.

        Returns
        -------
        communities : list of ndarray of int
            Sorted indices; communities ordered by their lowest energy.
        """
        if method not in COMMUNITY_METHODS:
            raise ValueError(f"method must be one of {COMMUNITY_METHODS}, got {method!r}.")
        if weight not in COMMUNITY_WEIGHTS:
            raise ValueError(f"weight must be one of {COMMUNITY_WEIGHTS}, got {weight!r}.")
        graph = nx.Graph()
        graph.add_nodes_from(range(self.n_minima))
        if len(self._proper_transition_states):
            if weight is None:
                pairs = np.unique(
                    np.sort(self.transition_states.minima[self._proper_transition_states], 1),
                    axis=0,
                )
                weights = np.ones(len(pairs))
            else:
                if T is None:
                    raise ValueError(f"communities with weight={weight!r} needs a temperature T.")
                temperatures, scalar = check_temperature(T)
                if not scalar:
                    raise ValueError("communities needs a single temperature T.")
                pairs, log_weights = self._pair_log_weights(temperatures[0], weight)
                weights = np.exp(log_weights - log_weights.max())
            graph.add_weighted_edges_from(
                (int(a), int(b), float(w)) for (a, b), w in zip(pairs, weights, strict=True)
            )
        if method == "louvain":
            found = nx.community.louvain_communities(
                graph, weight="weight", resolution=resolution, seed=random_state
            )
        elif method == "greedy_modularity":
            found = nx.community.greedy_modularity_communities(
                graph, weight="weight", resolution=resolution
            )
        else:
            found = nx.community.asyn_lpa_communities(graph, weight="weight", seed=random_state)
        groups = [np.array(sorted(group), dtype=np.int64) for group in found]
        return sorted(groups, key=lambda c: (self.minima.energy[c].min(), c[0]))


def _logsumexp_by_group(values, groups):
    """``log sum exp`` of finite ``values`` within each group label ``0 .. G-1``."""
    n_groups = int(groups.max()) + 1
    peak = np.full(n_groups, -np.inf)
    np.maximum.at(peak, groups, values)
    sums = np.bincount(groups, weights=np.exp(values - peak[groups]), minlength=n_groups)
    return peak + np.log(sums)
