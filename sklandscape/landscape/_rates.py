"""Kinetics on the transition network: TST rates, first-passage times, rates, committors.

Each transition state ``t`` between minima ``a`` and ``b`` gives a harmonic
transition-state-theory rate constant (k_B = 1, unit masses)

    k_a->b(t) = sqrt(T / (2 pi)) Z_t(T) / Z_a(T),

with the harmonic partition functions of :mod:`._harmonic` (``Z_t`` without
the reaction coordinate; free modes, edge factors of coordinates held at a
bound, symmetry orders ``o``). When ``t`` has one mode fewer than ``a`` and
neither is on a bound this is the familiar

    k_a->b(t) = (o_a / o_t) exp((LPPHE_a - LPPHE_t) / 2 - (L_t - L_a) / T) / (2 pi),

(Wales, *Energy Landscapes*, 2003, with Hessian eigenvalues ``lambda = (2 pi nu)^2``;
``o`` 1 unless a ``pgorder`` column is present). It obeys detailed balance
with :meth:`occupation_probabilities`. Parallel TSs
add; TSs joining a minimum to itself are ignored.

The resulting Markov jump process (branching probabilities
``P_ab = k_ab / sum_c k_ac``, waiting times ``tau_a = 1 / sum_c k_ac``) is
reduced exactly by graph transformation (:mod:`._graph_transformation`;
Trygubenko & Wales, J. Chem. Phys. 124, 234110 (2006); Wales, J. Chem.
Phys. 130, 204111 (2009)).
"""

import numpy as np
from scipy.sparse import coo_matrix
from scipy.special import logsumexp

from ._checks import check_minima_set, check_temperature
from ._graph_transformation import GraphTransformation
from ._harmonic import LOG_2PI, log_partition_terms

__all__ = ["KineticsMixin"]

#: Rate definitions of :meth:`KineticsMixin.rate`.
RATE_KINDS = ("nss", "ss", "eigen")
#: Largest connected component ``rate(kind="eigen")`` diagonalises densely.
MAX_EIGEN_MINIMA = 2000


