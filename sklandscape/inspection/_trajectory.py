"""Which basins of a fitted landscape a training trajectory passes through."""

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ._loss import loss_function

__all__ = ["trajectory_basins"]


def trajectory_basins(estimator, X, y=None, trajectory=None, *, sample_weight=None):
    """The minimum of ``landscape_`` whose basin holds each point of a trajectory.

    Each point (e.g. the parameters an optimiser visits from some
    initialisation, in the layout of ``landscape_.minima.x``) is quenched by
    the estimator's own local minimiser on ``(X, y)`` (the basin of
    attraction it belongs to), brought to the canonical form, and matched to
    a stored minimum with the objective's energy and position tolerances
    (the rule the exploration uses to recognise a minimum). Draw the result
    with :meth:`~sklandscape.Landscape.plot_trajectory`.

    Parameters
    ----------
    estimator : fitted landscape estimator
    X, y, sample_weight
        The training data (as in ``fit``).
    trajectory : array-like of shape (n_points, n_params)
        Parameter vectors in order.

    Returns
    -------
    basins : ndarray of int, shape (n_points,)
        Index of the minimum each point drains to; -1 when its minimum is not
        in the landscape (exploration did not find it).

    Raises
    ------
    ValueError
        If ``trajectory`` does not have ``n_params`` columns.
    """
    check_is_fitted(estimator, "landscape_")
    landscape = estimator.landscape_
    trajectory = np.atleast_2d(np.asarray(trajectory, dtype=float))
    if trajectory.ndim != 2 or trajectory.shape[1] != landscape.n_params:
        raise ValueError(
            f"trajectory must have shape (n_points, {landscape.n_params}), got {trajectory.shape}."
        )
    objective = loss_function(estimator, X, y, sample_weight).objective
    tolerance = objective.position_tolerance()
    basins = np.full(trajectory.shape[0], -1, dtype=np.int64)
    for k, point in enumerate(trajectory):
        result = objective.local_minimize(point)
        canonical = objective.canonical(result.x)
        close = np.abs(landscape.minima.energy - result.energy) <= objective.energy_tolerance(
            result.energy
        )
        for m in np.flatnonzero(close):
            if objective.distance(canonical, landscape.minima.x[m]) <= tolerance:
                basins[k] = m
                break
    return basins
