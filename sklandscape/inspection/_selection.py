"""Which minima an inspection covers: a funnel, an explicit set, or the fitted minimum's funnel."""

from numbers import Integral

import numpy as np
from sklearn.utils.validation import check_is_fitted

__all__ = ["selected_minima"]


def selected_minima(estimator, minima, funnel):
    """Sorted minima indices chosen by ``minima`` or ``funnel`` (not both).

    With neither, the funnel (see :meth:`~sklandscape.Landscape.funnels`) that
    holds the estimator's fitted minimum ``minimum_index_``.

    Raises
    ------
    ValueError
        If both are given or ``funnel`` is not an MSB bottom.
    """
    check_is_fitted(estimator, "landscape_")
    landscape = estimator.landscape_
    if minima is not None and funnel is not None:
        raise ValueError("give minima or funnel, not both.")
    labels = landscape.funnels()
    if minima is not None:
        from ..landscape._checks import check_minima_set

        return check_minima_set(minima, landscape.n_minima, "minima")
    if funnel is None:
        funnel = int(labels[estimator.minimum_index_])
    if not isinstance(funnel, Integral | np.integer):
        raise ValueError(f"funnel must be an MSB index, got {funnel!r}.")
    if not 0 <= int(funnel) < landscape.n_minima or labels[int(funnel)] != int(funnel):
        raise ValueError(
            f"funnel={funnel} is not an MSB bottom; MSBs are "
            f"{landscape.monotonic_sequence_basins()}."
        )
    return np.flatnonzero(labels == int(funnel))
