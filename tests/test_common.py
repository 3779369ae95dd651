"""scikit-learn's estimator checks on every sklandscape estimator.

Each estimator appears once in :data:`ESTIMATORS` with cheap settings (few
hops, one chain, no transition-state search), as scikit-learn's own
``INIT_PARAMS`` do. To add an estimator, append one line to ``ESTIMATORS``
and, if some check is expected to fail, one entry to ``EXPECTED_FAILED_CHECKS``
with the reason.
"""

import pytest
from sklearn.utils.estimator_checks import check_param_validation, parametrize_with_checks

from sklandscape import (
    LandscapeEnsembleClassifier,
    LandscapeGPRegressor,
    LandscapeKMeans,
    LandscapeKSelector,
    LandscapeMLPClassifier,
)

# Cheap settings, as scikit-learn's own INIT_PARAMS. On the checks' tiny or unscaled data an
# exploration may verify no minimum (every MLP minimum met has a saturated hidden unit whose
# unpenalised bias is flat); the estimators then warn and stay usable (LandscapeMixin), so
# no check depends on the seed for that reason. The fixed random_state keeps the run
# deterministic; seeds 0-5 were checked offline under two BLAS kernels.
CHEAP = {"n_hops": 10, "n_chains": 1, "connect": False, "random_state": 0}

ESTIMATORS = [
    LandscapeKMeans(n_clusters=2, **CHEAP),
    LandscapeMLPClassifier((3,), **CHEAP),
    LandscapeGPRegressor(**CHEAP),
    LandscapeEnsembleClassifier(LandscapeMLPClassifier((3,), **CHEAP), n_members=2),
    LandscapeKSelector(range(2, 4), **CHEAP),
]

#: {estimator class name: {check name: reason}}
EXPECTED_FAILED_CHECKS = {
    "LandscapeKSelector": {
        "check_sample_weight_equivalence_on_dense_data": (
            "LandscapeKMeans per K: random draws over rows differ between weighted and "
            "repeated data (see below)"
        ),
    },
    "LandscapeKMeans": {
        # The energy is the same function of the centres for integer weights and for
        # repeated rows (tests/cluster/test_kmeans_objective.py checks it), but the
        # exploration draws its moves from the rows, so a weighted and a repeated
        # dataset get different random walks; a short exploration can then end in
        # different minima. scikit-learn's KMeans fails this check for the same reason.
        "check_sample_weight_equivalence_on_dense_data": (
            "random draws over rows differ between weighted and repeated data"
        ),
    },
}


def _expected_failed_checks(estimator):
    return EXPECTED_FAILED_CHECKS.get(type(estimator).__name__, {})


def _name(estimator):
    return type(estimator).__name__


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=_expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=_name)
def test_check_param_validation(estimator):
    check_param_validation(_name(estimator), estimator)
