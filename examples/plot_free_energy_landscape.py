"""
==========================================================
Free-energy landscape of a neural network beside its loss
==========================================================

A disconnectivity graph of the loss (the potential energy) shows every minimum
the exploration found. At a temperature ``T`` many of them are not separate
states: a minimum whose way out costs less free energy than ``T`` or so is
crossed back and forth faster than anything else happens. Carr & Wales (J.
Phys. Chem. B 112, 8760, 2008) regroup the minima by free-energy barriers:

* each minimum has the free energy ``F_a = -T ln Z_a`` (its harmonic partition
  function, divided by its symmetry order), each transition state
  ``F_t = -T ln Z_t + (T/2) ln(2 pi T)``, so that the TST rate is
  ``k = T exp(-(F_t - F_a) / T)``;
* a group ``J`` has ``F_J = -T ln sum_{a in J} Z_a``, and the transition states
  between two groups combine into ``F_IJ = -T ln sum_t exp(-F_t / T)``;
* groups whose barrier (from either side) is below a threshold merge, until
  none is.

The free-energy disconnectivity graph is then drawn like any other: it is the
landscape as seen at ``T``, here the temperature of the heat-capacity peak.
"""

# %%
# Explore the landscape of a small network on iris
# ------------------------------------------------
import matplotlib.pyplot as plt
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
# Regroup at the heat-capacity peak
# ---------------------------------
# The peak is where occupation moves between qualitatively different minima;
# minima separated by less than ``T / 4`` of free energy are lumped together
# (free-energy barriers use the convention ``k = (T / h) exp(-dF / T)`` with
# ``h = 1`` in the loss units, so a barrier below zero means a rate above
# ``T``). A minimum without transition states (not connected by the
# exploration) stays a group of its own and is left out of the graph.
peak = max(landscape.heat_capacity_peaks(), key=lambda p: p.c_plus + p.c_minus)
T = peak.temperature
free = landscape.free_energy_landscape(T, threshold=0.25 * T)
print(f"T = {T:.3g}: {landscape.n_minima} minima regroup into {free.n_minima} free-energy groups")
for j, group in enumerate(free.metadata["groups"]):
    print(f"group {j}: F = {free.minima.energy[j]:.4f}, minima {group}")

# %%
# The two graphs side by side
# ---------------------------
# Left, the loss of every minimum and transition state; right, the free
# energies of the groups and of the barriers between them at ``T``. The
# groups' occupation probabilities are the sums of their members'.
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5))
landscape.plot_disconnectivity(ax=left)
left.set_title("loss (potential energy)")
free.plot_disconnectivity(ax=right, label_minima=True)
right.set_title(f"free energy at T = {T:.3g}")
right.set_ylabel("free energy")
fig.tight_layout()
plt.show()
