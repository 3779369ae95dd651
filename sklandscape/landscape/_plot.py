"""Matplotlib figures of a landscape: disconnectivity graph and heat capacity.

matplotlib is imported inside the functions only; nothing here changes rc
parameters or global state, and every function draws on the Axes it is given
(or on a new figure's) and returns it.
"""

import itertools
from collections.abc import Mapping

import numpy as np

from ._thermodynamics import HeatCapacityPeak, default_temperature_grid

__all__ = ["PlotMixin"]

PEAK_COLORS = {"C+": "tab:blue", "C-": "tab:red"}
#: What the default titles call the landscape of each objective (``metadata["objective"]``).
OBJECTIVE_NAMES = {
    "KMeansObjective": "K-means inertia",
    "GaussianProcessObjective": "Gaussian-process negative log marginal likelihood",
    "MLPObjective": "MLP training loss",
    "FunctionObjective": "a function",
}


def _landscape_name(landscape):
    """What the landscape is, for a title: ``metadata["title"]``, else its objective."""
    metadata = getattr(landscape, "metadata", {}) or {}
    if metadata.get("title"):
        return str(metadata["title"])
    objective = metadata.get("objective")
    if objective:
        return OBJECTIVE_NAMES.get(str(objective), str(objective))
    return (
        f"{_count(landscape.n_minima, 'minimum', 'minima')}, "
        f"{_count(landscape.n_transition_states, 'transition state', 'transition states')}"
    )


def _count(n, singular, plural):
    return f"{n} {singular if n == 1 else plural}"


def _set_title(ax, title, default):
    """``default`` when ``title`` is None; no title when it is empty."""
    text = default if title is None else str(title)
    if text:
        ax.set_title(text)


def _tree_note(tree, n_minima):
    """What the figure of ``tree`` shows and leaves out, one statement a line."""
    drawn = tree.minima.size
    above, not_joined = tree.left_out()
    if drawn == n_minima:
        shown = f"all {drawn} minima" if drawn > 1 else _count(drawn, "minimum", "minima")
    else:
        shown = f"{drawn} of {n_minima} minima drawn"
    if tree.n_components > 1:
        shown += f", in {tree.n_components} separate trees: no transition state found joins them"
    lines = [shown]
    n_trees = np.unique(tree.basin[-1, tree.minima]).size if drawn else 0
    if n_trees > tree.n_components:
        extra = n_trees - tree.n_components
        joins = "tree joins" if extra == 1 else "trees join"
        lines.append(f"{extra} more {joins} the others above the energy window")
    if above.size:
        lines.append(
            f"{_count(above.size, 'minimum', 'minima')} at or above the energy window "
            f"(E >= {tree.levels[-1]:.4g}) left out"
        )
    if not_joined.size:
        lines.append(
            f"{_count(not_joined.size, 'minimum', 'minima')} not joined to the global "
            "minimum left out (trim=True)"
        )
    return "\n".join(lines)


def _axes(ax):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots()
    return ax


def _highlight_sets(highlight):
    """``{label: int array}`` from a mapping or a HeatCapacityPeak; default colours."""
    if highlight is None:
        return {}, {}
    if isinstance(highlight, HeatCapacityPeak):
        sets = {"C+": highlight.c_plus_minima, "C-": highlight.c_minus_minima}
        return sets, dict(PEAK_COLORS)
    if not isinstance(highlight, Mapping):
        raise TypeError(
            "highlight must be a mapping {label: minima indices} or a HeatCapacityPeak, "
            f"got {type(highlight).__name__}."
        )
    return {str(k): np.asarray(list(v), dtype=np.int64) for k, v in highlight.items()}, {}


