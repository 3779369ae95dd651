"""
================================================
A heat-capacity-guided ensemble vs single minima
================================================

A loss landscape explored by basin-hopping holds many minima: the same small
network, trained to different local solutions. Niroomand, Cafolla, Morgan &
Wales (Mach. Learn.: Sci. Technol. 3, 025004, 2022) found that such minima
specialise in different parts of the data, so that they make an ensemble
without any retraining.

:class:`~sklandscape.LandscapeEnsembleClassifier` explores the landscape of its
base estimator once and keeps ``n_members`` of its minima. By default
(``selection="heat_capacity"``) it takes the minima that dominate the peaks of
the landscape's heat capacity: at a peak, occupation flows from one set of
minima (``C-``, falling with temperature) to another (``C+``, rising), so the
two sets are qualitatively different solutions (Niroomand et al., Digital
Discovery 3, 637, 2024, section 5.2).

This example compares, on held-out data, the global-minimum model, each
member alone, the heat-capacity ensemble, and ensembles of the same size made
of the lowest minima or of randomly drawn ones.
"""

# %%
# A small, noisy problem
# ----------------------
# Two interleaved half-moons with label noise, and few training samples: a
# small network with a weak L2 penalty can fit the training set in many
# different ways, so its landscape has many minima. The test set is large so
# that the comparison below is not decided by a handful of points.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_moons
from sklearn.metrics import accuracy_score, log_loss
from sklearn.model_selection import train_test_split

from sklandscape import LandscapeEnsembleClassifier, LandscapeMLPClassifier

X, y = make_moons(n_samples=400, noise=0.3, random_state=0)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, train_size=100, stratify=y, random_state=0
)

# %%
# Explore once, keep five members
# -------------------------------
# The base estimator's ``random_state`` fixes the exploration, so every
# ensemble below is built on the same landscape.
base = LandscapeMLPClassifier(
    hidden_layer_sizes=(5,), alpha=1e-4, n_hops=10, n_chains=2, random_state=0
)
ensemble = LandscapeEnsembleClassifier(base, n_members=5, random_state=0).fit(X_train, y_train)
landscape = ensemble.landscape_
print(landscape)
print("members (minima indices):", ensemble.selected_minima_.tolist())
print("heat-capacity peaks at T =", np.round(ensemble.peak_temperatures_, 6).tolist())

# %%
# Where the members sit
# ---------------------
# ``heat_capacity_peaks`` gives, for every peak, the minima dominating ``C+``
# and ``C-``; the ensemble took them highest peak first, by decreasing
# contribution. On the disconnectivity graph the members are not simply the
# lowest branches: ``C-`` minima are low solutions that lose occupation at the
# peak, ``C+`` minima higher (usually wider) ones that gain it.
peaks = sorted(landscape.heat_capacity_peaks(), key=lambda p: -p.height)
selected = ensemble.selected_minima_


def peak_set(i):
    """C+ or C- at the highest peak whose dominating minima include minimum i."""
    for peak in peaks:
        if i in peak.c_plus_minima:
            return "C+"
        if i in peak.c_minus_minima:
            return "C-"
    return "no peak"  # a landscape without a peak: the global minimum alone


role = {int(i): peak_set(i) for i in selected}
members_by_role = {
    f"{name} members": [i for i in role if role[i] == name] for name in sorted(set(role.values()))
}
for peak in peaks:
    print(
        f"peak at T = {peak.temperature:.3g}: C+ minima {peak.c_plus_minima.tolist()}, "
        f"C- minima {peak.c_minus_minima.tolist()}"
    )

fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5))
landscape.plot_heat_capacity(ax=left)
for peak in peaks:
    left.axvline(peak.temperature, color="grey", linestyle="dotted")
left.set_title("heat capacity (dotted: peaks)")
left.legend()
landscape.plot_disconnectivity(
    ax=right,
    highlight=members_by_role,
    colors={"C+ members": "tab:blue", "C- members": "tab:red"},
    label_minima=selected,
)
right.legend(loc="lower right")
right.set_title("ensemble members on the disconnectivity graph")
fig.tight_layout()

# %%
# Lowest and random minima, same size
# -----------------------------------
# The ensemble clones and refits its base estimator, so an already-fitted
# landscape cannot be handed over; the same ``random_state`` explores the same
# landscape again, and only the choice of members differs.
n_members = len(ensemble.members_)
lowest = LandscapeEnsembleClassifier(
    base, n_members=n_members, selection="lowest", random_state=0
).fit(X_train, y_train)
random = LandscapeEnsembleClassifier(
    base, n_members=n_members, selection="random", random_state=0
).fit(X_train, y_train)
for other in (lowest, random):
    assert np.array_equal(other.landscape_.minima.energy, landscape.minima.energy)
