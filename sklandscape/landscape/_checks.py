"""Input checks shared by the landscape analyses (temperatures, minima indices)."""

from numbers import Integral

import numpy as np

__all__ = ["check_minima_set", "check_temperature"]


def check_temperature(T, name="T"):
    """Validate temperatures: positive and finite, a scalar or a 1-d array.

    Parameters
    ----------
    T : float or array-like of shape (n_T,)
    name : str
        Name used in error messages.

    Returns
    -------
    temperatures : ndarray of shape (n_T,)
        The temperatures as a float array (one entry for a scalar).
    is_scalar : bool
        Whether ``T`` was a scalar (0-d), so results can be squeezed back.

    Raises
    ------
    ValueError
        If ``T`` is not 0-d or 1-d, or holds a non-positive or non-finite value.
    """
    try:
        array = np.asarray(T, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a positive number or a 1-d array of them.") from exc
    if array.ndim > 1:
        raise ValueError(f"{name} must be a scalar or one-dimensional, got shape {array.shape}.")
    if not np.all(np.isfinite(array)) or np.any(array <= 0):
        raise ValueError(f"{name} must be positive and finite, got {T!r}.")
    return np.atleast_1d(array), array.ndim == 0


def check_minima_set(indices, n_minima, name):
    """Validate a minimum index or an iterable of them; return a sorted unique int array.

    Raises
    ------
    ValueError
        If the set is empty or an index is out of range or not an integer.
    """
    if isinstance(indices, Integral | np.integer):
        values = np.array([int(indices)])
    else:
        try:
            values = np.asarray(list(indices))
        except TypeError as exc:
            raise ValueError(f"{name} must be a minimum index or an iterable of them.") from exc
        if values.size and not np.issubdtype(values.dtype, np.integer):
            raise ValueError(f"{name} must hold integer minima indices, got {values.dtype}.")
    values = np.unique(values.astype(np.int64).ravel())
    if values.size == 0:
        raise ValueError(f"{name} is empty.")
    if values[0] < 0 or values[-1] >= n_minima:
        raise ValueError(
            f"{name} indices must lie in [0, {n_minima}); got range [{values[0]}, {values[-1]}]."
        )
    return values
