"""Free-energy landscapes: minima regrouped by free-energy barriers at a temperature.

At temperature ``T`` every minimum ``a`` has the free energy ``F_a = -T ln Z_a``
and every transition state ``t`` the free energy

    F_t = -T ln Z_t + (T / 2) ln(2 pi T),

(``Z`` the harmonic partition functions of :mod:`._harmonic`, ``Z_t`` without
the reaction coordinate; the last term is the reaction coordinate's share of
the flux), chosen so that the harmonic TST rate is exactly

    k_a->b(t) = T exp(-(F_t - F_a) / T),

the form ``(k_B T / h) exp(-dF / k_B T)`` of Carr & Wales (J. Phys. Chem. B
112, 8760 (2008)) with ``k_B = h = 1``. Free-energy differences between
points are theirs exactly. A loss has no natural unit of time, so ``h = 1``
(with unit masses and the loss's units) is a convention: a free-energy
barrier is ``-T ln(k / T)``, negative when the TST rate exceeds ``T``, and
thresholds are read in that convention.

Regrouping (Carr & Wales 2008): start from one group per minimum; the group
free energy is ``F_J = -T ln sum_{a in J} Z_a``, and the transition states
joining groups ``I`` and ``J`` combine into ``F_IJ = -T ln sum_t exp(-F_t / T)``,
so that ``k_I->J = T exp(-(F_IJ - F_I) / T)`` is the local-equilibrium sum of
the TST rates out of ``I`` into ``J``. Two groups merge when the lower of the
barriers ``F_IJ - F_I``, ``F_IJ - F_J`` is below the threshold; all such pairs
merge at once (union-find), and the step repeats until nothing changes.
Groups then obey detailed balance, ``exp(-F_I / T) k_I->J = exp(-F_J / T)
k_J->I``, and their occupation probabilities are the sums of their members'.
"""

import numpy as np

from ._checks import check_temperature
from ._harmonic import LOG_2PI, log_partition_terms
from ._rates import _logsumexp_groups

__all__ = ["FreeEnergyMixin"]


