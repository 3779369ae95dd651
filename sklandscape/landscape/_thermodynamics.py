"""Thermodynamic analogues of a landscape in the harmonic superposition approximation.

Each minimum ``a`` (loss ``L_a``, ``m_a`` positive Hessian eigenvalues with
log product ``LPPHE_a``, coordinates held at a bound with edge factors
``e_j``, symmetry number ``o_a``) is a harmonic well with canonical
partition function (k_B = 1; :mod:`._harmonic`)

    Z_a(T) = exp(-L_a / T) (2 pi T)^(m_a / 2) exp(-LPPHE_a / 2) prod_j e_j(T) / o_a,

so its occupation probability is ``p_a = Z_a / sum_b Z_b``. Without
``n_modes`` and bound columns every minimum has ``m_a = n_params`` and the
common ``T^(kappa/2)`` cancels. From these follow the heat capacity, its split into
rising (C+) and falling (C-) contributions, the Shannon entropy and the
frustration index (Wales, *Energy Landscapes*, Cambridge University Press
2003; Niroomand, Dicks, Pyzer-Knapp & Wales, Digital Discovery 3, 637 (2024),
eqs. 2, 3 and 5; de Souza, Stevenson, Niblett, Farrell & Wales, J. Chem. Phys.
146, 124103 (2017); Wales, Phys. Rev. E 95, 030105(R) (2017)).

``o_a`` is 1 unless the minima table has a ``pgorder`` column (symmetry
orders computed by the objective during exploration, or point-group orders
read from a PATHSAMPLE database); it divides ``Z_a`` exactly as in
PATHSAMPLE, so both tools give the same probabilities.

Every probability is computed in log space (log-sum-exp), so the results
stay finite from T -> 0 (all weight on the global minimum) to T -> infinity.
"""

from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq
from scipy.signal import find_peaks
from scipy.special import logsumexp

from ._checks import check_minima_set, check_temperature
from ._harmonic import log_partition_terms

__all__ = ["HeatCapacityPeak", "ThermodynamicsMixin", "default_temperature_grid"]


@dataclass(frozen=True)
class HeatCapacityPeak:
    """A maximum of the heat capacity and the minima that make it.

    At the peak temperature the occupation probability flows from the minima
    of C- (``dp_a/dT < 0``, mostly low minima) to those of C+
    (``dp_a/dT > 0``). Each index array is sorted by decreasing contribution
    and holds the fewest minima whose contributions reach ``coverage`` of
    C+ (or C-).

    Attributes
    ----------
    temperature : float
        Temperature of the maximum (refined by root finding on dC_V/dT).
    height : float
        C_V at the peak (including the kappa/2 or kappa baseline).
    c_plus, c_minus : float
        The two parts of the configurational heat capacity at the peak.
    c_plus_minima, c_minus_minima : ndarray of int
        Minima dominating C+ and C-, by decreasing contribution.
    c_plus_contributions, c_minus_contributions : ndarray of float
        Their contributions ``p_a (L_a - <L>)^2 / T^2`` (same order).
    """

    temperature: float
    height: float
    c_plus: float
    c_minus: float
    c_plus_minima: np.ndarray
    c_minus_minima: np.ndarray
    c_plus_contributions: np.ndarray
    c_minus_contributions: np.ndarray