class PlotMixin:
    """Plotting methods of a landscape (mixed into Landscape)."""

    def plot_disconnectivity(
        self,
        ax=None,
        *,
        n_levels=20,
        energy_range=None,
        trim=False,
        highlight=None,
        colors=None,
        label_minima=None,
        linewidth=0.8,
        title=None,
    ):
        """Draw the disconnectivity graph (Becker & Karplus, J. Chem. Phys. 106, 1495 (1997)).

        Each minimum is a leaf starting at its energy; branches merge at the
        levels where transition states join superbasins (see
        :meth:`disconnectivity`). The global minimum's branch is central.
        Every minimum is drawn by default: minima that no transition state
        joins to the global minimum make separate trees to its right. The label
        under the graph says how many minima are drawn, in how many separate
        trees, and which were left out (by ``energy_range`` or ``trim``) and why,
        so a figure never hides minima silently.

        Parameters
        ----------
        ax : matplotlib Axes, optional
            Drawn on a new figure when omitted.
        n_levels, energy_range, trim
            As in :meth:`disconnectivity`.
        highlight : mapping or HeatCapacityPeak, optional
            ``{label: minima indices}`` to colour (with a legend), or a peak from
            :meth:`heat_capacity_peaks`, whose C+ minima are drawn blue and C-
            minima red (Niroomand et al., Digital Discovery 2024, Fig. 3).
        colors : mapping, optional
            ``{label: colour}`` for the highlighted sets (default: tab10 cycle).
        label_minima : bool or iterable of int, optional
            Write the index of these minima (``True``: every drawn minimum) under
            their leaves.
        linewidth : float, default=0.8
        title : str, optional
            Title of the Axes (``""``: none). Default: "Disconnectivity graph:"
            and what the landscape is (``metadata["title"]``, else its objective).

        Returns
        -------
        ax : matplotlib Axes
        """
        from matplotlib.collections import LineCollection

        ax = _axes(ax)
        tree = self.disconnectivity(n_levels, energy_range=energy_range, trim=trim)
        leaves = tree.leaf_segments()
        ax.add_collection(
            LineCollection(
                np.concatenate([tree.branch_segments(), leaves]),
                colors="black",
                linewidths=linewidth,
            )
        )
        sets, default_colors = _highlight_sets(highlight)
        colors = {**default_colors, **dict(colors or {})}
        position = np.full(self.n_minima, -1)
        position[tree.minima] = np.arange(tree.minima.size)
        cycle = itertools.cycle(f"C{i}" for i in range(10))
        for label, indices in sets.items():
            color = colors.get(label) or next(cycle)
            drawn = indices[(indices >= 0) & (indices < self.n_minima)]
            drawn = drawn[position[drawn] >= 0]
            ax.add_collection(
                LineCollection(
                    leaves[position[drawn]], colors=color, linewidths=2.0 * linewidth, label=label
                )
            )
        if label_minima is not None and label_minima is not False:
            chosen = tree.minima if label_minima is True else np.asarray(list(label_minima))
            for minimum in chosen:
                if 0 <= minimum < self.n_minima and position[minimum] >= 0:
                    ax.annotate(
                        str(int(minimum)),
                        (tree.leaf_x[minimum], tree.energy[minimum]),
                        xytext=(0, -3),
                        textcoords="offset points",
                        ha="center",
                        va="top",
                        fontsize="x-small",
                    )
        low = min(tree.energy[tree.minima].min(), tree.levels[0]) if tree.minima.size else 0
        margin = 0.04 * (tree.levels[-1] - low)
        right = np.nanmax(tree.leaf_x) + 1 if tree.minima.size else 1
        ax.set_xlim(-1, right)
        ax.set_ylim(low - margin, tree.levels[-1] + margin)
        ax.set_xticks([])
        ax.set_ylabel("energy (loss)")
        ax.set_xlabel(_tree_note(tree, self.n_minima), fontsize="small")
        _set_title(ax, title, f"Disconnectivity graph: {_landscape_name(self)}")
        if sets:
            ax.legend(loc="upper right", fontsize="small")
        return ax

    def plot_heat_capacity(
        self, T=None, ax=None, *, kinetic=False, split=True, peaks=True, title=None
    ):
        """Plot C_V(T) with its C+ and C- parts and the peaks marked.

        See :meth:`heat_capacity` (harmonic superposition; Niroomand et al.,
        Digital Discovery 2024, eq. 5) and :meth:`heat_capacity_peaks`.

        Parameters
        ----------
        T : array-like of shape (n_T,), optional
            Temperatures (default: :func:`default_temperature_grid`).
        ax : matplotlib Axes, optional
        kinetic : bool, default=False
            Include the kinetic ``kappa/2`` in C_V.
        split : bool, default=True
            Also draw C+ (blue) and C- (red).
        peaks : bool, default=True
            Mark the maxima found by :meth:`heat_capacity_peaks`.
        title : str, optional
            Title of the Axes (``""``: none). Default: "Heat capacity:" and what
            the landscape is (``metadata["title"]``, else its objective).

        Returns
        -------
        ax : matplotlib Axes
        """
        ax = _axes(ax)
        if T is None:
            T = default_temperature_grid(self.minima.energy, self.minima.log_hessian_product)
            if T.size < 3:
                scale = max(1.0, float(np.abs(self.minima.energy).max()))
                T = np.geomspace(1e-2 * scale, 1e2 * scale, 200)
        temperatures = np.sort(np.atleast_1d(np.asarray(T, dtype=float)))
        total, c_plus, c_minus = self.heat_capacity(temperatures, kinetic=kinetic, split=True)
        ax.plot(temperatures, total, color="black", label="$C_V$")
        if split:
            ax.plot(temperatures, c_plus, color=PEAK_COLORS["C+"], label="$C_+$")
            ax.plot(temperatures, c_minus, color=PEAK_COLORS["C-"], label="$C_-$")
        if peaks and temperatures.size >= 3:
            found = self.heat_capacity_peaks(temperatures, kinetic=kinetic)
            if found:
                ax.plot(
                    [p.temperature for p in found],
                    [p.height for p in found],
                    linestyle="none",
                    marker="v",
                    color="black",
                    label="peaks",
                )
        if temperatures[-1] > 100 * temperatures[0]:
            ax.set_xscale("log")
        ax.set_xlabel("temperature $T$ (energy units, $k_B = 1$)")
        ax.set_ylabel("heat capacity $C_V$ ($k_B$)")
        ax.legend(fontsize="small")
        _set_title(ax, title, f"Heat capacity: {_landscape_name(self)}")
        return ax
