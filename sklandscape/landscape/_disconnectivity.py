"""Disconnectivity graphs: the tree of superbasins of a landscape.

At a set of energy levels ``E_1 < ... < E_n`` the minima strictly below each
level are grouped into superbasins: two minima share a superbasin when a path joins them
whose transition states all lie at or below the level (Becker & Karplus,
J. Chem. Phys. 106, 1495 (1997); Wales, Miller & Walsh, Nature 394, 758
(1998)). Superbasins at consecutive levels nest, which makes a tree; each
minimum is a leaf hanging from the first level above it. The superbasins
come from one union-find pass over the transition states sorted by energy.

Layout: at every node the children are ordered by their lowest minimum,
placed centre-out (lowest in the middle, then alternately right and left),
so the global minimum's branch runs down the centre. Minima that no
transition state joins (separate connected components of the network) make
separate trees, side by side from left to right in the order of their lowest
minimum, one empty leaf slot apart; the global minimum's tree comes first.
"""

from dataclasses import dataclass

import numpy as np

__all__ = ["DisconnectivityMixin", "DisconnectivityTree"]


@dataclass(frozen=True, eq=False)
class DisconnectivityTree:
    """Superbasins of a landscape at a set of energy levels, with a layout.

    Attributes
    ----------
    levels : ndarray of shape (n_levels,)
        Increasing energies of the levels.
    minima : ndarray of int
        Minima in the tree, in left-to-right order.
    energy : ndarray of shape (n_min,)
        Energies of all minima of the landscape.
    basin : ndarray of int, shape (n_levels, n_min)
        Node holding each minimum at each level; -1 when the minimum lies
        above the level or is not in the tree.
    leaf_level : ndarray of int, shape (n_min,)
        First level strictly above each minimum (-1 when not in the tree).
    leaf_x : ndarray of shape (n_min,)
        Horizontal position of each leaf (NaN when not in the tree): 0, 1, 2, ...
        within a connected component, with one empty slot between components.
    node_level, node_parent : ndarray of int, shape (n_nodes,)
        Level of each node and its parent one level up (-1 at the top).
    node_x : ndarray of shape (n_nodes,)
        Horizontal position of each node: the mean of its children's.
    node_size : ndarray of int, shape (n_nodes,)
        Number of minima in each node.
    component : ndarray of int, shape (n_min,)
        Connected component of each minimum in the network of all transition
        states, numbered 0, 1, ... in the order of their lowest minimum (0 holds
        the global minimum).
    """

    levels: np.ndarray
    minima: np.ndarray
    energy: np.ndarray
    basin: np.ndarray
    leaf_level: np.ndarray
    leaf_x: np.ndarray
    node_level: np.ndarray
    node_parent: np.ndarray
    node_x: np.ndarray
    node_size: np.ndarray
    component: np.ndarray

    @property
    def n_nodes(self):
        """Number of superbasin nodes over all levels."""
        return self.node_level.size

    @property
    def n_components(self):
        """Number of connected components among the minima in the tree."""
        return np.unique(self.component[self.minima]).size

    def left_out(self):
        """Minima of the landscape that the tree leaves out, by reason.

        Returns
        -------
        above_window : ndarray of int
            Minima at or above the top level (outside the energy window).
        not_joined : ndarray of int
            Minima below the top level that are not joined to the global
            minimum by transition states at or below it (left out by ``trim``).
        """
        out = self.leaf_level < 0
        above = self.energy >= self.levels[-1]
        return np.flatnonzero(out & above), np.flatnonzero(out & ~above)

    def leaf_segments(self):
        """Line segments from each leaf minimum up to its first node.

        Returns
        -------
        segments : ndarray of shape (n_leaves, 2, 2)
            ``[[x_min, E_min], [x_node, E_level]]``, in the order of :attr:`minima`.
        """
        leaves = self.minima
        first = self.leaf_level[leaves]
        nodes = self.basin[first, leaves]
        start = np.column_stack([self.leaf_x[leaves], self.energy[leaves]])
        end = np.column_stack([self.node_x[nodes], self.levels[first]])
        return np.stack([start, end], axis=1)

    def branch_segments(self):
        """Line segments from each node to its parent one level up.

        Returns
        -------
        segments : ndarray of shape (n_branches, 2, 2)
        """
        child = np.flatnonzero(self.node_parent >= 0)
        parent = self.node_parent[child]
        start = np.column_stack([self.node_x[child], self.levels[self.node_level[child]]])
        end = np.column_stack([self.node_x[parent], self.levels[self.node_level[parent]]])
        return np.stack([start, end], axis=1)