def default_temperature_grid(energy, log_hessian_product, n_temperatures=400):
    """A log-spaced temperature grid covering every feature of C_V(T).

    From ``gap / 50`` (``gap``: the smallest non-zero energy difference between
    minima) up to the larger of ``5 * spread`` (``spread``: highest minus lowest
    minimum) and twice the highest entropic crossover temperature
    ``2 (L_a - L_g) / (LPPHE_g - LPPHE_a)`` at which a higher but wider minimum
    overtakes the global minimum ``g``.

    Returns
    -------
    T : ndarray of shape (n_temperatures,)
        Increasing temperatures; a single ``[1.0]`` when all minima are degenerate.
    """
    energy = np.asarray(energy, dtype=float)
    levels = np.unique(energy)
    if levels.size < 2:
        return np.array([1.0])
    spread = levels[-1] - levels[0]
    gap = max(np.min(np.diff(levels)), 1e-12 * max(spread, np.abs(levels).max()))
    lowest = np.argmin(energy)
    wider = log_hessian_product < log_hessian_product[lowest]
    high = 5.0 * spread
    if np.any(wider):
        crossover = (
            2.0
            * (energy[wider] - energy[lowest])
            / (log_hessian_product[lowest] - log_hessian_product[wider])
        )
        high = max(high, 2.0 * np.max(crossover))
    return np.geomspace(gap / 50.0, high, n_temperatures)