print("lowest minima:", lowest.selected_minima_.tolist())
print("random minima:", random.selected_minima_.tolist())

# %%
# Held-out accuracy and log-loss
# ------------------------------
# ``ensemble.estimator_`` is the global-minimum model (the lowest training
# loss); every member is a fitted classifier of its own. The training loss
# shown is the minimum's energy: mean cross-entropy plus the L2 penalty.
energies = landscape.minima.energy


def scores(model):
    proba = model.predict_proba(X_test)
    return accuracy_score(y_test, model.predict(X_test)), log_loss(y_test, proba)


results = {"global minimum": (energies[landscape.global_minimum], *scores(ensemble.estimator_))}
for i, member in zip(selected, ensemble.members_, strict=True):
    results[f"member {i} ({role[int(i)]})"] = (energies[i], *scores(member))
results["heat-capacity ensemble"] = (np.nan, *scores(ensemble))
results["lowest-minima ensemble"] = (np.nan, *scores(lowest))
results["random-minima ensemble"] = (np.nan, *scores(random))

print(f"{'model':<26}{'train loss':>11}{'test accuracy':>15}{'test log-loss':>15}")
for name, (train, accuracy, loss) in results.items():
    train = "" if np.isnan(train) else f"{train:.4f}"
    print(f"{name:<26}{train:>11}{accuracy:>15.3f}{loss:>15.3f}")
member_losses = [results[name][2] for name in results if name.startswith("member")]
print(
    f"mean log-loss of the members alone {np.mean(member_losses):.3f}, "
    f"of their soft-voting ensemble {results['heat-capacity ensemble'][2]:.3f}"
)

# %%
# How to read the table:
#
# * The global minimum has the lowest training loss, which on 100 noisy
#   samples means the closest fit to their noise: it need not be the best
#   model on held-out data.
# * The log-loss is convex in the predicted probabilities, so a soft-voting
#   ensemble's log-loss never exceeds the mean of its members' log-losses.
#   Averaging tempers the overconfident probabilities of single minima; a
#   single member may still score better, but which one is only known after
#   looking at the test set.
# * The lowest minima tend to share the global minimum's close fit to the
#   training set, leaving little to average; the heat-capacity members come
#   from both sides of a peak, low and high, narrow and wide.
# * Accuracies differ by a handful of the 300 test points: within the noise of
#   one split. The log-loss separates the models more clearly.
#
# The bar chart shows the same scores.
names = list(results)
accuracy = np.array([results[name][1] for name in names])
loss = np.array([results[name][2] for name in names])
role_colors = {"global minimum": "black", "(C+)": "tab:blue", "(C-)": "tab:red"}
colors = [
    next((color for key, color in role_colors.items() if key in name), "tab:green")
    for name in names
]
fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 7), sharex=True)
top.bar(range(len(names)), accuracy, color=colors)
top.set_ylim(accuracy.min() - 0.03, min(1.0, accuracy.max() + 0.02))
top.set_ylabel("test accuracy")
bottom.bar(range(len(names)), loss, color=colors)
bottom.set_ylabel("test log-loss (lower is better)")
bottom.set_xticks(range(len(names)), names, rotation=40, ha="right")
top.set_title("held-out scores: single minima (black, blue, red) vs ensembles (green)")
fig.tight_layout()

# %%
# Heat-capacity members or any members?
# -------------------------------------
# One random draw is a single sample. ``at_minimum`` gives every minimum as a
# classifier, so their test probabilities can be combined directly (soft
# voting with equal weights is their plain mean) to see where the
# heat-capacity ensemble falls among many random ensembles of the same size.
# Random minima of a landscape are diverse too: on a small landscape such as
# this one they are often about as good, so read the percentage below rather
# than expecting the heat-capacity choice to win. What it offers is members
# read from the landscape itself, from both sides of each change in
# occupation, rather than drawn by chance. ``voting="meta"`` goes further: a
# gate, trained on out-of-fold predictions, weighs each member per sample.
proba = np.stack(
    [ensemble.estimator_.at_minimum(i).predict_proba(X_test) for i in range(landscape.n_minima)]
)
rng = np.random.default_rng(0)
draws = [rng.choice(landscape.n_minima, n_members, replace=False) for _ in range(200)]
random_losses = np.array([log_loss(y_test, proba[d].mean(axis=0)) for d in draws])
ensemble_loss = results["heat-capacity ensemble"][2]
print(
    f"heat-capacity ensemble log-loss {ensemble_loss:.3f}; 200 random ensembles: "
    f"median {np.median(random_losses):.3f}, "
    f"{np.mean(random_losses < ensemble_loss):.0%} of them lower"
)

plt.show()
