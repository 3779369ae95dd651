"""The K-means cost as an energy landscape.

The parameters are the ``K`` centres flattened row by row, ``x = vec(C)``
(``n_params = K * n_features``), and the energy is the weighted mean squared
distance of the data to their nearest centre,

.. math::

    E(C) = \\frac{1}{W} \\sum_i w_i \\min_k |x_i - c_k|^2, \\qquad W = \\sum_i w_i,

which is ``inertia / n_samples`` for unit weights. Normalising by ``W``
rather than ``n_samples`` makes a sample of weight 2 exactly equivalent to a
repeated sample, and keeps the Hessian eigenvalues (``2 W_k / W``, at most 2)
independent of the scale of the weights.

At fixed assignments ``E`` is quadratic, so between the kinks where a point
changes its nearest centre

* gradient: ``dE/dc_k = (2 / W) sum_{i in k} w_i (c_k - x_i) = (2 W_k / W) (c_k - m_k)``,
  with ``W_k`` the weight and ``m_k`` the weighted mean of cluster ``k``;
* Hessian: block diagonal, ``d2E/dc_k^2 = (2 W_k / W) I``.

A local minimum is a fixed point of Lloyd's algorithm with no empty cluster
(``c_k = m_k``: zero gradient, positive-definite Hessian), so the local
minimiser is Lloyd's algorithm run until no assignment changes. Minima that
differ only by a relabelling of the clusters are one minimum: the canonical
form sorts the centres lexicographically, and :meth:`KMeansObjective.align`
relabels the centres of one minimum to match another's by linear assignment.

The cost is not twice differentiable at the kinks, so the Hessian index of a
saddle is undefined there. **Transition states** of this landscape are
defined instead as the highest point of a converged elastic band between two
minima, the band's highest segment being maximised exactly by
:meth:`KMeansObjective.segment_maximum`: along a segment the cost is
piecewise quadratic with convex pieces (see :mod:`._kmeans_segment`), so the
maximum sits exactly on an assignment boundary (or at an end).
"""

import warnings

import numpy as np
from scipy.optimize import linear_sum_assignment

from .._explore._minimize import MinimizeResult
from .._explore._objective import Objective
from .._explore._symmetry import permutation_order
from ._kmeans_moves import kmeans_plusplus, nearest_centres, perturb_centres
from ._kmeans_segment import segment_profile
from ._kmeans_transfer import hartigan_transfers

__all__ = ["KMeansObjective"]

#: Auto step as a fraction of the root-mean-square per-feature standard deviation.
STEP_FRACTION = 0.1
#: Seed of the k-means++ seeding that sets the auto temperature (a data statistic, not a draw).
_TEMPERATURE_SEED = 0


#: ``n_samples * n_features * n_clusters`` up to which :meth:`KMeansObjective.values_and_grads`
#: evaluates all rows in one vectorised pass: below it, the interpreter's overhead per call
#: outweighs the arithmetic (ten 8-centre band images on 8 features: 2.6x faster on 50
#: points, 1.9x on 100, 1.05x on 400, 0.28x on 2,000 on the development machine).
VECTORISED_MAX_CELLS = 2**14