class FreeEnergyMixin:
    """Free energies of stationary points and free-energy regrouping (mixed into Landscape)."""

    def _point_free_energies(self, T):
        """``(F_a, F_t)`` of every minimum and every proper transition state at ``T``."""
        temperatures = np.array([T])
        log_z_min = log_partition_terms(self.minima, self.n_params, temperatures)[0][0]
        log_z_ts = log_partition_terms(
            self.transition_states, self.n_params, temperatures, transition_states=True
        )[0][0]
        f_min = -T * log_z_min
        f_ts = -T * log_z_ts + 0.5 * T * (LOG_2PI + np.log(T))
        return f_min, f_ts

    def free_energy_landscape(self, T, threshold=0.0):
        """The free-energy landscape at ``T``: minima regrouped by free-energy barriers.

        See the module notes for the formulas (Carr & Wales, J. Phys. Chem. B
        112, 8760 (2008)).

        Parameters
        ----------
        T : float
            Temperature.
        threshold : float, default=0.0
            Groups separated by a free-energy barrier (from either side) below
            this merge. With 0 only negative barriers (TST rates faster than
            ``T``) merge, so a landscape whose free-energy barriers are all
            positive keeps one group per minimum.

        Returns
        -------
        Landscape
            One "minimum" per group with ``energy`` ``F_J``, one "transition
            state" per pair of adjacent groups with ``energy`` ``F_IJ``, built
            so that its occupation probabilities and TST rates at ``T`` are
            those of the groups (``n_params = 1``; minima with one mode and
            ``log_hessian_product`` 0, TSs with none and ``-2 ln(2 pi T)``).
            Its ``minima`` table has the columns ``representative`` (the
            member of lowest potential energy) and ``size``; its ``metadata``
            holds ``temperature``, ``threshold`` and ``groups`` (the members of
            each group, sorted). Groups are ordered by free energy. Draw it with
            :meth:`plot_disconnectivity` like any landscape.

        Examples
        --------
        >>> from sklandscape import Landscape
        >>> ls = Landscape.from_arrays([0.0, 0.05, 1.0], [0.1, 2.0], [[0, 1], [1, 2]])
        >>> fe = ls.free_energy_landscape(0.2, threshold=0.5)
        >>> fe.metadata["groups"]
        [[0, 1], [2]]
        """
        from ._landscape import Landscape

        temperatures, scalar = check_temperature(T)
        if not scalar:
            raise ValueError("free_energy_landscape needs a single temperature T.")
        if not (np.isfinite(threshold) and threshold >= 0):
            raise ValueError(f"threshold must be finite and non-negative, got {threshold!r}.")
        if self.n_minima == 0:
            raise ValueError("the landscape has no minima.")
        T = float(temperatures[0])
        f_min, f_ts = self._point_free_energies(T)
        proper = self._proper_transition_states
        pairs = self.transition_states.minima[proper]
        f_ts = f_ts[proper]
        label = np.arange(self.n_minima)
        while True:
            f_group, group_pairs, f_pair = _grouped(label, f_min, pairs, f_ts, T)
            barrier = np.minimum(
                f_pair - f_group[group_pairs[:, 0]], f_pair - f_group[group_pairs[:, 1]]
            )
            merge = group_pairs[barrier < threshold]
            if merge.size == 0:
                break
            label = _merge_labels(label, merge)
        order = np.argsort(f_group, kind="stable")
        rank = np.empty_like(order)
        rank[order] = np.arange(order.size)
        members = [np.flatnonzero(label == g) for g in order]
        energy = self.minima.energy
        representative = np.array([m[np.argmin(energy[m])] for m in members], dtype=np.int64)
        ts_pairs = np.sort(rank[group_pairs], axis=1) if group_pairs.size else group_pairs
        ts_order = np.argsort(f_pair, kind="stable")
        n_groups, n_links = len(members), f_pair.size
        minima = {
            "energy": f_group[order],
            "log_hessian_product": np.zeros(n_groups),
            "x": np.empty((n_groups, 0)),
            "n_modes": np.ones(n_groups, dtype=np.int64),
            "representative": representative,
            "size": np.array([m.size for m in members], dtype=np.int64),
        }
        states = {
            "energy": f_pair[ts_order],
            "minima": ts_pairs[ts_order].reshape(n_links, 2),
            "log_hessian_product": np.full(n_links, -2.0 * (LOG_2PI + np.log(T))),
            "x": np.empty((n_links, 0)),
            "n_modes": np.zeros(n_links, dtype=np.int64),
        }
        metadata = {
            "temperature": T,
            "threshold": float(threshold),
            "groups": [m.tolist() for m in members],
        }
        return Landscape(minima, states, 1, metadata)


def _grouped(label, f_min, pairs, f_ts, T):
    """Group free energies, adjacent group pairs and their combined TS free energies.

    ``label`` maps minima to groups ``0..n_groups-1``; TSs inside one group are
    dropped.
    """
    n_groups = int(label.max()) + 1
    f_group = -T * _logsumexp_groups(-f_min / T, label, n_groups)
    ends = label[pairs] if pairs.size else np.empty((0, 2), dtype=np.int64)
    between = ends[:, 0] != ends[:, 1]
    ends = np.sort(ends[between], axis=1)
    if ends.size == 0:
        return f_group, np.empty((0, 2), dtype=np.int64), np.empty(0)
    unique, inverse = np.unique(ends, axis=0, return_inverse=True)
    f_pair = -T * _logsumexp_groups(-f_ts[between] / T, inverse.ravel(), len(unique))
    return f_group, unique, f_pair


def _merge_labels(label, merge):
    """Relabel after joining every pair of groups in ``merge`` (union-find), labels 0..n-1."""
    parent = np.arange(int(label.max()) + 1)

    def find(g):
        while parent[g] != g:
            parent[g] = parent[parent[g]]
            g = parent[g]
        return g

    for a, b in merge:
        root_a, root_b = find(a), find(b)
        if root_a != root_b:
            parent[max(root_a, root_b)] = min(root_a, root_b)
    roots = np.array([find(g) for g in range(parent.size)])
    _, compact = np.unique(roots, return_inverse=True)
    return compact[label]
