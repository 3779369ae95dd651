"""Funnels and conserved parameters: which minima drain together, and what they share.

A funnel is the set of minima that drain to one monotonic sequence basin
(MSB) bottom (Berry & Kunz, Phys. Rev. Lett. 74, 3951 (1995); Wales,
*Energy Landscapes*, 2003). Parameters that barely change across the minima
of a funnel are the ones the solutions in that funnel rely on (Niroomand et
al., Digital Discovery 2024, sections 5.1 and 5.3 and Fig. 4).
"""

from dataclasses import dataclass
from numbers import Integral

import numpy as np

from ._checks import check_minima_set

__all__ = ["ConservedParameters", "FunnelMixin"]


@dataclass(frozen=True, eq=False)
class ConservedParameters:
    """Per-parameter spread across a set of minima, most conserved first.

    Attributes
    ----------
    minima : ndarray of int
        The minima compared (sorted).
    mean : ndarray of shape (n_params,)
        Mean of each canonical coordinate over those minima.
    spread : ndarray of shape (n_params,)
        Standard deviation (``ddof=0``) of each canonical coordinate.
    order : ndarray of int, shape (n_params,)
        Parameter indices from the smallest spread to the largest (stable
        sort, so ties keep their index order).
    """

    minima: np.ndarray
    mean: np.ndarray
    spread: np.ndarray
    order: np.ndarray


class FunnelMixin:
    """Funnel membership and conserved parameters (mixed into Landscape)."""

    def funnels(self):
        """The MSB bottom every minimum drains to along its lowest-barrier downhill route.

        From each minimum that is not an MSB bottom, the route steps to the
        lower neighbour reached through the lowest transition state (ties:
        the lower neighbour, then the smaller index), and repeats until it
        reaches a minimum with no lower neighbour, the bottom of a monotonic
        sequence basin (see :meth:`monotonic_sequence_basins`). Every step
        goes down in energy, so the route ends; minima are processed from the
        lowest up, so the cost is O(n_ts + n_min log n_min).

        Returns
        -------
        funnel : ndarray of int, shape (n_min,)
            Index of the MSB bottom each minimum drains to (an MSB bottom is
            its own funnel).

        Examples
        --------
        >>> from sklandscape import Landscape
        >>> ls = Landscape.from_arrays([0.0, 1.0, 0.5, 2.0], [2.0, 1.5, 2.5],
        ...                            [[0, 1], [1, 2], [3, 0]])
        >>> ls.funnels().tolist()
        [0, 2, 2, 0]
        """
        energy = self.minima.energy
        states = self._proper_transition_states
        best_route = {}
        for t in states:
            a, b = (int(m) for m in self.transition_states.minima[t])
            if energy[a] == energy[b]:
                continue
            upper, lower = (a, b) if energy[a] > energy[b] else (b, a)
            key = (float(self.transition_states.energy[t]), float(energy[lower]), lower)
            if upper not in best_route or key < best_route[upper]:
                best_route[upper] = key
        funnel = np.arange(self.n_minima, dtype=np.int64)
        for m in np.argsort(energy, kind="stable"):
            if int(m) in best_route:
                funnel[m] = funnel[best_route[int(m)][2]]
        return funnel

    def conserved_parameters(self, minima=None, *, funnel=None):
        """Spread of each parameter across minima, ranked from most to least conserved.

        Compares the canonical coordinates ``minima.x`` (the objective's
        canonical form, so permutation or sign symmetries of the model do not
        show as variation): the spread of parameter ``k`` over the chosen set
        ``A`` of minima is the standard deviation
        ``s_k = sqrt(mean_{a in A} (x_ak - mean_{b in A} x_bk)^2)``.
        Parameters with small ``s_k`` are shared by every solution of the set.

        Parameters
        ----------
        minima : int or iterable of int, optional
            The minima to compare. Give this or ``funnel``; with neither, all minima.
        funnel : int, optional
            An MSB bottom: compare the minima of its funnel (see :meth:`funnels`).

        Returns
        -------
        ConservedParameters

        Raises
        ------
        ValueError
            If both ``minima`` and ``funnel`` are given, ``funnel`` is not an MSB
            bottom, fewer than two minima are chosen, or the landscape stores
            no coordinates.

        Examples
        --------
        >>> from sklandscape import Landscape
        >>> ls = Landscape.from_arrays([0.0, 1.0], [2.0], [[0, 1]], n_params=2,
        ...                            minima_x=[[1.0, 3.0], [1.0, -3.0]])
        >>> result = ls.conserved_parameters()
        >>> result.order.tolist(), result.spread.tolist()
        ([0, 1], [0.0, 3.0])
        """
        if self.minima.x.shape[1] == 0:
            raise ValueError("the landscape stores no coordinates (minima.x has 0 columns).")
        if minima is not None and funnel is not None:
            raise ValueError("give minima or funnel, not both.")
        if funnel is not None:
            if not isinstance(funnel, Integral | np.integer):
                raise ValueError(f"funnel must be an MSB index, got {funnel!r}.")
            labels = self.funnels()
            if not 0 <= int(funnel) < self.n_minima or labels[int(funnel)] != int(funnel):
                raise ValueError(
                    f"funnel={funnel} is not an MSB bottom; MSBs are "
                    f"{self.monotonic_sequence_basins()}."
                )
            chosen = np.flatnonzero(labels == int(funnel))
        elif minima is not None:
            chosen = check_minima_set(minima, self.n_minima, "minima")
        else:
            chosen = np.arange(self.n_minima)
        if chosen.size < 2:
            raise ValueError(
                f"conserved parameters need at least two minima, got {chosen.tolist()}."
            )
        x = self.minima.x[chosen]
        spread = x.std(axis=0)
        return ConservedParameters(
            minima=chosen,
            mean=x.mean(axis=0),
            spread=spread,
            order=np.argsort(spread, kind="stable"),
        )
