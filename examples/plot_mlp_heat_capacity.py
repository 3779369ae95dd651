"""
=============================================================
Heat capacity of a neural-network landscape: C+ and C- minima
=============================================================

:class:`~sklandscape.LandscapeMLPClassifier` explores the loss landscape of a
small multilayer perceptron: the mean cross-entropy plus the L2 penalty, with
exact gradients and Hessians, hidden-unit permutations and ``tanh`` sign flips
recognised as one minimum.

In the harmonic superposition approximation the landscape has a heat
capacity ``C_V(T)``. A peak marks the (fictitious) temperature at which the
occupation moves from one set of minima to another. Wales (Phys. Rev. E 95,
030105, 2017) splits it into the minima whose occupation falls with ``T``
(``C-``) and those whose occupation rises (``C+``). Niroomand et al. (Digital
Discovery 3, 637, 2024, Fig. 3) colour them on the disconnectivity graph: they
are distinct solutions with contrasting properties.
"""

# %%
# Explore the landscape of a small network on iris
# ------------------------------------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_iris
from sklearn.preprocessing import StandardScaler

from sklandscape import LandscapeMLPClassifier

X, y = load_iris(return_X_y=True)
X = StandardScaler().fit_transform(X)
mlp = LandscapeMLPClassifier(
    hidden_layer_sizes=(3,), alpha=3e-4, n_hops=10, n_chains=2, random_state=0
).fit(X, y)
landscape = mlp.landscape_
print(landscape)

# %%
# The heat capacity and its peaks
# -------------------------------
# ``heat_capacity_peaks`` finds the maxima of ``C_V`` and, for each, the minima
# that dominate ``C+`` and ``C-`` there.
peaks = landscape.heat_capacity_peaks()
for peak in peaks:
    print(
        f"peak at T = {peak.temperature:.3g}: C_V = {peak.height:.2f}, "
        f"C+ minima {peak.c_plus_minima.tolist()}, C- minima {peak.c_minus_minima.tolist()}"
    )
peak = max(peaks, key=lambda p: p.c_plus + p.c_minus)

# %%
# C+ and C- minima on the disconnectivity graph
# ---------------------------------------------
# The minima that lose occupation at the peak (C-, red) are the low solutions
# the system leaves; those that gain it (C+, blue) are higher, wider ones.
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5))
landscape.plot_heat_capacity(ax=left)
left.axvline(peak.temperature, color="grey", linestyle="dotted")
left.set_title("heat capacity")
landscape.plot_disconnectivity(ax=right, highlight=peak, label_minima=True)
right.legend(loc="lower right")
right.set_title(f"minima of the peak at T = {peak.temperature:.2g}")
fig.tight_layout()

# %%
# Are they different classifiers?
# -------------------------------
# ``at_minimum(i)`` gives each minimum as a fitted classifier. The C+ and C-
# minima of a peak disagree on some samples: the raw material of an ensemble
# (see :class:`~sklandscape.LandscapeEnsembleClassifier`).
reference = mlp.predict(X)
for label, members in (("C-", peak.c_minus_minima), ("C+", peak.c_plus_minima)):
    for i in members:
        predictions = mlp.at_minimum(int(i)).predict(X)
        print(
            f"{label} minimum {i}: loss {landscape.minima.energy[i]:.4f}, "
            f"training accuracy {np.mean(predictions == y):.3f}, "
            f"disagrees with the global minimum on {np.sum(predictions != reference)} samples"
        )
