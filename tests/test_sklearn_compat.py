"""The private scikit-learn names of ``sklandscape._sklearn_compat`` do what the package needs.

Each name is checked for the behaviour sklandscape relies on, so a scikit-learn
release that changes one fails here, in one place, rather than somewhere in an
estimator. A second test keeps every other module off scikit-learn's private API.
"""

import ast
from numbers import Integral, Real
from pathlib import Path

import numpy as np
import pytest
import sklearn
from sklearn.base import BaseEstimator
from sklearn.utils._param_validation import InvalidParameterError

import sklandscape
from sklandscape._sklearn_compat import (
    HasMethods,
    Interval,
    StrOptions,
    _check_sample_weight,
    _fit_context,
    _num_samples,
    _raise_for_params,
    _routing_enabled,
    validate_params,
)

PACKAGE = Path(sklandscape.__file__).resolve().parent


def test_constraints_and_validate_params_refuse_bad_values():
    @validate_params(
        {
            "n": [Interval(Integral, 1, None, closed="left")],
            "kind": [StrOptions({"a", "b"})],
            "model": [HasMethods(["fit"]), None],
        },
        prefer_skip_nested_validation=True,
    )
    def f(n, kind, model=None):
        return n

    assert f(2, "a") == 2
    for bad in [{"n": 0, "kind": "a"}, {"n": 1, "kind": "c"}, {"n": 1, "kind": "a", "model": 3}]:
        with pytest.raises(InvalidParameterError):
            f(**bad)


def test_fit_context_validates_the_parameter_constraints():
    class Estimator(BaseEstimator):
        _parameter_constraints = {"alpha": [Interval(Real, 0, None, closed="neither")]}

        def __init__(self, alpha=1.0):
            self.alpha = alpha

        @_fit_context(prefer_skip_nested_validation=True)
        def fit(self, X=None):
            self.fitted_ = True
            return self

    assert Estimator().fit().fitted_
    with pytest.raises(InvalidParameterError, match="alpha"):
        Estimator(alpha=-1.0).fit()


def test_check_sample_weight_and_num_samples():
    X = np.zeros((3, 2))
    assert _num_samples(X) == 3 and _num_samples([[1], [2]]) == 2
    np.testing.assert_array_equal(_check_sample_weight(None, X), np.ones(3))
    np.testing.assert_array_equal(_check_sample_weight(2.0, X), np.full(3, 2.0))
    with pytest.raises(ValueError, match="Negative values"):
        _check_sample_weight(np.array([1.0, -1.0, 1.0]), X, ensure_non_negative=True)


def test_metadata_routing_helpers():
    assert not _routing_enabled()
    with sklearn.config_context(enable_metadata_routing=True):
        assert _routing_enabled()
    _raise_for_params({}, BaseEstimator(), "fit")
    with pytest.raises(ValueError, match="enable_metadata_routing"):
        _raise_for_params({"groups": [1]}, BaseEstimator(), "fit")


def test_no_other_module_imports_private_scikit_learn_names():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "_sklearn_compat.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sklearn"):
                names = [alias.name for alias in node.names]
                private_module = any(part.startswith("_") for part in node.module.split("."))
                if private_module or any(name.startswith("_") for name in names):
                    offenders.append(f"{path.relative_to(PACKAGE)}: {node.module} {names}")
    assert not offenders