def build_tree(energy, ts_energy, ts_pairs, root, n_levels, energy_range, trim):
    """Disconnectivity tree of minima ``energy`` joined by TSs (``ts_pairs``, no self-TSs)."""
    order = np.argsort(ts_energy, kind="stable")
    ts_energy, ts_pairs = ts_energy[order], ts_pairs[order]
    if energy_range is None:
        low, top = _default_window(energy, ts_energy, ts_pairs, root, trim)
        # Half a level above the highest minimum or TS, so every leaf has length.
        high = low + (top - low) * n_levels / (n_levels - 0.5)
    else:
        low, high = (float(v) for v in energy_range)
        if not (np.isfinite(low) and np.isfinite(high) and low < high):
            raise ValueError(
                f"energy_range must be two finite energies low < high, got {energy_range}."
            )
    levels = low + (high - low) * np.arange(1, n_levels + 1) / n_levels
    levels[-1] = high
    kept = energy < high
    if trim:
        joined = _components(energy.size, ts_pairs[ts_energy <= high])
        kept &= joined == joined[root]
    component = _ranked_components(energy, ts_pairs)
    basin, node_level, node_parent = _superbasins(energy, ts_energy, ts_pairs, kept, levels)
    leaf_level = np.where(kept, np.searchsorted(levels, energy, side="right"), -1)
    node_size = np.bincount(basin[basin >= 0], minlength=node_level.size)
    node_lowest = np.full(node_level.size, np.inf)
    for level in range(n_levels):
        present = basin[level] >= 0
        np.minimum.at(node_lowest, basin[level, present], energy[present])
    leaves_in_order, leaf_x, node_x = _layout(
        energy, basin, leaf_level, node_level, node_parent, node_lowest, component
    )
    return DisconnectivityTree(
        levels=levels,
        minima=leaves_in_order,
        energy=np.array(energy, dtype=float),
        basin=basin,
        leaf_level=leaf_level,
        leaf_x=leaf_x,
        node_level=node_level,
        node_parent=node_parent,
        node_x=node_x,
        node_size=node_size,
        component=component,
    )


def _find_roots(parent):
    """Root of every element of a union-find ``parent`` array (pointer jumping)."""
    roots = parent.copy()
    while True:
        jumped = parent[roots]
        if np.array_equal(jumped, roots):
            return roots
        roots = jumped


def _union(parent, a, b):
    """Join the sets of ``a`` and ``b`` (path halving); return whether they were apart."""
    while parent[a] != a:
        parent[a] = parent[parent[a]]
        a = parent[a]
    while parent[b] != b:
        parent[b] = parent[parent[b]]
        b = parent[b]
    if a == b:
        return False
    parent[max(a, b)] = min(a, b)
    return True


def _components(n_min, ts_pairs):
    """Component label (a root index) of every minimum through the given TSs."""
    parent = list(range(n_min))
    for a, b in ts_pairs.tolist():
        _union(parent, a, b)
    return _find_roots(np.array(parent, dtype=np.int64))


def _ranked_components(energy, ts_pairs):
    """Connected component of every minimum, numbered by the component's lowest minimum."""
    roots = _components(energy.size, ts_pairs)
    labels, inverse = np.unique(roots, return_inverse=True)
    lowest = np.full(labels.size, np.inf)
    np.minimum.at(lowest, inverse, energy)
    rank = np.empty(labels.size, dtype=np.int64)
    rank[np.lexsort((labels, lowest))] = np.arange(labels.size)
    return rank[inverse]


def _default_window(energy, ts_energy, ts_pairs, root, trim):
    """From the lowest drawn minimum to the energy at which all drawn minima are joined.

    The top is the highest TS of the minimum spanning forest (of the root's tree
    when trimming), and at least the highest drawn minimum.
    """
    parent = list(range(energy.size))
    merging = np.array([_union(parent, a, b) for a, b in ts_pairs.tolist()], dtype=bool)
    component = _find_roots(np.array(parent, dtype=np.int64))
    members = component == component[root] if trim else np.ones(energy.size, dtype=bool)
    low, high = energy[members].min(), energy[members].max()
    merges = merging & members[ts_pairs[:, 0]] if len(ts_pairs) else merging
    if merges.any():
        high = max(high, ts_energy[merges].max())
    if high <= low:
        high = low + 1e-3 * max(1.0, abs(low))
    return float(low), float(high)


def _superbasins(energy, ts_energy, ts_pairs, kept, levels):
    """Node of every kept minimum at every level, node levels and parents."""
    n_levels, n_min = levels.size, energy.size
    parent = list(range(n_min))
    basin = np.full((n_levels, n_min), -1, dtype=np.int64)
    node_level = []
    next_ts = 0
    offset = 0
    for level, cut in enumerate(levels):
        while next_ts < ts_energy.size and ts_energy[next_ts] <= cut:
            a, b = ts_pairs[next_ts]
            if kept[a] and kept[b]:
                _union(parent, int(a), int(b))
            next_ts += 1
        present = np.flatnonzero(kept & (energy < cut))
        roots = _find_roots(np.array(parent, dtype=np.int64))[present]
        unique_roots, inverse = np.unique(roots, return_inverse=True)
        basin[level, present] = offset + inverse
        node_level.extend([level] * unique_roots.size)
        offset += unique_roots.size
    node_level = np.array(node_level, dtype=np.int64)
    node_parent = np.full(offset, -1, dtype=np.int64)
    for level in range(n_levels - 1):
        present = basin[level] >= 0
        node_parent[basin[level, present]] = basin[level + 1, present]
    return basin, node_level, node_parent