class KineticsMixin:
    """Rates, mean first-passage times and committors (mixed into Landscape)."""

    # ------------------------------------------------------------ internals
    def _log_ts_rates(self, T, transition_states):
        """``log k`` over each given TS, from its first minimum to its second and back.

        ``k_a->b(t) = sqrt(T / (2 pi)) Z_t(T) / Z_a(T)`` with the harmonic partition
        functions of :mod:`._harmonic` (the TS's without its reaction coordinate).
        """
        temperatures = np.array([float(T)])
        offset = self.minima.energy.min() if self.n_minima else 0.0
        log_z_min = log_partition_terms(self.minima, self.n_params, temperatures, offset=offset)[0]
        log_z_ts = log_partition_terms(
            self.transition_states,
            self.n_params,
            temperatures,
            transition_states=True,
            offset=offset,
        )[0][0, transition_states]
        pairs = self.transition_states.minima[transition_states]
        prefactor = 0.5 * (np.log(T) - LOG_2PI)
        return tuple(prefactor + log_z_ts - log_z_min[0, pairs[:, end]] for end in (0, 1))

    def _log_rate_edges(self, T):
        """Directed edges ``(sources, targets, log k)`` over proper TSs and ``log sum_j k_ij``."""
        proper = self._proper_transition_states
        pairs = self.transition_states.minima[proper]
        log_forward, log_backward = self._log_ts_rates(T, proper)
        sources = np.concatenate([pairs[:, 0], pairs[:, 1]])
        targets = np.concatenate([pairs[:, 1], pairs[:, 0]])
        log_rates = np.concatenate([log_forward, log_backward])
        log_total = np.full(self.n_minima, -np.inf)
        if log_rates.size:
            peak = np.full(self.n_minima, -np.inf)
            np.maximum.at(peak, sources, log_rates)
            sums = np.bincount(
                sources, weights=np.exp(log_rates - peak[sources]), minlength=self.n_minima
            )
            with np.errstate(divide="ignore"):
                log_total = peak + np.log(sums)
        return sources, targets, log_rates, log_total

    def _graph_transformation(self, T, boundary, track_time):
        """Run graph transformation at temperature ``T`` with the given absorbing minima."""
        sources, targets, log_rates, log_total = self._log_rate_edges(T)
        probabilities = np.exp(log_rates - log_total[sources])
        mask = np.zeros(self.n_minima, dtype=bool)
        mask[boundary] = True
        return GraphTransformation(
            self.n_minima,
            sources,
            targets,
            probabilities,
            -log_total if track_time else None,
            mask,
        )

    def _check_source_sink(self, source, sink):
        source = check_minima_set(source, self.n_minima, "source")
        sink = check_minima_set(sink, self.n_minima, "sink")
        overlap = np.intersect1d(source, sink)
        if overlap.size:
            raise ValueError(f"source and sink share minima {overlap.tolist()}.")
        return source, sink

    # --------------------------------------------------------------- public
    def mean_first_passage_times(self, sink, T):
        """Mean first-passage time from every minimum to a set of minima.

        Exact for the harmonic-TST Markov jump process, by graph transformation
        with back substitution (Trygubenko & Wales, J. Chem. Phys. 124, 234110
        (2006)): ``T_x = tau_x / (1 - P_xx) + sum_g P_xg T_g / (1 - P_xx)`` over the
        renormalised network. Computed in log space, so it stays accurate
        when times span many orders of magnitude.

        Parameters
        ----------
        sink : int or iterable of int
        T : float
            Temperature.

        Returns
        -------
        times : ndarray of shape (n_min,)
            Zero on the sink, ``inf`` where the sink cannot be reached (or the
            time overflows the float range).
        """
        sink = check_minima_set(sink, self.n_minima, "sink")
        temperatures, scalar = check_temperature(T)
        if not scalar:
            raise ValueError("mean_first_passage_times needs a single temperature T.")
        transformation = self._graph_transformation(temperatures[0], sink, track_time=True)
        return np.exp(transformation.log_first_passage_times())

    def rate(self, source, sink, T, kind="nss"):
        """Rate constant from one set of minima to another.

        With ``A`` the sink, ``B`` the source and ``p_b`` the equilibrium
        occupation probabilities (Wales, J. Chem. Phys. 130, 204111 (2009)):

        ``kind="nss"`` (default)
            ``k_AB = sum_{b in B} (p_b / p_B) / T_Ab``: the equilibrium-weighted
            average over the source of the inverse mean first-passage times to
            the sink, every minimum outside ``A`` (the source's included) in
            its non-steady state. For single minima it is exactly ``1 / T_ab``.
        ``kind="ss"``
            ``k_AB = sum_{b in B} (p_b / p_B) P'_Ab / tau'_b``: the intervening
            minima ``I`` (neither source nor sink) are put in steady state by
            graph transformation, leaving each ``b`` with the branching
            probability ``P'_Ab = sum_j P_bj q_j`` into ``A`` (``q_j`` the
            committor of ``j`` for ``A`` against ``B``) and the waiting time
            ``tau'_b = tau_b + sum_{j in I} P_bj T_j`` (``T_j`` the mean
            first-passage time from ``j`` to ``A u B``). Equal to NSS for a
            single source minimum; larger when the source's minima trade
            places with each other before leaving.
        ``kind="eigen"``
            ``k_AB = lambda_1 p_A / (p_A + p_B)``, from the smallest non-zero
            eigenvalue ``lambda_1`` of the rate matrix ``K_ij = k_j->i`` (off
            the diagonal), ``K_jj = -sum_i k_j->i`` of the connected component
            of source and sink: the two-state relation ``lambda_1 = k_AB +
            k_BA`` with detailed balance. Meaningful when ``A`` and ``B`` are
            the two slowest-exchanging states; a dense symmetric eigen-solve
            (``K`` similar to ``-sqrt(k_ij k_ji)`` by detailed balance), for at
            most :data:`MAX_EIGEN_MINIMA` minima and as long as ``lambda_1`` is
            above the solver's precision, ``n eps`` times the largest rate
            (else ``ValueError``).

        Each TS gives the harmonic TST rate (module docstring); NSS and SS are
        computed by graph transformation (Trygubenko & Wales, J. Chem. Phys.
        124, 234110 (2006)), free of subtraction, so rates spanning many orders
        of magnitude stay accurate.

        Parameters
        ----------
        source, sink : int or iterable of int
            Disjoint sets of minima.
        T : float or array-like of shape (n_T,)
        kind : {"nss", "ss", "eigen"}, default="nss"

        Returns
        -------
        k : float or ndarray of shape (n_T,)
            Zero when no path joins source and sink.

        Examples
        --------
        >>> import numpy as np
        >>> from sklandscape import Landscape
        >>> ls = Landscape.from_arrays([0.0, 0.5], [1.0], [[0, 1]])
        >>> bool(np.isclose(ls.rate(0, 1, T=1.0), np.exp(-1.0) / (2 * np.pi)))
        True
        """
        if kind not in RATE_KINDS:
            raise ValueError(f"kind must be one of {RATE_KINDS}, got {kind!r}.")
        source, sink = self._check_source_sink(source, sink)
        temperatures, scalar = check_temperature(T)
        method = {"nss": self._nss_rate, "ss": self._ss_rate, "eigen": self._eigen_rate}[kind]
        rates = np.array([method(source, sink, t) for t in temperatures])
        return float(rates[0]) if scalar else rates

    def _nss_rate(self, source, sink, temperature):
        transformation = self._graph_transformation(temperature, sink, track_time=True)
        log_times = transformation.log_first_passage_times()[source]
        log_p = self._log_occupation(np.array([temperature]), minima=source)[0]
        return float(np.exp(logsumexp(log_p - log_times)))

    def _ss_rate(self, source, sink, temperature):
        boundary = np.concatenate([source, sink])
        transformation = self._graph_transformation(temperature, boundary, track_time=True)
        log_times = transformation.log_first_passage_times()  # to A u B; -inf on it
        values = np.zeros(self.n_minima)
        values[sink] = 1.0
        committor = np.nan_to_num(transformation.absorption_values(values), nan=0.0)
        sources, targets, log_rates, _ = self._log_rate_edges(temperature)
        in_source = np.isin(sources, source)
        b, j, log_k = sources[in_source], targets[in_source], log_rates[in_source]
        position = np.searchsorted(source, b)
        with np.errstate(divide="ignore"):
            log_exit = _logsumexp_groups(log_k + np.log(committor[j]), position, source.size)
        log_detour = _logsumexp_groups(log_k + log_times[j], position, source.size)
        log_p = self._log_occupation(np.array([temperature]), minima=source)[0]
        return float(np.exp(logsumexp(log_p + log_exit - np.logaddexp(0.0, log_detour))))

    def _eigen_rate(self, source, sink, temperature):
        from scipy.sparse.csgraph import connected_components

        sources, targets, log_rates, _ = self._log_rate_edges(temperature)
        graph = coo_matrix((np.ones(sources.size), (sources, targets)), shape=(self.n_minima,) * 2)
        _, labels = connected_components(graph, directed=False)
        ends = np.concatenate([source, sink])
        if np.intersect1d(labels[source], labels[sink]).size == 0:
            return 0.0
        if np.unique(labels[ends]).size != 1:
            raise ValueError(
                "kind='eigen' needs source and sink in one connected component of the network."
            )
        members = np.flatnonzero(labels == labels[ends[0]])
        if members.size > MAX_EIGEN_MINIMA:
            raise ValueError(
                f"kind='eigen' is a dense eigen-solve, for at most {MAX_EIGEN_MINIMA} minima; "
                f"this component has {members.size}. Use kind='nss' or 'ss'."
            )
        index = np.full(self.n_minima, -1)
        index[members] = np.arange(members.size)
        keep = index[sources] >= 0
        scale = log_rates[keep].max()
        rates = np.zeros((members.size, members.size))
        np.add.at(
            rates,
            (index[sources[keep]], index[targets[keep]]),
            np.exp(log_rates[keep] - scale),
        )
        symmetric = np.sqrt(rates * rates.T)
        symmetric[np.diag_indices_from(symmetric)] = -rates.sum(axis=1)
        eigenvalues = np.linalg.eigvalsh(-symmetric)
        precision = members.size * np.finfo(float).eps * max(1.0, np.abs(eigenvalues).max())
        if eigenvalues[1] <= 1e3 * precision:
            raise ValueError(
                "kind='eigen': the smallest non-zero eigenvalue is below the precision of a "
                "dense eigen-solve at this temperature; use kind='nss' or 'ss'."
            )
        log_p = self._log_occupation(np.array([temperature]), minima=ends)[0]
        share = np.exp(logsumexp(log_p[source.size :]))
        return float(eigenvalues[1] * np.exp(scale) * share)

    def committor_probabilities(self, source, sink, T):
        """Committor probabilities: the chance to reach the sink before the source.

        ``q_x = sum_g P_xg q_g`` with ``q = 0`` on the source and ``1`` on the sink,
        solved by graph transformation and back substitution (Wales, J. Chem.
        Phys. 130, 204111 (2009); Stevenson & Wales, J. Chem. Phys. 141, 041104
        (2014)).

        Parameters
        ----------
        source, sink : int or iterable of int
            Disjoint sets of minima.
        T : float
            Temperature.

        Returns
        -------
        q : ndarray of shape (n_min,)
            NaN for minima joined to neither set.
        """
        source, sink = self._check_source_sink(source, sink)
        temperatures, scalar = check_temperature(T)
        if not scalar:
            raise ValueError("committor_probabilities needs a single temperature T.")
        boundary = np.concatenate([source, sink])
        transformation = self._graph_transformation(temperatures[0], boundary, track_time=False)
        values = np.zeros(self.n_minima)
        values[sink] = 1.0
        return transformation.absorption_values(values)


def _logsumexp_groups(log_values, groups, n_groups):
    """``log sum exp`` of ``log_values`` per group index (``-inf`` for empty groups)."""
    peak = np.full(n_groups, -np.inf)
    np.maximum.at(peak, groups, log_values)
    finite = np.isfinite(peak)
    safe = np.where(finite, peak, 0.0)
    sums = np.bincount(groups, weights=np.exp(log_values - safe[groups]), minlength=n_groups)
    with np.errstate(divide="ignore"):
        return np.where(finite, safe + np.log(sums), peak)
