r"""Scores of the number of clusters K read from K-means solution landscapes.

For every K the K-means cost ``E(C) = sum_i w_i min_k |x_i - c_k|^2 / sum_i w_i``
has a landscape of minima (fixed points of Lloyd's algorithm, i.e. partitions
of the data) and transition states. The features below describe that
landscape as a whole, not one solution; the criteria turn them into a score
per K (higher is better).

Thermodynamics of partitions
----------------------------
A K-means minimum is a partition of the data, a discrete state, so its
equilibrium weight is the Boltzmann factor of its cost alone,
``p_a(T) = exp(-E_a / T) / sum_b exp(-E_b / T)``, without the harmonic
vibrational factor (its Hessian eigenvalues ``2 W_k / W`` are cluster
weights, and a "volume" ``prod_k W_k^(-d/2)`` would favour tiny clusters). The
reference temperature of K is

.. math::

    T_K = \tau \, E_g(K) / n,

with ``E_g(K)`` the global-minimum cost and ``n`` the number of samples:
``E_g / n`` is the cost one typical sample adds to the mean, so at
``tau = 1`` a competing partition that costs one typical sample more than the
best one has weight ``1/e`` relative to it.

Features (one row per K)
------------------------
* ``n_connected`` and ``fraction_connected``: the kept minima joined to the
  global minimum ``g`` by transition states, in number and as a fraction of
  the kept minima. The features that need transition states (``n_msb``,
  ``funnel_occupation``, ``frustration``, ``gap``, ``barrier``) are computed
  on this connected set only: a minimum the budget left unconnected would
  otherwise count as a funnel of its own.
* ``occupation``: ``p_g(T_K)``, the weight of the global minimum ``g``.
* ``entropy``: ``S_K = -sum_a p_a ln p_a`` at ``T_K`` over every kept minimum;
  ``exp(S_K)`` is the effective number of competing partitions.
* ``funnel_occupation``: ``P_f = sum_{a in F_g} p_a``, with ``F_g`` the
  connected minima from which a monotonic sequence of transition states (each
  step to a lower minimum) leads to ``g``: the global minimum's funnel.
* ``n_msb``: the number of monotonic sequence basins among the connected
  minima (minima with no transition state to a lower minimum).
* ``frustration``: the normalised frustration of the connected set,
  ``F~ = sum_{a != g} p_a (L+_a - E_g) / (E_a - E_g) / (1 - p_g)``
  (de Souza et al. 2017; Wu, Dicks & Wales 2023).
* ``gap`` and ``barrier``: with ``c`` the lowest connected minimum outside
  ``F_g`` (the bottom of the best competing funnel), ``gap = E_c - E_g`` and
  ``barrier = L+(c, g) - E_c``, the climb out of the competing funnel on the
  minimax path to ``g`` (both ``nan`` without a competing funnel).

Criteria
--------
With ``E_g(K -/+ 1)``, ``S_{K+1}`` and ``P_f(K+1)`` from the neighbouring
landscapes (``E_g(1)`` is the total weighted variance, the one-cluster minimum):

* ``"cost"``: curvature of the log global-minimum cost curve (the elbow),
  ``c(K) = ln E_g(K-1) - 2 ln E_g(K) + ln E_g(K+1)``.
* ``"funnel"``: the loss of the global minimum's funnel on adding a
  cluster, ``ln P_f(K) - ln P_f(K+1)``.
* ``"landscape"`` (default): the cost elbow weighted by that loss,
  ``c(K) * P_f(K) / P_f(K+1)``.
* ``"entropy"``: the rise of the solution-space entropy,
  ``S_{K+1} - S_K``.
* ``"entropy_elbow"``: the elbow weighted by the growth of the effective number of
  competing partitions, ``c(K) * exp(S_{K+1} - S_K)`` (the default before 0.1).
* ``"occupation"``: ``ln p_g(K) - ln p_g(K+1)``.
* ``"frustration"``: ``-F~_K``.
* ``"msb"``: ``-(n_msb - 1) / n_connected`` (0 for a single funnel).
* ``"gap"``: ``gap / T_K`` (``ln p_g / p_c``; ``inf`` without a competitor).

Why the default: on the landscapes of K-means, the global minimum sits at
the bottom of a single funnel up to the appropriate K (below it, merging two
clusters is clearly best, so there is one best partition and the others
drain into it), and the funnel is lost once K exceeds it: one cluster more
can split any cluster in many near-equivalent ways, a glassy landscape of
competing funnels (Wu, Dicks & Wales 2023 observe the single funnel at the
appropriate K and its loss as K deviates). Funnel structure alone does not
say which of the funnelled K is right, and there the cost curve speaks: the
cluster added at the appropriate K pays off much more than the next one (the
elbow). The product asks for both: an elbow counts in proportion to how much
of the equilibrium weight leaves the global minimum's funnel when one more
cluster is added, ``P_f(K) / P_f(K+1)`` (1 when both are funnelled, large
when K + 1 is glassy). ``P_f`` is the Boltzmann weight of the funnel at the
temperature of one typical sample's cost, so a competing funnel counts only
when it holds partitions within a few typical samples of the best one. How
the criterion was chosen (a design suite, then held-out suites) is logged in
``benchmarks/bench_k_selector.py``.
"""

