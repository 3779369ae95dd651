"""
=================================================
Model selection with a landscape scorer
=================================================

Accuracy says how good the best solution is; the loss landscape says how easy
it is to find, and how many rival solutions training can fall into. A
landscape with few minima trains reproducibly; a rugged one gives a different
model for every initialisation.

:func:`sklandscape.metrics.make_landscape_scorer` turns a landscape metric into
a scikit-learn scorer, so :class:`~sklearn.model_selection.GridSearchCV` can
report it next to the accuracy, and choose with both. Here the L2 penalty of a
small network is tuned on iris: more regularisation smooths the landscape,
too much costs accuracy.
"""

# %%
# Score every setting by accuracy and by its landscape
# ----------------------------------------------------
# A landscape scorer ignores the test fold: it rates the landscape the
# estimator mapped on its training fold.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_iris
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklandscape import LandscapeMLPClassifier
from sklandscape.metrics import make_landscape_scorer

X, y = load_iris(return_X_y=True)
model = make_pipeline(
    StandardScaler(),
    # connect=False maps the minima only, enough for this metric and quicker
    LandscapeMLPClassifier((3,), n_hops=6, n_chains=2, connect=False, random_state=0),
)
alphas = [1e-4, 1e-3, 1e-2, 1e-1]
scoring = {
    "accuracy": "accuracy",
    "n_minima": make_landscape_scorer("n_minima"),
}

# %%
# Choose the simplest landscape among the accurate settings
# ---------------------------------------------------------
# ``refit`` may be a callable of ``cv_results_``: here, the setting with the
# fewest minima among those within one point of the best accuracy.


def fewest_minima_among_accurate(cv_results, tolerance=0.01):
    accuracy = cv_results["mean_test_accuracy"]
    accurate = np.flatnonzero(accuracy >= accuracy.max() - tolerance)
    return int(accurate[np.argmin(cv_results["mean_test_n_minima"][accurate])])


search = GridSearchCV(
    model,
    {"landscapemlpclassifier__alpha": alphas},
    scoring=scoring,
    refit=fewest_minima_among_accurate,
    cv=StratifiedKFold(3, shuffle=True, random_state=0),
).fit(X, y)

results = search.cv_results_
for i, alpha in enumerate(alphas):
    print(
        f"alpha={alpha:g}: accuracy {results['mean_test_accuracy'][i]:.3f}, "
        f"{results['mean_test_n_minima'][i]:.1f} minima"
    )
print("chosen:", search.best_params_)

# %%
# Accuracy against landscape complexity
# -------------------------------------
fig, ax = plt.subplots(figsize=(6, 4))
ax.semilogx(alphas, results["mean_test_accuracy"], "o-", color="tab:blue")
ax.set(xlabel="alpha (L2 penalty)", ylabel="cross-validated accuracy")
ax.yaxis.label.set_color("tab:blue")
twin = ax.twinx()
twin.semilogx(alphas, results["mean_test_n_minima"], "s--", color="tab:red")
twin.set_ylabel("minima of the training landscape", color="tab:red")
ax.axvline(search.best_params_["landscapemlpclassifier__alpha"], color="grey", linestyle=":")
ax.set_title("regularisation smooths the landscape")
fig.tight_layout()
