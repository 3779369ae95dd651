"""Shared machinery of the landscape estimators.

:class:`LandscapeMixin` gives every sklandscape estimator the exploration
parameters (``n_hops, n_chains, temperature, step_size, connect, n_jobs,
random_state, verbose, warm_start``), the exploration budget (``max_minima,
energy_window, max_searches, max_time``), the fit-time exploration that fills
``landscape_``, and :meth:`LandscapeMixin.at_minimum`.

An estimator using it implements two hooks:

``_make_objective(X, y, sample_weight) -> Objective``
    The loss surface of the training data (an ``sklandscape._explore.Objective``).
``_set_fitted_parameters(x)``
    Set the estimator's fitted attributes (``coefs_``, ``cluster_centers_``,
    ...) from a flat parameter vector ``x``, using only what fit stored.

and calls :meth:`LandscapeMixin._fit_landscape` from its ``fit``. A classifier
whose objective takes encoded targets (one-hot for the MLP) also overrides
``_objective_targets(y)``.

Other modules (the ensemble, the selector, :mod:`sklandscape.inspection`) compose
estimators only through the public methods :meth:`LandscapeMixin.loss_objective`,
:meth:`LandscapeMixin.at_minimum` and :meth:`LandscapeMixin.at_parameters`.

When the exploration verifies no minimum (awkward data: every minimum met has
flat directions, or none converged), ``fit`` does not fail. As scikit-learn's own
optimisers do, it warns with a :class:`~sklearn.exceptions.ConvergenceWarning`
and leaves a usable fitted state: the parameters are the end point of one local
minimisation from the estimator's usual initialisation (not a verified
minimum), ``landscape_`` holds no minimum (its metadata counts why), and
``minimum_index_`` is ``None``.
"""

import contextlib
import copy
import logging
import warnings
from numbers import Integral

import joblib
import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from ._explore import explore
from ._explore._explorer import DEFAULT_MAX_CONNECT_ROUNDS
from ._explore._parameters import EXPLORATION_CONSTRAINTS, with_options
from ._sklearn_compat import StrOptions, _num_samples

__all__ = ["LandscapeMixin"]

logger = logging.getLogger(__name__)

#: ``"auto"`` kept minima: ``clip(round(SMALL * ((c + OVERHEAD) / OVERHEAD) ** -EXPONENT), 8,
#: SMALL)``, ``c = n_params * n_samples`` (see ``LandscapeMixin._default_budget``).
_AUTO_MINIMA_SMALL = 16
_AUTO_EVALUATION_OVERHEAD = 5e4
_AUTO_COST_EXPONENT = 0.45
#: Fewest ``"auto"`` kept minima.
_AUTO_MIN_MINIMA = 8
#: ``"auto"`` cap on the searches per kept minimum.
_AUTO_SEARCHES_PER_MINIMUM = 8
#: ``"auto"`` basin-hopping steps per chain: ``clip(round(h * C / c), MIN, h)``, ``C`` this.
_AUTO_HOPS_FULL_COST = 2e5
#: Fewest basin-hopping steps per chain ``"auto"`` gives.
_AUTO_MIN_HOPS = 5