def _centre_out(items, keys):
    """Order ``items`` with the lowest key in the centre, then alternately right and left."""
    ranked = [items[i] for i in np.lexsort((np.arange(len(items)), keys))]
    right, left = ranked[1::2], ranked[2::2]
    return left[::-1] + ranked[:1] + right


def _layout(energy, basin, leaf_level, node_level, node_parent, node_lowest, component):
    """Leaf order and positions (centre-out at every node); node x = mean of children.

    The top nodes are grouped by connected component (in the order of the
    components' labels), each group centre-out; one empty slot separates groups.
    """
    n_nodes = node_level.size
    children = [[] for _ in range(n_nodes)]
    for node in np.flatnonzero(node_parent >= 0):
        children[node_parent[node]].append(("node", int(node), node_lowest[node]))
    for minimum in np.flatnonzero(leaf_level >= 0):
        node = basin[leaf_level[minimum], minimum]
        children[node].append(("leaf", int(minimum), energy[minimum]))
    top_level = node_level.max() if n_nodes else 0
    tops = [("node", int(n), node_lowest[n]) for n in np.flatnonzero(node_parent < 0)]
    tops = [t for t in tops if node_level[t[1]] == top_level] if n_nodes else []
    top_component = {}
    for minimum in np.flatnonzero(leaf_level >= 0):
        top_component[int(basin[top_level, minimum])] = int(component[minimum])
    ordered_tops = []
    for label in sorted({top_component[t[1]] for t in tops}):
        group = [t for t in tops if top_component[t[1]] == label]
        ordered_tops.extend(_centre_out(group, [t[2] for t in group]))
    leaf_x = np.full(energy.size, np.nan)
    order, x, previous = [], 0.0, None
    for top in ordered_tops:
        if previous is not None and top_component[top[1]] != previous:
            x += 1.0  # an empty slot between components
        previous = top_component[top[1]]
        stack = [top]
        while stack:
            kind, index, _ = stack.pop()
            if kind == "leaf":
                order.append(index)
                leaf_x[index] = x
                x += 1.0
                continue
            ranked = _centre_out(children[index], [c[2] for c in children[index]])
            stack.extend(reversed(ranked))
    node_x = np.zeros(n_nodes)
    for node in np.argsort(node_level, kind="stable"):
        xs = [leaf_x[i] if kind == "leaf" else node_x[i] for kind, i, _ in children[node]]
        node_x[node] = np.mean(xs)
    return np.array(order, dtype=np.int64), leaf_x, node_x


class DisconnectivityMixin:
    """The disconnectivity tree of a landscape (mixed into Landscape)."""

    def disconnectivity(self, n_levels=20, *, energy_range=None, trim=False):
        """Disconnectivity tree: superbasins at ``n_levels`` equally spaced energies.

        Minima are grouped at each level ``E_l`` into superbasins joined by
        transition states at or below ``E_l`` (Becker & Karplus, J. Chem. Phys.
        106, 1495 (1997)); union-find over the TSs sorted by energy. The global
        minimum's branch is laid out in the centre of its tree; minima that no
        transition state joins to it form separate trees to its right, one per
        connected component (:attr:`DisconnectivityTree.component`).

        Parameters
        ----------
        n_levels : int, default=20
            Number of levels, spaced equally from ``low`` (excluded) to ``high``.
        energy_range : (float, float), optional
            ``(low, high)``: levels ``low + (high - low) k / n_levels``, k = 1..n_levels;
            minima at or above ``high`` are left out. Default: from the lowest
            minimum to half a level above the highest drawn minimum and the
            transition state at which the drawn minima are all joined.
        trim : bool, default=False
            Keep only minima joined to the global minimum below ``high``;
            otherwise every component is kept, as a separate tree.
            :meth:`DisconnectivityTree.left_out` lists what a tree leaves out.

        Returns
        -------
        tree : DisconnectivityTree
        """
        if not isinstance(n_levels, int | np.integer) or n_levels < 1:
            raise ValueError(f"n_levels must be a positive integer, got {n_levels!r}.")
        proper = self._proper_transition_states
        return build_tree(
            np.asarray(self.minima.energy, dtype=float),
            np.asarray(self.transition_states.energy[proper], dtype=float),
            np.asarray(self.transition_states.minima[proper], dtype=np.int64).reshape(-1, 2),
            self.global_minimum,
            int(n_levels),
            energy_range,
            trim,
        )