class ThermodynamicsMixin:
    """Occupation probabilities, heat capacity, entropy, frustration, basin volumes."""

    # ------------------------------------------------------------ internals
    @property
    def _log_symmetry_numbers(self):
        """``log o_a`` (zeros without a ``pgorder`` column)."""
        if "pgorder" in self.minima:
            return np.log(self.minima["pgorder"].astype(float))
        return np.zeros(self.n_minima)

    def _minima_terms(self, temperatures, minima=None):
        """``ln Z_a``, ``U_a - <U>`` and ``C_a = dU_a/dT``, each (n_T, n_min).

        See :mod:`._harmonic`: free modes, edge factors of held coordinates and
        symmetry orders. The deviations are formed relative to the most probable
        minimum of each row, so they are exact where mode data are equal.
        """
        if self.n_minima == 0:
            raise ValueError("the landscape has no minima.")
        log_z, energy, thermal, heat = log_partition_terms(
            self.minima, self.n_params, temperatures, offset=self.minima.energy.min()
        )
        if minima is not None:
            log_z, energy = log_z[:, minima], energy[minima]
            thermal, heat = thermal[:, minima], heat[:, minima]
        rows = np.arange(log_z.shape[0])
        top = np.argmax(log_z, axis=1)
        relative = (energy[None, :] - energy[top][:, None]) + temperatures[:, None] * (
            thermal - thermal[rows, top][:, None]
        )
        probability = np.exp(log_softmax(log_z))
        deviation = relative - np.einsum("ta,ta->t", probability, relative)[:, None]
        return log_z, deviation, heat

    def _log_occupation(self, temperatures, minima=None):
        """``log p_a(T)`` of shape (n_T, n_min), normalised over ``minima`` (default all)."""
        if self.n_minima == 0:
            raise ValueError("the landscape has no minima.")
        log_z = log_partition_terms(
            self.minima, self.n_params, temperatures, offset=self.minima.energy.min()
        )[0]
        return log_softmax(log_z if minima is None else log_z[:, minima])

    def _energy_moments(self, temperatures):
        """Probabilities, deviations ``U_a - <U>`` and per-minimum ``C_a``, all (n_T, n_min)."""
        log_z, deviation, heat = self._minima_terms(temperatures)
        return np.exp(log_softmax(log_z)), deviation, heat

    def _heat_capacity_terms(self, temperatures):
        """``p_a (U_a - <U>)^2 / T^2`` (n_T, n_min), in log space, deviations, ``sum p_a C_a``.

        Finite for any positive T: a term whose ``p_a`` underflows is zero even
        when ``(U_a - <U>) / T`` would overflow.
        """
        log_z, deviation, heat = self._minima_terms(temperatures)
        log_p = log_softmax(log_z)
        with np.errstate(divide="ignore"):
            log_square = 2.0 * (np.log(np.abs(deviation)) - np.log(temperatures)[:, None])
        baseline = np.einsum("ta,ta->t", np.exp(log_p), heat)
        return np.exp(log_p + log_square), deviation, baseline

    # --------------------------------------------------------------- public
    def occupation_probabilities(self, T, log=False):
        """Equilibrium occupation probabilities of the minima (harmonic superposition).

        ``p_a(T) = Z_a / sum_b Z_b`` with ``ln Z_a = -L_a / T + (m_a / 2) ln(2 pi T)
        - LPPHE_a / 2 + sum_j ln e_j(T) - ln o_a`` (k_B = 1; Wales, *Energy
        Landscapes*, 2003, ch. 2; Niroomand et al., Digital Discovery 2024, eq. 4);
        ``e_j`` are the edge factors of coordinates held at a bound (see
        :mod:`sklandscape.landscape._harmonic`). With equal mode counts and no bound
        this is ``log w_a = -L_a / T - LPPHE_a / 2 - log o_a``. Computed by log-sum-exp.

        Parameters
        ----------
        T : float or array-like of shape (n_T,)
            Positive temperatures.
        log : bool, default=False
            Return ``log p_a`` instead (finite even where ``p_a`` underflows).

        Returns
        -------
        p : ndarray of shape (n_min,) or (n_T, n_min)

        Examples
        --------
        >>> from sklandscape import Landscape
        >>> ls = Landscape.from_arrays([0.0, 1.0], [2.0], [[0, 1]])
        >>> ls.occupation_probabilities(1.0).round(4)
        array([0.7311, 0.2689])
        """
        temperatures, scalar = check_temperature(T)
        log_p = self._log_occupation(temperatures)
        result = log_p if log else np.exp(log_p)
        return result[0] if scalar else result

    def free_energy(self, T, minima=None):
        """Harmonic-superposition free energy ``F(T) = -T ln sum_a Z_a``.

        ``Z_a`` is the configurational partition function of minimum ``a``
        (free modes, edge factors of coordinates held at a bound, symmetry
        order; see :meth:`occupation_probabilities`). Over a subset of minima it
        is the free energy of that group, ``F_J = -T ln sum_{a in J} Z_a``
        (Carr & Wales, J. Phys. Chem. B 112, 8760 (2008)). ``C_V = -T d^2F/dT^2``
        is :meth:`heat_capacity`.

        Parameters
        ----------
        T : float or array-like of shape (n_T,)
        minima : int or iterable of int, optional
            The group (default: every minimum).

        Returns
        -------
        F : float or ndarray of shape (n_T,)

        Examples
        --------
        >>> import numpy as np
        >>> from sklandscape import Landscape
        >>> ls = Landscape.from_arrays([0.0, 0.0], [1.0], [[0, 1]])
        >>> bool(np.isclose(ls.free_energy(2.0) - ls.free_energy(2.0, [0]), -2 * np.log(2)))
        True
        """
        temperatures, scalar = check_temperature(T)
        if minima is not None:
            minima = check_minima_set(minima, self.n_minima, "minima")
        log_z = self._minima_terms(temperatures, minima)[0]
        energy = self.minima.energy.min() - temperatures * logsumexp(log_z, axis=1)
        return float(energy[0]) if scalar else energy

    def heat_capacity(self, T, kinetic=False, split=False):
        """Heat capacity in the harmonic superposition approximation, and its C+/C- split.

        ``C_V = d<U>/dT = d/dT (T^2 d ln Z / dT)`` with ``Z = sum_a Z_a``:

            C_V(T) = sum_a p_a C_a + sum_a p_a (U_a - <U>)^2 / T^2,

        ``U_a = T^2 d ln Z_a / dT = L_a + m_a T / 2 + sum_j T u_j`` and
        ``C_a = dU_a/dT = m_a / 2 + sum_j c_j`` (edge terms of held coordinates,
        :mod:`sklandscape.landscape._harmonic`). Without bounds and with equal
        mode counts the first term is the constant ``kappa/2`` and ``U_a - <U> =
        L_a - <L>`` (configurational: a loss has no momenta); ``kinetic=True``
        adds ``n_params/2`` (the molecular convention of eq. 5 of Niroomand et
        al., Digital Discovery 2024, and of PATHSAMPLE; peak positions are
        identical). Since ``dp_a/dT = p_a (U_a - <U>) / T^2``, each term of the
        second sum is ``(dp_a/dT)(U_a - <U>) >= 0``; C+ sums the minima whose
        occupation rises with T (``U_a > <U>``), C- those whose occupation falls
        (Wales, Phys. Rev. E 95, 030105(R) (2017); review eq. 5).

        Parameters
        ----------
        T : float or array-like of shape (n_T,)
        kinetic : bool, default=False
            Add the kinetic ``n_params/2``.
        split : bool, default=False
            Also return C+ and C-.

        Returns
        -------
        C_V : float or ndarray of shape (n_T,)
        C_plus, C_minus : float or ndarray of shape (n_T,)
            Only with ``split=True``; ``C_V = sum_a p_a C_a (+ n_params/2) + C_plus + C_minus``.

        Examples
        --------
        >>> from sklandscape import Landscape
        >>> ls = Landscape.from_arrays([0.0], [], [], n_params=4)
        >>> float(ls.heat_capacity(0.3))
        2.0
        """
        temperatures, scalar = check_temperature(T)
        terms, deviation, baseline = self._heat_capacity_terms(temperatures)
        c_plus = np.where(deviation > 0, terms, 0.0).sum(axis=1)
        c_minus = np.where(deviation < 0, terms, 0.0).sum(axis=1)
        total = baseline + (0.5 * self.n_params if kinetic else 0.0) + c_plus + c_minus
        results = (total, c_plus, c_minus) if split else (total,)
        if scalar:
            results = tuple(float(r[0]) for r in results)
        return results if split else results[0]

    def heat_capacity_contributions(self, T):
        """Signed per-minimum contributions to the heat capacity.

        Entry ``a`` is ``sign(dp_a/dT) * p_a (U_a - <U>)^2 / T^2`` (review eq. 5;
        ``U_a = L_a + const`` without bounds): the positive entries sum to C+, the
        negative ones to ``-C-``, and the absolute values to ``C_V - sum_a p_a C_a``.

        Parameters
        ----------
        T : float or array-like of shape (n_T,)

        Returns
        -------
        contributions : ndarray of shape (n_min,) or (n_T, n_min)
        """
        temperatures, scalar = check_temperature(T)
        terms, deviation, _ = self._heat_capacity_terms(temperatures)
        signed = np.sign(deviation) * terms
        return signed[0] if scalar else signed

    def heat_capacity_peaks(self, T=None, *, kinetic=False, prominence=1e-3, coverage=0.95):
        """Maxima of C_V(T) and the minima dominating C+ and C- at each.

        Local maxima of the configurational part on a temperature grid are
        refined by root finding (Brent) on the analytic derivative of the
        configurational part ``Var(U)/T^2``,
        ``(mu_3 + 2 T^2 Cov(U, C) - 2 T Var(U)) / T^4`` (``mu_3`` the third central
        moment of the mean energies ``U_a`` over the occupation probabilities,
        ``Cov(U, C)`` zero without bounds and with equal mode counts).

        Parameters
        ----------
        T : array-like of shape (n_T,), optional
            Grid to search (at least 3 temperatures). Default:
            :func:`default_temperature_grid`.
        kinetic : bool, default=False
            Heights include the kinetic ``kappa/2`` (see :meth:`heat_capacity`).
        prominence : float, default=1e-3
            Ignore maxima whose prominence is below this fraction of the largest
            configurational heat capacity on the grid.
        coverage : float in (0, 1], default=0.95
            Fraction of C+ (and C-) the listed minima must account for.

        Returns
        -------
        peaks : list of HeatCapacityPeak
            By increasing temperature; empty for a single minimum.
        """
        if not 0 < coverage <= 1:
            raise ValueError(f"coverage must lie in (0, 1], got {coverage}.")
        if T is None:
            T = default_temperature_grid(self.minima.energy, self.minima.log_hessian_product)
            if T.size < 3:
                return []
        temperatures, _ = check_temperature(T)
        temperatures = np.unique(temperatures)
        if temperatures.size < 3:
            raise ValueError("heat_capacity_peaks needs a grid of at least 3 temperatures.")
        configurational = self._heat_capacity_terms(temperatures)[0].sum(axis=1)
        highest = configurational.max()
        if not highest > 0:
            return []
        indices, _ = find_peaks(configurational, prominence=prominence * highest)
        peaks = []
        for i in indices:
            temperature = self._refine_peak(temperatures[i - 1], temperatures[i + 1])
            peaks.append(self._describe_peak(temperature, kinetic, coverage))
        return peaks

    def _refine_peak(self, low, high):
        """Root of ``mu_3 - 2 T Var`` (the sign of dC_V/dT) between ``low`` and ``high``."""

        def slope_sign_function(t):
            probability, deviation, heat = self._energy_moments(np.array([t]))
            p, d = probability[0], deviation[0]
            variance = p @ d**2
            third = p @ d**3
            covariance = p @ (d * heat[0])
            slope = third + 2.0 * t * t * covariance - 2.0 * t * variance
            return slope / max(variance * t, np.finfo(float).tiny)

        f_low, f_high = slope_sign_function(low), slope_sign_function(high)
        if not (f_low > 0 > f_high):
            return float(np.sqrt(low * high))
        return float(brentq(slope_sign_function, low, high, xtol=1e-14 * high, rtol=1e-13))

    def _describe_peak(self, temperature, kinetic, coverage):
        contributions = self.heat_capacity_contributions(temperature)
        c_plus_set = _dominant(np.where(contributions > 0, contributions, 0.0), coverage)
        c_minus_set = _dominant(np.where(contributions < 0, -contributions, 0.0), coverage)
        height, c_plus, c_minus = self.heat_capacity(temperature, kinetic=kinetic, split=True)
        return HeatCapacityPeak(
            temperature=temperature,
            height=height,
            c_plus=c_plus,
            c_minus=c_minus,
            c_plus_minima=c_plus_set,
            c_minus_minima=c_minus_set,
            c_plus_contributions=np.abs(contributions[c_plus_set]),
            c_minus_contributions=np.abs(contributions[c_minus_set]),
        )

    def entropy(self, T):
        """Shannon entropy of the occupation probabilities, ``S(T) = -sum_a p_a ln p_a``.

        Niroomand et al., Digital Discovery 2024, eq. 2. Computed as
        ``ln sum_b w_b - sum_a p_a ln w_a`` so that vanishing ``p_a`` never give NaN.

        Parameters
        ----------
        T : float or array-like of shape (n_T,)

        Returns
        -------
        S : float or ndarray of shape (n_T,)

        Examples
        --------
        >>> from sklandscape import Landscape
        >>> ls = Landscape.from_arrays([0.0, 0.0], [1.0], [[0, 1]])
        >>> round(float(ls.entropy(2.0)), 6)  # two degenerate minima: ln 2
        0.693147
        """
        temperatures, scalar = check_temperature(T)
        log_p = self._log_occupation(temperatures)
        p = np.exp(log_p)
        finite = np.where(p > 0, log_p, 0.0)
        entropy = np.maximum(-np.einsum("ta,ta->t", p, finite), 0.0)
        return float(entropy[0]) if scalar else entropy

    def frustration(self, T, normalized=False, component_only=True):
        """Frustration index of the landscape.

        ``F(T) = sum_{a != g} p_a(T) (L†_a - L_g) / (L_a - L_g)`` where ``g`` is the
        global minimum and ``L†_a`` the highest transition state on the minimax
        (lowest-barrier) path from ``a`` to ``g`` (de Souza, Stevenson, Niblett,
        Farrell & Wales, J. Chem. Phys. 146, 124103 (2017); Niroomand et al.,
        Digital Discovery 2024, eq. 3). With ``normalized=True`` the weights are
        ``p_a / (1 - p_g)`` (F tilde), comparable between landscapes.

        The review's eq. 3 sums over all minima, but a minimum with no path to
        ``g`` has no finite barrier ``L†_a``. By default (``component_only=True``)
        only the connected component of the global minimum enters, with the
        occupation probabilities renormalised over it: the index of the
        connected landscape, unchanged by minima that a finite exploration
        failed to connect. With ``component_only=False`` the probabilities are
        normalised over every minimum, as in eq. 3, and disconnected minima
        contribute nothing, so such minima lower the index by their
        occupation. The two agree on a connected landscape. Minima degenerate
        with ``g`` (``L_a - L_g`` within ``1e-12 * max(1, |L_g|)``) are left out
        of the sum, where the ratio is undefined; with ``normalized=True`` they
        also leave the normalisation.

        Parameters
        ----------
        T : float or array-like of shape (n_T,)
        normalized : bool, default=False
        component_only : bool, default=True

        Returns
        -------
        F : float or ndarray of shape (n_T,)
            Zero for a single minimum or a landscape with no other connected minimum.
        """
        temperatures, scalar = check_temperature(T)
        g = self.global_minimum
        highest_ts = self._minimax_energies(g)
        component = np.flatnonzero(np.isfinite(highest_ts))
        energy = self.minima.energy[component]
        e_g = self.minima.energy[g]
        above = energy - e_g > 1e-12 * max(1.0, abs(e_g))
        if component_only:
            log_p = self._log_occupation(temperatures, minima=component)
        else:
            log_p = self._log_occupation(temperatures)[:, component]
        ratio = (highest_ts[component][above] - e_g) / (energy[above] - e_g)
        p_above = np.exp(log_p[:, above])
        value = p_above @ ratio
        if normalized:
            weight = p_above.sum(axis=1)
            value = np.divide(value, weight, out=np.zeros_like(value), where=weight > 0)
        return float(value[0]) if scalar else value

    def basin_volumes(self, log=False):
        """Relative harmonic basin volumes from the Hessians of the minima.

        The configuration-space volume of a harmonic well below a fixed energy
        above its bottom scales as ``prod_i lambda_i^(-1/2) = exp(-LPPHE_a / 2)``
        (divided by ``o_a`` for a ``pgorder`` column). The volumes are normalised
        to sum to one; they equal the occupation probabilities as T -> infinity,
        the entropic share of each minimum (Wales, *Energy Landscapes*, 2003).

        Parameters
        ----------
        log : bool, default=False
            Return log volumes.

        Returns
        -------
        volumes : ndarray of shape (n_min,)
        """
        if self.n_minima == 0:
            raise ValueError("the landscape has no minima.")
        log_volume = -0.5 * self.minima.log_hessian_product - self._log_symmetry_numbers
        log_volume = log_volume - logsumexp(log_volume)
        return log_volume if log else np.exp(log_volume)


def log_softmax(log_weight):
    """Row-wise ``log(w_a / sum_b w_b)`` accurate to full relative precision.

    The largest weight of each row is factored out and the rest summed with
    ``log1p``, so that the log probability of a dominant minimum (close to 0)
    keeps its relative accuracy, which the entropy needs at low temperature.
    """
    rows = np.arange(log_weight.shape[0])
    top = np.argmax(log_weight, axis=1)
    shifted = log_weight - log_weight[rows, top][:, None]
    others = np.exp(shifted)
    others[rows, top] = 0.0
    return shifted - np.log1p(others.sum(axis=1))[:, None]


def _dominant(values, coverage):
    """Indices of the largest ``values`` whose sum reaches ``coverage`` of the total."""
    total = values.sum()
    if not total > 0:
        return np.empty(0, dtype=np.int64)
    order = np.argsort(-values, kind="stable")
    cumulative = np.cumsum(values[order])
    count = int(np.searchsorted(cumulative, coverage * total * (1 - 1e-12))) + 1
    return order[: min(count, np.count_nonzero(values))]
