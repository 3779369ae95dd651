"""Scorers that rate a fitted estimator by the landscape it explored.

A landscape scorer follows scikit-learn's scorer protocol,
``scorer(estimator, X, y=None) -> float`` (greater is better), so it can be
passed as ``scoring`` to :class:`~sklearn.model_selection.GridSearchCV` or
:func:`~sklearn.model_selection.cross_val_score`. ``X`` and ``y`` are
ignored: the score is a property of the loss landscape the estimator mapped
on its training data, so in cross-validation every fold is explored afresh
and scored by its own landscape.
"""

import numpy as np

__all__ = ["LANDSCAPE_METRICS", "make_landscape_scorer"]


def _n_minima(landscape):
    return landscape.n_minima


def _n_transition_states(landscape):
    return landscape.n_transition_states


def _n_msb(landscape):
    return len(landscape.monotonic_sequence_basins())


def _global_minimum_energy(landscape):
    return landscape.minima.energy[landscape.global_minimum]


def _energy_gap(landscape):
    energies = np.sort(landscape.minima.energy)
    return energies[1] - energies[0] if energies.size > 1 else np.inf


def _frustration(landscape, T, normalized=False):
    return landscape.frustration(T, normalized=normalized)


def _entropy(landscape, T):
    return landscape.entropy(T)


def _heat_capacity_peak(landscape, T=None, kinetic=False):
    if T is not None:
        return np.max(landscape.heat_capacity(np.atleast_1d(T), kinetic=kinetic))
    peaks = landscape.heat_capacity_peaks(kinetic=kinetic)
    if peaks:
        return max(peak.height for peak in peaks)
    return landscape.heat_capacity(1.0, kinetic=kinetic)


#: Named metrics: ``name -> (function(landscape, **kw), required keywords, optional keywords)``.
LANDSCAPE_METRICS = {
    "n_minima": (_n_minima, (), ()),
    "n_transition_states": (_n_transition_states, (), ()),
    "n_msb": (_n_msb, (), ()),
    "global_minimum_energy": (_global_minimum_energy, (), ()),
    "energy_gap": (_energy_gap, (), ()),
    "frustration": (_frustration, ("T",), ("normalized",)),
    "entropy": (_entropy, ("T",), ()),
    "heat_capacity_peak": (_heat_capacity_peak, (), ("T", "kinetic")),
}


class _LandscapeScorer:
    """``sign * metric(landscape_)`` of a fitted estimator (see :func:`make_landscape_scorer`)."""

    def __init__(self, metric, name, sign, kwargs):
        self._metric = metric
        self._name = name
        self._sign = sign
        self._kwargs = kwargs

    def __call__(self, estimator, X=None, y=None, **kwargs):
        value = float(self._metric(_find_landscape(estimator), **self._kwargs))
        return self._sign * value

    def __repr__(self):
        options = "".join(f", {key}={value!r}" for key, value in self._kwargs.items())
        greater = "" if self._sign > 0 else ", greater_is_better=False"
        return f"make_landscape_scorer({self._name!r}{greater}{options})"


def _find_landscape(estimator):
    """``landscape_`` of the estimator, of a Pipeline's last step or of a ``best_estimator_``."""
    current = estimator
    for _ in range(32):
        if hasattr(current, "landscape_"):
            return current.landscape_
        if hasattr(current, "steps"):
            current = current.steps[-1][1]
        elif hasattr(current, "best_estimator_"):
            current = current.best_estimator_
        else:
            break
    raise TypeError(
        f"{type(estimator).__name__} has no landscape_: landscape scorers need a fitted "
        "sklandscape estimator (or a Pipeline ending in one)."
    )


