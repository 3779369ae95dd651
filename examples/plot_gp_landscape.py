"""
===============================================================
Two explanations of a noisy sine: a GP hyperparameter landscape
===============================================================

The noisy-sine data of scikit-learn's example "Ability of Gaussian process
regression (GPR) to estimate data noise-level" has two optima of the log
marginal likelihood: a short length scale with little noise, which follows
the sine, and a length scale at its upper bound with a lot of noise, which
calls everything noise. Which one a
:class:`~sklearn.gaussian_process.GaussianProcessRegressor` finds depends on
where its optimiser starts.

:class:`~sklandscape.LandscapeGPRegressor` maps the landscape of the negative
log marginal likelihood over the kernel's log-hyperparameters, so it finds
both, tells how they are connected, and can predict with a mixture of them.
"""

# %%
# The data and the kernel of scikit-learn's example
# -------------------------------------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.gaussian_process.kernels import RBF, WhiteKernel

from sklandscape import LandscapeGPRegressor

rng = np.random.RandomState(0)
X = rng.uniform(0, 5, size=20).reshape(-1, 1)
y = 0.5 + np.sin(3 * X).ravel() + np.random.RandomState(1).normal(0, 0.3, size=20)

kernel = 1.0 * RBF(length_scale=1.0, length_scale_bounds=(1e-2, 1e3)) + WhiteKernel(
    noise_level=1e-2, noise_level_bounds=(1e-10, 1e1)
)
gp = LandscapeGPRegressor(kernel, alpha=0.0, n_hops=10, n_chains=2, random_state=0).fit(X, y)
print(gp.landscape_)

# %%
# The two optima
# --------------
# The energy is the negative log marginal likelihood: about 18.43 for the
# sine-following optimum, 23.50 for the all-noise one.
for i, energy in enumerate(gp.landscape_.minima.energy):
    fitted = gp.at_minimum(i).kernel_
    print(
        f"minimum {i}: -log marginal likelihood {energy:.2f}, "
        f"length scale {fitted.k1.k2.length_scale:.3g}, noise level {fitted.k2.noise_level:.3f}"
    )
barrier = gp.landscape_.barrier(0, 1)
print(f"the transition state between them lies at {barrier:.2f}")

# %%
# Predictions of each optimum, and of their mixture
# -------------------------------------------------
# ``prediction="mixture"`` weights every optimum by its occupation probability
# at T = 1, ``p_a ∝ exp(-L_a) / sqrt(det H_a)``: the Laplace approximation of
# the posterior of the hyperparameters. The all-noise optimum lies 5 units
# higher, which alone would give it a weight of ``exp(-5)``, but its basin is
# much wider: its length scale sits on the upper bound, where the loss is
# nearly flat, and that coordinate counts by its edge integral across the box
# (see the thermodynamics guide), so it keeps about a fifth of the weight: the
# mixture follows the sine, with a wider band where the two explanations
# disagree.
mixture = LandscapeGPRegressor(
    kernel, alpha=0.0, prediction="mixture", n_hops=10, n_chains=2, random_state=0
).fit(X, y)
weights = mixture.landscape_.occupation_probabilities(1.0)
print("posterior weights of the optima:", np.round(weights, 4))

grid = np.linspace(0, 5, 200).reshape(-1, 1)
panels = [
    ("minimum 0: follows the sine", gp.at_minimum(0)),
    ("minimum 1: everything is noise", gp.at_minimum(1)),
    ("mixture of the optima", mixture),
]
fig, axes = plt.subplots(1, 3, figsize=(13, 3.8), sharey=True)
for ax, (title, model) in zip(axes, panels, strict=True):
    mean, std = model.predict(grid, return_std=True)
    ax.plot(grid, 0.5 + np.sin(3 * grid), color="grey", linestyle="dashed", label="true")
    ax.scatter(X, y, color="black", s=12, label="observations")
    ax.plot(grid, mean, color="tab:blue", label="mean")
    ax.fill_between(grid.ravel(), mean - 1.96 * std, mean + 1.96 * std, alpha=0.25)
    ax.set(title=title, xlabel="x")
axes[0].set_ylabel("y")
axes[0].legend(loc="lower left")
fig.tight_layout()
