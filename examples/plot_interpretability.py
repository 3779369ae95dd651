"""
========================================================
Which features a funnel relies on, and how it is reached
========================================================

Minima of a network's loss that drain into one funnel of the landscape share
what matters to them (Niroomand et al., Digital Discovery 2024, sections 5.1
and 5.3). Here an MLP is fitted to the wine data with
:class:`~sklandscape.LandscapeMLPClassifier`, and for the funnel of its global
minimum we read off the input features its networks rely on
(:func:`~sklandscape.inspection.funnel_feature_importance`, the share of each
feature in the absolute weight paths to the outputs, averaged over the
funnel's minima), next to scikit-learn's
:func:`~sklearn.inspection.permutation_importance` of the same model.

We then compare the minimax route between two minima through the transition
network with the straight line between them (the monotonic linear
interpolation question), and follow a plain gradient-descent run on the
disconnectivity graph.
"""

# %%
# Fit, and the funnels of the landscape
# -------------------------------------
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy.stats import spearmanr
from sklearn.datasets import load_wine
from sklearn.inspection import permutation_importance
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sklandscape import LandscapeMLPClassifier
from sklandscape.inspection import (
    funnel_feature_importance,
    loss_function,
    parameter_names,
    trajectory_basins,
)

data = load_wine()
X_train, X_test, y_train, y_test = train_test_split(
    data.data, data.target, test_size=0.3, random_state=0, stratify=data.target
)
scaler = StandardScaler().fit(X_train)
X_train, X_test = (
    pd.DataFrame(scaler.transform(part), columns=data.feature_names) for part in (X_train, X_test)
)

clf = LandscapeMLPClassifier((3,), alpha=3e-2, n_hops=15, n_chains=2, random_state=0)
clf.fit(X_train, y_train)
landscape = clf.landscape_
funnels = landscape.funnels()
print(landscape)
print(f"test accuracy {clf.score(X_test, y_test):.3f}")
print("funnel sizes:", {int(m): int(np.sum(funnels == m)) for m in np.unique(funnels)})

# %%
# Feature importance of the global minimum's funnel
# -------------------------------------------------
# Path weights need no data; permutation importance measures the drop in test
# accuracy when a feature is shuffled. Both rank the features; they need not
# agree exactly (weights measure use, permutation measures the harm of losing it).
funnel = int(funnels[landscape.global_minimum])
importance = funnel_feature_importance(clf, funnel=funnel)
permuted = permutation_importance(clf, X_test, y_test, n_repeats=10, random_state=0)
order = importance.order
names = np.asarray(data.feature_names)[order]

fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4.5), sharey=True)
positions = np.arange(order.size)
left.barh(positions, importance.importances_mean[order], xerr=importance.importances_std[order])
left.set_yticks(positions, names)
left.invert_yaxis()
left.set_xlabel(f"path-weight share ({importance.minima.size} minima of funnel {funnel})")
right.barh(positions, permuted.importances_mean[order], xerr=permuted.importances_std[order])
right.set_xlabel("permutation importance (test accuracy drop)")
fig.tight_layout()

feature_names = np.asarray(data.feature_names)
top_permuted = np.argsort(-permuted.importances_mean)[:3]
print("top 3 by funnel path weights:", ", ".join(feature_names[order[:3]]))
print("top 3 by permutation:", ", ".join(feature_names[top_permuted]))
rho = spearmanr(importance.importances_mean, permuted.importances_mean).statistic
print(f"Spearman rank correlation of the two importances: {rho:.2f}")

# %%
# The parameters the funnel conserves
# -----------------------------------
# The spread of every (canonical) weight over the funnel's minima, with
# readable names: input -> hidden unit -> class.
names = parameter_names(clf)
if importance.minima.size > 1:
    conserved = landscape.conserved_parameters(funnel=funnel)
    for k in conserved.order[:5]:
        print(f"{names[k]:32s} mean {conserved.mean[k]:+.3f}  spread {conserved.spread[k]:.2e}")

# %%
# The minimax route against the straight line
# -------------------------------------------
# ``minima.x`` holds canonical networks (hidden units sorted and sign-fixed), so
# the straight line joins the canonical copies; other symmetry-related copies
# give other lines.
fun = loss_function(clf, X_train, y_train)
connected = landscape.connected_components()[0]
if connected.size > 1:
    other = int(connected[np.argmax(landscape.minima.energy[connected])])
    ax = landscape.plot_path(landscape.global_minimum, other, fun=fun)
    ax.set_title(f"minimum {landscape.global_minimum} to minimum {other}")

# %%
# A gradient-descent run on the disconnectivity graph
# ---------------------------------------------------
# Plain gradient descent from a Glorot initialisation; every tenth point is
# quenched to find the basin it lies in.
objective = fun.objective
x = objective.random_point(np.random.default_rng(3))
trajectory = []
for step in range(400):
    if step % 10 == 0:
        trajectory.append(x.copy())
    x = x - 0.5 * objective.value_and_grad(x)[1]
basins = trajectory_basins(clf, X_train, y_train, trajectory)
print("basins visited:", [int(b) for b in basins])
landscape.plot_trajectory(basins)
plt.show()