def make_landscape_scorer(metric, *, greater_is_better=True, **kwargs):
    """Make a scikit-learn scorer from a landscape metric.

    Parameters
    ----------
    metric : str or callable
        A callable ``metric(landscape) -> float``, or one of the names

        ============================  ============================================
        ``"n_minima"``                number of minima found
        ``"n_transition_states"``     number of transition states
        ``"n_msb"``                   number of monotonic sequence basins
        ``"global_minimum_energy"``   lowest loss found
        ``"energy_gap"``              ``L_1 - L_0``, gap between the two lowest
                                      minima (``inf`` with a single minimum)
        ``"frustration"``             ``landscape.frustration(T, normalized)``;
                                      needs ``T``
        ``"entropy"``                 Shannon entropy of the occupation
                                      probabilities at ``T``; needs ``T``
        ``"heat_capacity_peak"``      height of the highest heat-capacity peak:
                                      ``max C_V(T)`` over a given grid ``T``, or
                                      else over the peaks that
                                      ``landscape.heat_capacity_peaks()`` locates
                                      (``C_V = kappa/2``, flat, when there is
                                      none); optional ``kinetic``
        ============================  ============================================

    greater_is_better : bool, default=True
        Whether a larger metric is better. When ``False`` the scorer returns
        the negated metric, as :func:`sklearn.metrics.make_scorer` does (for
        example a funnelled, unfrustrated landscape: ``"frustration"`` with
        ``greater_is_better=False``).
    **kwargs
        Keyword arguments of the metric (``T``, ``normalized``, ``kinetic``),
        or of the callable.

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y=None) -> float``; ``X`` and ``y`` are ignored.
        ``estimator`` is a fitted sklandscape estimator, a Pipeline ending in
        one, or a search with a ``best_estimator_``.

    Raises
    ------
    ValueError
        On an unknown metric name.
    TypeError
        On a metric that is neither a name nor a callable, a missing required
        keyword or an unknown one.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklandscape import LandscapeKMeans
    >>> from sklandscape.metrics import make_landscape_scorer
    >>> X = load_iris().data
    >>> km = LandscapeKMeans(3, n_hops=20, n_chains=2, connect=False, random_state=0).fit(X)
    >>> scorer = make_landscape_scorer("n_minima", greater_is_better=False)
    >>> scorer(km, X) == -km.landscape_.n_minima
    True

    Pass ``scoring=scorer`` to :class:`~sklearn.model_selection.GridSearchCV`
    to choose, say, the number of clusters with the fewest minima.
    """
    if not isinstance(greater_is_better, bool | np.bool_):
        raise TypeError(f"greater_is_better must be a bool, got {greater_is_better!r}.")
    sign = 1 if greater_is_better else -1
    if callable(metric):
        name = getattr(metric, "__name__", repr(metric))
        return _LandscapeScorer(metric, name, sign, kwargs)
    if not isinstance(metric, str):
        raise TypeError(
            f"metric must be a metric name or a callable, got {type(metric).__name__}."
        )
    if metric not in LANDSCAPE_METRICS:
        raise ValueError(
            f"unknown landscape metric {metric!r}; choose from {sorted(LANDSCAPE_METRICS)}."
        )
    function, required, optional = LANDSCAPE_METRICS[metric]
    missing = [key for key in required if key not in kwargs]
    if missing:
        raise TypeError(f"metric {metric!r} needs the keyword argument(s) {missing}.")
    unknown = sorted(set(kwargs) - set(required) - set(optional))
    if unknown:
        raise TypeError(
            f"metric {metric!r} takes no keyword argument(s) {unknown}; "
            f"it accepts {list(required + optional)}."
        )
    if kwargs.get("T") is not None:
        _check_temperatures(kwargs["T"], scalar="T" in required)
    return _LandscapeScorer(function, metric, sign, kwargs)


def _check_temperatures(T, scalar):
    values = np.asarray(T, dtype=float)
    if scalar and values.ndim != 0:
        raise ValueError(f"T must be a single positive temperature, got {T!r}.")
    values = np.atleast_1d(values)
    if values.ndim != 1 or values.size == 0 or not np.all(np.isfinite(values) & (values > 0)):
        raise ValueError(f"T must be a positive temperature or a 1-d array of them, got {T!r}.")