from collections import deque

import numpy as np

from ..landscape import Landscape

__all__ = [
    "CRITERIA",
    "connected_to_global_minimum",
    "criterion_scores",
    "global_minimum_funnel",
    "landscape_features",
    "partition_landscape",
]


def partition_landscape(landscape, connected_only=False):
    """The landscape with every minimum and transition state weighted by its cost alone.

    A copy whose log Hessian products are zero, so that occupation
    probabilities are Boltzmann factors ``exp(-E_a / T)`` over the minima as
    discrete states.

    Parameters
    ----------
    landscape : Landscape
    connected_only : bool, default=False
        Keep only the minima joined to the global minimum by transition
        states (its connected component), and the transition states among them.

    Returns
    -------
    Landscape
    """
    states = landscape.transition_states
    energy = np.asarray(landscape.minima.energy, dtype=float)
    pairs = np.asarray(states.minima, dtype=np.int64).reshape(-1, 2)
    ts_energy = np.asarray(states.energy, dtype=float)
    if connected_only and landscape.n_minima:
        inside = connected_to_global_minimum(landscape)
        index = np.cumsum(inside) - 1
        keep = np.all(inside[pairs], axis=1) if len(pairs) else np.zeros(0, dtype=bool)
        energy, pairs, ts_energy = energy[inside], index[pairs[keep]], ts_energy[keep]
    return Landscape.from_arrays(energy, ts_energy, pairs, n_params=landscape.n_params)


def connected_to_global_minimum(landscape):
    """Minima joined to the global minimum by a chain of transition states.

    Parameters
    ----------
    landscape : Landscape

    Returns
    -------
    mask : ndarray of bool, shape (n_minima,)
        ``True`` for the global minimum's connected component (all ``False``
        for a landscape without minima).
    """
    mask = np.zeros(landscape.n_minima, dtype=bool)
    if landscape.n_minima:
        mask[landscape.connected_components()[0]] = True
    return mask


def global_minimum_funnel(landscape):
    """Minima from which a monotonic sequence of transition states leads to the global minimum.

    A step of a monotonic sequence goes from a minimum through one of its
    transition states to a strictly lower minimum (Berry & Kunz, Phys. Rev.
    Lett. 74, 3951 (1995)); the funnel of ``g`` is the set of minima with such
    a path ending at ``g``, found by a breadth-first search uphill from ``g``.

    Parameters
    ----------
    landscape : Landscape

    Returns
    -------
    mask : ndarray of bool, shape (n_minima,)

    Examples
    --------
    >>> from sklandscape import Landscape
    >>> ls = Landscape.from_arrays([0.0, 1.0, 0.5, 2.0], [2.0, 1.5, 3.0],
    ...                            [[0, 1], [1, 2], [2, 3]])
    >>> global_minimum_funnel(ls)
    array([ True,  True, False, False])
    """
    energy = landscape.minima.energy
    uphill = [[] for _ in range(landscape.n_minima)]
    for a, b in landscape.transition_states.minima:
        if energy[a] < energy[b]:
            uphill[a].append(b)
        elif energy[b] < energy[a]:
            uphill[b].append(a)
    inside = np.zeros(landscape.n_minima, dtype=bool)
    g = landscape.global_minimum
    inside[g] = True
    queue = deque([g])
    while queue:
        for higher in uphill[queue.popleft()]:
            if not inside[higher]:
                inside[higher] = True
                queue.append(higher)
    return inside


