"""The constraints on the exploration parameters, shared by :func:`explore` and the estimators.

One dictionary in scikit-learn's constraint language
(:func:`sklearn.utils._param_validation.validate_params`, through
:mod:`sklandscape._sklearn_compat`) describes every exploration parameter. The
estimators' ``_parameter_constraints`` (:class:`sklandscape.base.LandscapeMixin`)
and :func:`explore` are both built from it, adding only their own sentinels:
``"auto"`` for the estimators (a default chosen from the data), ``None`` for
:func:`explore` (a default chosen by the objective, or no limit). So a value is
accepted or refused, with the same error class
(``InvalidParameterError``, a subclass of both ``ValueError`` and
``TypeError``), whichever way it is given.

A temperature of 0 is accepted by both: Metropolis acceptance then takes only
steps that do not raise the energy, the monotonic basin-hopping of Leary
(J. Global Optim. 18, 367 (2000)), handled exactly by the acceptance test; it
is a legitimate greedy search, not a degenerate input.
"""

from numbers import Integral, Real

from .._sklearn_compat import Interval

__all__ = ["EXPLORATION_CONSTRAINTS", "with_options"]

#: Constraints of the exploration parameters common to :func:`explore` and the estimators.
EXPLORATION_CONSTRAINTS = {
    "n_hops": [Interval(Integral, 0, None, closed="left")],
    "n_chains": [Interval(Integral, 1, None, closed="left")],
    "temperature": [Interval(Real, 0, None, closed="left")],
    "step_size": [Interval(Real, 0, None, closed="neither")],
    "connect": ["boolean"],
    "n_jobs": [Integral, None],
    "random_state": ["random_state"],
    "verbose": ["verbose"],
    "max_minima": [Interval(Integral, 1, None, closed="left"), None],
    "energy_window": [Interval(Real, 0, None, closed="left"), None],
    "max_searches": [Interval(Integral, 0, None, closed="left"), None],
    "max_time": [Interval(Real, 0, None, closed="neither"), None],
}


def with_options(constraints, names, option):
    """A copy of ``constraints`` where each parameter of ``names`` also accepts ``option``.

    ``option`` is a constraint: ``None`` or, e.g., ``StrOptions({"auto"})``.
    A parameter that already accepts it is left as it is.
    """
    result = {name: list(values) for name, values in constraints.items()}
    for name in names:
        if option is None and None in result[name]:
            continue
        result[name].append(option)
    return result