class KMeansObjective(Objective):
    """K-means cost over the flattened centres, with Lloyd's algorithm as local solver.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Finite training data.
    n_clusters : int
        Number of centres ``K``.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights with a positive sum (default: all 1).
    max_iter : int, default=300
        Maximum Lloyd iterations per local minimisation.
    tol : float, default=0.0
        Lloyd's iterations also stop when the squared centre shift
        ``sum_k |c_k' - c_k|^2`` falls to ``tol`` times the mean per-feature
        variance (scikit-learn's convention). Only exact fixed points (no
        assignment change) count as converged minima, so ``tol > 0`` trades
        rejected minimisations for speed.

    Attributes
    ----------
    n_clusters, n_features : int
    mean_ : ndarray of shape (n_features,)
        The unweighted mean of X, subtracted internally for accurate
        distances (as scikit-learn does).
    n_distinct : int
        Number of distinct rows of X with positive weight. When it is below
        ``K``, ``K - n_distinct`` clusters are necessarily empty at every
        minimum and their ``(K - n_distinct) * n_features`` flat directions are
        zero modes.

    Notes
    -----
    Data-scaled defaults:

    * temperature: ``E_pp / sum_i w_i`` (``E_pp / n_samples`` for unit
      weights), with ``E_pp`` the energy of a greedy k-means++ seeding of the
      data (fixed internal seed): the share of the energy of one sample of
      average cost, so that basin-hopping accepts an uphill move that
      misassigns about one typical point with probability ``1/e`` and is
      nearly greedy for larger ones. Energy differences between minima scale
      with the cost of the points that change cluster, so this temperature
      follows the data's scale and size;
    * step size: ``0.1 * sqrt(mean_j var_j)``, a tenth of the root-mean-square
      per-feature standard deviation (weighted), for the ``"displace"`` move.

    Examples
    --------
    >>> import numpy as np
    >>> from sklandscape.cluster._kmeans_objective import KMeansObjective
    >>> X = np.array([[0.0], [1.0], [10.0], [11.0]])
    >>> objective = KMeansObjective(X, n_clusters=2)
    >>> result = objective.local_minimize(np.array([0.0, 5.0]))
    >>> result.x, result.energy
    (array([ 0.5, 10.5]), 0.25)
    """

    smooth = False

    def __init__(self, X, n_clusters, *, sample_weight=None, max_iter=300, tol=0.0):
        X = np.asarray(X, dtype=float)
        n_samples, n_features = X.shape
        super().__init__(int(n_clusters) * n_features)
        weights = np.ones(n_samples) if sample_weight is None else np.asarray(sample_weight, float)
        self.n_clusters = int(n_clusters)
        self.n_features = n_features
        self.max_iter = int(max_iter)
        self.tol = float(tol)
        self.mean_ = X.mean(axis=0)
        self._X = X - self.mean_
        self._weights = weights
        self._rows = np.arange(n_samples)
        self._total_weight = float(weights.sum())
        self._x_squared_norms = np.einsum("ij,ij->i", self._X, self._X)
        weighted_mean = weights @ self._X / self._total_weight
        variances = weights @ (self._X - weighted_mean) ** 2 / self._total_weight
        self._mean_variance = float(np.mean(variances))
        self._total_variance = float(np.sum(variances))
        self.n_distinct = int(np.unique(X[weights > 0], axis=0).shape[0])
        self.n_zero_modes = max(0, self.n_clusters - self.n_distinct) * n_features
        spread = np.sqrt(self._total_variance)
        rounding = 16 * np.finfo(float).eps * float(np.max(np.abs(self.mean_), initial=0.0))
        self.gtol = 1e-8 * spread + rounding if spread > 0 else 1e-8 + rounding

    # ------------------------------------------------------------ helpers
    def cluster_centers(self, x):
        """Cluster centers of shape (K, n_features) in data coordinates from a flat ``x``."""
        return np.asarray(x, dtype=float).reshape(self.n_clusters, self.n_features)

    def centres(self, x):
        """Deprecated alias of :meth:`cluster_centers` (scikit-learn's spelling)."""
        warnings.warn(
            "KMeansObjective.centres is deprecated and will be removed in 0.3; "
            "use cluster_centers.",
            FutureWarning,
            stacklevel=2,
        )
        return self.cluster_centers(x)

    def _centred(self, x):
        return self.cluster_centers(x) - self.mean_

    def _flat(self, centred):
        return (centred + self.mean_).ravel()

    def assign(self, x):
        """Nearest centre of every training point (ties: lowest index)."""
        return self._labels(self._centred(x))

    def _labels(self, centred):
        return nearest_centres(self._X, centred)

    def _cluster_sums(self, labels):
        """Weight ``W_k`` and weighted coordinate sums ``S_k`` of every cluster.

        ``S = M X`` with the ``K x n`` membership matrix ``M_ki = w_i [l(i) = k]``:
        one matrix product, 1.6 times faster than a ``bincount`` over the
        ``n * n_features`` cells on digits.
        """
        weight = np.bincount(labels, weights=self._weights, minlength=self.n_clusters)
        membership = np.zeros((self.n_clusters, self._X.shape[0]))
        membership[labels, self._rows] = self._weights
        return weight, membership @ self._X

    @staticmethod
    def _means(weight, sums):
        """Cluster means ``S_k / W_k`` (0 for empty clusters)."""
        occupied = (weight > 0)[:, None]
        return np.divide(sums, weight[:, None], out=np.zeros_like(sums), where=occupied)

    def _energy_of(self, centred, labels):
        residual = self._X - centred[labels]
        return float(self._weights @ np.einsum("ij,ij->i", residual, residual)) / (
            self._total_weight
        )

    def feature_scale(self):
        """Weighted standard deviation of every feature of the data (shape ``(n_features,)``)."""
        mean = self._weights @ self._X / self._total_weight
        return np.sqrt(self._weights @ (self._X - mean) ** 2 / self._total_weight)

    @property
    def total_weight(self):
        """``W = sum_i w_i``: inertia is ``energy * W``."""
        return self._total_weight

    def cluster_weights(self, x):
        """Total weight ``W_k`` of each cluster at ``x``."""
        labels = self.assign(x)
        return np.bincount(labels, weights=self._weights, minlength=self.n_clusters)

    # ------------------------------------------------------------- energy
    def value(self, x):
        centred = self._centred(x)
        return self._energy_of(centred, self._labels(centred))

    def value_and_grad(self, x):
        centred = self._centred(x)
        labels = self._labels(centred)
        weight, sums = self._cluster_sums(labels)
        scale = (2.0 / self._total_weight) * weight[:, None]
        grad = scale * (centred - self._means(weight, sums))
        return self._energy_of(centred, labels), grad.ravel()

    def values_and_grads(self, points):
        """Energies and gradients of several centre sets in one vectorised evaluation.

        The same formulas as :meth:`value_and_grad` on all ``m`` rows at once
        (assignments ``(m, n)``, cluster weights and sums ``(m, K)`` and
        ``(m, K, d)``): one call instead of ``m``, which pays on small data
        where a call's interpreter overhead outweighs its arithmetic (an
        elastic band of 10 images on 30 points). Memory ``O(m n K)``. Above
        :data:`VECTORISED_MAX_CELLS` data cells times clusters, where the
        arithmetic dominates, the rows are evaluated one by one. Energies are
        summed per row as in :meth:`value_and_grad`; the stacked matrix
        products of the assignments and cluster sums may round differently
        from one row's, so the two ways agree to rounding, not always
        bitwise (a band relaxed from them may then end a few ulps apart).
        """
        points = np.asarray(points, dtype=float)
        m, n_clusters = len(points), self.n_clusters
        if m < 2 or self._X.size * n_clusters > VECTORISED_MAX_CELLS:
            return super().values_and_grads(points)
        n_samples = self._X.shape[0]
        centred = points.reshape(m, n_clusters, self.n_features) - self.mean_
        stacked = centred.reshape(m * n_clusters, self.n_features)
        distances = self._X @ stacked.T
        distances *= -2.0
        distances += np.einsum("ij,ij->i", stacked, stacked)
        labels = np.argmin(distances.reshape(n_samples, m, n_clusters), axis=2).T
        owners = (labels + n_clusters * np.arange(m)[:, None]).ravel()
        rows, weights = self._tiled(m)
        weight = np.bincount(owners, weights=weights, minlength=m * n_clusters)
        membership = np.zeros((m * n_clusters, n_samples))
        membership[owners, rows] = weights
        sums = (membership @ self._X).reshape(m, n_clusters, self.n_features)
        weight = weight.reshape(m, n_clusters)
        occupied = (weight > 0)[:, :, None]
        means = np.divide(sums, weight[:, :, None], out=np.zeros_like(sums), where=occupied)
        grads = (2.0 / self._total_weight) * weight[:, :, None] * (centred - means)
        pairs = zip(centred, labels, strict=True)
        energies = np.array([self._energy_of(c, row) for c, row in pairs])
        return energies, grads.reshape(m, -1)

    def _tiled(self, m):
        """Row indices and weights of the data repeated ``m`` times (kept for the last ``m``)."""
        cached = getattr(self, "_tiled_cache", None)
        if cached is None or cached[0] != m:
            cached = (m, np.tile(self._rows, m), np.tile(self._weights, m))
            self._tiled_cache = cached
        return cached[1], cached[2]

    def hessian(self, x):
        """Exact Hessian at fixed assignments: ``diag(2 W_k / W)`` repeated per feature."""
        curvature = 2.0 * self.cluster_weights(x) / self._total_weight
        return np.diag(np.repeat(curvature, self.n_features))

    # ----------------------------------------------------------- geometry
    def canonical(self, x):
        """Centres sorted lexicographically (first feature first), flattened."""
        centres = self.cluster_centers(x)
        order = np.lexsort(centres.T[::-1])
        return centres[order].ravel()

    def symmetry_order(self, x):
        """Number of cluster relabellings that leave ``x`` unchanged: ``prod_g m_g!``.

        ``m_g`` are the sizes of the groups of coincident centres (within
        :meth:`position_tolerance`); 1 when all centres differ. The relabellings
        are the symmetry :meth:`canonical` quotients out.
        """
        return permutation_order(self.cluster_centers(x), self.position_tolerance())

    def align(self, x, reference):
        """Centres of ``x`` relabelled to lie closest to those of ``reference``.

        The permutation ``pi`` minimising ``sum_k |c_pi(k) - r_k|^2``, the
        squared Euclidean distance of the flat vectors, is a linear
        assignment problem on the cost matrix ``D_ik = |c_i - r_k|^2``,
        solved exactly by :func:`scipy.optimize.linear_sum_assignment`
        (Crouse, IEEE Trans. Aerosp. Electron. Syst. 52, 1679, 2016). A
        relabelling leaves the cost unchanged.
        """
        centres = self.cluster_centers(x)
        target = self.cluster_centers(reference)
        cost = np.sum((centres[:, None, :] - target[None, :, :]) ** 2, axis=2)
        rows, cols = linear_sum_assignment(cost)
        aligned = np.empty_like(centres)
        aligned[cols] = centres[rows]
        return aligned.ravel()

    @property
    def length_scale(self):
        """Root-mean-square spread of the data, ``sqrt(sum_j var_j)`` (1 if constant)."""
        spread = np.sqrt(self._total_variance)
        return float(spread) if spread > 0 else 1.0

    def position_tolerance(self):
        """``1e-9 * length_scale * sqrt(n_params)``.

        Lloyd's fixed points are exact, so the same minimum found twice
        agrees to rounding; distinct minima differ by at least one point's
        reassignment, which can move a centre by much less than a percent.
        """
        return 1e-9 * self.length_scale * np.sqrt(self.n_params)

    def energy_tolerance(self, energy):
        """``1e-9 * (|E| + total variance)``: relative, and meaningful at ``E = 0``."""
        return 1e-9 * (abs(float(energy)) + self._total_variance)

    # -------------------------------------------------------- exploration
    def default_temperature(self):
        """``E_pp / sum(w)``: the energy share of one unit-weight sample (see Notes)."""
        rng = np.random.default_rng(_TEMPERATURE_SEED)
        seeding = kmeans_plusplus(self._X, self._weights, self.n_clusters, rng)
        energy = self._energy_of(seeding, self._labels(seeding))
        if energy <= 0:
            energy = self._total_variance if self._total_variance > 0 else 1.0
        return energy / self._total_weight

    def default_step_size(self):
        """``0.1 * sqrt(mean_j var_j)`` (see Notes)."""
        scale = np.sqrt(self._mean_variance)
        return STEP_FRACTION * float(scale) if scale > 0 else STEP_FRACTION

    def random_point(self, rng):
        """Greedy k-means++ seeding, flattened."""
        return self._flat(kmeans_plusplus(self._X, self._weights, self.n_clusters, rng))

    def perturb(self, x, rng, step_size):
        """One basin-hopping move, then Lloyd's algorithm and Hartigan's transfers.

        The move (reseed, swap or displace; see :mod:`._kmeans_moves`) is
        followed by :meth:`local_minimize` and by Hartigan's single-point
        transfers (:func:`._kmeans_transfer.hartigan_transfers`) from the
        fixed point it reaches. The point returned is the mean of a
        Hartigan-stable partition, itself a fixed point of Lloyd's algorithm,
        so the quench that follows confirms it in one iteration. Basin-hopping
        thus steps between Hartigan-stable minima, the lower subset of the
        Lloyd fixed points; the Lloyd fixed point passed through is not
        recorded. :meth:`local_minimize` itself stays Lloyd's algorithm, so
        the minima a transition state's pushoffs reach are those of its
        basins.

        On digits (K = 10, 4 chains of 50 hops) the transfers raised the
        seeds reaching the lowest known inertia from 1 in 10 to 10 in 10: the
        minima just above it differ from it by one to three points'
        assignment, which a transfer changes and Lloyd's algorithm does not.
        """
        centred = perturb_centres(
            self._X, self._weights, self._centred(x), rng, step_size, self._x_squared_norms
        )
        fixed_point = self._lloyd(centred)[0]
        labels = self._labels(fixed_point)
        refined, _, _ = hartigan_transfers(self._X, self._weights, labels, self.n_clusters)
        occupied = np.bincount(labels, weights=self._weights, minlength=self.n_clusters) > 0
        return self._flat(np.where(occupied[:, None], refined, fixed_point))

    def local_minimize(self, x):
        """Lloyd's algorithm from ``x`` until no assignment changes.

        Each iteration assigns every point to its nearest centre and moves
        every centre to the weighted mean of its points. An empty cluster is
        relocated, as in scikit-learn, to the point farthest from its
        centre, which leaves its former cluster. The result is converged when
        an iteration changes no assignment (an exact fixed point: the
        gradient vanishes to rounding).

        Returns
        -------
        MinimizeResult
            ``n_evaluations`` counts Lloyd iterations.
        """
        centred, converged, n_iter, message = self._lloyd(self._centred(x))
        x_final = self._flat(centred)
        energy, grad = self.value_and_grad(x_final)
        converged = converged and float(np.max(np.abs(grad))) <= 10 * self.gtol
        return MinimizeResult(x_final, energy, grad, converged, n_iter, message)

    def _lloyd(self, centred):
        """Lloyd iterations from centred centres: ``(centres, converged, n_iter, message)``."""
        labels = self._labels(centred)
        threshold = self.tol * self._mean_variance
        converged = False
        message = f"max_iter={self.max_iter} reached"
        n_iter = 0
        while n_iter < self.max_iter:
            n_iter += 1
            updated = self._lloyd_centres(centred, labels)
            shift = float(np.sum((updated - centred) ** 2))
            centred = updated
            new_labels = self._labels(centred)
            if np.array_equal(new_labels, labels):
                converged, message = True, "fixed point: no assignment changed"
                break
            labels = new_labels
            if shift <= threshold:
                message = f"centre shift below tol={self.tol}"
                break
        return centred, converged, n_iter, message

    def _lloyd_centres(self, centred, labels):
        """Weighted means of the clusters; empty clusters relocated to far points.

        Only points off their centre are candidates: when every point sits on
        a centre (fewer distinct points than clusters), the remaining empty
        centres stay where they are.
        """
        weight, sums = self._cluster_sums(labels)
        empty = np.flatnonzero(weight <= 0)
        if empty.size:
            residual = np.sum((self._X - centred[labels]) ** 2, axis=1)
            residual[self._weights <= 0] = 0.0
            farthest = np.argsort(residual, kind="stable")[::-1][: empty.size]
            farthest = farthest[residual[farthest] > 0]
            if farthest.size:
                labels = labels.copy()
                labels[farthest] = empty[: farthest.size]
                weight, sums = self._cluster_sums(labels)
        return np.where((weight > 0)[:, None], self._means(weight, sums), centred)

    def segment_maximum(self, x0, x1):
        """Exact ``t`` in [0, 1] of the highest cost on the segment ``x0 -> x1``.

        Along ``c(t) = c0 + t (c1 - c0)`` the cost is piecewise quadratic with
        convex pieces, so its maximum is at an assignment breakpoint or at an
        end; every breakpoint is located analytically (:mod:`._kmeans_segment`).
        """
        t, energy = self.segment_profile(x0, x1)
        return float(t[np.argmax(energy)])

    def segment_profile(self, x0, x1):
        """Breakpoints ``t`` (with 0 and 1) and energies of the cost on ``x0 -> x1``."""
        start = self._centred(x0)
        direction = self.cluster_centers(x1) - self.cluster_centers(x0)
        return segment_profile(self._X, self._weights, start, direction)