def landscape_features(landscape, n_samples, temperature_scale=1.0):
    """Whole-landscape features of one K (see the module docstring for formulas).

    The thermodynamic features (``occupation``, ``entropy``) count every kept
    minimum, each a partition of the data; the features that need transition
    states (``funnel_occupation``, ``n_msb``, ``frustration``, ``gap``,
    ``barrier``) are computed on the minima connected to the global minimum
    only, so that a minimum the budget left unconnected is not mistaken for a
    competing funnel. ``fraction_connected`` says how much of the landscape
    that is.

    Parameters
    ----------
    landscape : Landscape
        An explored K-means landscape (energies are costs per unit weight).
    n_samples : int
        Number of training samples ``n``.
    temperature_scale : float, default=1.0
        ``tau`` in ``T_K = tau * E_g / n``.

    Returns
    -------
    features : dict of float
        Keys ``energy, n_minima, n_transition_states, n_connected,
        fraction_connected, n_msb, temperature, occupation, entropy,
        funnel_occupation, frustration, gap, barrier``.
    """
    thermal = partition_landscape(landscape)
    energy = thermal.minima.energy
    g = thermal.global_minimum
    temperature = temperature_scale * energy[g] / n_samples
    if not temperature > 0:  # a perfect fit (every sample on a centre): no thermal scale
        temperature = np.finfo(float).tiny
    occupation = thermal.occupation_probabilities(temperature)
    connected = partition_landscape(landscape, connected_only=True)
    connected_occupation = occupation[connected_to_global_minimum(landscape)]
    funnel = global_minimum_funnel(connected)
    outside = np.flatnonzero(~funnel)
    if outside.size:
        competitor = outside[np.argmin(connected.minima.energy[outside])]
        gap = float(connected.minima.energy[competitor] - energy[g])
        barrier = float(
            connected.barrier(connected.global_minimum, competitor)
            - connected.minima.energy[competitor]
        )
    else:
        gap = barrier = np.nan
    return {
        "energy": float(energy[g]),
        "n_minima": int(thermal.n_minima),
        "n_transition_states": int(thermal.n_transition_states),
        "n_connected": int(connected.n_minima),
        "fraction_connected": connected.n_minima / thermal.n_minima,
        "n_msb": len(connected.monotonic_sequence_basins()),
        "temperature": float(temperature),
        "occupation": float(occupation[g]),
        "entropy": float(thermal.entropy(temperature)),
        "funnel_occupation": float(min(1.0, connected_occupation[funnel].sum())),
        "frustration": float(connected.frustration(temperature, normalized=True)),
        "gap": gap,
        "barrier": barrier,
    }


def _log(values):
    with np.errstate(divide="ignore"):
        return np.log(np.asarray(values, dtype=float))


def _cost(results):
    return (
        _log(results["energy_previous"])
        - 2.0 * _log(results["energy"])
        + _log(results["energy_next"])
    )


def _entropy(results):
    return results["entropy_next"] - results["entropy"]


def _landscape(results):
    return _cost(results) * np.exp(_funnel(results))


def _entropy_elbow(results):
    return _cost(results) * np.exp(_entropy(results))


def _occupation(results):
    return _log(results["occupation"]) - _log(results["occupation_next"])


def _funnel(results):
    return _log(results["funnel_occupation"]) - _log(results["funnel_occupation_next"])


def _frustration(results):
    return -np.asarray(results["frustration"], dtype=float)


def _msb(results):
    return -(results["n_msb"] - 1.0) / results["n_connected"]


def _gap(results):
    gap = np.where(np.isnan(results["gap"]), np.inf, results["gap"])
    return gap / results["temperature"]


#: Built-in criteria: name -> function of the ``results_`` columns giving one score per K.
CRITERIA = {
    "landscape": _landscape,
    "entropy_elbow": _entropy_elbow,
    "entropy": _entropy,
    "cost": _cost,
    "occupation": _occupation,
    "funnel": _funnel,
    "frustration": _frustration,
    "msb": _msb,
    "gap": _gap,
}


def criterion_scores(results, criterion):
    """Scores of every K under ``criterion`` (a built-in name or a callable).

    Parameters
    ----------
    results : dict of ndarray
        The per-K columns of :attr:`LandscapeKSelector.results_`.
    criterion : str or callable
        A key of :data:`CRITERIA`, or ``criterion(results) -> scores``.

    Returns
    -------
    scores : ndarray of float, shape (n_k,)
        Higher is better; ``nan`` where a score is undefined (e.g. the entropy
        rise of the largest K when K + 1 could not be explored).

    Raises
    ------
    ValueError
        When a callable returns the wrong shape.
    """
    function = CRITERIA[criterion] if isinstance(criterion, str) else criterion
    with np.errstate(invalid="ignore"):
        scores = np.asarray(function(results), dtype=float)
    if scores.shape != results["k"].shape:
        raise ValueError(
            f"criterion returned scores of shape {scores.shape}; expected one per K, "
            f"{results['k'].shape}."
        )
    return scores
