"""The private scikit-learn names sklandscape relies on, in one place.

scikit-learn's estimator machinery (parameter constraints, ``_fit_context``,
sample-weight checks, metadata-routing helpers) is what its own estimators use,
and third-party estimators are expected to follow it, but part of it lives in
private modules that may move between releases. Every other module imports those
names from here, so a move is fixed once; ``tests/test_sklearn_compat.py`` checks
each name against the scikit-learn that is installed, and the oldest release the
project declares (``pyproject.toml``) and the newest were both checked with it.
"""

from sklearn.base import _fit_context
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions, validate_params
from sklearn.utils.metadata_routing import _raise_for_params, _routing_enabled
from sklearn.utils.validation import _check_sample_weight, _num_samples

__all__ = [
    "HasMethods",
    "Interval",
    "StrOptions",
    "_check_sample_weight",
    "_fit_context",
    "_num_samples",
    "_raise_for_params",
    "_routing_enabled",
    "validate_params",
]
