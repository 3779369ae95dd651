"""Graph transformation: exact first-passage times and committors of a transition network.

A continuous-time Markov jump process on the minima is given by branching
probabilities ``P_ij`` (i -> j, rows summing to one) and mean waiting times
``tau_i``. Graph transformation (Trygubenko & Wales, J. Chem. Phys. 124,
234110 (2006); Wales, J. Chem. Phys. 130, 204111 (2009)) removes the
non-boundary ("interior") nodes one at a time; removing ``x`` renormalises
its neighbours so that every first-passage property to the boundary is
unchanged:

    P_bg <- P_bg + P_bx P_xg / (1 - P_xx),    tau_b <- tau_b + P_bx tau_x / (1 - P_xx).

Self-loops are never stored: ``1 - P_xx`` is computed as the sum of the
branching probabilities out of ``x`` to the nodes still present, a sum of
positive terms. Every step is then free of subtraction, so escape
probabilities spanning hundreds of orders of magnitude keep full relative
accuracy (the "1 - P_xx" trick of Wales 2009; it is the Grassmann-Taksar-Heyman
idea for Markov chains). Waiting times are carried as logarithms, so they may
exceed the float range before they are combined.

After the elimination, back substitution in reverse order gives the quantity
for every interior node at once,

    u_x = tau_x / (1 - P_xx) + sum_g P_xg u_g / (1 - P_xx),

with ``u`` on the boundary fixed: the mean first-passage time to the
boundary (``u = 0`` there) or the probability of absorption in a boundary
subset (committor; ``tau = 0``, ``u`` = 1 on the subset, 0 elsewhere). Both
are positive combinations as well.

Low-degree nodes are removed first (minimum-degree order, as sparse Gaussian
elimination), with Python dictionaries; once every remaining node has more
than ``dense_degree`` neighbours, the rest is eliminated as a dense matrix in
blocks, the trailing updates being matrix products (BLAS), still free of
subtraction.
"""

import heapq
import logging
import math

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

__all__ = ["GraphTransformation"]

logger = logging.getLogger(__name__)