class LandscapeMixin:
    """Mixin of the landscape estimators: exploration at fit time.

    Parameters shared by every estimator (each estimator lists them in its
    own ``__init__``):

    n_hops : int or "auto"
        Basin-hopping steps per chain. ``"auto"`` (estimators that set
        ``_AUTO_MAX_HOPS``): scaled with the size of the problem (see
        :meth:`_default_n_hops`).
    n_chains : int
        Independent basin-hopping chains (run in parallel).
    temperature : float or "auto"
        Metropolis temperature of the chains, in loss units, ``>= 0`` (0 accepts
        only steps that do not raise the loss: monotonic basin-hopping, see
        :mod:`sklandscape._explore._parameters`). ``"auto"`` takes the
        objective's data-scaled default (each estimator documents it).
    step_size : float or "auto"
        Basin-hopping displacement scale. ``"auto"``: the objective's
        data-scaled default.
    connect : bool
        Search transition states between minima (needed for barriers, rates,
        frustration, disconnectivity graphs); ``False`` maps minima only.
    n_jobs : int or None
        Parallel workers for chains and connections (joblib conventions).
    random_state : int, RandomState instance or None
        Seeds every chain and connection; the landscape does not depend on
        ``n_jobs`` or the joblib backend.
    verbose : int
        Progress logging (0 silent).
    warm_start : bool
        When ``True`` and the estimator was already fitted on the same data,
        ``fit`` continues exploring and adds to ``landscape_``.
    max_minima : int, "auto" or None
        The lowest minima kept and connected (the *focus*); minima found
        above it are counted in ``landscape_.metadata["n_minima_discarded"]``
        and not stored, except the stepping stones that join the focus to the
        global minimum (at most as many again, and the minima on the chains
        of transition states joining them). ``"auto"``: scaled with the size
        of the problem (see :meth:`_default_budget`); ``None``: every minimum.
    energy_window : float or None
        Keep only minima within this energy (loss units) of the global
        minimum; ``None``: no window.
    max_searches : int, "auto" or None
        Transition-state searches allowed per fit (deterministic, machine
        independent). ``"auto"``: at most eight per kept minimum (of the
        ``"auto"`` focus, or of ``max_minima`` when it is an integer); ``None``:
        no cap.
    max_time : float or None
        Wall-clock limit of the exploration in seconds. Machine-dependent:
        a fit it cuts short is not reproducible. ``None``: no limit.
    """

    _landscape_parameter_constraints: dict = {
        **with_options(
            EXPLORATION_CONSTRAINTS,
            ("temperature", "step_size", "max_minima", "max_searches"),
            StrOptions({"auto"}),
        ),
        "warm_start": ["boolean"],
    }

    #: Basin-hopping steps per chain of ``n_hops="auto"`` on a small problem (``None``:
    #: the estimator does not offer ``"auto"``).
    _AUTO_MAX_HOPS = None

    def _default_n_hops(self, objective, n_samples):
        r"""Basin-hopping steps per chain of ``n_hops="auto"``, from the size of the problem.

        A quench costs a few hundred energy and gradient evaluations of
        ``O(c)`` work each, ``c = n_params * n_samples`` (and, for the MLP, a
        few exact Hessians of ``O(n_params^2 n_samples)``). Up to ``c = C =
        2 \times 10^5`` every chain takes the estimator's ``h =
        _AUTO_MAX_HOPS`` steps (a small model's distinct minima are all
        found); beyond, the steps shrink as ``1 / c``, so the basin-hopping
        work ``n_chains (n_hops + 1) c`` stays near that of a problem of size
        ``C``:

        .. math::

            n_\mathrm{hops} = \operatorname{clip}\left(\operatorname{round}
                \left(h \, C / c\right), 5, h\right).

        For the MLP (``h = 30``): iris (``c ~ 1.2 \times 10^4``) and breast
        cancer (``1.8 \times 10^5``) keep 30 steps per chain; digits with 16
        hidden units (1,210 parameters, ``c ~ 2.2 \times 10^6``) takes 5,
        where a quench (about a second on one core) finds a new minimum
        nearly every time and the ``max_minima="auto"`` focus keeps the lowest
        8 of them (``benchmarks/bench_budget.py``).
        """
        if self._AUTO_MAX_HOPS is None:  # pragma: no cover - constraints refuse "auto"
            raise ValueError(f"{type(self).__name__} has no n_hops='auto'.")
        cost = max(float(objective.n_params) * max(int(n_samples), 1), 1.0)
        hops = round(self._AUTO_MAX_HOPS * _AUTO_HOPS_FULL_COST / cost)
        return int(np.clip(hops, min(_AUTO_MIN_HOPS, self._AUTO_MAX_HOPS), self._AUTO_MAX_HOPS))

    def _default_budget(self, objective, n_samples, n_quenches=None):
        r"""``(max_minima, max_searches)`` of ``"auto"``, from the size of the problem.

        A transition-state search costs a few hundred energy and gradient
        evaluations. One evaluation costs ``a (c + c_0)``: ``c = n_params *
        n_samples`` for the arithmetic, and ``c_0`` for the interpreter's
        overhead of a call, which dominates on small data. Measured on the
        development machine (``value_and_grad`` over 60 to 3.2 million
        parameter-samples), K-means spends 18 µs per call plus 0.33 ns per
        unit of ``c`` (``c_0 = 5.6 \times 10^4``), the MLP 29 µs plus 0.26 ns
        (``c_0 = 1.1 \times 10^5``); ``c_0 = 5 \times 10^4`` is used. The
        kept minima shrink as a power of that cost, so that larger problems do
        not take proportionally longer, and are also at most half the
        basin-hopping quenches ``Q = n_chains (n_hops + 1)`` of the fit:

        .. math::

            m = \operatorname{clip}\left(\min\left(\operatorname{round}
                \left(16 \left(\frac{c + c_0}{c_0}\right)^{-0.45}\right),\
                \lfloor Q / 2 \rfloor\right), 8, 16\right),
            \qquad s = 8 m.

        Problems whose evaluation is all overhead keep 16 minima: 15 for
        K-means with three clusters on wine (``c = 6,942``), 14 for the MLP on
        iris; breast cancer's MLP (``c = 1.8 \times 10^5``) and anything
        larger keep 8. ``s`` is a cap, seldom reached when the landscape is
        larger than the focus: the connection stage then ends once every kept
        minimum is joined to the global minimum and has had one
        near-neighbour search. Single searches succeed in joining their two
        minima perhaps one time in three to one in two, so joining ``m``
        minima takes a few times ``m`` searches.

        The scale sets the spread of fit times over data seeds: the fits whose
        landscape is larger than the focus are the slowest, and their cost
        grows with ``m``. On wine K-means over 20 data seeds
        (``benchmarks/bench_budget.py``), ``m = 25`` (the previous rule,
        ``1200 c^{-0.45}``) gave a max/median CPU time of 4.3, ``m = 15`` 2.2
        and ``m = 12`` 2.4, with 98.3-98.6 % of the kept minima connected in
        all three.

        The bound by ``Q`` matches the connection work to the exploration
        asked for. The kept minima are the lowest that basin-hopping sampled,
        and each search's pushoffs find new minima: a focus larger than the
        sampling keeps mostly the by-products of earlier searches, whose
        connection finds more of them, so that the work would grow with what
        is found rather than with what was asked. Two quenches per kept
        minimum keep the focus within what the chains sampled. It binds only
        on short explorations: the estimators' defaults quench 104 to 204 times
        (the MLP's ``n_hops="auto"`` 24 times on digits, where the size bound
        gives 8), while ``n_hops=5`` with four chains (24 quenches) keeps 12.

        Parameters
        ----------
        objective : Objective
            Its ``n_params``.
        n_samples : int
        n_quenches : int or None, default=None
            ``Q``; ``None``: no bound by the exploration.
        """
        cost = float(objective.n_params) * max(int(n_samples), 1)
        relative = (cost + _AUTO_EVALUATION_OVERHEAD) / _AUTO_EVALUATION_OVERHEAD
        max_minima = round(_AUTO_MINIMA_SMALL * relative**-_AUTO_COST_EXPONENT)
        if n_quenches is not None:
            max_minima = min(max_minima, int(n_quenches) // 2)
        max_minima = int(np.clip(max_minima, _AUTO_MIN_MINIMA, _AUTO_MINIMA_SMALL))
        return max_minima, _AUTO_SEARCHES_PER_MINIMUM * max_minima

    def _budget(self, objective, n_samples, n_quenches=None):
        """The budget arguments of :func:`~sklandscape._explore.explore` for this fit.

        ``max_searches="auto"`` allows eight searches per kept minimum: of
        the ``"auto"`` focus (:meth:`_default_budget`), or of ``max_minima``
        when it is an integer. With a cap on searches, the cap (not the number
        of rounds) bounds the connection stage: ``max_connect_rounds`` is
        raised to it.
        """
        auto_minima, auto_searches = self._default_budget(objective, n_samples, n_quenches)
        max_minima = auto_minima if self.max_minima == "auto" else self.max_minima
        if self.max_searches != "auto":
            max_searches = self.max_searches
        elif max_minima is None:
            max_searches = auto_searches
        else:
            max_searches = _AUTO_SEARCHES_PER_MINIMUM * max_minima
        budget = {
            "max_minima": max_minima,
            "energy_window": self.energy_window,
            "max_searches": max_searches,
            "max_time": self.max_time,
        }
        if budget["max_searches"] is not None:
            budget["max_connect_rounds"] = max(DEFAULT_MAX_CONNECT_ROUNDS, budget["max_searches"])
        return budget

    # ----------------------------------------------------------- hooks
    def _make_objective(self, X, y, sample_weight):  # pragma: no cover - abstract
        raise NotImplementedError

    def _set_fitted_parameters(self, x):  # pragma: no cover - abstract
        raise NotImplementedError

    def _objective_targets(self, y):
        """The targets ``_make_objective`` takes, from ``y`` as ``fit`` receives it."""
        return None if y is None else np.asarray(y, dtype=float)

    # -------------------------------------------------------- exploration
    @contextlib.contextmanager
    def _restore_on_failure(self):
        """Context manager making ``fit`` transactional.

        If the block raises, the estimator's ``__dict__`` is restored to what
        it was on entry (including ``n_features_in_`` and
        ``feature_names_in_``, which ``validate_data`` sets before anything can
        fail), so a failed fit leaves no half-fitted attribute behind.
        """
        state = dict(self.__dict__)
        try:
            yield
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(state)
            raise

    def _fit_landscape(self, X, y=None, sample_weight=None, **explore_kwargs):
        """Explore the training data's landscape; return ``(objective, landscape, fingerprint)``.

        Nothing is assigned to ``self``: the caller sets its fitted attributes
        only once everything succeeded, so a failed fit leaves no half-fitted
        state. With ``warm_start=True`` and the same data as the previous fit,
        the previous ``landscape_`` is extended.
        """
        objective = self._make_objective(X, y, sample_weight)
        fingerprint = joblib.hash((X, y, sample_weight))
        previous = None
        if self.warm_start and hasattr(self, "landscape_"):
            if getattr(self, "_data_fingerprint", None) == fingerprint:
                previous = self.landscape_
            else:
                logger.info("warm_start: the data changed, so exploration starts afresh.")
        n_hops = self.n_hops
        if n_hops == "auto":
            n_hops = self._default_n_hops(objective, _num_samples(X))
        budget = self._budget(objective, _num_samples(X), self.n_chains * (n_hops + 1))
        landscape = explore(
            objective,
            n_hops=n_hops,
            n_chains=self.n_chains,
            temperature=None if self.temperature == "auto" else self.temperature,
            step_size=None if self.step_size == "auto" else self.step_size,
            connect=self.connect,
            n_jobs=self.n_jobs,
            random_state=self.random_state,
            verbose=self.verbose,
            landscape=previous,
            # single-ended searches pay on lattice-like test surfaces; estimators keep to
            # basin-hopping and double-ended searches (their cost is budgeted in those units)
            **{"single_ended": 0, **budget, **explore_kwargs},
        )
        return objective, landscape, fingerprint

    #: Estimator-specific advice appended to the warning when no minimum verifies.
    _no_minimum_advice = "Check the data (scale, duplicates), or raise n_hops."

    def _store_landscape(self, objective, landscape, fingerprint):
        """Assign the exploration's results and the global minimum's parameters.

        Returns
        -------
        energy : float
            The loss at the fitted parameters: the global minimum's, or, when
            no minimum verified, that of the fallback point (with a warning).
        """
        if landscape.n_minima:
            index = landscape.global_minimum
            x, energy = landscape.minima.x[index], float(landscape.minima.energy[index])
        else:
            index = None
            x, energy = self._unverified_fallback(objective, landscape)
        self._set_fitted_parameters(x)
        self.landscape_ = landscape
        self._data_fingerprint = fingerprint
        self.n_iter_ = int(landscape.metadata.get("n_hops_total", 0))
        self.minimum_index_ = index
        return energy

    def _unverified_fallback(self, objective, landscape):
        """Parameters and loss of one local minimisation, when no minimum verified.

        The start is ``objective.random_point`` (the estimator's usual
        initialisation) drawn from ``random_state``, so a repeated fit gives the
        same parameters. Warns with a :class:`~sklearn.exceptions.ConvergenceWarning`.
        """
        seed = check_random_state(self.random_state).randint(np.iinfo(np.int32).max)
        result = objective.local_minimize(objective.random_point(np.random.default_rng(seed)))
        if not np.isfinite(result.energy) or not np.all(np.isfinite(result.x)):
            raise ValueError(
                "The loss is not finite at any point the exploration reached; check the data."
            )
        rejected = {
            key.removeprefix("n_"): landscape.metadata[key]
            for key in ("n_unconverged", "n_not_minimum", "n_nonfinite_rejected")
            if landscape.metadata.get(key)
        }
        warnings.warn(
            "The exploration verified no minimum (local minimisations ending unconverged, "
            f"non-finite or not at an isolated minimum: {rejected or 'none recorded'}). "
            "The fitted parameters are the end point of one local minimisation "
            f"({'converged' if result.converged else 'not converged'}), not a verified "
            f"minimum, and landscape_ has no minimum. {self._no_minimum_advice}",
            ConvergenceWarning,
            stacklevel=4,
        )
        return result.x, float(result.energy)

    # ------------------------------------------------------------ access
    def loss_objective(self, X, y=None, sample_weight=None):
        """The loss this estimator explores, on ``(X, y)``, as an Objective.

        Its parameter vector has the layout of ``landscape_.minima.x``; with the
        training data, its energy at ``landscape_.minima.x[i]`` is
        ``landscape_.minima.energy[i]``. The targets are encoded as ``fit``
        encodes them (one-hot for a classifier whose loss needs it).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,), optional
            Targets (classifiers and regressors).
        sample_weight : array-like of shape (n_samples,), optional

        Returns
        -------
        objective : Objective
        """
        check_is_fitted(self, "landscape_")
        X = np.asarray(X, dtype=float)
        if sample_weight is not None:
            sample_weight = np.asarray(sample_weight, dtype=float)
        return self._make_objective(X, self._objective_targets(y), sample_weight)

    def at_parameters(self, x):
        """A fitted copy of this estimator whose parameters are the flat vector ``x``.

        Parameters
        ----------
        x : array-like of shape (n_params,)
            Parameters in the layout of ``landscape_.minima.x``, ``n_params =
            landscape_.n_params`` (for instance a minimum re-minimised on other
            data).

        Returns
        -------
        estimator
            A copy sharing ``landscape_``, with ``minimum_index_ = None``; the
            original is unchanged.
        """
        check_is_fitted(self, "landscape_")
        x = np.asarray(x, dtype=float)
        if x.shape != (self.landscape_.n_params,):
            raise ValueError(f"x must have shape ({self.landscape_.n_params},), got {x.shape}.")
        other = copy.copy(self)
        other._set_fitted_parameters(x)
        other.minimum_index_ = None
        return other

    def at_minimum(self, i):
        """A fitted copy of this estimator whose parameters are those of minimum ``i``.

        Parameters
        ----------
        i : int
            Index into ``landscape_.minima`` (negative indices count from the end).

        Returns
        -------
        estimator
            A copy sharing ``landscape_``, with ``minimum_index_ = i``; the
            original is unchanged.

        Raises
        ------
        IndexError
            When ``i`` is out of range.
        """
        check_is_fitted(self, "landscape_")
        n_minima = self.landscape_.n_minima
        if not isinstance(i, Integral | np.integer):
            raise TypeError(f"i must be an integer, got {type(i).__name__}.")
        if not -n_minima <= i < n_minima:
            raise IndexError(f"minimum {i} out of range for a landscape of {n_minima} minima.")
        i = int(i) % n_minima
        other = copy.copy(self)
        other._set_fitted_parameters(self.landscape_.minima.x[i])
        other.minimum_index_ = i
        return other
