"""
=====================================
Exploring the landscape of a function
=====================================

:func:`sklandscape.explore` maps the minima and the transition states of any
function written with scipy.optimize conventions. Here the function is the
three-hump camel, a classic test of global optimisation,

.. math::

    f(x, y) = 2x^2 - 1.05x^4 + \\frac{x^6}{6} + xy + y^2,

whose global minimum is at the origin, with two higher minima on either side.
"""

# %%
# The function and its gradient
# -----------------------------
# ``explore`` follows scipy.optimize: ``fun(x)`` returns the value, or the value
# and the gradient with ``jac=True``; ``bounds`` box the search.
import matplotlib.pyplot as plt
import numpy as np

import sklandscape as skl


def three_hump_camel(p):
    x, y = p
    value = 2 * x**2 - 1.05 * x**4 + x**6 / 6 + x * y + y**2
    gradient = np.array([4 * x - 4.2 * x**3 + x**5 + y, x + 2 * y])
    return value, gradient


landscape = skl.explore(
    three_hump_camel,
    jac=True,
    bounds=[(-2.5, 2.5), (-2.5, 2.5)],
    n_hops=20,
    n_chains=2,
    step_size=1.5,  # of the order of the distance between neighbouring minima
    temperature=0.5,  # of the order of the value differences between them
    random_state=0,
)
print(landscape)

# %%
# Minima and transition states
# ----------------------------
# Minima are sorted by value: minimum 0 is the global minimum. Every stored
# point is verified: a vanishing gradient and, for a transition state,
# exactly one negative Hessian eigenvalue.
for i, (energy, x) in enumerate(zip(landscape.minima.energy, landscape.minima.x, strict=True)):
    print(f"minimum {i}: f = {energy:.4f} at ({x[0]:+.4f}, {x[1]:+.4f})")
ts = landscape.transition_states
for energy, x, (a, b) in zip(ts.energy, ts.x, ts.minima, strict=True):
    print(f"transition state f = {energy:.4f} at ({x[0]:+.4f}, {x[1]:+.4f}) joins {a} and {b}")

# %%
# The surface, and its disconnectivity graph
# -------------------------------------------
# The disconnectivity graph draws each minimum as a branch ending at its value;
# branches join at the transition state that connects them. Here both side
# minima hang from the global minimum's trunk.
u = np.linspace(-2.5, 2.5, 200)
grid_x, grid_y = np.meshgrid(u, u)
values = three_hump_camel(np.array([grid_x, grid_y]))[0]

fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4.2))
contours = left.contourf(grid_x, grid_y, np.log1p(values - values.min()), levels=30)
fig.colorbar(contours, ax=left, label="log(1 + f - min f)")
left.plot(*landscape.minima.x.T, "o", color="white", label="minima")
left.plot(*ts.x.T, "x", color="red", markersize=9, label="transition states")
left.set(xlabel="x", ylabel="y", title="three-hump camel")
left.legend(loc="lower left")
landscape.plot_disconnectivity(ax=right, label_minima=True)
right.set_title("disconnectivity graph")
fig.tight_layout()

# %%
# The summary
# -----------
# One monotonic sequence basin (a single funnel), and the analogues of
# :doc:`../user_guide/thermodynamics` at the temperature of the heat-capacity peak.
for key, value in landscape.summary().items():
    print(f"{key}: {value}")