class GraphTransformation:
    """Eliminate the interior nodes of a transition network (see the module docstring).

    Parameters
    ----------
    n_nodes : int
    sources, targets : ndarray of int, shape (n_edges,)
        Directed edges; parallel edges are summed. Each edge's reverse is
        added with probability zero when missing, so the pattern is symmetric.
    probabilities : ndarray of float, shape (n_edges,)
        Branching probabilities ``P_source,target`` (no self-loops).
    log_waiting : ndarray of shape (n_nodes,) or None
        ``log tau_i``. ``None`` when only absorption probabilities are needed.
    boundary : ndarray of bool, shape (n_nodes,)
        Absorbing nodes, never eliminated.
    dense_degree : int, default=32
        Switch to dense elimination when the sparsest remaining node has more
        neighbours than this.
    block_size : int, default=128
        Block size of the dense elimination.
    """

    def __init__(
        self,
        n_nodes,
        sources,
        targets,
        probabilities,
        log_waiting,
        boundary,
        *,
        dense_degree=32,
        block_size=128,
    ):
        self.n_nodes = n_nodes
        self.boundary = np.asarray(boundary, dtype=bool)
        self._track_time = log_waiting is not None
        self._log_tau = np.array(log_waiting, dtype=float) if self._track_time else None
        self._trapped = []
        self._sparse_records = []
        self._dense_nodes = np.empty(0, dtype=np.int64)

        graph = coo_matrix((np.ones(len(sources)), (sources, targets)), shape=(n_nodes, n_nodes))
        _, labels = connected_components(graph, directed=False)
        reaches_boundary = np.zeros(labels.max() + 1 if n_nodes else 0, dtype=bool)
        reaches_boundary[labels[self.boundary]] = True
        self.active = ~self.boundary & reaches_boundary[labels]

        rows = {int(x): {} for x in np.flatnonzero(self.active)}
        for i, j, p in zip(
            sources.tolist(), targets.tolist(), probabilities.tolist(), strict=True
        ):
            row_i, row_j = rows.get(i), rows.get(j)
            if row_i is not None:
                row_i[j] = row_i.get(j, 0.0) + p
            if row_j is not None:
                row_j.setdefault(i, 0.0)
        remaining = self._eliminate_sparse(rows, dense_degree)
        if remaining:
            self._eliminate_dense(rows, block_size)
        if self._trapped:
            logger.warning(
                "graph transformation: %d node(s) with an escape probability below the "
                "float range were treated as traps",
                len(self._trapped),
            )

    # ----------------------------------------------------------- elimination
    def _eliminate_sparse(self, rows, dense_degree):
        """Remove nodes by minimum degree while it is at most ``dense_degree``."""
        heap = [(len(row), x) for x, row in rows.items()]
        heapq.heapify(heap)
        log_tau = self._log_tau
        while heap:
            degree, x = heapq.heappop(heap)
            row = rows.get(x)
            if row is None or degree != len(row):
                continue
            if degree > dense_degree:
                break
            del rows[x]
            escape = math.fsum(row.values())
            trapped = not escape > 0
            if trapped:
                self._trapped.append(x)
            log_exit_time = math.inf if trapped else self._exit_time(x, escape)
            for beta in row:
                row_beta = rows.get(beta)
                if row_beta is None:
                    continue
                p = row_beta.pop(x)
                if log_tau is not None and p > 0:
                    log_tau[beta] = np.logaddexp(log_tau[beta], math.log(p) + log_exit_time)
                factor = 0.0 if trapped else p / escape
                for gamma, value in row.items():
                    if gamma != beta:
                        row_beta[gamma] = row_beta.get(gamma, 0.0) + factor * value
                heapq.heappush(heap, (len(row_beta), beta))
            columns = np.fromiter(row.keys(), dtype=np.int64, count=len(row))
            exits = np.fromiter(row.values(), dtype=float, count=len(row))
            exits = np.zeros_like(exits) if trapped else exits / escape
            self._sparse_records.append((x, columns, exits, log_exit_time))
        return len(rows)

    def _exit_time(self, x, escape):
        """``log(tau_x / (1 - P_xx))``; zero weight when times are not tracked."""
        if self._log_tau is None:
            return -math.inf
        return self._log_tau[x] - math.log(escape)

    def _eliminate_dense(self, rows, block_size):
        """Blocked elimination of the remaining nodes, trailing updates by BLAS.

        For a panel of ``b`` pivots, the small diagonal block is eliminated node
        by node, with every column right of the panel lumped into one running
        sum (enough for the escape probabilities). The panel's exit rows ``R``
        and the trailing rows' entries ``L`` in the panel columns then follow
        from the positive series ``(E - L_p)^-1`` and ``(I - U)^-1`` of the
        block's triangular factors, and the trailing matrix gains ``L @ R``.
        """
        dense = np.fromiter(rows.keys(), dtype=np.int64, count=len(rows))
        m = dense.size
        edge_nodes = sorted({c for row in rows.values() for c in row if c not in rows})
        columns = np.concatenate([dense, np.asarray(edge_nodes, dtype=np.int64)])
        position = {int(node): k for k, node in enumerate(columns)}
        matrix = np.zeros((m, columns.size))
        for k, row in enumerate(rows.values()):
            matrix[k, [position[c] for c in row]] = list(row.values())
        log_tau = self._log_tau[dense] if self._track_time else None
        log_exit = np.full(m, -np.inf)
        for k0 in range(0, m, block_size):
            k1 = min(k0 + block_size, m)
            trapped = self._eliminate_panel(matrix, k0, k1, log_tau, log_exit)
            self._trapped.extend(dense[k0:k1][trapped].tolist())
        self._dense_nodes = dense
        self._dense_columns = columns
        self._dense_matrix = matrix
        self._dense_log_exit = log_exit

    @staticmethod
    def _eliminate_panel(matrix, k0, k1, log_tau, log_exit):
        """Eliminate pivots ``k0 .. k1-1`` of ``matrix`` in place; return the trapped ones."""
        block = matrix[k0:k1, k0:k1]
        b = k1 - k0
        lumped = matrix[k0:k1, k1:].sum(axis=1)
        escape = np.empty(b)
        for i in range(b):
            escape[i] = block[i, i + 1 :].sum() + lumped[i]
            if escape[i] > 0:
                block[i, i + 1 :] /= escape[i]
                lumped[i] /= escape[i]
            else:
                block[i, i + 1 :] = 0.0
                lumped[i] = 0.0
            column = block[i + 1 :, i]
            block[i + 1 :, i + 1 :] += np.outer(column, block[i, i + 1 :])
            lumped[i + 1 :] += column * lumped[i]
        trapped = ~(escape > 0)
        lower = np.tril(block, -1)
        upper = np.triu(block, 1)
        # W = (E - L_p)^-1 and V = (I - U)^-1 by substitution: sums of positive terms.
        inverse_left = np.zeros((b, b))
        inverse_right = np.zeros((b, b))
        for i in range(b):
            if not trapped[i]:
                inverse_left[i] = lower[i, :i] @ inverse_left[:i]
                inverse_left[i, i] += 1.0
                inverse_left[i] /= escape[i]
        for i in range(b - 1, -1, -1):
            inverse_right[i] = upper[i, i + 1 :] @ inverse_right[i + 1 :]
            inverse_right[i, i] += 1.0
        exits = inverse_left @ matrix[k0:k1, k1:]
        matrix[k0:k1, k1:] = exits
        entries = matrix[k1:, k0:k1] @ inverse_right
        matrix[k1:, k0:k1] = entries
        if log_tau is not None:
            for i in range(b):
                k = k0 + i
                log_exit[k] = np.inf if trapped[i] else log_tau[k] - np.log(escape[i])
                _accumulate_log_time(log_tau[k + 1 : k1], block[i + 1 :, i], log_exit[k])
            if k1 < matrix.shape[0]:
                with np.errstate(divide="ignore"):
                    terms = np.log(entries) + log_exit[k0:k1]
                terms[entries == 0] = -np.inf
                log_tau[k1:] = np.logaddexp(log_tau[k1:], _logsumexp_rows(terms))
        if k1 < matrix.shape[0]:
            matrix[k1:, k1:] += entries @ exits
        return trapped

    # ------------------------------------------------------- back substitution
    def log_first_passage_times(self):
        """``log`` of the mean first-passage time to the boundary from every node.

        Returns
        -------
        log_times : ndarray of shape (n_nodes,)
            ``-inf`` on the boundary (time zero), ``+inf`` for nodes that cannot
            reach it.
        """
        if not self._track_time:
            raise ValueError("waiting times were not given: first-passage times are unknown.")
        log_times = np.full(self.n_nodes, np.inf)
        log_times[self.boundary] = -np.inf
        m = self._dense_nodes.size
        if m:
            values = log_times[self._dense_columns]
            for k in range(m - 1, -1, -1):
                exits = self._dense_matrix[k, k + 1 :]
                values[k] = np.logaddexp(self._dense_log_exit[k], _log_dot(exits, values[k + 1 :]))
            log_times[self._dense_nodes] = values[:m]
        for x, columns, exits, log_exit_time in reversed(self._sparse_records):
            log_times[x] = np.logaddexp(log_exit_time, _log_dot(exits, log_times[columns]))
        return log_times

    def absorption_values(self, boundary_values):
        """Expected boundary value at first absorption, from every node.

        With ``boundary_values`` 1 on a boundary subset B and 0 elsewhere, this is
        the probability of reaching B before the rest of the boundary: the
        committor (Wales 2009, section II.B).

        Parameters
        ----------
        boundary_values : ndarray of shape (n_nodes,)
            Read on the boundary only.

        Returns
        -------
        values : ndarray of shape (n_nodes,)
            NaN for nodes that cannot reach the boundary.
        """
        values = np.full(self.n_nodes, np.nan)
        values[self.boundary] = np.asarray(boundary_values, dtype=float)[self.boundary]
        m = self._dense_nodes.size
        if m:
            dense_values = values[self._dense_columns]
            for k in range(m - 1, -1, -1):
                dense_values[k] = self._dense_matrix[k, k + 1 :] @ dense_values[k + 1 :]
            values[self._dense_nodes] = dense_values[:m]
        for x, columns, exits, _ in reversed(self._sparse_records):
            values[x] = exits @ values[columns]
        values[self._trapped] = np.nan
        return values


def _accumulate_log_time(log_tau, weights, log_exit_time):
    """``log_tau <- log(exp(log_tau) + weights * exp(log_exit_time))`` in place."""
    positive = weights > 0
    log_tau[positive] = np.logaddexp(log_tau[positive], np.log(weights[positive]) + log_exit_time)


def _logsumexp_rows(terms):
    """Row-wise ``log sum exp`` tolerating rows of ``-inf`` and entries of ``+inf``."""
    peak = terms.max(axis=1)
    finite = np.isfinite(peak)
    result = peak.copy()
    shifted = np.exp(terms[finite] - peak[finite, None])
    result[finite] = peak[finite] + np.log(shifted.sum(axis=1))
    return result


def _log_dot(weights, log_values):
    """``log sum_i weights_i exp(log_values_i)`` for non-negative weights."""
    keep = weights > 0
    if not keep.any():
        return -np.inf
    terms = np.log(weights[keep]) + log_values[keep]
    peak = terms.max()
    if not np.isfinite(peak):
        return peak
    return peak + np.log(np.exp(terms - peak).sum())
