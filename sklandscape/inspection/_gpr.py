"""Which Gaussian-process hyperparameters the data pin down."""

from dataclasses import dataclass

import numpy as np

from ._selection import selected_minima

__all__ = ["PinnedHyperparameters", "pinned_hyperparameters"]

#: Distance (in log units) from a bound within which a hyperparameter counts as at the bound.
BOUND_TOLERANCE = 1e-6


@dataclass(frozen=True, eq=False)
class PinnedHyperparameters:
    """Log-hyperparameters of a GP landscape minimum and how tightly they are determined.

    Attributes
    ----------
    names : list of str
        One per entry of ``kernel.theta`` (``name[i]`` for anisotropic ones).
    minimum : int
        The minimum whose ``theta`` and curvature are reported.
    theta : ndarray of shape (n_dims,)
        Log-hyperparameters at that minimum.
    log_std : ndarray of shape (n_dims,)
        Laplace standard deviation ``sqrt((H^-1)_kk)`` of each free
        log-hyperparameter (``H`` the Hessian of -log marginal likelihood over
        the hyperparameters not at a bound); ``inf`` for one at a bound.
    at_bound : ndarray of bool, shape (n_dims,)
        Whether the hyperparameter sits at a bound of ``kernel.bounds``.
    spread : ndarray of shape (n_dims,)
        Standard deviation of ``theta`` over the chosen minima (0 for one).
    minima : ndarray of int
        The chosen minima.
    pinned : ndarray of bool, shape (n_dims,)
        ``log_std <= tol`` and not at a bound: the data fix it.
    """

    names: list
    minimum: int
    theta: np.ndarray
    log_std: np.ndarray
    at_bound: np.ndarray
    spread: np.ndarray
    minima: np.ndarray
    pinned: np.ndarray


def pinned_hyperparameters(estimator, *, funnel=None, minima=None, tol=0.5):
    r"""How tightly the data determine each kernel hyperparameter.

    In the Laplace approximation of the hyperparameter posterior around a
    minimum of :math:`-\log p(y | X, \theta)` (the energy of
    :class:`~sklandscape.LandscapeGPRegressor`), :math:`\theta` is Gaussian
    with covariance :math:`H^{-1}`; a hyperparameter with small
    :math:`\sqrt{(H^{-1})_{kk}}` (in log units: ``tol=0.5`` is about a
    factor 1.65) is pinned by the data (Rasmussen & Williams, *Gaussian
    Processes for Machine Learning*, MIT Press 2006, section 5.4; Niroomand
    et al., Digital Discovery 2024, section 5.3). One that rests on a bound
    of ``kernel.bounds`` is held by the bound, not the data. The spread over
    the chosen minima shows which hyperparameters differ between solutions.

    Parameters
    ----------
    estimator : fitted LandscapeGPRegressor
    funnel : int, optional
        An MSB bottom. Default: the funnel of the fitted minimum.
    minima : int or iterable of int, optional
        Explicit minima instead of a funnel.
    tol : float, default=0.5
        Largest Laplace standard deviation (log units) of a pinned hyperparameter.

    Returns
    -------
    PinnedHyperparameters
        Curvature and ``theta`` of the lowest chosen minimum.

    Raises
    ------
    ValueError
        If the kernel has no free hyperparameters.
    """
    if not tol >= 0:
        raise ValueError(f"tol must be non-negative, got {tol!r}.")
    kernel = estimator.kernel_
    if kernel.n_dims == 0:
        raise ValueError("the kernel has no free hyperparameters.")
    chosen = selected_minima(estimator, minima, funnel)
    landscape = estimator.landscape_
    minimum = int(chosen[np.argmin(landscape.minima.energy[chosen])])
    theta = np.array(landscape.minima.x[minimum], dtype=float)
    bounds = kernel.bounds
    at_bound = np.any(np.abs(theta[:, None] - bounds) <= BOUND_TOLERANCE, axis=1)
    log_std = np.full(theta.size, np.inf)
    free = np.flatnonzero(~at_bound)
    if free.size:
        # y_train_ is standardised when normalize_y=True; standardising it again changes nothing.
        objective = estimator.loss_objective(estimator.X_train_, estimator.y_train_)
        hessian = objective.hessian(theta)[np.ix_(free, free)]
        log_std[free] = np.sqrt(np.diag(np.linalg.inv(hessian)))
    return PinnedHyperparameters(
        names=_theta_names(kernel),
        minimum=minimum,
        theta=theta,
        log_std=log_std,
        at_bound=at_bound,
        spread=landscape.minima.x[chosen].std(axis=0),
        minima=chosen,
        pinned=(log_std <= tol) & ~at_bound,
    )


def _theta_names(kernel):
    """Names of the entries of ``kernel.theta`` (free hyperparameters, in order)."""
    names = []
    for hyperparameter in kernel.hyperparameters:
        if hyperparameter.fixed:
            continue
        if hyperparameter.n_elements == 1:
            names.append(hyperparameter.name)
        else:
            names.extend(f"{hyperparameter.name}[{i}]" for i in range(hyperparameter.n_elements))
    return names
